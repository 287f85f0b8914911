-- What a finished export left out and why (a paper that needs a password,
-- a PDF that could not be stamped): a JSON array of sentences.
ALTER TABLE export_jobs ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
