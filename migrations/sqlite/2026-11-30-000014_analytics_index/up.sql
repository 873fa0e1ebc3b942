-- Analytics read an org's shares published in a period, in time order.
CREATE INDEX shares_org_published_idx ON shares (org_id, published_at);
