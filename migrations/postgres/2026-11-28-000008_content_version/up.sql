-- Bumped in the transaction of every change that can alter what the org's stories show
-- (the story command path, erasure), and read with the caller on every request: a process
-- keeping a rendered feed page knows at once, whichever process made the change, that the
-- page no longer holds.
ALTER TABLE orgs ADD COLUMN content_version BIGINT NOT NULL DEFAULT 0;
