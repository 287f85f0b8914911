-- Export jobs claimed by a node: node is who runs the job, beat when it last
-- said it still does. A running job whose beat is old is claimed by another
-- (SELECT ... FOR UPDATE SKIP LOCKED).
ALTER TABLE export_jobs ADD COLUMN node text NOT NULL DEFAULT '';
ALTER TABLE export_jobs ADD COLUMN beat text;
CREATE INDEX export_jobs_claim ON export_jobs(status, created, id);
