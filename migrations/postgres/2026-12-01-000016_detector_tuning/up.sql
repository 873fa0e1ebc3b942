-- What the org's moderators taught the claim detector: each sentence they judged (a
-- dismissal as "not a claim" is a negative, a manual claim or another verdict a positive),
-- the latest judgement per sentence.
CREATE TABLE detector_examples (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    normalized TEXT NOT NULL,
    text TEXT NOT NULL,
    language TEXT NOT NULL,
    is_claim BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, normalized)
);
CREATE INDEX detector_examples_org_created ON detector_examples (org_id, created_at);
CREATE INDEX detector_examples_story ON detector_examples (story_id);
-- The org's adjustment of the global model, refitted from its examples by a job.
CREATE TABLE detector_adjustments (
    org_id TEXT PRIMARY KEY NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    examples INTEGER NOT NULL,
    version BIGINT NOT NULL,
    fitted_at TIMESTAMP NOT NULL
);
-- Why the detector flagged a claim (a JSON array of short reasons); NULL for manual claims
-- and for claims found before the detector gave reasons.
ALTER TABLE claims ADD COLUMN why TEXT;
