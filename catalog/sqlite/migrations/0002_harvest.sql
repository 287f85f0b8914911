-- Harvesting (OAI-PMH): a record is exposed once it has been published, and
-- stays exposed (as deleted) if it is withdrawn, unpublished or deleted, so
-- that harvesters hear of it; drafts never published are never shown.
-- topics holds "|key|key|" for topic sets.
ALTER TABLE records ADD COLUMN exposed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE records ADD COLUMN topics TEXT NOT NULL DEFAULT '';

UPDATE records SET exposed = 1 WHERE status = 'published'
    OR EXISTS (SELECT 1 FROM changes c WHERE c.entity = 'record' AND c.entity_id = records.id
               AND json_extract(c.doc, '$.status') = 'published');
UPDATE records SET topics = coalesce((SELECT '|' || group_concat(t.value, '|') || '|'
    FROM changes c, json_each(c.doc, '$.topics') t WHERE c.revision = records.rev), '');

CREATE INDEX records_harvest ON records(exposed, updated, seq);
