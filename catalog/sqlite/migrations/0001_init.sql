-- Every version of every document lives once, in the change log; records
-- and events are rows of the fields listings filter and sort on, pointing
-- at the change that holds their current document (rev). Writing each
-- document once halves what a write puts on disk.

-- The change log: one row per write, in the same transaction as the write.
-- The search index and harvesters follow it by revision.
CREATE TABLE changes (
    revision  INTEGER PRIMARY KEY AUTOINCREMENT,
    entity    TEXT NOT NULL,      -- 'record' or 'event'
    entity_id TEXT NOT NULL,
    op        TEXT NOT NULL,      -- 'create', 'update', 'delete'
    time      TEXT NOT NULL,
    actor     TEXT NOT NULL,
    prev      INTEGER REFERENCES changes(revision), -- this entity's previous change
    doc       TEXT                -- the document after the change; NULL for a delete
) STRICT;
CREATE INDEX changes_entity ON changes(entity, entity_id, revision);

CREATE TABLE events (
    id       TEXT PRIMARY KEY,
    version  INTEGER NOT NULL,
    created  TEXT NOT NULL,
    updated  TEXT NOT NULL,
    deleted  TEXT,                -- tombstone time; NULL while live
    rev      INTEGER NOT NULL REFERENCES changes(revision) -- current (or, deleted, last) document
) STRICT;

CREATE TABLE records (
    seq      INTEGER PRIMARY KEY, -- insertion order: "newest first" and cursors
    id       TEXT NOT NULL UNIQUE,
    kind     TEXT NOT NULL,
    status   TEXT NOT NULL,
    event    TEXT REFERENCES events(id),
    session  TEXT,
    version  INTEGER NOT NULL,
    created  TEXT NOT NULL,
    updated  TEXT NOT NULL,
    deleted  TEXT,                -- tombstone time; NULL while live
    rev      INTEGER NOT NULL REFERENCES changes(revision) -- current (or, deleted, last) document
) STRICT;
CREATE INDEX records_kind ON records(kind, seq);
CREATE INDEX records_event ON records(event, session, seq);

CREATE TABLE tokens (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    role      TEXT NOT NULL,
    hash      BLOB NOT NULL UNIQUE,
    created   TEXT NOT NULL,
    last_used TEXT,
    revoked   TEXT
) STRICT;
