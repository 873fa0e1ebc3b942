-- The periodic warning of account access that ends soon reads only the accounts it warns,
-- soonest first (tests/api/indexes.rs checks the plan on both databases): partial on what
-- the query states without a bound value, so the range and the order come from the index.
DROP INDEX social_accounts_expiry_idx;
CREATE INDEX social_accounts_expiry_idx ON social_accounts (status, token_expires_at, id)
    WHERE refresh_token IS NULL AND expiry_warned_at IS NULL;
