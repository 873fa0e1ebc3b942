//! Shortcuts for the story tests: write, submit, verify every claim, approve.

use serde_json::{json, Value};

use super::TestApp;

pub const AWARD: &str = "We were certified Great Place to Work in 2025.";
pub const FEELING: &str = "I love my team and I learned a lot here.";

impl TestApp {
    pub async fn create_story(&self, token: &str, body: Value) -> Value {
        let res = self.post("/api/v1/stories", Some(token), &body).await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        res.json().await.unwrap()
    }

    pub async fn act(&self, token: &str, path: &str, body: Value) -> reqwest::Response {
        self.post(path, Some(token), &body).await
    }

    /// `POST /api/v1/stories/{id}/{action}` (submit, approve, reject …).
    pub async fn story_act(
        &self,
        token: &str,
        id: impl std::fmt::Display,
        action: &str,
        body: Value,
    ) -> reqwest::Response {
        self.act(token, &format!("/api/v1/stories/{id}/{action}"), body)
            .await
    }

    /// `POST /api/v1/claims/{id}/{verdict}` (verify, dismiss, dispute, refute).
    pub async fn claim_act(
        &self,
        token: &str,
        id: impl std::fmt::Display,
        verdict: &str,
        body: Value,
    ) -> reqwest::Response {
        self.act(token, &format!("/api/v1/claims/{id}/{verdict}"), body)
            .await
    }

    /// Submits, verifies every claim with evidence, approves; returns the approved view.
    pub async fn approve_fully(&self, moderator: &str, story: &Value) -> Value {
        let id = story["id"].as_str().unwrap();
        if story["status"] == "draft" {
            let res = self
                .act(
                    moderator,
                    &format!("/api/v1/stories/{id}/submit"),
                    json!({}),
                )
                .await;
            assert_eq!(res.status(), 200);
        }
        for claim_id in claim_ids(story) {
            let res = self
                .act(
                    moderator,
                    &format!("/api/v1/claims/{claim_id}/verify"),
                    json!({ "evidence_url": "https://acme.example/proof" }),
                )
                .await;
            assert_eq!(res.status(), 200);
        }
        let res = self
            .act(
                moderator,
                &format!("/api/v1/stories/{id}/approve"),
                json!({}),
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        res.json().await.unwrap()
    }

    pub async fn feed_ids(&self, token: &str, query: &str) -> Vec<String> {
        let page: Value = self
            .get(&format!("/api/v1/feed{query}"), token)
            .await
            .json()
            .await
            .unwrap();
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    }
}

pub fn claim_ids(story: &Value) -> Vec<String> {
    story["authenticity"]["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

pub fn company_story(body: &str) -> Value {
    json!({ "title": "Life at Acme", "body": body, "topics": ["culture"], "language": "en" })
}
