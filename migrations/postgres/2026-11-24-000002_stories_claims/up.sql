-- Stories (company stories and ambassador testimonials), their topics, and the claims found
-- in them. A story is publishable only while every claim is verified or dismissed.

CREATE TABLE stories (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('company', 'testimonial')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link_url TEXT,
    media_urls TEXT NOT NULL,
    language TEXT NOT NULL,
    captions TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'approved', 'rejected', 'changes_requested', 'archived', 'retracted')),
    publish_from TIMESTAMP,
    expires_at TIMESTAMP,
    submitted_at TIMESTAMP,
    review_notified_at TIMESTAMP,
    decided_at TIMESTAMP,
    decided_by TEXT REFERENCES users(id),
    decision_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX stories_org_status_idx ON stories (org_id, status, id);
CREATE INDEX stories_org_submitted_idx ON stories (org_id, status, submitted_at);
CREATE INDEX stories_author_id_idx ON stories (author_id);
CREATE INDEX stories_decided_by_idx ON stories (decided_by);

CREATE TABLE story_topics (
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    PRIMARY KEY (story_id, topic)
);
CREATE INDEX story_topics_topic_idx ON story_topics (topic, story_id);

CREATE TABLE claims (
    id TEXT PRIMARY KEY NOT NULL,
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    text TEXT NOT NULL,
    normalized TEXT NOT NULL,
    kind TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('detected', 'manual')),
    status TEXT NOT NULL CHECK (status IN ('unverified', 'verified', 'disputed', 'refuted', 'dismissed')),
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    evidence_url TEXT,
    evidence_note TEXT,
    reason TEXT,
    decided_by TEXT REFERENCES users(id),
    decided_at TIMESTAMP,
    verification_expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX claims_story_id_idx ON claims (story_id, status);
CREATE INDEX claims_decided_by_idx ON claims (decided_by);
