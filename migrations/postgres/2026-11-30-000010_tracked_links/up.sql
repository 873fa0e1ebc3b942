-- Clicks on tracked links (`GET /r/{code}`), per share and UTC day, with the referrer's host
-- and a coarse device class; no address, no user agent. Written in batches by each process
-- (an upsert adding its counts, at most a second apart), never one row update per click.
-- `previews` counts link-preview crawlers and HEAD requests, which are not people.
-- No foreign key to shares: a batch must never be refused for good (shares are never
-- deleted; an erased user's shares are kept anonymised).
CREATE TABLE link_clicks (
    share_id TEXT NOT NULL,
    day DATE NOT NULL,
    -- '' when the browser sent no (or no readable) Referer
    referrer_host TEXT NOT NULL DEFAULT '',
    device TEXT NOT NULL CHECK (device IN ('mobile', 'desktop', 'other')),
    clicks BIGINT NOT NULL DEFAULT 0,
    previews BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (share_id, day, referrer_host, device)
);
-- Each process keeps the code → target table in memory and polls what changed since its
-- last look: shares (created, cancelled, retracted), stories (title, link, status) and orgs
-- (the policy's fallback page for withdrawn links).
CREATE INDEX shares_updated_idx ON shares (updated_at);
CREATE INDEX stories_updated_idx ON stories (updated_at);
CREATE INDEX orgs_updated_idx ON orgs (updated_at);
