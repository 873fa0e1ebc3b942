//! Consent over HTTP: a versioned text, an agreement that names the version, a withdrawal
//! that undoes what sharing set in motion.

use serde_json::{json, Value};
use vouch::accounts::Role;

use crate::helpers::{fields, problem, spawn_app};

#[tokio::test]
async fn sharing_needs_consent_to_the_current_text() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let camille = app.member(&admin, "camille", Role::Moderator).await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    let story = app
        .publishable_story(&camille.token, "We ship every week.")
        .await;
    let share = json!({ "story_id": story["id"], "channels": ["careers_page"] });

    let refused = problem(app.share(&amara.token, share.clone()).await, 403).await;
    assert_eq!(refused["type"], "urn:vouch:problem:consent-required");
    assert_eq!(refused["requirement"], "consent");

    let text: Value = app
        .get("/api/v1/consent", &amara.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(text["version"], 1);
    assert!(text["text"].as_str().unwrap().contains("withdraw"));
    let wrong = app
        .post(
            "/api/v1/me/consent",
            Some(&amara.token),
            &json!({ "version": 7 }),
        )
        .await;
    assert_eq!(fields(&problem(wrong, 422).await), ["version"]);
    app.consent(&amara.token).await;
    let mine: Value = app
        .get("/api/v1/me/consent", &amara.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (mine["active"].clone(), mine["agreed_version"].clone()),
        (json!(true), json!(1))
    );
    assert_eq!(app.share(&amara.token, share.clone()).await.status(), 201);

    // Only admins change the text; a new version asks everyone to agree again.
    let res = app
        .client
        .put(app.url("/api/v1/consent"))
        .bearer_auth(&camille.token)
        .json(&json!({ "text": "New words" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // The length limit counts the text as sent, padding included (schemathesis found a
    // 20,001-character text of form feeds accepted once trimmed).
    let padded = format!("({}", "\u{c}".repeat(20_000));
    let res = app
        .client
        .put(app.url("/api/v1/consent"))
        .bearer_auth(&admin.token)
        .json(&json!({ "text": padded }))
        .send()
        .await
        .unwrap();
    assert_eq!(fields(&problem(res, 422).await), ["text"]);
    let res = app
        .client
        .put(app.url("/api/v1/consent"))
        .bearer_auth(&admin.token)
        .json(&json!({ "text": "New words: posts carry #AcmeEmployee." }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let text: Value = res.json().await.unwrap();
    assert_eq!(text["version"], 2);
    let mine: Value = app
        .get("/api/v1/me/consent", &amara.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            mine["active"].clone(),
            mine["agreed_version"].clone(),
            mine["current_version"].clone()
        ),
        (json!(false), json!(1), json!(2))
    );
    let refused = problem(app.share(&amara.token, share.clone()).await, 403).await;
    assert!(refused["detail"].as_str().unwrap().contains("version 1"));
    app.consent(&amara.token).await;
    assert_eq!(app.share(&amara.token, share).await.status(), 201);
}

#[tokio::test]
async fn withdrawing_cancels_waiting_shares_and_is_audited() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let camille = app.member(&admin, "camille", Role::Moderator).await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    let story = app
        .publishable_story(&camille.token, "We ship every week.")
        .await;
    app.consent(&amara.token).await;
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    let res = app
        .share(
            &amara.token,
            json!({ "story_id": story["id"], "channels": ["careers_page"], "scheduled_at": tomorrow }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let batch: Value = res.json().await.unwrap();
    let share_id = batch["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(batch["items"][0]["status"], "scheduled");

    let res = app
        .client
        .delete(app.url("/api/v1/me/consent"))
        .bearer_auth(&amara.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mine: Value = res.json().await.unwrap();
    assert_eq!(mine["active"], false);
    let share: Value = app
        .get(&format!("/api/v1/shares/{share_id}"), &amara.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(share["status"], "cancelled");
    let actions: Vec<String> = app
        .audit_actions(&admin.org_id, "user", &amara.id)
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        ["consent.withdrawn", "consent.granted", "user.invited"]
    );
    let refused = problem(
        app.share(
            &amara.token,
            json!({ "story_id": story["id"], "channels": ["careers_page"] }),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(refused["requirement"], "consent");
}
