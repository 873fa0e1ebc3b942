//! What a member chose to take part in. Absent a row, everything is off: the leaderboard
//! lists only people who asked to be on it.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::member_preferences;
use crate::db::DbConn;
use crate::ids;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema, Queryable)]
pub struct Preferences {
    /// Appear on the org's leaderboard (`GET /leaderboard`).
    pub leaderboard_opt_in: bool,
    /// Moderators: receive the weekly report mail.
    pub weekly_report_opt_in: bool,
}

/// `PATCH /me`: what to change; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesChange {
    pub leaderboard_opt_in: Option<bool>,
    pub weekly_report_opt_in: Option<bool>,
}

pub fn of(conn: &mut DbConn, user_id: &str) -> QueryResult<Preferences> {
    Ok(member_preferences::table
        .find(user_id)
        .select((
            member_preferences::leaderboard_opt_in,
            member_preferences::weekly_report_opt_in,
        ))
        .first(conn)
        .optional()?
        .unwrap_or_default())
}

pub fn change(
    conn: &mut DbConn,
    user_id: &str,
    change: &PreferencesChange,
) -> QueryResult<Preferences> {
    let now = ids::now();
    let current = of(conn, user_id)?;
    let next = Preferences {
        leaderboard_opt_in: change
            .leaderboard_opt_in
            .unwrap_or(current.leaderboard_opt_in),
        weekly_report_opt_in: change
            .weekly_report_opt_in
            .unwrap_or(current.weekly_report_opt_in),
    };
    // No upsert across both backends (diesel's MultiConnection): update, else insert; a
    // concurrent first insert of the same member makes ours fail, and the update then holds.
    let set = (
        member_preferences::leaderboard_opt_in.eq(next.leaderboard_opt_in),
        member_preferences::weekly_report_opt_in.eq(next.weekly_report_opt_in),
        member_preferences::updated_at.eq(now),
    );
    let target = member_preferences::table.find(user_id);
    if diesel::update(target).set(set).execute(conn)? == 0 {
        // A savepoint: on PostgreSQL a failed statement spoils the transaction around it.
        let inserted = crate::db::transaction(conn, |conn| {
            diesel::insert_into(member_preferences::table)
                .values((member_preferences::user_id.eq(user_id), set))
                .execute(conn)
        });
        match inserted {
            Err(e) if crate::db::is_unique_violation(&e) => {
                diesel::update(target).set(set).execute(conn)?;
            }
            other => {
                other?;
            }
        }
    }
    Ok(next)
}

/// Members of `org_id` who chose the leaderboard.
pub fn on_leaderboard(conn: &mut DbConn, org_id: &str) -> QueryResult<Vec<String>> {
    use crate::db::schema::users;
    member_preferences::table
        .inner_join(users::table)
        .filter(users::org_id.eq(org_id))
        .filter(member_preferences::leaderboard_opt_in.eq(true))
        .select(users::id)
        .load(conn)
}

/// Addresses of the org's active comms team who chose the weekly report.
pub fn weekly_report_recipients(conn: &mut DbConn, org_id: &str) -> QueryResult<Vec<String>> {
    use crate::db::schema::users;
    member_preferences::table
        .inner_join(users::table)
        .filter(users::org_id.eq(org_id))
        .filter(users::status.eq("active"))
        .filter(users::role.eq_any(["moderator", "admin"]))
        .filter(member_preferences::weekly_report_opt_in.eq(true))
        .select(users::email)
        .load(conn)
}
