-- The harvest datestamp of a record (OAI-PMH): when it last changed, or when
-- its event last changed, whichever is later, since its Dublin Core carries
-- the event's name, place and dates. An incremental harvest from= the edit
-- of an event then hears of its records.
ALTER TABLE records ADD COLUMN stamped TEXT;
UPDATE records SET stamped = updated;
DROP INDEX IF EXISTS records_harvest;
CREATE INDEX records_harvest ON records(exposed, stamped, seq);
