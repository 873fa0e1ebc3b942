DROP TABLE share_metrics;
