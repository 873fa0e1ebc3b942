//! Testimonials through review: the queue with waiting times, batched notices to the comms
//! team, decisions with reasons mailed to the author, and status conflicts.

use serde_json::{json, Value};
use vouch::accounts::Role;

use crate::helpers::stories::{company_story, FEELING};
use crate::helpers::{fields, problem, spawn_app_with};

fn testimonial(title: &str) -> Value {
    json!({ "title": title, "body": FEELING, "topics": ["team"] })
}

#[tokio::test]
async fn a_testimonial_is_reviewed_and_its_author_mailed_each_decision() {
    // The digest is driven by hand here, so the test decides when a batch closes.
    let app = spawn_app_with(|s| s.moderation.digest_interval_secs = 3600).await;
    let admin = app.org("acme").await;
    let moderator = app.member(&admin, "camille", Role::Moderator).await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;

    let first = app
        .create_story(&amara.token, testimonial("My first year"))
        .await;
    assert_eq!(first["kind"], "testimonial");
    assert_eq!(first["status"], "draft");
    let second = app
        .create_story(&amara.token, testimonial("Why I stayed"))
        .await;
    let (a, b) = (
        first["id"].as_str().unwrap(),
        second["id"].as_str().unwrap(),
    );
    for id in [a, b] {
        let res = app.story_act(&amara.token, &id, "submit", json!({})).await;
        assert_eq!(res.status(), 200);
    }

    // One notice per moderator for both submissions, and none again for the same ones.
    let mails = vouch::moderation::digest::run_once(&app.state)
        .await
        .unwrap();
    assert_eq!(mails, 2, "one mail each to the admin and the moderator");
    let notice = app.mail.wait_for(&moderator.email, 1).await;
    assert!(
        notice.subject.starts_with("2 stories"),
        "{}",
        notice.subject
    );
    assert!(notice.body.contains("My first year") && notice.body.contains("Why I stayed"));
    assert_eq!(
        vouch::moderation::digest::run_once(&app.state)
            .await
            .unwrap(),
        0
    );

    // The queue: oldest first, with waiting times and counts.
    let queue: Value = app
        .get("/api/v1/review-queue", &moderator.token)
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["story"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [a, b]);
    assert!(queue["items"][0]["waiting_secs"].as_i64().unwrap() >= 0);
    assert_eq!(queue["counts"]["in_review"], 2);
    assert_eq!(queue["counts"]["approved"], 0);
    problem(app.get("/api/v1/review-queue", &amara.token).await, 403).await;
    // Page by page, the oldest wait is the same figure on every page.
    let first: Value = app
        .get("/api/v1/review-queue?limit=1", &moderator.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["items"][0]["story"]["id"], a);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = app
        .get(
            &format!("/api/v1/review-queue?limit=1&cursor={cursor}"),
            &moderator.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["items"][0]["story"]["id"], b);
    assert!(second["next_cursor"].is_null());
    assert!(
        second["oldest_waiting_secs"].as_i64().unwrap()
            >= first["items"][0]["waiting_secs"].as_i64().unwrap()
    );

    // Changes requested: a reason is required, and mailed.
    let res = app
        .story_act(&moderator.token, &a, "request-changes", json!({}))
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["reason"]);
    let res = app
        .story_act(
            &moderator.token,
            &a,
            "request-changes",
            json!({ "reason": "Please add a sentence about your team." }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let mail = app.mail.wait_for(&amara.email, 1).await;
    assert!(
        mail.subject.contains("sent back for changes"),
        "{}",
        mail.subject
    );
    assert!(mail.body.contains("Please add a sentence about your team."));

    // Edited, resubmitted, approved: mailed again.
    let res = app
        .patch(
            &format!("/api/v1/stories/{a}"),
            &amara.token,
            &json!({ "body": format!("{FEELING} My team welcomed me warmly.") }),
        )
        .await;
    assert_eq!(res.status(), 200);
    app.story_act(&amara.token, &a, "submit", json!({})).await;
    let approved: Value = app
        .story_act(
            &moderator.token,
            &a,
            "approve",
            json!({ "reason": "Lovely" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["decided_by"], moderator.id);
    assert!(app
        .mail
        .wait_for(&amara.email, 2)
        .await
        .subject
        .contains("was approved"));

    // Rejected, with its reason.
    app.story_act(
        &moderator.token,
        &b,
        "reject",
        json!({ "reason": "It names a colleague without consent." }),
    )
    .await;
    let mail = app.mail.wait_for(&amara.email, 3).await;
    assert!(mail.subject.contains("rejected") && mail.body.contains("without consent"));
}

#[tokio::test]
async fn transitions_out_of_turn_are_conflicts_naming_the_status() {
    let app = spawn_app_with(|_| {}).await;
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    let story = app.create_story(&admin.token, company_story(FEELING)).await;
    let id = story["id"].as_str().unwrap();
    let body = problem(
        app.story_act(&admin.token, &id, "approve", json!({})).await,
        409,
    )
    .await;
    assert_eq!(body["current_status"], "draft");
    // Ambassadors cannot moderate, and cannot touch the comms team's stories.
    problem(
        app.story_act(&amara.token, &id, "approve", json!({})).await,
        403,
    )
    .await;
    problem(
        app.story_act(&amara.token, &id, "submit", json!({})).await,
        403,
    )
    .await;
    let approved = app.approve_fully(&admin.token, &story).await;
    assert_eq!(approved["status"], "approved");
    problem(
        app.story_act(&admin.token, &id, "submit", json!({})).await,
        409,
    )
    .await;
    let res = app
        .story_act(
            &admin.token,
            &id,
            "retract",
            json!({ "reason": "outdated" }),
        )
        .await;
    let retracted: Value = res.json().await.unwrap();
    assert_eq!(retracted["status"], "retracted");
    assert_eq!(retracted["authenticity"]["publishable"], false);
    assert!(app.feed_ids(&amara.token, "").await.is_empty());
    // Retraction is allowed from every status but its own (see tests/api/takedown.rs).
    let body = problem(
        app.story_act(&admin.token, &id, "retract", json!({ "reason": "x" }))
            .await,
        409,
    )
    .await;
    assert_eq!(body["current_status"], "retracted");
    let body = problem(
        app.patch(
            &format!("/api/v1/stories/{id}"),
            &admin.token,
            &json!({ "title": "New" }),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(body["current_status"], "retracted");
}

#[tokio::test]
async fn expired_stories_are_archived_and_leave_the_feed() {
    let app = spawn_app_with(|s| s.moderation.digest_interval_secs = 3600).await;
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let story = app
        .create_story(
            &admin.token,
            json!({ "title": "Open day", "body": FEELING, "expires_at": soon }),
        )
        .await;
    let id = app.approve_fully(&admin.token, &story).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        vouch::app::housekeeping::archive_expired(&app.state)
            .await
            .unwrap(),
        0
    );
    assert_eq!(app.feed_ids(&amara.token, "").await, vec![id.clone()]);

    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    // Out of the feed at once, by the gate, before any upkeep runs.
    assert!(app.feed_ids(&amara.token, "").await.is_empty());
    assert_eq!(
        vouch::app::housekeeping::archive_expired(&app.state)
            .await
            .unwrap(),
        1
    );
    let view: Value = app
        .get(&format!("/api/v1/stories/{id}"), &admin.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "archived");
    assert!(view["authenticity"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.as_str().unwrap().starts_with("expired")));
    assert_eq!(
        vouch::app::housekeeping::archive_expired(&app.state)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn two_moderators_deciding_at_once_get_one_decision() {
    let app = spawn_app_with(|_| {}).await;
    let admin = app.org("acme").await;
    let camille = app.member(&admin, "camille", Role::Moderator).await;
    for _ in 0..5 {
        let story = app.create_story(&admin.token, company_story(FEELING)).await;
        let id = story["id"].as_str().unwrap();
        app.story_act(&admin.token, &id, "submit", json!({})).await;
        let path = format!("/api/v1/stories/{id}/approve");
        let reject = format!("/api/v1/stories/{id}/reject");
        let (a, b) = tokio::join!(
            app.act(&admin.token, &path, json!({})),
            app.act(&camille.token, &reject, json!({ "reason": "duplicate" })),
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 409]);
        let decisions = app
            .audit_actions(&admin.org_id, "story", id)
            .await
            .into_iter()
            .filter(|e| e.action == "story.approved" || e.action == "story.rejected")
            .count();
        assert_eq!(decisions, 1);
    }
}
