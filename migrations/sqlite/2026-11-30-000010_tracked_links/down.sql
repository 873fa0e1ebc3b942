DROP INDEX orgs_updated_idx;
DROP INDEX stories_updated_idx;
DROP INDEX shares_updated_idx;
DROP TABLE link_clicks;
