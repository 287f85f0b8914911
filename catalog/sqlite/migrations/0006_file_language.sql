-- The language a file's text was detected to be in (ISO 639-1; '' when it
-- could not be told).
ALTER TABLE file_analyses ADD COLUMN language TEXT NOT NULL DEFAULT '';
