-- What each member chose to take part in: the leaderboard (off unless they opt in: there is
-- never a list of who did not share) and the weekly report mail (moderators).
CREATE TABLE member_preferences (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    leaderboard_opt_in BOOLEAN NOT NULL DEFAULT FALSE,
    weekly_report_opt_in BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP NOT NULL
);
-- One weekly report per org and ISO week, whichever instance gets there first.
CREATE TABLE weekly_reports (
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    week TEXT NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, week)
);
