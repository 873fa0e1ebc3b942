//! Bad input gets a 4xx problem+json naming the field; never a 500.

use crate::helpers::{fields, problem, spawn_app};
use serde_json::json;
use vouch::accounts::Role;

#[tokio::test]
async fn broken_json_is_a_400_problem() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/login-link"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    let body = problem(res, 400).await;
    assert_eq!(body["type"], "urn:vouch:problem:bad-request");
}

#[tokio::test]
async fn wrong_types_and_missing_fields_name_the_field() {
    let app = spawn_app().await;
    let body = problem(
        app.post("/api/v1/auth/login-link", None, &json!({ "email": 42 }))
            .await,
        422,
    )
    .await;
    assert_eq!(fields(&body), ["email"]);
    let body = problem(
        app.post("/api/v1/auth/login-link", None, &json!({})).await,
        422,
    )
    .await;
    assert_eq!(fields(&body), ["email"]);
    let body = problem(
        app.post("/api/v1/auth/login-link", None, &json!({ "email": "nope" }))
            .await,
        422,
    )
    .await;
    assert_eq!(fields(&body), ["email"]);
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("not an email"));
}

#[tokio::test]
async fn unknown_enum_values_name_the_field() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin.token),
            &json!({ "email": "x@acme.test", "role": "overlord" }),
        )
        .await;
    let body = problem(res, 422).await;
    assert_eq!(fields(&body), ["role"]);
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("unknown variant"));
}

#[tokio::test]
async fn oversized_bodies_and_wrong_content_types_are_refused() {
    let app = spawn_app().await;
    let big = format!("{{\"email\": \"{}@x.io\"}}", "a".repeat(300 * 1024));
    let res = app
        .client
        .post(app.url("/api/v1/auth/login-link"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    problem(res, 413).await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/login-link"))
        .header("content-type", "text/plain")
        .body("email=a@b.io")
        .send()
        .await
        .unwrap();
    problem(res, 415).await;
}

#[tokio::test]
async fn unknown_routes_and_bad_paging_are_problems() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    problem(app.get("/api/v1/nothing-here", &admin.token).await, 404).await;
    let body = problem(app.get("/api/v1/users?limit=0", &admin.token).await, 422).await;
    assert_eq!(fields(&body), ["limit"]);
    let body = problem(app.get("/api/v1/users?limit=abc", &admin.token).await, 422).await;
    assert!(!fields(&body).is_empty());
    let body = problem(app.get("/api/v1/users?cursor=zzz", &admin.token).await, 422).await;
    assert_eq!(fields(&body), ["cursor"]);
    let body = problem(app.get("/api/v1/users?role=king", &admin.token).await, 422).await;
    assert!(!fields(&body).is_empty());
    let _ = Role::Admin;
}

#[tokio::test]
async fn an_optional_body_may_be_empty_but_not_broken() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let story = app
        .create_story(
            &admin.token,
            json!({ "title": "t", "body": "I love my team." }),
        )
        .await;
    let id = story["id"].as_str().unwrap();
    let url = app.url(&format!("/api/v1/stories/{id}/submit"));
    assert_eq!(
        app.client
            .post(&url)
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let approve = app.url(&format!("/api/v1/stories/{id}/approve"));
    let res = app
        .client
        .post(&approve)
        .bearer_auth(&admin.token)
        .header("content-type", "application/json")
        .body("{\"reason\": ")
        .send()
        .await
        .unwrap();
    problem(res, 400).await;
    let res = app
        .client
        .post(&approve)
        .bearer_auth(&admin.token)
        .header("content-type", "application/json")
        .body("{\"reasn\": \"typo\"}")
        .send()
        .await
        .unwrap();
    problem(res, 422).await;
    // Nothing was half-done: the story still waits for a decision.
    let view: serde_json::Value = app
        .get(&format!("/api/v1/stories/{id}"), &admin.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "in_review");
    let res = app
        .client
        .post(&approve)
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_duplicated_field_is_named() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let send = |path: &str, body: &'static str| {
        app.client
            .post(app.url(path))
            .bearer_auth(&admin.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let res = send(
        "/api/v1/stories",
        r#"{"title": "a", "title": "b", "body": "Hello."}"#,
    )
    .await
    .unwrap();
    let body = problem(res, 422).await;
    assert_eq!(fields(&body), ["title"]);
    assert_eq!(body["errors"][0]["message"], "duplicate field `title`");

    let story: serde_json::Value = app
        .post(
            "/api/v1/stories",
            Some(&admin.token),
            &json!({ "title": "a", "body": "Hello." }),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = story["id"].as_str().unwrap();
    let res = app.story_act(&admin.token, id, "submit", json!({})).await;
    assert_eq!(res.status(), 200);
    let res = send(
        &format!("/api/v1/stories/{id}/reject"),
        r#"{"reason": "x", "reason": "y"}"#,
    )
    .await
    .unwrap();
    assert_eq!(fields(&problem(res, 422).await), ["reason"]);
}

#[tokio::test]
async fn length_limits_count_the_text_as_sent_padding_included() {
    // The document's maxLength counts every character sent; trimming first let a padded
    // value through that the document says is refused (schemathesis, PUT /consent).
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let res = app
        .client
        .put(app.url("/api/v1/org/policy"))
        .bearer_auth(&admin.token)
        .json(&json!({ "disclosure": format!("#Acme{}", " ".repeat(100)) }))
        .send()
        .await
        .unwrap();
    assert_eq!(fields(&problem(res, 422).await), ["disclosure"]);
    let story = app
        .create_story(
            &admin.token,
            crate::helpers::stories::company_story("We ship every week."),
        )
        .await;
    let id = story["id"].as_str().unwrap();
    let res = app.story_act(&admin.token, id, "submit", json!({})).await;
    assert_eq!(res.status(), 200);
    let res = app
        .story_act(
            &admin.token,
            id,
            "reject",
            json!({ "reason": format!("No{}", "\t".repeat(2000)) }),
        )
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["reason"]);
}

/// Instants in bodies are held to the century too: a story that expires in 9999 or a
/// verification that lapses in year 1 is a 422 naming the field, before any rule or
/// arithmetic sees it.
#[tokio::test]
async fn an_instant_outside_the_century_is_refused_naming_it() {
    let (app, _admin, moderator, amara) = crate::helpers::shares::sharing_world().await;
    for (at, field) in [
        ("9999-12-31T23:59:59Z", "expires_at"),
        ("2101-01-01T00:00:00Z", "expires_at"),
        ("0001-01-01T00:00:00Z", "publish_from"),
        ("1999-12-31T23:59:59Z", "publish_from"),
    ] {
        let body = json!({ "title": "Hi", "body": "Hello.", field: at });
        let res = app
            .post("/api/v1/stories", Some(&moderator.token), &body)
            .await;
        let problem = problem(res, 422).await;
        assert_eq!(fields(&problem), [field], "{at}: {problem}");
    }
    let story = app
        .create_story(
            &moderator.token,
            crate::helpers::stories::company_story(crate::helpers::stories::AWARD),
        )
        .await;
    let id = story["id"].as_str().unwrap();
    let res = app
        .patch(
            &format!("/api/v1/stories/{id}"),
            &moderator.token,
            &json!({ "expires_at": "9999-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["expires_at"]);
    let claim = &crate::helpers::stories::claim_ids(&story)[0];
    let res = app
        .claim_act(
            &moderator.token,
            claim,
            "verify",
            json!({ "evidence_note": "the certificate", "expires_at": "9999-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["expires_at"]);
    let publishable = app.publishable_story(&moderator.token, "We ship.").await;
    let res = app
        .share(
            &amara.token,
            json!({
                "story_id": publishable["id"],
                "channels": ["careers_page"],
                "scheduled_at": "2999-01-01T00:00:00Z",
            }),
        )
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["scheduled_at"]);
    // Inside the century, the usual rules answer.
    let res = app
        .patch(
            &format!("/api/v1/stories/{id}"),
            &moderator.token,
            &json!({ "expires_at": "2100-12-31T23:59:59Z" }),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}
