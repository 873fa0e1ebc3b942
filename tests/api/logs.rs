//! What the real binary writes to its logs: read as an operator's log pipeline reads them.

use serde_json::{json, Value};

use crate::helpers::served::{events, Served};
use crate::helpers::spawn_app;

/// The `level` of each event, with the event, for the assertion messages.
fn above_info(events: &[Value]) -> Vec<&Value> {
    events
        .iter()
        .filter(|e| matches!(e["level"].as_str(), Some("WARN") | Some("ERROR")))
        .collect()
}

#[tokio::test]
async fn client_errors_and_metrics_scrapes_log_one_info_line_each() {
    let app = spawn_app().await; // only for its fresh database
    let data = tempfile::tempdir().unwrap();
    let served = Served::start(app.db.url(), data.path(), &[]).await;
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
    let res = client.get(served.url("/metrics")).send().await.unwrap();
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
