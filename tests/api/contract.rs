//! The OpenAPI document is the contract: every status, bound and content type it states is
//! what the server does (schemathesis checks it from outside in CI; these pin the rules).

use reqwest::Method;
use serde_json::{json, Value};
use vouch::accounts::Role;

use crate::helpers::{fields, problem, spawn_app, TestApp};

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const SOME_ID: &str = "01a20e55-faf6-7676-a146-639ab6f70065";

async fn document(app: &TestApp) -> Value {
    app.client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn call(app: &TestApp, method: &str, path: &str, token: &str) -> reqwest::Response {
    app.client
        .request(
            Method::from_bytes(method.as_bytes()).unwrap(),
            app.url(path),
        )
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn other_methods_on_every_path_answer_405_with_allow() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let doc = document(&app).await;
    let paths = doc["paths"].as_object().unwrap();
    assert!(
        paths.contains_key("/admin/jobs"),
        "the jobs routes are documented"
    );
    assert!(paths.contains_key("/admin/jobs/{id}/retry"));
    for (path, item) in paths {
        let mut documented: Vec<String> = item
            .as_object()
            .unwrap()
            .keys()
            .map(|m| m.to_uppercase())
            .collect();
        documented.sort();
        let url = format!("/api/v1{}", path.replace("{id}", SOME_ID));
        for method in METHODS {
            let res = call(&app, method, &url, &admin.token).await;
            if documented.iter().any(|m| m == method) {
                assert_ne!(res.status(), 405, "{method} {path} is documented");
                continue;
            }
            let allow = res
                .headers()
                .get("allow")
                .map(|v| v.to_str().unwrap().to_string());
            let body = problem(res, 405).await;
            assert_eq!(body["type"], "urn:vouch:problem:method-not-allowed");
            assert_eq!(
                allow.as_deref(),
                Some(documented.join(", ").as_str()),
                "{method} {path}"
            );
        }
    }
    // Routes outside the document: the same answer, whichever way actix routes them.
    for path in [
        "/healthz",
        "/readyz",
        "/login",
        "/docs",
        "/api/v1/openapi.json",
    ] {
        let res = call(&app, "POST", path, &admin.token).await;
        let allow = res.headers().get("allow").cloned();
        problem(res, 405).await;
        assert_eq!(allow.unwrap(), "GET", "{path}");
    }
    // A path that does not exist is still a 404, whatever the method.
    for method in METHODS {
        problem(
            call(&app, method, "/api/v1/nothing-here", &admin.token).await,
            404,
        )
        .await;
    }
    problem(
        call(&app, "DELETE", "/api/v1/me/x", &admin.token).await,
        404,
    )
    .await;
}

#[tokio::test]
async fn the_document_states_the_errors_the_server_answers() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let has = |status: &str| responses.contains_key(status);
            let name = format!("{method} {path}");
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let content = response["content"].as_object().unwrap();
                    assert_eq!(
                        content.keys().collect::<Vec<_>>(),
                        ["application/problem+json"],
                        "{name} {status}"
                    );
                }
            }
            if op.get("security").is_some() {
                assert!(has("401"), "{name}: 401");
                let roles = &op["security"][0]["bearer"];
                if !roles.as_array().unwrap().is_empty() {
                    assert!(has("403"), "{name}: 403");
                }
            }
            if let Some(body) = op.get("requestBody") {
                for status in ["400", "413", "415", "422"] {
                    assert!(has(status), "{name}: {status}");
                }
                let schema = &body["content"]["application/json"]["schema"];
                assert!(
                    schema.get("oneOf").is_none(),
                    "{name}: a body is never null"
                );
            }
            for param in op["parameters"].as_array().into_iter().flatten() {
                if param["in"] != "path" {
                    assert!(has("422"), "{name}: 422 for {}", param["name"]);
                }
                assert_ne!(
                    param["schema"]["type"],
                    json!(["string", "null"]),
                    "{name}: {} is never null",
                    param["name"]
                );
                if param["in"] == "path" {
                    assert!(has("404"), "{name}: 404");
                }
                if param["name"] == "limit" {
                    assert_eq!(param["schema"]["minimum"], 1, "{name}");
                    assert_eq!(param["schema"]["maximum"], 200, "{name}");
                }
                if param["name"] == "If-Match" {
                    assert!(has("412"), "{name}: 412");
                }
            }
        }
    }
    // The reasons the server requires are required, and not blank.
    let reason = &doc["components"]["schemas"]["RequiredReason"];
    assert_eq!(reason["required"], json!(["reason"]));
    assert_eq!(reason["properties"]["reason"]["minLength"], 1);
    for path in [
        "/stories/{id}/reject",
        "/stories/{id}/request-changes",
        "/stories/{id}/retract",
        "/claims/{id}/dismiss",
        "/claims/{id}/dispute",
        "/claims/{id}/refute",
    ] {
        let body = &doc["paths"][path]["post"]["requestBody"];
        assert_eq!(body["required"], true, "{path}");
        assert_eq!(
            body["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/RequiredReason",
            "{path}"
        );
    }
}

#[tokio::test]
async fn limits_outside_1_to_200_are_422_as_documented() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    for path in [
        "/api/v1/users",
        "/api/v1/stories",
        "/api/v1/feed",
        "/api/v1/audit",
    ] {
        for limit in ["0", "201", "-1", "9223372036854775807"] {
            let res = app
                .get(&format!("{path}?limit={limit}"), &admin.token)
                .await;
            let body = problem(res, 422).await;
            assert_eq!(fields(&body), ["limit"], "{path}?limit={limit}");
        }
        for limit in ["1", "200"] {
            let res = app
                .get(&format!("{path}?limit={limit}"), &admin.token)
                .await;
            assert_eq!(res.status(), 200, "{path}?limit={limit}");
        }
    }
    // A cursor is exactly what `next_cursor` holds, as the document's pattern says.
    let res = app
        .get(&format!("/api/v1/users?cursor=%20{SOME_ID}"), &admin.token)
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["cursor"]);
    let res = app
        .get(&format!("/api/v1/users?cursor={SOME_ID}"), &admin.token)
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_body_must_be_an_object() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    // serde reads a struct from an array too: `[null, null]` was a 200 changing nothing.
    for body in [json!([null, null]), json!(null), json!("x"), json!(3)] {
        let res = app
            .patch(&format!("/api/v1/users/{}", amara.id), &admin.token, &body)
            .await;
        let problem = problem(res, 422).await;
        assert_eq!(fields(&problem), ["body"], "{body}");
    }
    let res = app
        .patch(
            &format!("/api/v1/users/{}", amara.id),
            &admin.token,
            &json!({ "role": "moderator" }),
        )
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_wrong_content_type_is_415_as_documented() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let doc = document(&app).await;
    assert!(doc["paths"]["/stories"]["post"]["responses"]
        .get("415")
        .is_some());
    let res = app
        .client
        .post(app.url("/api/v1/stories"))
        .bearer_auth(&admin.token)
        .header("content-type", "text/plain")
        .body(r#"{"title": "t", "body": "b"}"#)
        .send()
        .await
        .unwrap();
    problem(res, 415).await;
}

#[tokio::test]
async fn if_match_takes_what_the_document_says() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let story = app
        .create_story(
            &admin.token,
            json!({ "title": "t", "body": "I love my team." }),
        )
        .await;
    let id = story["id"].as_str().unwrap();
    let version = story["version"].as_i64().unwrap();
    let patch = |if_match: String| {
        app.client
            .patch(app.url(&format!("/api/v1/stories/{id}")))
            .bearer_auth(&admin.token)
            .header("if-match", if_match)
            .json(&json!({ "topics": ["team"] }))
            .send()
    };
    for bad in ["\"+1\"", "\"1234567890\"", "x", "\"1"] {
        let res = patch(bad.to_string()).await.unwrap();
        assert_eq!(fields(&problem(res, 422).await), ["If-Match"], "{bad}");
    }
    // The version without its quotes means the same.
    let res = patch(version.to_string()).await.unwrap();
    assert_eq!(res.status(), 200);
    let res = patch(format!("\"{version}\"")).await.unwrap();
    problem(res, 412).await;
}

#[tokio::test]
async fn the_audit_log_takes_empty_filters_as_absent() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let res = app
        .get("/api/v1/audit?object_type=&object_id=", &admin.token)
        .await;
    assert_eq!(res.status(), 200);
    let res = app.get("/api/v1/audit?object_id=x", &admin.token).await;
    problem(res, 422).await;
}

/// A handler that takes `Authorized<role::…>` answers 403 to lesser roles: its document entry
/// must name the role (`security(("bearer" = ["moderator"]))`), from which the document lists
/// that 403. Read from the source, so a new handler cannot forget it.
#[test]
fn every_handler_that_needs_a_role_names_it_in_the_document() {
    let handler = regex::Regex::new(
        r#"(?s)#\[utoipa::path\((.*?)\)\]\s*#\[(?:get|post|put|patch|delete)\("([^"]+)"\)\]\s*pub async fn \w+\((.*?)\)\s*->"#,
    )
    .unwrap();
    let mut files = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    let (mut handlers, mut missing) = (0, Vec::new());
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for found in handler.captures_iter(&source) {
            handlers += 1;
            let needs_role = found[3].contains("Authorized<role::");
            if needs_role && !found[1].contains(r#""bearer" = [""#) {
                missing.push(found[2].to_string());
            }
        }
    }
    assert!(handlers > 40, "the scan found only {handlers} handlers");
    assert!(
        missing.is_empty(),
        "these need a role the document does not name: {missing:?}"
    );
}
