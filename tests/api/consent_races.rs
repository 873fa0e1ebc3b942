//! A person's consent, erasure and share creation are serialised on their user row: a share
//! created beside a withdrawal is either cancelled by it or refused, never left waiting
//! without consent, and the daily cap is counted under the same lock. SQLite serialises every
//! write and cannot show the race; PostgreSQL (`VOUCH_TEST_DATABASE_URL`) runs many rounds.

use diesel::prelude::*;
use serde_json::{json, Value};

use vouch::accounts::Role;
use vouch::db::schema::shares;

use crate::helpers::{rounds, spawn_app, Member, TestApp};

/// Shares of `user_id` that would still go out.
fn waiting_shares(app: &TestApp, user_id: &str) -> i64 {
    let mut conn = app.state.pool.get().unwrap();
    shares::table
        .filter(shares::user_id.eq(user_id))
        .filter(shares::status.eq_any(["scheduled", "pending_review", "publishing"]))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

fn all_shares(app: &TestApp, user_id: &str) -> i64 {
    let mut conn = app.state.pool.get().unwrap();
    shares::table
        .filter(shares::user_id.eq(user_id))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

async fn put_policy(app: &TestApp, admin: &Member, policy: Value) {
    let res = app
        .client
        .put(app.url("/api/v1/org/policy"))
        .bearer_auth(&admin.token)
        .json(&policy)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

fn tomorrow_on(story: &Value) -> Value {
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    json!({ "story_id": story["id"], "channels": ["careers_page"], "scheduled_at": tomorrow })
}

#[tokio::test]
async fn a_share_created_beside_a_withdrawal_never_waits_without_consent() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let camille = app.member(&admin, "camille", Role::Moderator).await;
    put_policy(
        &app,
        &admin,
        json!({ "shares_per_day": 1000, "shares_per_story_channel_per_day": 1000 }),
    )
    .await;
    let story = app
        .publishable_story(&camille.token, "We ship every week.")
        .await;
    for round in 0..rounds() {
        let person = app
            .member(&admin, &format!("amb{round}"), Role::Ambassador)
            .await;
        app.consent(&person.token).await;
        let share = || app.share(&person.token, tomorrow_on(&story));
        let withdraw = app
            .client
            .delete(app.url("/api/v1/me/consent"))
            .bearer_auth(&person.token)
            .send();
        let (a, b, c, withdrawn) = tokio::join!(share(), share(), share(), withdraw);
        assert_eq!(withdrawn.unwrap().status(), 200, "round {round}");
        for res in [a, b, c] {
            let status = res.status().as_u16();
            assert!(
                matches!(status, 201 | 403),
                "round {round}: a share beside a withdrawal answered {status}"
            );
        }
        assert_eq!(
            waiting_shares(&app, &person.id),
            0,
            "round {round}: a share waits to go out without consent"
        );
    }
}

#[tokio::test]
async fn shares_in_parallel_never_exceed_the_daily_cap() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let camille = app.member(&admin, "camille", Role::Moderator).await;
    put_policy(
        &app,
        &admin,
        json!({ "shares_per_day": 3, "shares_per_story_channel_per_day": 1000 }),
    )
    .await;
    let story = app
        .publishable_story(&camille.token, "We ship every week.")
        .await;
    for round in 0..rounds() {
        let person = app
            .member(&admin, &format!("cap{round}"), Role::Ambassador)
            .await;
        app.consent(&person.token).await;
        let share = || app.share(&person.token, tomorrow_on(&story));
        let answers = tokio::join!(share(), share(), share(), share(), share(), share());
        let created = [
            answers.0, answers.1, answers.2, answers.3, answers.4, answers.5,
        ]
        .iter()
        .filter(|r| r.status() == 201)
        .count();
        assert_eq!(created, 3, "round {round}: {created} shares for a cap of 3");
        assert_eq!(all_shares(&app, &person.id), 3, "round {round}");
    }
}
