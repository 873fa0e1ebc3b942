//! Export and erasure over HTTP.

use serde_json::{json, Value};
use vouch::accounts::Role;

use crate::helpers::{problem, spawn_app};

#[tokio::test]
async fn an_export_holds_what_vouch_knows_and_an_erasure_keeps_only_the_totals() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let camille = app.member(&admin, "camille", Role::Moderator).await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    app.consent(&amara.token).await;
    let story = app
        .publishable_story(&camille.token, "We ship every week.")
        .await;
    let res = app
        .share(&amara.token, json!({ "story_id": story["id"], "channels": ["careers_page"], "text": "My own words about shipping" }))
        .await;
    assert_eq!(res.status(), 201);
    let testimonial = app
        .create_story(
            &amara.token,
            json!({ "title": "Why I stay", "body": "I love my team." }),
        )
        .await;

    // A sentence of hers that a moderator judged: an example the org's detector learns from.
    let example = vouch::claims::tuning::repo::Example {
        id: vouch::ids::new_id(),
        org_id: admin.org_id.clone(),
        story_id: testimonial["id"].as_str().unwrap().to_string(),
        normalized: "i got a raise".into(),
        text: "I got a raise.".into(),
        language: "en".into(),
        is_claim: true,
        source: "manual".into(),
        created_at: vouch::ids::now(),
    };
    let examples = |app: &crate::helpers::TestApp| {
        let mut conn = app.state.pool.get().unwrap();
        vouch::claims::tuning::repo::examples(&mut conn, &admin.org_id).unwrap()
    };
    // The moderator's verdicts on the company story are examples of the org too; they stay.
    let before = examples(&app).len();
    vouch::claims::tuning::repo::put_example(&mut app.state.pool.get().unwrap(), &example).unwrap();
    assert_eq!(examples(&app).len(), before + 1);

    let res = app.get("/api/v1/me/export", &amara.token).await;
    assert_eq!(res.status(), 200);
    let export: Value = res.json().await.unwrap();
    assert_eq!(export["user"]["email"], amara.email);
    assert_eq!(export["consents"][0]["version"], "1");
    assert_eq!(export["stories"][0]["title"], "Why I stay");
    assert!(export["shares"][0]["text"]
        .as_str()
        .unwrap()
        .contains("My own words"));
    assert!(export["activity"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "share.created"));

    // Only admins erase, and not themselves.
    let path = format!("/api/v1/users/{}/erase", amara.id);
    assert_eq!(
        app.act(&camille.token, &path, json!({})).await.status(),
        403
    );
    problem(
        app.act(
            &admin.token,
            &format!("/api/v1/users/{}/erase", admin.id),
            json!({}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(app.act(&admin.token, &path, json!({})).await.status(), 204);

    // The person is gone: no sign-in, no name, no words; the share still counts.
    assert_eq!(app.get("/api/v1/me", &amara.token).await.status(), 401);
    let user: Value = app
        .get(&format!("/api/v1/users/{}", amara.id), &admin.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(user["display_name"], "Erased user");
    assert_eq!(user["status"], "disabled");
    assert!(!user["email"].as_str().unwrap().contains("amara"));
    let shares: Value = app
        .get(
            &format!("/api/v1/shares?user_id={}", amara.id),
            &admin.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shares["items"].as_array().unwrap().len(), 1);
    assert_eq!(shares["items"][0]["text"], "");
    let story: Value = app
        .get(
            &format!("/api/v1/stories/{}", testimonial["id"].as_str().unwrap()),
            &admin.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(story["body"], "");
    assert_eq!(story["status"], "archived");
    // Her words leave the detector's examples too.
    let left = examples(&app);
    assert_eq!(left.len(), before, "only the erased author's sentences go");
    assert!(left.iter().all(|e| e.text != example.text));
    let actions: Vec<String> = app
        .audit_actions(&admin.org_id, "user", &amara.id)
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions[..2], ["user.erased", "consent.withdrawn"]);
}
