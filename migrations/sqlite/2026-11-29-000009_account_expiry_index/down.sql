DROP INDEX social_accounts_expiry_idx;
CREATE INDEX social_accounts_expiry_idx ON social_accounts (status, token_expires_at);
