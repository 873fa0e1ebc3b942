//! Holes a review found: idempotency under concurrency, the claim check's visibility and
//! throttle, the four-eyes rule, and search that answers alike on both databases.

use serde_json::{json, Value};
use vouch::accounts::Role;

use crate::helpers::stories::{claim_ids, company_story, AWARD, FEELING};
use crate::helpers::{problem, spawn_app, spawn_app_with, TestApp};

async fn check(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.post("/api/v1/authenticity/check", Some(token), body)
        .await
}

#[tokio::test]
async fn concurrent_requests_with_one_idempotency_key_create_one_story() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let rounds = if crate::helpers::db::postgres_admin_url().is_some() {
        10
    } else {
        2
    };
    for round in 0..rounds {
        let key = format!("tap-{round}");
        let body = json!({ "title": format!("Once {round}"), "body": FEELING });
        let send = || {
            app.client
                .post(app.url("/api/v1/stories"))
                .bearer_auth(&admin.token)
                .header("idempotency-key", &key)
                .json(&body)
                .send()
        };
        let (a, b, c) = tokio::join!(send(), send(), send());
        let mut ids = Vec::new();
        for res in [a, b, c] {
            let res = res.unwrap();
            assert_eq!(res.status(), 201, "round {round}");
            let story: Value = res.json().await.unwrap();
            ids.push(story["id"].as_str().unwrap().to_string());
        }
        ids.dedup();
        assert_eq!(
            ids.len(),
            1,
            "round {round}: one story, answered three times"
        );
    }
    let list: Value = app
        .get("/api/v1/stories?limit=100", &admin.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), rounds);
}

#[tokio::test]
async fn the_claim_check_reveals_no_story_the_caller_may_not_read() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    let lucas = app.member(&admin, "lucas", Role::Ambassador).await;
    let draft = app
        .create_story(
            &amara.token,
            json!({ "title": "Mine", "body": AWARD, "kind": "testimonial" }),
        )
        .await;
    let id = draft["id"].as_str().unwrap();
    let body = json!({ "text": AWARD, "story_id": id });
    // Another ambassador cannot read amara's draft, so cannot check against it either.
    problem(
        app.get(&format!("/api/v1/stories/{id}"), &lucas.token)
            .await,
        404,
    )
    .await;
    problem(check(&app, &lucas.token, &body).await, 404).await;
    // Its author and the comms team can, and see the stored claim matched.
    for token in [&amara.token, &admin.token] {
        let res = check(&app, token, &body).await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["claims"][0]["id"], claim_ids(&draft)[0].as_str());
    }
}

#[tokio::test]
async fn the_claim_check_is_throttled_per_user() {
    let app = spawn_app_with(|s| s.claims.checks_per_minute = 3).await;
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    let body = json!({ "text": AWARD });
    for _ in 0..3 {
        assert_eq!(check(&app, &amara.token, &body).await.status(), 200);
    }
    let res = check(&app, &amara.token, &body).await;
    assert!(res.headers().contains_key("retry-after"));
    problem(res, 429).await;
    assert_eq!(
        check(&app, &admin.token, &body).await.status(),
        200,
        "another user's own bucket"
    );
}

#[tokio::test]
async fn four_eyes_keeps_writers_from_judging_their_own_words() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let writer = app.member(&admin, "camille", Role::Moderator).await;
    let checker = app.member(&admin, "noor", Role::Moderator).await;
    let res = app
        .client
        .put(app.url("/api/v1/org/policy"))
        .bearer_auth(&admin.token)
        .json(&json!({ "separate_verifier": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let story = app
        .create_story(&writer.token, company_story(&format!("{AWARD} {FEELING}")))
        .await;
    let id = story["id"].as_str().unwrap();
    let claim = claim_ids(&story)[0].clone();
    assert_eq!(
        app.story_act(&writer.token, id, "submit", json!({}))
            .await
            .status(),
        200
    );
    let evidence = json!({ "evidence_url": "https://acme.example/proof" });

    // The writer may neither verify its claims nor approve it.
    problem(
        app.claim_act(&writer.token, &claim, "verify", evidence.clone())
            .await,
        403,
    )
    .await;
    assert_eq!(
        app.claim_act(&checker.token, &claim, "verify", evidence)
            .await
            .status(),
        200
    );
    problem(
        app.story_act(&writer.token, id, "approve", json!({})).await,
        403,
    )
    .await;

    // Whoever adds a claim by hand may not approve either: the checker marks one, so the
    // third moderator (the admin) approves once it is verified by someone else.
    let res = app
        .post(
            &format!("/api/v1/stories/{id}/claims"),
            Some(&checker.token),
            &json!({ "text": "I love my team" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let view: Value = res.json().await.unwrap();
    let manual = view["authenticity"]["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["origin"] == "manual")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    problem(
        app.claim_act(
            &checker.token,
            &manual,
            "dismiss",
            json!({ "reason": "a feeling" }),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(
        app.claim_act(
            &admin.token,
            &manual,
            "dismiss",
            json!({ "reason": "a feeling" })
        )
        .await
        .status(),
        200
    );
    problem(
        app.story_act(&checker.token, id, "approve", json!({}))
            .await,
        403,
    )
    .await;
    let res = app.story_act(&admin.token, id, "approve", json!({})).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn search_folds_case_and_accents_alike_on_both_databases() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let story = app
        .create_story(
            &admin.token,
            json!({ "title": "L'ÉTÉ à Zürich", "body": "Nous organisons un séminaire d'été.", "language": "fr" }),
        )
        .await;
    let id = story["id"].as_str().unwrap().to_string();
    app.approve_fully(&admin.token, &story).await;
    app.create_story(&admin.token, json!({ "title": "Winter", "body": FEELING }))
        .await;
    for q in [
        "été",
        "ÉTÉ",
        "ete",
        "zurich",
        "ZÜRICH",
        "seminaire",
        "d%27%C3%A9t%C3%A9",
    ] {
        assert_eq!(
            app.feed_ids(&admin.token, &format!("?q={q}")).await,
            std::slice::from_ref(&id),
            "q={q}"
        );
        let list: Value = app
            .get(&format!("/api/v1/stories?q={q}"), &admin.token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "q={q}");
    }
    assert!(app.feed_ids(&admin.token, "?q=hiver").await.is_empty());
}
