-- What Annals learned from a file's bytes, by SHA-256, made in the
-- background by a follower of the change log: a PDF's pages, its first
-- page's image, its text page by page; and where in the log each such
-- follower has come to.
CREATE TABLE file_analyses (
    sha256     TEXT PRIMARY KEY,
    state      TEXT NOT NULL,            -- done, failed
    pages      INTEGER NOT NULL DEFAULT 0,
    reason     TEXT NOT NULL DEFAULT '',
    thumbnail  BLOB,
    text_state TEXT NOT NULL DEFAULT '', -- done, no-text, failed
    characters INTEGER NOT NULL DEFAULT 0,
    analyzed   TEXT NOT NULL
) STRICT;
-- The text of each page, DEFLATE-compressed UTF-8. Written before the
-- analysis row, which marks them complete.
CREATE TABLE file_pages (
    sha256 TEXT NOT NULL,
    page   INTEGER NOT NULL,             -- 1-based
    text   BLOB NOT NULL,
    PRIMARY KEY (sha256, page)
) STRICT, WITHOUT ROWID;
CREATE TABLE followers (
    name     TEXT PRIMARY KEY,
    revision INTEGER NOT NULL
) STRICT;
