//! Sharing over HTTP: the gate, the ambassador's own words, caps, originality, cancelling and
//! review. (Publishing to the networks is in `publishing.rs`.)

use serde_json::{json, Value};
use vouch::accounts::Role;

use crate::helpers::stories::{company_story, AWARD};
use crate::helpers::{fields, problem, Member, TestApp};

use crate::helpers::shares::sharing_world as setup;

async fn put_policy(app: &TestApp, admin: &Member, policy: Value) -> Value {
    let res = app
        .client
        .put(app.url("/api/v1/org/policy"))
        .bearer_auth(&admin.token)
        .json(&policy)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_careers_page_share_of_a_publishable_story_is_published_by_the_worker() {
    let (app, _admin, camille, amara) = setup().await;
    let story = app
        .publishable_story(&camille.token, "We ship every week.")
        .await;
    let res = app
        .share(
            &amara.token,
            json!({ "story_id": story["id"], "channels": ["careers_page"] }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let batch: Value = res.json().await.unwrap();
    let share = &batch["items"][0];
    assert_eq!(share["channel"], "careers_page");
    assert!(share["tracked_url"].as_str().unwrap().contains("/r/"));
    let id = share["id"].as_str().unwrap();
    let published = app.share_becomes(&amara.token, id, "published").await;
    assert!(published["published_at"].is_string());

    // Ambassadors see their own shares; the comms team sees the org's, filtered.
    let lucas = app.member(&_admin, "lucas", Role::Ambassador).await;
    assert_eq!(
        app.get(&format!("/api/v1/shares/{id}"), &lucas.token)
            .await
            .status(),
        404
    );
    let mine: Value = app
        .get("/api/v1/shares", &lucas.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 0);
    let org: Value = app
        .get(
            &format!("/api/v1/shares?user_id={}&status=published", amara.id),
            &camille.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(org["items"][0]["id"], id);
}

#[tokio::test]
async fn a_story_that_is_not_publishable_cannot_be_shared() {
    let (app, _admin, camille, amara) = setup().await;
    app.consent(&camille.token).await;
    let story = app.publishable_story(&camille.token, AWARD).await;
    let claim = story["authenticity"]["claims"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = app
        .claim_act(
            &camille.token,
            &claim,
            "dispute",
            json!({ "reason": "the certificate lapsed" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let share = json!({ "story_id": story["id"], "channels": ["careers_page"] });
    // The comms team can read it: the gate refuses with the blocking claim.
    let refused = problem(app.share(&camille.token, share.clone()).await, 409).await;
    assert_eq!(refused["authenticity"]["publishable"], false);
    // An ambassador cannot even see a story that is not publishable.
    problem(app.share(&amara.token, share).await, 404).await;
    // An ambassador's own testimonial in draft is theirs to read, and still refused.
    let draft = app
        .create_story(
            &amara.token,
            json!({ "title": "Me", "body": "I love my team." }),
        )
        .await;
    problem(
        app.share(
            &amara.token,
            json!({ "story_id": draft["id"], "channels": ["careers_page"] }),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(
        app.get("/api/v1/shares", &camille.token)
            .await
            .json::<Value>()
            .await
            .unwrap()["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test]
async fn own_words_with_a_claim_the_story_did_not_verify_wait_for_review() {
    let (app, _admin, camille, amara) = setup().await;
    let story = app.publishable_story(&camille.token, AWARD).await;
    // The story's verified claim, in other words around it: no review.
    let res = app
        .share(
            &amara.token,
            json!({ "story_id": story["id"], "channels": ["careers_page"],
                    "text": format!("Proud of this. {AWARD}") }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let batch: Value = res.json().await.unwrap();
    assert_eq!(batch["items"][0]["status"], "scheduled");

    // A new claim: held for a moderator.
    let words = "We doubled our revenue in 2025 and every engineer got a raise.";
    let res = app
        .share(
            &amara.token,
            json!({ "story_id": story["id"], "channels": ["careers_page"], "text": words }),
        )
        .await;
    let batch: Value = res.json().await.unwrap();
    let held = batch["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(batch["items"][0]["status"], "pending_review");
    let queue: Value = app
        .get("/api/v1/shares?status=pending_review", &camille.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue["items"][0]["id"], held);
    // Not the ambassador's call, and a rejection needs a reason.
    assert_eq!(
        app.act(
            &amara.token,
            &format!("/api/v1/shares/{held}/approve"),
            json!({})
        )
        .await
        .status(),
        403
    );
    let res = app
        .act(
            &camille.token,
            &format!("/api/v1/shares/{held}/reject"),
            json!({ "reason": " " }),
        )
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["reason"]);
    let res = app
        .act(
            &camille.token,
            &format!("/api/v1/shares/{held}/reject"),
            json!({ "reason": "the raise was not for everyone" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let rejected: Value = res.json().await.unwrap();
    assert_eq!(rejected["status"], "cancelled");
    assert_eq!(rejected["error"], "the raise was not for everyone");
    let mail = app.mail.wait_for(&amara.email, 1).await;
    assert!(
        mail.body.contains("the raise was not for everyone"),
        "{}",
        mail.body
    );

    // Approved, it goes out.
    let res = app
        .share(
            &amara.token,
            json!({ "story_id": story["id"], "channels": ["careers_page"], "text": words }),
        )
        .await;
    let batch: Value = res.json().await.unwrap();
    let held = batch["items"][0]["id"].as_str().unwrap().to_string();
    let res = app
        .act(
            &camille.token,
            &format!("/api/v1/shares/{held}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    app.share_becomes(&amara.token, &held, "published").await;
    // A decided share is not decided again.
    problem(
        app.act(
            &camille.token,
            &format!("/api/v1/shares/{held}/approve"),
            json!({}),
        )
        .await,
        409,
    )
    .await;
}

#[tokio::test]
async fn bad_share_requests_name_the_field_and_write_nothing() {
    let (app, _admin, camille, amara) = setup().await;
    let story = app
        .publishable_story(&camille.token, "We ship every week.")
        .await;
    let id = story["id"].clone();
    let cases = [
        (
            json!({ "story_id": id, "channels": ["myspace"] }),
            "channels.0",
        ),
        (json!({ "story_id": id, "channels": [] }), "channels"),
        (
            json!({ "story_id": id, "channels": ["careers_page"], "scheduled_at": "2020-01-01T00:00:00Z" }),
            "scheduled_at",
        ),
        (
            json!({ "story_id": id, "channels": ["careers_page"], "scheduled_at": "2040-01-01T00:00:00Z" }),
            "scheduled_at",
        ),
        (json!({ "story_id": id, "channels": ["x"] }), "channels.x"),
        (
            json!({ "story_id": id, "channels": ["careers_page"], "text": "  " }),
            "text",
        ),
        (
            json!({ "story_id": id, "channels": ["careers_page"], "text": format!("Hi{}", " ".repeat(10_000)) }),
            "text",
        ),
        (
            json!({ "story_id": "nope", "channels": ["careers_page"] }),
            "story_id",
        ),
    ];
    for (body, field) in cases {
        let res = app.share(&amara.token, body.clone()).await;
        assert_eq!(fields(&problem(res, 422).await), [field], "{body}");
    }
    // Another org's story does not exist here.
    let other = app.org("globex").await;
    let globex_mod = app.member(&other, "gina", Role::Moderator).await;
    let theirs = app
        .publishable_story(&globex_mod.token, "We ship every day.")
        .await;
    problem(
        app.share(
            &amara.token,
            json!({ "story_id": theirs["id"], "channels": ["careers_page"] }),
        )
        .await,
        404,
    )
    .await;
    let mine: Value = app
        .get("/api/v1/shares", &amara.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 0);
    // The list's filters are the enums the document lists.
    for (query, field) in [
        ("status=sent&channel=x", "status"),
        ("channel=myspace&status=published", "channel"),
        ("limit=ten", "limit"),
    ] {
        let res = app
            .get(&format!("/api/v1/shares?{query}"), &camille.token)
            .await;
        assert_eq!(fields(&problem(res, 422).await), [field], "{query}");
    }
}

#[tokio::test]
async fn daily_caps_say_when_sharing_is_possible_again() {
    let (app, admin, camille, amara) = setup().await;
    put_policy(
        &app,
        &admin,
        json!({ "shares_per_day": 3, "shares_per_story_channel_per_day": 2 }),
    )
    .await;
    let first = app
        .publishable_story(&camille.token, "We ship every week.")
        .await;
    let second = app
        .publishable_story(&camille.token, "We ship on Fridays too.")
        .await;
    // Scheduled for tomorrow, so they are still waiting (and cancellable) below.
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    let share = |story: &Value| json!({ "story_id": story["id"], "channels": ["careers_page"], "scheduled_at": tomorrow });
    for _ in 0..2 {
        assert_eq!(app.share(&amara.token, share(&first)).await.status(), 201);
    }
    let res = app.share(&amara.token, share(&first)).await;
    assert!(res.headers().get("retry-after").is_some());
    let refused = problem(res, 429).await;
    assert!(refused["detail"]
        .as_str()
        .unwrap()
        .contains("2 shares of one story"));
    let retry_at: chrono::DateTime<chrono::Utc> =
        refused["retry_at"].as_str().unwrap().parse().unwrap();
    assert!(retry_at > chrono::Utc::now() + chrono::Duration::hours(23));

    assert_eq!(app.share(&amara.token, share(&second)).await.status(), 201);
    let refused = problem(app.share(&amara.token, share(&second)).await, 429).await;
    assert!(refused["detail"]
        .as_str()
        .unwrap()
        .contains("at most 3 shares a day"));
    // A cancelled share gives its place back.
    let list: Value = app
        .get("/api/v1/shares", &amara.token)
        .await
        .json()
        .await
        .unwrap();
    let last = list["items"][0]["id"].as_str().unwrap();
    let res = app
        .act(
            &amara.token,
            &format!("/api/v1/shares/{last}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "cancelled");
    assert_eq!(app.share(&amara.token, share(&second)).await.status(), 201);
    problem(
        app.act(
            &amara.token,
            &format!("/api/v1/shares/{last}/cancel"),
            json!({}),
        )
        .await,
        409,
    )
    .await;
}

#[tokio::test]
async fn a_text_that_is_nearly_the_caption_is_flagged_and_refused_where_the_org_asks() {
    let (app, admin, camille, amara) = setup().await;
    let lucas = app.member(&admin, "lucas", Role::Ambassador).await;
    app.consent(&lucas.token).await;
    let mut input = company_story("We ship every week.");
    input["captions"] = json!({ "linkedin": "Our Lyon team shipped the new booking flow this week, proud of them" });
    let story = app.create_story(&camille.token, input).await;
    let story = app.approve_fully(&camille.token, &story).await;
    let tweak = "Our Lyon team shipped the new booking flow this week, so proud of them!";
    let res = app
        .share(&amara.token, json!({ "story_id": story["id"], "channels": ["careers_page"], "text": "Pairing with Lyon on booking taught me more than any course" }))
        .await;
    let batch: Value = res.json().await.unwrap();
    assert_eq!(batch["originality"], json!([]));
    let res = app
        .share(&lucas.token, json!({ "story_id": story["id"], "channels": ["careers_page"], "text": "Pairing with Lyon on booking taught me more than any course!" }))
        .await;
    let batch: Value = res.json().await.unwrap();
    assert_eq!(batch["originality"][0]["similar_to"], "another_share");

    put_policy(
        &app,
        &admin,
        json!({ "require_personal_text": ["careers_page"] }),
    )
    .await;
    let res = app
        .share(
            &amara.token,
            json!({ "story_id": story["id"], "channels": ["careers_page"], "text": tweak }),
        )
        .await;
    let refused = problem(res, 422).await;
    assert_eq!(fields(&refused), ["channels.careers_page"]);
    assert!(refused["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("own words"));
}

#[tokio::test]
async fn the_policy_carries_the_disclosure_per_language() {
    let (app, admin, _camille, amara) = setup().await;
    let policy = put_policy(
        &app,
        &admin,
        json!({ "disclosure": "#AcmeEmployee", "disclosure_by_language": { "fr": "#Salarié" } }),
    )
    .await;
    assert_eq!(policy["disclosure"], "#AcmeEmployee");
    assert_eq!(policy["disclosure_by_language"]["fr"], "#Salarié");
    let me: Value = app
        .get("/api/v1/me", &amara.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["org"]["disclosure"], "#AcmeEmployee");
    // Leaving it out keeps it; a bad one is named.
    let policy = put_policy(&app, &admin, json!({ "forbidden": ["rockstar"] })).await;
    assert_eq!(policy["disclosure"], "#AcmeEmployee");
    let res = app
        .client
        .put(app.url("/api/v1/org/policy"))
        .bearer_auth(&admin.token)
        .json(&json!({ "disclosure_by_language": { "french": "#Salarié" }, "shares_per_day": 0 }))
        .send()
        .await
        .unwrap();
    let mut named = fields(&problem(res, 422).await);
    named.sort();
    assert_eq!(named, ["disclosure_by_language.french", "shares_per_day"]);
}

#[tokio::test]
async fn a_retried_share_with_the_same_key_creates_one_share() {
    let (app, _admin, camille, amara) = setup().await;
    let story = app
        .publishable_story(&camille.token, "We ship every week.")
        .await;
    let body = json!({ "story_id": story["id"], "channels": ["careers_page"] });
    let mut ids = Vec::new();
    for _ in 0..2 {
        let res = app
            .client
            .post(app.url("/api/v1/shares"))
            .bearer_auth(&amara.token)
            .header("idempotency-key", "share-once")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let batch: Value = res.json().await.unwrap();
        ids.push(batch["items"][0]["id"].clone());
    }
    assert_eq!(ids[0], ids[1]);
    let mine: Value = app
        .get("/api/v1/shares", &amara.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn refuting_a_claim_cancels_waiting_shares_takes_published_ones_down_and_tells_the_ambassador(
) {
    let (app, _admin, camille, amara) = setup().await;
    let story = app.publishable_story(&camille.token, AWARD).await;
    let res = app
        .share(
            &amara.token,
            json!({ "story_id": story["id"], "channels": ["careers_page"] }),
        )
        .await;
    let out: Value = res.json().await.unwrap();
    let out = out["items"][0]["id"].as_str().unwrap().to_string();
    app.share_becomes(&amara.token, &out, "published").await;
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    let res = app
        .share(&amara.token, json!({ "story_id": story["id"], "channels": ["careers_page"], "scheduled_at": tomorrow }))
        .await;
    let later: Value = res.json().await.unwrap();
    let later = later["items"][0]["id"].as_str().unwrap().to_string();

    let claim = story["authenticity"]["claims"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = app
        .claim_act(
            &camille.token,
            &claim,
            "refute",
            json!({ "reason": "no such certificate" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let cancelled: Value = app
        .get(&format!("/api/v1/shares/{later}"), &amara.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    assert!(
        cancelled["error"]
            .as_str()
            .unwrap()
            .contains("no such certificate")
            || cancelled["error"].as_str().unwrap().contains("refuted")
    );
    app.share_becomes(&amara.token, &out, "retracted").await;
    let mail = app.mail.wait_for(&amara.email, 1).await;
    assert!(mail.subject.contains("withdrawn"), "{}", mail.subject);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        app.mail.count_for(&amara.email),
        1,
        "one mail per ambassador"
    );
}
