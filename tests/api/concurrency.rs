//! A story and its claims are one aggregate: concurrent decisions on them are serialised on
//! the story row. SQLite serialises every write and cannot show these races, so they run
//! many rounds on PostgreSQL (`VOUCH_TEST_DATABASE_URL`) and a few on SQLite.

use serde_json::{json, Value};

use crate::helpers::stories::{claim_ids, company_story, AWARD, FEELING};
use crate::helpers::{rounds, spawn_app, Member, TestApp};

/// A company story in review whose one claim (`AWARD`) is verified: ready to approve.
async fn ready_to_approve(app: &TestApp, moderator: &Member) -> (String, String) {
    let story = app
        .create_story(
            &moderator.token,
            company_story(&format!("{AWARD} {FEELING}")),
        )
        .await;
    let id = story["id"].as_str().unwrap().to_string();
    let claim = claim_ids(&story)[0].clone();
    let res = app
        .story_act(&moderator.token, &id, "submit", json!({}))
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .claim_act(
            &moderator.token,
            &claim,
            "verify",
            json!({ "evidence_url": "https://acme.example/proof" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    (id, claim)
}

async fn story(app: &TestApp, token: &str, id: &str) -> Value {
    app.get(&format!("/api/v1/stories/{id}"), token)
        .await
        .json()
        .await
        .unwrap()
}

/// The invariant every round checks: no story ends approved with a blocking claim.
fn assert_never_approved_with_a_blocking_claim(story: &Value, round: usize) {
    let blocking = story["authenticity"]["blocking"].as_array().unwrap();
    assert!(
        story["status"] != "approved" || blocking.is_empty(),
        "round {round}: approved with blocking claims {blocking:?}"
    );
    if story["status"] == "approved" {
        assert_eq!(story["authenticity"]["publishable"], true, "round {round}");
    }
}

fn decided(status: u16, round: usize, what: &str) {
    assert!(
        matches!(status, 200 | 409),
        "round {round}: {what} answered {status}"
    );
}

#[tokio::test]
async fn approve_racing_refute_never_leaves_an_approved_story_with_a_refuted_claim() {
    let app = spawn_app().await;
    let moderator = app.org("acme").await;
    for round in 0..rounds() {
        let (id, claim) = ready_to_approve(&app, &moderator).await;
        let (approve, refute) = tokio::join!(
            app.story_act(&moderator.token, &id, "approve", json!({})),
            app.claim_act(
                &moderator.token,
                &claim,
                "refute",
                json!({ "reason": "the certificate was for 2023" })
            ),
        );
        let (approve, refute) = (approve.status().as_u16(), refute.status().as_u16());
        decided(approve, round, "approve");
        assert_eq!(refute, 200, "round {round}: a refute needs no approval");
        let after = story(&app, &moderator.token, &id).await;
        assert_never_approved_with_a_blocking_claim(&after, round);
        let actions: Vec<String> = app
            .audit_actions(&moderator.org_id, "story", &id)
            .await
            .into_iter()
            .map(|e| e.action)
            .collect();
        if approve == 200 {
            // Approved first, then refuted: the refute withdrew it.
            assert!(
                actions.contains(&"story.withdrawn".to_string()),
                "round {round}: {actions:?}"
            );
        }
        // Either way it waits in review: refuted before approval, or sent back after.
        assert_eq!(after["status"], "in_review", "round {round}");
    }
}

#[tokio::test]
async fn approve_racing_an_edit_never_approves_an_unchecked_claim() {
    let app = spawn_app().await;
    let moderator = app.org("acme").await;
    for round in 0..rounds() {
        let (id, _) = ready_to_approve(&app, &moderator).await;
        let path = format!("/api/v1/stories/{id}");
        let edit = json!({ "body": format!("{AWARD} {FEELING} Our headcount grew 40% in 2025.") });
        let (approve, edit) = tokio::join!(
            app.story_act(&moderator.token, &id, "approve", json!({})),
            app.patch(&path, &moderator.token, &edit),
        );
        decided(approve.status().as_u16(), round, "approve");
        decided(edit.status().as_u16(), round, "edit");
        let after = story(&app, &moderator.token, &id).await;
        assert_never_approved_with_a_blocking_claim(&after, round);
        if edit.status() == 200 {
            // The new claim is there, unverified, whatever the order.
            let texts: Vec<&str> = after["authenticity"]["claims"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["text"].as_str().unwrap())
                .collect();
            assert!(
                texts.contains(&"Our headcount grew 40% in 2025."),
                "round {round}: {texts:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_verdict_on_a_claim_an_edit_removed_is_refused_not_lost() {
    let app = spawn_app().await;
    let moderator = app.org("acme").await;
    for round in 0..rounds() {
        let story_json = app
            .create_story(
                &moderator.token,
                company_story(&format!("{AWARD} {FEELING}")),
            )
            .await;
        let id = story_json["id"].as_str().unwrap().to_string();
        let claim = claim_ids(&story_json)[0].clone();
        let res = app
            .story_act(&moderator.token, &id, "submit", json!({}))
            .await;
        assert_eq!(res.status(), 200);
        let path = format!("/api/v1/stories/{id}");
        let edit = json!({ "body": format!("{FEELING} Our team grew 40% in 2025.") });
        let (verify, edit) = tokio::join!(
            app.claim_act(
                &moderator.token,
                &claim,
                "verify",
                json!({ "evidence_url": "https://acme.example/proof" })
            ),
            app.patch(&path, &moderator.token, &edit),
        );
        assert_eq!(edit.status(), 200, "round {round}");
        match verify.status().as_u16() {
            // Verified before the edit: the answer shows the claim verified, as it was then.
            200 => {
                let view: Value = verify.json().await.unwrap();
                let mine = view["authenticity"]["claims"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["id"] == claim.as_str())
                    .cloned();
                assert_eq!(
                    mine.map(|c| c["status"].clone()),
                    Some(json!("verified")),
                    "round {round}: a verdict answered 200 on a claim it did not verify"
                );
            }
            404 | 409 => {}
            other => panic!("round {round}: verify answered {other}"),
        }
        // Whatever the order, the edited story's new claim blocks approval.
        let approve = app
            .story_act(&moderator.token, &id, "approve", json!({}))
            .await;
        assert_eq!(approve.status(), 409, "round {round}");
        let after = story(&app, &moderator.token, &id).await;
        assert_never_approved_with_a_blocking_claim(&after, round);
        assert!(
            claim_ids(&after).iter().all(|c| c != &claim),
            "round {round}: the removed claim is gone"
        );
    }
}

#[tokio::test]
async fn if_match_makes_edits_and_decisions_conditional() {
    let app = spawn_app().await;
    let moderator = app.org("acme").await;
    let (id, claim) = ready_to_approve(&app, &moderator).await;
    let res = app
        .get(&format!("/api/v1/stories/{id}"), &moderator.token)
        .await;
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let seen: Value = res.json().await.unwrap();
    assert_eq!(etag, format!("\"{}\"", seen["version"]));

    // An unchanged story answers 304 to its own ETag.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/stories/{id}")))
        .bearer_auth(&moderator.token)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);

    // Someone else changes it (a claim verdict counts: it changes the story's gate).
    let res = app
        .claim_act(
            &moderator.token,
            &claim,
            "dismiss",
            json!({ "reason": "an opinion" }),
        )
        .await;
    assert_eq!(res.status(), 200);

    // A decision taken on the version we saw is refused, naming the current one.
    let res = app
        .client
        .post(app.url(&format!("/api/v1/stories/{id}/approve")))
        .bearer_auth(&moderator.token)
        .header("if-match", &etag)
        .send()
        .await
        .unwrap();
    let body = crate::helpers::problem(res, 412).await;
    let current = story(&app, &moderator.token, &id).await;
    assert_eq!(body["current_version"], current["version"]);
    assert_eq!(current["status"], "in_review", "nothing happened");
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/stories/{id}")))
        .bearer_auth(&moderator.token)
        .header("if-match", &etag)
        .json(&json!({ "title": "Stale" }))
        .send()
        .await
        .unwrap();
    crate::helpers::problem(res, 412).await;

    // With the current version it goes through.
    let res = app
        .client
        .post(app.url(&format!("/api/v1/stories/{id}/approve")))
        .bearer_auth(&moderator.token)
        .header("if-match", format!("\"{}\"", current["version"]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_ne!(res.headers()["etag"].to_str().unwrap(), etag);
}
