-- What a network reported about a published share, one row per poll (after 1 h, 24 h, 7 d and
-- 30 d by default). A figure the network does not report stays NULL: never an estimate.
CREATE TABLE share_metrics (
    id TEXT PRIMARY KEY NOT NULL,
    share_id TEXT NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    taken_at TIMESTAMP NOT NULL,
    impressions BIGINT,
    reactions BIGINT,
    comments BIGINT,
    reshares BIGINT,
    network_clicks BIGINT
);
-- A share's latest snapshot, and an org's snapshots over a period (analytics).
CREATE INDEX share_metrics_share_idx ON share_metrics (share_id, taken_at);
CREATE INDEX share_metrics_org_idx ON share_metrics (org_id, taken_at);
