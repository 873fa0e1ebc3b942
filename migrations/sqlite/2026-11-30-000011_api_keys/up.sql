-- The careers page: API keys an admin manages, the authors' own profile for their
-- testimonials, and the indexes the public read and the key checks use.

-- A key is looked up by its hash on every public request, and listed per org newest first.
ALTER TABLE api_keys ADD COLUMN rate_limit_per_min INTEGER NOT NULL DEFAULT 600;
CREATE UNIQUE INDEX api_keys_key_hash_idx ON api_keys (key_hash);
DROP INDEX api_keys_org_id_idx;
CREATE INDEX api_keys_org_id_idx ON api_keys (org_id, id);
-- The origins each key allows, one row each, so a CORS preflight (which carries no key)
-- asks "does any active key allow this origin" with an index.
CREATE TABLE api_key_origins (
    origin TEXT NOT NULL,
    key_id TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
    PRIMARY KEY (origin, key_id)
);
CREATE INDEX api_key_origins_key_id_idx ON api_key_origins (key_id);

-- What an author shows beside their testimonials, as they chose: job title and photo only
-- when they say so; team and location are what the careers page filters by.
ALTER TABLE users ADD COLUMN job_title TEXT;
ALTER TABLE users ADD COLUMN photo_url TEXT;
ALTER TABLE users ADD COLUMN team TEXT;
ALTER TABLE users ADD COLUMN location TEXT;
ALTER TABLE users ADD COLUMN show_job_title BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN show_photo BOOLEAN NOT NULL DEFAULT 0;

-- The testimonials projection reads an org's published careers-page shares.
CREATE INDEX shares_channel_status_idx ON shares (org_id, channel, status, id);
