DROP INDEX jobs_due_idx;
CREATE INDEX jobs_due_idx ON jobs (status, run_at);
DROP INDEX audit_events_object_idx;
CREATE INDEX audit_events_object_idx ON audit_events (object_type, object_id);
DROP INDEX stories_publish_from_idx;
DROP INDEX stories_review_notice_idx;
DROP INDEX stories_review_queue_idx;
CREATE INDEX stories_org_submitted_idx ON stories (org_id, status, submitted_at);
