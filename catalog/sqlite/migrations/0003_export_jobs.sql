-- Export jobs (proceedings PDFs and bundles) made in the background. They
-- live in the database so that a restart marks the interrupted ones failed
-- instead of losing them.
CREATE TABLE export_jobs (
    id       TEXT PRIMARY KEY,
    kind     TEXT NOT NULL,
    status   TEXT NOT NULL,
    request  TEXT NOT NULL,
    done     INTEGER NOT NULL DEFAULT 0,
    total    INTEGER NOT NULL DEFAULT 0,
    error    TEXT NOT NULL DEFAULT '',
    file     TEXT NOT NULL DEFAULT '',
    size     INTEGER NOT NULL DEFAULT 0,
    actor    TEXT NOT NULL DEFAULT '',
    created  TEXT NOT NULL,
    started  TEXT,
    finished TEXT,
    expires  TEXT
);
CREATE INDEX export_jobs_status ON export_jobs(status, created);
