-- What makes two records the same work for an import (catalog.DuplicateKeys:
-- the DOI; a hash of the folded title, year and first contributor), for
-- every live record. Filled by Apply; records stored before this migration
-- are keyed when the store opens.
CREATE TABLE record_keys (
    key TEXT NOT NULL,
    id  TEXT NOT NULL,
    PRIMARY KEY (key, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX record_keys_id ON record_keys(id);
