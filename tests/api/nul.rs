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

/// What a path segment may be sent as instead of an id: a NUL alone or inside, control and
/// bidi characters, bytes that are no UTF-8, a dot segment, an overlong one, near-misses of
/// a UUID.
const JUNK_SEGMENTS: [&str; 12] = [
    "%00",
    "a%00b",
    "0190a1b2-0000-7000-8000-00000000000%00",
    "%01%1F%7F",
    "%E2%80%AE",
    "%FF%FE",
    "..",
    "%2E%2E%2F%2E%2E",
    "-1",
    "0190a1b2-0000-7000-8000-0000000000000",
    "{id}",
    "%F0%9F%98%80",
];

/// Every operation of the OpenAPI document (and the routes outside it) whose path takes a
/// parameter, asked with each junk segment in it, as the admin: a 4xx problem, never a 500,
/// on both databases (PostgreSQL refused NUL in a text parameter with a 500).
#[tokio::test]
async fn every_route_refuses_junk_in_its_path_with_a_4xx_problem() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let doc: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut operations: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.contains('{') {
            continue;
        }
        for method in item.as_object().unwrap().keys() {
            operations.push((method.to_uppercase(), format!("/api/v1{path}")));
        }
    }
    assert!(operations.len() >= 25, "{operations:?}");
    operations.push(("GET".into(), "/oauth/callback/{network}".into()));
    let mut failures = Vec::new();
    for (method, template) in &operations {
        for junk in JUNK_SEGMENTS {
            // Each parameter in turn gets the junk; the others a well-formed value.
            let params: Vec<&str> = template.split('/').filter(|s| s.starts_with('{')).collect();
            for target in &params {
                let path: String = template
                    .split('/')
                    .map(|segment| match segment {
                        s if s == *target => junk.to_string(),
                        "{network}" => "mastodon".to_string(),
                        s if s.starts_with('{') => "0190a1b2-0000-7000-8000-000000000000".into(),
                        s => s.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join("/");
                let res = app
                    .client
                    .request(method.parse().unwrap(), app.url(&path))
                    .bearer_auth(&admin.token)
                    .header("content-type", "application/json")
                    .body("{}")
                    .send()
                    .await
                    .unwrap();
                let status = res.status().as_u16();
                let content_type = res
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                if !(400..500).contains(&status)
                    || !content_type.starts_with("application/problem+json")
                {
                    failures.push(format!("{method} {path}: {status} {content_type}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
