ALTER TABLE shares DROP COLUMN post_changed_at;
ALTER TABLE shares DROP COLUMN post_reason;
ALTER TABLE shares DROP COLUMN post_state;
