DROP INDEX shares_org_published_idx;
