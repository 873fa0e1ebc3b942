//! Shortcuts for the sharing tests: consent, a story ready to share, waiting for a status.

use std::time::Duration;

use serde_json::{json, Value};

use vouch::accounts::Role;

use super::stories::company_story;
use super::{spawn_app, Member, TestApp};

/// The sharing tests' world: an app, the admin of org `acme`, Camille its moderator and
/// Amara an ambassador who agreed to the consent text.
pub async fn sharing_world() -> (TestApp, Member, Member, Member) {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let camille = app.member(&admin, "camille", Role::Moderator).await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    app.consent(&amara.token).await;
    (app, admin, camille, amara)
}

impl TestApp {
    /// When the queued publishing jobs are due.
    pub fn publish_job_times(&self) -> Vec<chrono::NaiveDateTime> {
        use diesel::prelude::*;
        use vouch::db::schema::jobs;
        let mut conn = self.state.pool.get().unwrap();
        jobs::table
            .filter(jobs::kind.eq("share.publish"))
            .select(jobs::run_at)
            .load(&mut conn)
            .unwrap()
    }

    /// As if the waits had passed: every job due, no account paused.
    pub fn skip_waits(&self) {
        use diesel::prelude::*;
        use vouch::db::schema::{jobs, social_accounts};
        let mut conn = self.state.pool.get().unwrap();
        let past = chrono::NaiveDate::from_ymd_opt(2000, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        diesel::update(jobs::table)
            .set(jobs::run_at.eq(past))
            .execute(&mut conn)
            .unwrap();
        diesel::update(social_accounts::table)
            .set(social_accounts::rate_limited_until.eq(Some(past)))
            .execute(&mut conn)
            .unwrap();
    }

    /// Agrees to the org's current consent text as `token`'s user.
    pub async fn consent(&self, token: &str) {
        let text: Value = self
            .get("/api/v1/consent", token)
            .await
            .json()
            .await
            .unwrap();
        let res = self
            .post(
                "/api/v1/me/consent",
                Some(token),
                &json!({ "version": text["version"] }),
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }

    /// A company story approved with its claims verified: publishable.
    pub async fn publishable_story(&self, moderator: &str, body: &str) -> Value {
        let mut input = company_story(body);
        input["link_url"] = json!("https://acme.example/jobs");
        input["captions"] = json!({
            "linkedin": "Our Lyon team shipped the new booking flow this week, proud of them",
            "x": "Our Lyon team shipped the new booking flow this week",
            "mastodon": "Our Lyon team shipped the new booking flow this week",
            "bluesky": "Our Lyon team shipped the new booking flow this week",
        });
        let story = self.create_story(moderator, input).await;
        self.approve_fully(moderator, &story).await
    }

    pub async fn share(&self, token: &str, body: Value) -> reqwest::Response {
        self.post("/api/v1/shares", Some(token), &body).await
    }

    /// Polls a share until its status is `status` (the workers run in the background).
    pub async fn share_becomes(&self, token: &str, id: &str, status: &str) -> Value {
        let mut last = Value::Null;
        for _ in 0..200 {
            last = self
                .get(&format!("/api/v1/shares/{id}"), token)
                .await
                .json()
                .await
                .unwrap();
            if last["status"] == status {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("share {id} never became {status}: {last}");
    }
}
