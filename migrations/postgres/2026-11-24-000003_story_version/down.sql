ALTER TABLE stories DROP COLUMN version;
