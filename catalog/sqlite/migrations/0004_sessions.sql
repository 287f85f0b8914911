-- Librarians' sign-in sessions, so that signing out ends a session on the
-- server: a copy of the cookie taken before no longer opens anything.
CREATE TABLE sessions (
    id       TEXT PRIMARY KEY,   -- the random secret the cookie carries (signed)
    token_id TEXT NOT NULL REFERENCES tokens(id),
    created  TEXT NOT NULL,
    expires  TEXT NOT NULL,
    ended    TEXT                -- signed out; NULL while live
) STRICT;
CREATE INDEX sessions_expires ON sessions(expires);
