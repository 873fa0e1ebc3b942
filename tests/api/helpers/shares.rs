//! Shortcuts for the sharing tests: consent, a story ready to share, waiting for a status.

use std::time::Duration;

use serde_json::{json, Value};

use super::stories::company_story;
use super::TestApp;

impl TestApp {
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
