-- Integrity: the gate's verdict stored with each story (so reads filter with an index instead
-- of re-running the detector), a folded search column (same answers on both databases), the
-- durable job queue (the outbox), and indexes for every list's filter and order.

-- The gate's verdict, recomputed by the story command path on every change. `publishable`:
-- approved and content clear; `verified_until`: the earliest verification expiry, after which
-- the verdict no longer holds; `policy_violations`: JSON, as shown in `authenticity`.
ALTER TABLE stories ADD COLUMN publishable BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE stories ADD COLUMN blocking_claims INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN verified_until TIMESTAMP;
ALTER TABLE stories ADD COLUMN policy_violations TEXT NOT NULL DEFAULT '[]';
-- NULL until the verdict is first computed (rows older than this migration; filled at start).
ALTER TABLE stories ADD COLUMN gate_checked_at TIMESTAMP;
-- Title and body case- and accent-folded by the app, so search matches the same on both.
ALTER TABLE stories ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
-- Who last changed the content (the four-eyes rule: a writer may not verify or approve).
ALTER TABLE stories ADD COLUMN last_editor_id TEXT REFERENCES users(id);
ALTER TABLE claims ADD COLUMN created_by TEXT REFERENCES users(id);

CREATE INDEX stories_org_id_idx ON stories (org_id, id);
CREATE INDEX stories_org_author_idx ON stories (org_id, author_id, id);
CREATE INDEX stories_feed_idx ON stories (org_id, publishable, id);
CREATE INDEX stories_verified_until_idx ON stories (verified_until);
CREATE INDEX stories_expiry_idx ON stories (status, expires_at);
CREATE INDEX stories_gate_checked_idx ON stories (gate_checked_at);
CREATE INDEX stories_last_editor_idx ON stories (last_editor_id);
CREATE INDEX claims_created_by_idx ON claims (created_by);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
CREATE INDEX refresh_tokens_live_family_idx ON refresh_tokens (family_id, revoked_at);

-- The outbox: anything that leaves the process is a row here, written in the transaction
-- that caused it and run by a worker. A done job is deleted; a failed one stays visible.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT REFERENCES orgs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'failed')),
    run_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    locked_by TEXT,
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX jobs_due_idx ON jobs (status, run_at);
CREATE INDEX jobs_org_idx ON jobs (org_id, status, id);
CREATE INDEX jobs_locked_by_idx ON jobs (locked_by);
