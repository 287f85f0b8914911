-- The catalogue on PostgreSQL: the same tables as on SQLite (see
-- catalog/sqlite/migrations), as they stand after its migration 0009.
-- Times are text in one fixed layout (2006-01-02T15:04:05.000000Z), as on
-- SQLite, so that datestamps and cursors compare and encode the same way
-- on both stores.

-- The change log. revision orders it: (epoch, xid, n), see revision.go.
-- Followers read only changes of transactions below the oldest one still
-- running, so a transaction that commits late can never be skipped.
CREATE TABLE changes (
    revision  bigint PRIMARY KEY,
    epoch     integer NOT NULL,
    xid       xid8 NOT NULL,
    entity    text NOT NULL,
    entity_id text NOT NULL,
    op        text NOT NULL,
    time      text NOT NULL,
    actor     text NOT NULL,
    prev      bigint REFERENCES changes(revision),
    doc       text
);
CREATE INDEX changes_entity ON changes(entity, entity_id, revision);

-- The epoch leads every revision: it grows when the store finds the
-- server's transaction ids behind those in the log (a restore into a new
-- cluster), so that revisions never go back.
CREATE TABLE log_epoch (
    epoch integer NOT NULL
);
INSERT INTO log_epoch (epoch) VALUES (0);

CREATE TABLE events (
    id      text PRIMARY KEY,
    version integer NOT NULL,
    created text NOT NULL,
    updated text NOT NULL,
    deleted text,
    rev     bigint NOT NULL REFERENCES changes(revision)
);

CREATE TABLE records (
    seq     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id      text NOT NULL UNIQUE,
    kind    text NOT NULL,
    status  text NOT NULL,
    event   text REFERENCES events(id),
    session text,
    version integer NOT NULL,
    created text NOT NULL,
    updated text NOT NULL,
    deleted text,
    rev     bigint NOT NULL REFERENCES changes(revision),
    exposed boolean NOT NULL DEFAULT false,
    topics  text NOT NULL DEFAULT '',
    stamped text
);
CREATE INDEX records_kind ON records(kind, seq);
CREATE INDEX records_event ON records(event, session, seq);
CREATE INDEX records_harvest ON records(exposed, stamped, seq);

CREATE TABLE record_keys (
    key text NOT NULL,
    id  text NOT NULL,
    PRIMARY KEY (key, id)
);
CREATE INDEX record_keys_id ON record_keys(id);

CREATE TABLE tokens (
    id        text PRIMARY KEY,
    name      text NOT NULL UNIQUE,
    role      text NOT NULL,
    hash      bytea NOT NULL UNIQUE,
    created   text NOT NULL,
    last_used text,
    revoked   text
);

CREATE TABLE sessions (
    id       text PRIMARY KEY,
    token_id text NOT NULL REFERENCES tokens(id),
    created  text NOT NULL,
    expires  text NOT NULL,
    ended    text
);
CREATE INDEX sessions_expires ON sessions(expires);

CREATE TABLE export_jobs (
    id       text PRIMARY KEY,
    kind     text NOT NULL,
    status   text NOT NULL,
    request  text NOT NULL,
    done     integer NOT NULL DEFAULT 0,
    total    integer NOT NULL DEFAULT 0,
    error    text NOT NULL DEFAULT '',
    file     text NOT NULL DEFAULT '',
    size     bigint NOT NULL DEFAULT 0,
    actor    text NOT NULL DEFAULT '',
    created  text NOT NULL,
    started  text,
    finished text,
    expires  text,
    warnings text NOT NULL DEFAULT '[]'
);
CREATE INDEX export_jobs_status ON export_jobs(status, created);

CREATE TABLE file_analyses (
    sha256     text PRIMARY KEY,
    state      text NOT NULL,
    pages      integer NOT NULL DEFAULT 0,
    reason     text NOT NULL DEFAULT '',
    thumbnail  bytea,
    text_state text NOT NULL DEFAULT '',
    characters integer NOT NULL DEFAULT 0,
    analyzed   text NOT NULL,
    language   text NOT NULL DEFAULT ''
);

CREATE TABLE file_pages (
    sha256 text NOT NULL,
    page   integer NOT NULL,
    text   bytea NOT NULL,
    PRIMARY KEY (sha256, page)
);

CREATE TABLE followers (
    name     text PRIMARY KEY,
    revision bigint NOT NULL
);
