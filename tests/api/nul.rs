//! PostgreSQL refuses NUL in text and SQLite stores it: both must refuse it the same way, a
//! 422 naming the field or parameter, with nothing stored. Runs on both databases.

use std::io::{Read, Write};

use serde_json::{json, Value};
use vouch::accounts::Role;

use crate::helpers::stories::{claim_ids, company_story, AWARD};
use crate::helpers::{fields, problem, spawn_app, TestApp};

/// A 422 naming exactly `field`, for a NUL.
async fn refused_naming(res: reqwest::Response, field: &str) {
    let body = problem(res, 422).await;
    assert_eq!(fields(&body), [field], "{body}");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("NUL"));
}

async fn story_count(app: &TestApp, token: &str) -> usize {
    let page: Value = app
        .get("/api/v1/stories", token)
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_nul_in_a_story_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let moderator = app.member(&admin, "camille", Role::Moderator).await;
    for (body, field) in [
        (
            json!({ "title": "Hi\u{0}there", "body": "Hello." }),
            "title",
        ),
        (
            json!({ "title": "Hi", "body": "Hello.", "captions": { "x": "a\u{0}" } }),
            "captions.x",
        ),
        (
            json!({ "title": "Hi", "body": "Hello.", "topics": ["culture\u{0}"] }),
            "topics.0",
        ),
    ] {
        let res = app
            .post("/api/v1/stories", Some(&moderator.token), &body)
            .await;
        refused_naming(res, field).await;
    }
    assert_eq!(story_count(&app, &moderator.token).await, 0);
}

#[tokio::test]
async fn a_nul_in_a_reason_or_an_evidence_note_is_refused() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let moderator = app.member(&admin, "camille", Role::Moderator).await;
    let story = app
        .create_story(&moderator.token, company_story(AWARD))
        .await;
    let id = story["id"].as_str().unwrap();
    let res = app
        .story_act(&moderator.token, id, "submit", json!({}))
        .await;
    assert_eq!(res.status(), 200);

    let claim = &claim_ids(&story)[0];
    let res = app
        .claim_act(
            &moderator.token,
            claim,
            "verify",
            json!({ "evidence_note": "the certificate\u{0}" }),
        )
        .await;
    refused_naming(res, "evidence_note").await;
    let res = app
        .story_act(
            &moderator.token,
            id,
            "reject",
            json!({ "reason": "no\u{0}" }),
        )
        .await;
    refused_naming(res, "reason").await;

    let now: Value = app
        .get(&format!("/api/v1/stories/{id}"), &moderator.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now["status"], "in_review");
    assert_eq!(now["authenticity"]["claims"][0]["status"], "unverified");
    let actions: Vec<String> = app
        .audit_actions(&admin.org_id, "story", id)
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(!actions.iter().any(|a| a.contains("reject")), "{actions:?}");
}

#[tokio::test]
async fn a_nul_in_a_query_parameter_is_refused_naming_it() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    for path in ["/api/v1/feed", "/api/v1/stories"] {
        for (query, name) in [
            ("q=%00", "q"),
            ("q=hello+%00world", "q"),
            ("topic=culture%00", "topic"),
            ("language=en&language=%00", "language"),
        ] {
            let res = app.get(&format!("{path}?{query}"), &admin.token).await;
            refused_naming(res, name).await;
        }
        let res = app.get(&format!("{path}?a%00=1"), &admin.token).await;
        refused_naming(res, "a\\u0000").await;
        // Without the NUL the same request is fine.
        let res = app
            .get(&format!("{path}?q=hello&topic=culture"), &admin.token)
            .await;
        assert_eq!(res.status(), 200);
    }
}

#[tokio::test]
async fn a_nul_in_a_header_never_reaches_a_handler() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let body = json!({ "title": "Hi", "body": "Hello." }).to_string();
    let request = format!(
        "POST /api/v1/stories HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
         Idempotency-Key: a\0b\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        admin.token,
        body.len()
    );
    let address = app.address.trim_start_matches("http://").to_string();
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert_eq!(story_count(&app, &admin.token).await, 0);
}
