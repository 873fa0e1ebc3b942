//! The org policy over HTTP: forbidden terms are found however they are disguised, and
//! reported on the text as written.

use serde_json::{json, Value};
use vouch::accounts::Role;

use crate::helpers::spawn_app;

#[tokio::test]
async fn forbidden_terms_hidden_by_invisible_or_unusual_spaces_are_reported_as_written() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let moderator = app.member(&admin, "camille", Role::Moderator).await;
    let res = app
        .client
        .put(app.url("/api/v1/org/policy"))
        .bearer_auth(&admin.token)
        .json(&json!({ "forbidden": ["guaranteed", "rockstar team"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let body = "Your bonus is guar\u{200b}anteed. Join our rockstar\u{a0}team!";
    let story = app
        .create_story(&moderator.token, json!({ "title": "Hiring", "body": body }))
        .await;
    let violations: Vec<(String, String, String, u64, u64)> = story["authenticity"]
        ["policy_violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v: &Value| {
            (
                v["term"].as_str().unwrap().to_string(),
                v["field"].as_str().unwrap().to_string(),
                v["matched"].as_str().unwrap().to_string(),
                v["start"].as_u64().unwrap(),
                v["end"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        violations,
        [
            (
                "guaranteed".to_string(),
                "body".to_string(),
                "guar\u{200b}anteed".to_string(),
                14,
                25
            ),
            (
                "rockstar team".to_string(),
                "body".to_string(),
                "rockstar\u{a0}team".to_string(),
                36,
                49
            ),
        ]
    );
    assert_eq!(story["authenticity"]["publishable"], false);
}
