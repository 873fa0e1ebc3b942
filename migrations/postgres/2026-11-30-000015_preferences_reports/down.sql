DROP TABLE weekly_reports;
DROP TABLE member_preferences;
