-- The nodes sharing the catalogue, as each last reported itself: its
-- address, version, and the last change its search index applied.
CREATE TABLE nodes (
    name text PRIMARY KEY,
    url text NOT NULL,
    version text NOT NULL,
    revision bigint NOT NULL,
    started timestamptz NOT NULL,
    seen timestamptz NOT NULL
);
