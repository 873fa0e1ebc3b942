DROP TABLE idempotency_keys;
DROP TABLE audit_events;
DROP TABLE api_keys;
DROP TABLE refresh_tokens;
DROP TABLE login_links;
DROP TABLE consents;
DROP TABLE users;
DROP TABLE orgs;
