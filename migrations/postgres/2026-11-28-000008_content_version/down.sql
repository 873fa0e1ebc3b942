ALTER TABLE orgs DROP COLUMN content_version;
