//! Health, readiness, metrics, request ids and the OpenAPI document.

use crate::helpers::{problem, spawn_app, spawn_app_with};
use serde_json::Value;

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ready");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let a = app.client.get(app.url("/healthz")).send().await.unwrap();
    let b = app.client.get(app.url("/nowhere")).send().await.unwrap();
    let id_a = a.headers()["x-request-id"].to_str().unwrap().to_string();
    let id_b = b.headers()["x-request-id"].to_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&id_a).is_ok());
    assert_ne!(id_a, id_b);
}

const METRICS_TOKEN: &str = "scrape-7f3c9a1e";

/// `/metrics` names every route and the pool's load: by default it is not on the API's
/// listener at all; there it needs a token, or it gets a listener of its own.
#[tokio::test]
async fn metrics_are_not_on_the_api_listener_by_default() {
    let app = spawn_app().await;
    assert!(app.state.settings.metrics.bind.is_empty());
    for token in [None, Some("anything")] {
        let mut request = app.client.get(app.url("/metrics"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let body = problem(request.send().await.unwrap(), 404).await;
        assert_eq!(body["type"], "urn:vouch:problem:not-found");
    }
    // With a token it is a GET resource like the others.
    let app = spawn_app_with(|s| s.metrics.token = METRICS_TOKEN.to_string().into()).await;
    let res = app
        .client
        .post(app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["allow"], "GET");
    problem(res, 405).await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_show_the_pool() {
    let app = spawn_app_with(|s| s.metrics.token = METRICS_TOKEN.to_string().into()).await;
    for _ in 0..3 {
        app.client.get(app.url("/healthz")).send().await.unwrap();
    }
    app.client
        .get(app.url("/api/v1/users/123"))
        .send()
        .await
        .unwrap();
    let text = app
        .get("/metrics", METRICS_TOKEN)
        .await
        .text()
        .await
        .unwrap();
    let healthz = text
        .lines()
        .find(|l| l.starts_with("vouch_http_requests_total") && l.contains("endpoint=\"/healthz\""))
        .unwrap_or_else(|| panic!("no healthz counter in\n{text}"));
    assert!(healthz.ends_with(" 3"), "{healthz}");
    // The route pattern is the label, not the concrete path.
    assert!(text.contains("endpoint=\"/api/v1/users/{id}\""), "{text}");
    assert!(text.contains("vouch_http_requests_duration_seconds_bucket"));
    assert!(text.contains("vouch_db_pool_max_connections 4"), "{text}");
}

#[tokio::test]
async fn openapi_document_lists_the_api() {
    let app = spawn_app().await;
    let doc: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/auth/login-link",
        "/auth/token",
        "/auth/refresh",
        "/auth/logout",
        "/me",
        "/users",
        "/users/{id}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "missing {path}");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // Any change to the API shows up in review as a change to this snapshot.
    insta::assert_json_snapshot!("openapi", doc);
}

#[tokio::test]
async fn the_docs_viewer_needs_nothing_from_the_internet() {
    let app = spawn_app().await;
    let browser = reqwest::Client::builder().no_proxy().build().unwrap();
    let res = browser.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let page = res.url().clone();
    assert_eq!(page.path(), "/docs/");
    let html = res.text().await.unwrap();
    assert!(html.contains("<html"), "{html}");

    let refs =
        regex::Regex::new(r#"<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']"#)
            .unwrap();
    let assets: Vec<&str> = refs
        .captures_iter(&html)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert!(assets.len() >= 3, "scripts and styles: {assets:?}");
    for asset in assets {
        assert!(
            !asset.starts_with("http:") && !asset.starts_with("https:") && !asset.starts_with("//"),
            "{asset} is loaded from another host"
        );
        let url = page.join(asset).unwrap();
        assert_eq!(url.origin(), page.origin(), "{asset}");
        let res = browser.get(url.clone()).send().await.unwrap();
        assert_eq!(res.status(), 200, "{url}");
    }
    // The viewer shows our document, and does not send it to swagger.io's validator.
    let init = browser
        .get(page.join("swagger-initializer.js").unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(init.contains("\"/api/v1/openapi.json\""), "{init}");
    assert!(init.contains("\"validatorUrl\": \"none\""), "{init}");
}

#[tokio::test]
async fn the_login_page_waits_for_a_click() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/login?token=abc"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    assert!(html.contains("/api/v1/auth/token"));
    assert!(
        html.contains("addEventListener(\"click\""),
        "the token is spent only on a click"
    );
    assert!(
        html.contains("location.hash"),
        "the token is read from the fragment of the link"
    );
}

#[tokio::test]
async fn metrics_ask_for_the_configured_token() {
    let app = spawn_app_with(|s| s.metrics.token = METRICS_TOKEN.to_string().into()).await;
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    let body = problem(res, 401).await;
    assert_eq!(body["type"], "urn:vouch:problem:unauthorized");
    let res = app.get("/metrics", "not-the-token").await;
    problem(res, 403).await;
    let res = app.get("/metrics", METRICS_TOKEN).await;
    assert_eq!(res.status(), 200);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("vouch_db_pool_max_connections"));
}

#[tokio::test]
async fn metrics_can_have_a_listener_of_their_own() {
    let app = spawn_app_with(|s| s.metrics.bind = "127.0.0.1:0".into()).await;
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    problem(res, 404).await;
    let own = app.metrics_address.clone().expect("a metrics listener");
    assert_ne!(own, app.address);
    app.client.get(app.url("/healthz")).send().await.unwrap();
    let res = app
        .client
        .get(format!("{own}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    assert!(text.contains("endpoint=\"/healthz\""), "{text}");
    let res = app
        .client
        .get(format!("{own}/healthz"))
        .send()
        .await
        .unwrap();
    problem(res, 404).await;
}
