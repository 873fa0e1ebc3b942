-- Every list and every periodic query reads only the rows it returns, in the order it returns
-- them, whatever the number of rows (tests/api/indexes.rs checks each plan on both databases).

-- The review queue pages by (submitted_at, id): an index ending at submitted_at left the
-- tie-break to a sort of the whole queue.
DROP INDEX stories_org_submitted_idx;
CREATE INDEX stories_review_queue_idx ON stories (org_id, status, submitted_at, id);
-- The digest's stories that entered review since the last mail, across orgs, oldest first.
-- Partial on the one condition the query states without a bound value (both databases use
-- a partial index only when the query's WHERE provably implies it); `IS NULL` as a column of
-- the index would not count as an equality for PostgreSQL, which would then sort.
CREATE INDEX stories_review_notice_idx ON stories (status, submitted_at)
    WHERE review_notified_at IS NULL;
-- When the next scheduled story of an org enters its feed (the feed cache's expiry).
CREATE INDEX stories_publish_from_idx ON stories (org_id, publishable, publish_from);
-- An object's trail is read within its org, newest first.
DROP INDEX audit_events_object_idx;
CREATE INDEX audit_events_object_idx ON audit_events (org_id, object_type, object_id, id);
-- The worker takes due jobs in (run_at, id) order.
DROP INDEX jobs_due_idx;
CREATE INDEX jobs_due_idx ON jobs (status, run_at, id);
