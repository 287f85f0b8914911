-- Failed credentials per client address, counted for every node: credit is
-- the attempts left at the time at (refilled with time by the reader).
CREATE TABLE auth_failures (
    client text PRIMARY KEY,
    credit double precision NOT NULL,
    at timestamptz NOT NULL
);
CREATE INDEX auth_failures_at ON auth_failures(at);
