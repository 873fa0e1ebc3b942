-- Publishing: versioned consent texts, connected social accounts (tokens sealed by the app),
-- OAuth state for the connect flow, one registered app per Mastodon instance, and shares.

-- Each org's consent text; the highest version is current. Agreements (`consents`) name the
-- version agreed to, so a new version asks everyone to agree again.
CREATE TABLE consent_texts (
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    text TEXT NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, version)
);
CREATE INDEX consent_texts_created_by_idx ON consent_texts (created_by);
INSERT INTO consent_texts (org_id, version, text, created_by, created_at)
SELECT id, 1, 'I volunteer to share stories of my workplace under my own name. I may edit them, and every post I make through Vouch says that I work here. I can withdraw at any time: my scheduled posts are then cancelled and my testimonials leave the careers page.', NULL, created_at
FROM orgs;
CREATE INDEX consents_user_live_idx ON consents (user_id, withdrawn_at);

-- An ambassador's account on a network. Tokens are sealed (AEAD, key id in the value); a
-- withdrawn or disconnected account keeps its row (shares point at it) without tokens.
CREATE TABLE social_accounts (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    network TEXT NOT NULL CHECK (network IN ('linkedin', 'x', 'mastodon', 'bluesky')),
    base_url TEXT,
    external_user_id TEXT NOT NULL,
    handle TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('connected', 'needs_reconnect', 'revoked')),
    access_token TEXT,
    refresh_token TEXT,
    token_expires_at TIMESTAMP,
    scope TEXT,
    -- Bumped by every token change: a refresh that lost a race sees it and uses the winner's.
    token_generation INTEGER NOT NULL DEFAULT 0,
    -- Whoever holds this lease refreshes; others wait for the new generation (X refresh
    -- tokens are single-use).
    refresh_lease_until TIMESTAMP,
    -- Set from the network's rate-limit signal; every job of the account waits until then.
    rate_limited_until TIMESTAMP,
    expiry_warned_at TIMESTAMP,
    connected_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, network)
);
CREATE INDEX social_accounts_org_idx ON social_accounts (org_id, id);
CREATE INDEX social_accounts_expiry_idx ON social_accounts (status, token_expires_at);

-- The connect flow's `state`, stored hashed, single-use and short-lived.
CREATE TABLE oauth_states (
    state_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    network TEXT NOT NULL,
    instance_url TEXT,
    pkce_verifier TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX oauth_states_user_idx ON oauth_states (user_id);
CREATE INDEX oauth_states_expiry_idx ON oauth_states (expires_at);

-- One registered app per Mastodon instance, kept and reused (secret sealed).
CREATE TABLE mastodon_apps (
    instance_url TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL,
    client_secret TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- One ambassador publishing one story to one channel.
CREATE TABLE shares (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    channel TEXT NOT NULL CHECK (channel IN ('linkedin', 'x', 'mastodon', 'bluesky', 'careers_page')),
    account_id TEXT REFERENCES social_accounts(id),
    status TEXT NOT NULL CHECK (status IN ('pending_review', 'scheduled', 'publishing', 'published', 'failed', 'cancelled', 'retracted')),
    text TEXT NOT NULL,
    tracked_code TEXT NOT NULL UNIQUE,
    scheduled_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    external_id TEXT,
    external_url TEXT,
    error TEXT,
    review_reason TEXT,
    decided_by TEXT REFERENCES users(id),
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX shares_org_idx ON shares (org_id, id);
CREATE INDEX shares_org_status_idx ON shares (org_id, status, id);
CREATE INDEX shares_user_idx ON shares (user_id, id);
CREATE INDEX shares_user_created_idx ON shares (user_id, created_at);
CREATE INDEX shares_story_idx ON shares (story_id, status);
CREATE INDEX shares_account_idx ON shares (account_id);
CREATE INDEX shares_decided_by_idx ON shares (decided_by);
