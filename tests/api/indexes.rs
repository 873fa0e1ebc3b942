//! Every list and every periodic query is served by an index for its filter and its order,
//! on the database under test. The plans are those of the repositories' own query builders
//! (`*_query`), so a change to a query or a dropped index fails here, not in production.
//!
//! SQLite: `EXPLAIN QUERY PLAN` must SEARCH the table with an index (never SCAN it) and never
//! build a temp B-tree for ORDER BY. PostgreSQL: `EXPLAIN` in a session that makes sequential
//! scans and sorts a last resort (tiny test tables would otherwise be read whole, which says
//! nothing about whether an index can serve them) must show neither, and must bound an index
//! with an `Index Cond` (walking a whole index is a scan too).

use chrono::Duration;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Integer, Text};
use vouch::accounts::Role;
use vouch::db::{DbConn, MultiBackend};
use vouch::ids;

use crate::helpers::spawn_app;

/// `EXPLAIN <query>` (PostgreSQL: one text column per plan line).
struct Explain<Q>(Q);

/// `EXPLAIN QUERY PLAN <query>` (SQLite: id, parent, notused, detail).
struct ExplainQueryPlan<Q>(Q);

macro_rules! explain_fragment {
    ($name:ident, $prefix:literal, $sql_type:ty) => {
        impl<Q: QueryFragment<MultiBackend>> QueryFragment<MultiBackend> for $name<Q> {
            fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
                out.push_sql($prefix);
                self.0.walk_ast(out.reborrow())
            }
        }
        impl<Q> QueryId for $name<Q> {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }
        impl<Q> Query for $name<Q> {
            type SqlType = $sql_type;
        }
        impl<Q> RunQueryDsl<DbConn> for $name<Q> {}
    };
}

explain_fragment!(Explain, "EXPLAIN ", Text);
explain_fragment!(
    ExplainQueryPlan,
    "EXPLAIN QUERY PLAN ",
    (Integer, Integer, Integer, Text)
);

/// What is wrong with the plan of `query` on `table`, if anything; the plan is returned too.
fn check<Q: QueryFragment<MultiBackend>>(
    conn: &mut DbConn,
    table: &str,
    query: Q,
) -> (Vec<String>, Option<String>) {
    match conn {
        DbConn::Sqlite(_) => {
            let plan: Vec<String> = ExplainQueryPlan(query)
                .load::<(i32, i32, i32, String)>(conn)
                .expect("explain query plan")
                .into_iter()
                .map(|(_, _, _, detail)| detail)
                .collect();
            let problem = if plan.iter().any(|l| l.starts_with(&format!("SCAN {table}"))) {
                Some(format!("{table} is scanned"))
            } else if !plan
                .iter()
                .any(|l| l.starts_with(&format!("SEARCH {table} USING")))
            {
                Some(format!("no index search on {table}"))
            } else if plan.iter().any(|l| l.contains("TEMP B-TREE")) {
                Some("sorted in a temp B-tree".to_string())
            } else {
                None
            };
            (plan, problem)
        }
        DbConn::Postgresql(_) => {
            let plan: Vec<String> = Explain(query).load::<String>(conn).expect("explain");
            let problem = if plan.iter().any(|l| l.contains("Seq Scan")) {
                Some("sequential scan".to_string())
            } else if plan.iter().any(|l| l.contains("Sort  (")) {
                Some("sorted".to_string())
            } else if !plan.iter().any(|l| l.contains("Index Cond")) {
                Some("no index condition".to_string())
            } else {
                None
            };
            (plan, problem)
        }
    }
}

#[tokio::test]
async fn every_list_and_periodic_query_is_served_by_an_index() {
    let app = spawn_app().await;
    let admin = app.org("plans").await;
    let ambassador = app.member(&admin, "amara", Role::Ambassador).await;
    let (org_id, user_id) = (admin.org_id.clone(), ambassador.id.clone());
    let url = app.db.url().to_string();
    let failures = tokio::task::spawn_blocking(move || {
        // A connection of its own: the PostgreSQL settings below must not leak into the app's.
        // No ANALYZE: with one org in the database, statistics would make `org_id = ?` look
        // unselective and a walk of the primary key look as good as the org's index.
        let pool = vouch::db::pool(&url, 1).unwrap();
        let mut conn = pool.get().unwrap();
        vouch::demo::seed_stories(&mut conn, "plans", 40).unwrap();
        if let DbConn::Postgresql(_) = &*conn {
            for setting in [
                "enable_seqscan = off",
                "enable_sort = off",
                "random_page_cost = 1.1",
            ] {
                diesel::sql_query(format!("SET {setting}"))
                    .execute(&mut *conn)
                    .unwrap();
            }
        }
        let now = ids::now();
        let cursor = ids::new_id();
        let feed = vouch::stories::repo::Filter {
            status: Some("approved".into()),
            publishable_at: Some(now),
            ..Default::default()
        };
        let by_status = vouch::stories::repo::Filter {
            status: Some("in_review".into()),
            ..Default::default()
        };
        let own = vouch::stories::repo::Filter {
            author_id: Some(user_id.clone()),
            ..Default::default()
        };
        let everything = vouch::stories::repo::Filter::default();
        let shares_by_status = vouch::shares::repo::Filter {
            status: Some("scheduled".into()),
            ..Default::default()
        };
        let own_shares = vouch::shares::repo::Filter {
            user_id: Some(user_id.clone()),
            ..Default::default()
        };
        use vouch::{audit, idempotency, jobs, moderation, shares, stories};
        let org = org_id.as_str();
        let c = Some(cursor.as_str());
        let conn = &mut *conn;
        let plans = vec![
            (
                "the comms team's stories",
                check(
                    conn,
                    "stories",
                    stories::repo::list_query(org, &everything, None, 51),
                ),
            ),
            (
                "the comms team's stories, next page",
                check(
                    conn,
                    "stories",
                    stories::repo::list_query(org, &everything, c, 51),
                ),
            ),
            (
                "stories by status",
                check(
                    conn,
                    "stories",
                    stories::repo::list_query(org, &by_status, c, 51),
                ),
            ),
            (
                "an ambassador's own stories",
                check(conn, "stories", stories::repo::list_query(org, &own, c, 51)),
            ),
            (
                "the feed",
                check(
                    conn,
                    "stories",
                    stories::repo::list_query(org, &feed, None, 21),
                ),
            ),
            (
                "the feed, next page",
                check(
                    conn,
                    "stories",
                    stories::repo::list_query(org, &feed, c, 21),
                ),
            ),
            (
                "the feed's next scheduled story",
                check(
                    conn,
                    "stories",
                    stories::repo::next_scheduled_query(org, now),
                ),
            ),
            (
                "the review queue",
                check(
                    conn,
                    "stories",
                    moderation::repo::review_queue_query(org, None, 51),
                ),
            ),
            (
                "the review queue, next page",
                check(
                    conn,
                    "stories",
                    moderation::repo::review_queue_query(org, Some((now, cursor.clone())), 51),
                ),
            ),
            (
                "the org's shares",
                check(
                    conn,
                    "shares",
                    shares::repo::list_query(org, &Default::default(), c, 51),
                ),
            ),
            (
                "shares by status",
                check(
                    conn,
                    "shares",
                    shares::repo::list_query(org, &shares_by_status, c, 51),
                ),
            ),
            (
                "an ambassador's own shares",
                check(
                    conn,
                    "shares",
                    shares::repo::list_query(org, &own_shares, c, 51),
                ),
            ),
            (
                "the careers page's testimonials",
                check(conn, "shares", vouch::careers::repo::published_query(org)),
            ),
            (
                "the org's API keys",
                check(
                    conn,
                    "api_keys",
                    vouch::api_keys::repo::list_query(org, None, 51),
                ),
            ),
            (
                "the org's API keys, next page",
                check(
                    conn,
                    "api_keys",
                    vouch::api_keys::repo::list_query(org, c, 51),
                ),
            ),
            (
                "the audit log",
                check(conn, "audit_events", audit::list_query(org, None, c, 51)),
            ),
            (
                "an object's audit trail",
                check(
                    conn,
                    "audit_events",
                    audit::list_query(org, Some(("story", &cursor)), c, 51),
                ),
            ),
            (
                "the org's members",
                check(
                    conn,
                    "users",
                    vouch::accounts::repo::list_users_query(org, Some("ambassador"), c, 51),
                ),
            ),
            (
                "the admin's jobs list",
                check(conn, "jobs", jobs::repo::list_query(org, "failed", c, 51)),
            ),
            (
                "jobs due (the workers' claim)",
                check(conn, "jobs", jobs::repo::due_query(now)),
            ),
            (
                "periodic: approved stories past their expiry",
                check(
                    conn,
                    "stories",
                    moderation::repo::expired_approved_query(now),
                ),
            ),
            (
                "periodic: stories awaiting the review digest",
                check(
                    conn,
                    "stories",
                    moderation::repo::awaiting_review_notice_query(),
                ),
            ),
            (
                "periodic: lapsed verdicts",
                check(
                    conn,
                    "stories",
                    stories::repo::stale_verdicts_query(now, 500),
                ),
            ),
            (
                "analytics: an org's shares of a period",
                check(
                    conn,
                    "shares",
                    vouch::analytics::repo::published_query(
                        org,
                        None,
                        now - Duration::days(30),
                        now,
                    ),
                ),
            ),
            (
                "periodic: account access that ends soon",
                check(
                    conn,
                    "social_accounts",
                    vouch::social::repo::expiring_unwarned_query(now + Duration::days(7)),
                ),
            ),
            (
                "periodic: tracked links of shares changed (the link table's sync)",
                check(
                    conn,
                    "shares",
                    vouch::links::repo::shares_changed_since_query(now),
                ),
            ),
            (
                "periodic: tracked links of stories changed (the link table's sync)",
                check(
                    conn,
                    "stories",
                    vouch::links::repo::stories_changed_since_query(now),
                ),
            ),
            (
                "periodic: org policies changed (the link table's fallback pages)",
                check(
                    conn,
                    "orgs",
                    vouch::links::repo::orgs_changed_since_query(now),
                ),
            ),
            (
                "periodic: idempotency keys sweep",
                check(
                    conn,
                    "idempotency_keys",
                    idempotency::repo::delete_older_than_query(now - Duration::hours(24)),
                ),
            ),
        ];
        plans
            .into_iter()
            .filter_map(|(name, (plan, problem))| {
                problem.map(|p| format!("{name}: {p}\n    {}", plan.join("\n    ")))
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    assert!(
        failures.is_empty(),
        "queries without an index for their filter and order:\n{}",
        failures.join("\n")
    );
}
