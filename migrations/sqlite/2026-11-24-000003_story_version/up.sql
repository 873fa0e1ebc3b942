-- Optimistic concurrency: every write of a story names the version it read, so a decision
-- taken on one text can never land on another.
ALTER TABLE stories ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
