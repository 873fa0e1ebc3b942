DROP TABLE shares;
DROP TABLE mastodon_apps;
DROP TABLE oauth_states;
DROP TABLE social_accounts;
DROP INDEX consents_user_live_idx;
DROP TABLE consent_texts;
