-- What Annals learned from a file's bytes (a PDF's pages, its first-page
-- image), by SHA-256, made in the background by a follower of the change
-- log; and where in the log each such follower has come to.
CREATE TABLE file_analyses (
    sha256    TEXT PRIMARY KEY,
    state     TEXT NOT NULL,
    pages     INTEGER NOT NULL DEFAULT 0,
    reason    TEXT NOT NULL DEFAULT '',
    thumbnail BLOB,
    analyzed  TEXT NOT NULL
) STRICT;
CREATE TABLE followers (
    name     TEXT PRIMARY KEY,
    revision INTEGER NOT NULL
) STRICT;
