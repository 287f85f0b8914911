-- Export jobs claimed by a node (several nodes share a PostgreSQL catalogue;
-- on SQLite there is one): node is who runs the job, beat when it last said
-- it still does. A running job whose beat is old is claimed by another.
ALTER TABLE export_jobs ADD COLUMN node TEXT NOT NULL DEFAULT '';
ALTER TABLE export_jobs ADD COLUMN beat TEXT;
