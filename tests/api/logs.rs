//! What the real binary writes to its logs: read as an operator's log pipeline reads them.

use serde_json::{json, Value};

use crate::helpers::served::{events, Served};
use crate::helpers::{spawn_app_with, token_from};

/// The `level` of each event, with the event, for the assertion messages.
fn above_info(events: &[Value]) -> Vec<&Value> {
    events
        .iter()
        .filter(|e| matches!(e["level"].as_str(), Some("WARN") | Some("ERROR")))
        .collect()
}

#[tokio::test]
async fn client_errors_and_metrics_scrapes_log_one_info_line_each() {
    // The in-process app only provides the database: its workers would take the binary's mail.
    let app = spawn_app_with(|s| s.worker.enabled = false).await; // only for its fresh database
    let data = tempfile::tempdir().unwrap();
    let served = Served::start(
        app.db.url(),
        data.path(),
        &[("VOUCH__METRICS__TOKEN", "scrape-logs-7c1d")],
    )
    .await;
    let client = &app.client;
    let res = client.get(served.url("/nowhere")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let res = client.get(served.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = client
        .post(served.url("/api/v1/auth/login-link"))
        .json(&json!({ "email": "not-an-address-q7z" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res = client
        .get(served.url("/metrics"))
        .bearer_auth("scrape-logs-7c1d")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (_, lines) = served.stop().await;
    let events = events(&lines);

    let loud = above_info(&events);
    assert!(loud.is_empty(), "nothing above INFO: {loud:#?}");
    let statuses: Vec<u64> = events
        .iter()
        .filter(|e| e["message"] == "request finished")
        .map(|e| e["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [404, 401, 422, 200], "one access line each");
    // What the client sent is the client's business, not the log's.
    let all = lines.join("\n");
    assert!(!all.contains("q7z"), "request data in the logs:\n{all}");
}

#[tokio::test]
async fn tokens_never_reach_the_logs() {
    // The in-process app only provides the database: its workers would take the binary's mail.
    let app = spawn_app_with(|s| s.worker.enabled = false).await;
    let admin = app.org("acme").await;
    let data = tempfile::tempdir().unwrap();
    let served = Served::start(app.db.url(), data.path(), &[]).await;
    let client = &app.client;
    let res = client
        .post(served.url("/api/v1/auth/login-link"))
        .json(&json!({ "email": admin.email }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let mail = served.wait_for_mail(1).await;
    let link_token = token_from(&mail);

    // A mail from before the links moved the token into the fragment still opens the page.
    let res = client
        .get(served.url(&format!("/login?token={link_token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = client
        .post(served.url("/api/v1/auth/token"))
        .json(&json!({ "token": link_token }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let first: Value = res.json().await.unwrap();
    let res = client
        .post(served.url("/api/v1/auth/refresh"))
        .json(&json!({ "refresh_token": first["refresh_token"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let second: Value = res.json().await.unwrap();
    // A client that puts a token in the query string is refused, and not logged either.
    let access = second["access_token"].as_str().unwrap();
    let res = client
        .get(served.url(&format!(
            "/api/v1/me?access_token={access}&Refresh_Token=r%2Fx&page=2"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let (_, lines) = served.stop().await;
    let all = lines.join("\n");

    let secrets = [
        ("link token", link_token.as_str()),
        ("access token", first["access_token"].as_str().unwrap()),
        ("refresh token", first["refresh_token"].as_str().unwrap()),
        ("second access token", access),
        (
            "second refresh token",
            second["refresh_token"].as_str().unwrap(),
        ),
        ("query refresh token", "r%2Fx"),
    ];
    for (name, secret) in secrets {
        assert!(secret.len() > 3, "{name}");
        assert!(!all.contains(secret), "the {name} is in the logs:\n{all}");
    }
    // The requests were logged, their secrets replaced.
    let targets: Vec<String> = events(&lines)
        .iter()
        .filter(|e| e["message"] == "request finished")
        .map(|e| e["span"]["http.target"].as_str().unwrap().to_string())
        .collect();
    assert!(
        targets.contains(&"/login?token=[redacted]".to_string()),
        "{targets:?}"
    );
    assert!(
        targets.contains(
            &"/api/v1/me?access_token=[redacted]&Refresh_Token=[redacted]&page=2".to_string()
        ),
        "{targets:?}"
    );
}

/// A refusal must cost less than an answer, and a log line each made it cost more: a
/// client over its limit gets one access line for its first refusal of a window, then one
/// summary per key and window (`requests refused`, with how many), however many it sends.
#[tokio::test]
async fn refusals_are_summed_up_not_logged_one_by_one() {
    let app = spawn_app_with(|s| s.worker.enabled = false).await;
    let admin = app.org("acme").await;
    let data = tempfile::tempdir().unwrap();
    let served = Served::start(app.db.url(), data.path(), &[]).await;
    let client = &app.client;
    let res = client
        .post(served.url("/api/v1/api-keys"))
        .bearer_auth(&admin.token)
        .json(&json!({ "name": "tight", "rate_limit_per_min": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let key = created["key"].as_str().unwrap();
    let mut refused = 0;
    for _ in 0..300 {
        let res = client
            .get(served.url("/public/v1/testimonials"))
            .header("x-api-key", key)
            .send()
            .await
            .unwrap();
        if res.status() == 429 {
            refused += 1;
        }
    }
    assert_eq!(refused, 299);
    let (_, lines) = served.stop().await;
    let events = events(&lines);
    let refusal_lines: Vec<&Value> = events
        .iter()
        .filter(|e| e["message"] == "request finished" && e["status"] == 429)
        .collect();
    assert_eq!(refusal_lines.len(), 1, "{refusal_lines:#?}");
    let summaries: Vec<&Value> = events
        .iter()
        .filter(|e| e["message"] == "requests refused")
        .collect();
    assert!(
        !summaries.is_empty() && summaries.len() <= 2,
        "{summaries:#?}"
    );
    let summed: u64 = summaries
        .iter()
        .map(|e| e["refused"].as_u64().unwrap())
        .sum();
    assert_eq!(summed + 1, refused, "{summaries:#?}");
    // Each names what was refused: the route and the key's id, not the key.
    let key_id = created["id"].as_str().unwrap();
    for summary in &summaries {
        assert_eq!(summary["route"], "/public/v1/testimonials", "{summary}");
        assert_eq!(summary["key"], format!("api key {key_id}"), "{summary}");
        assert_eq!(summary["level"], "INFO");
    }
    assert!(!lines.join("\n").contains(key), "the key is in the logs");
}
