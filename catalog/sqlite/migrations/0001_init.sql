-- Records and events keep their whole JSON document in doc; the other
-- columns are copies of fields that listings filter and sort on.
CREATE TABLE events (
    id       TEXT PRIMARY KEY,
    version  INTEGER NOT NULL,
    created  TEXT NOT NULL,
    updated  TEXT NOT NULL,
    deleted  TEXT,                -- tombstone time; NULL while live
    doc      TEXT NOT NULL
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
    doc      TEXT NOT NULL
) STRICT;
CREATE INDEX records_live ON records(deleted, seq);
CREATE INDEX records_kind ON records(kind, seq);
CREATE INDEX records_event ON records(event, session, seq);

-- The change log: one row per write, in the same transaction as the write.
-- The search index and harvesters follow it by revision.
CREATE TABLE changes (
    revision  INTEGER PRIMARY KEY AUTOINCREMENT,
    entity    TEXT NOT NULL,      -- 'record' or 'event'
    entity_id TEXT NOT NULL,
    op        TEXT NOT NULL,      -- 'create', 'update', 'delete'
    time      TEXT NOT NULL,
    actor     TEXT NOT NULL,
    before    TEXT,
    after     TEXT
) STRICT;
CREATE INDEX changes_entity ON changes(entity, entity_id, revision);

CREATE TABLE tokens (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    role      TEXT NOT NULL,
    hash      BLOB NOT NULL UNIQUE,
    created   TEXT NOT NULL,
    last_used TEXT,
    revoked   TEXT
) STRICT;
