//! The authenticity gate over HTTP: claims flagged, approval blocked, verified, published,
//! refuted; expiry; dismissal; the live check; the org policy.

use serde_json::{json, Value};
use vouch::accounts::Role;

use crate::helpers::stories::{claim_ids, company_story, AWARD, FEELING};
use crate::helpers::{fields, problem, spawn_app};

#[tokio::test]
async fn a_claim_blocks_approval_until_verified_and_refuting_it_unpublishes() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let moderator = app.member(&admin, "camille", Role::Moderator).await;
    let ambassador = app.member(&admin, "amara", Role::Ambassador).await;

    // Written: the award is flagged, the feeling is not.
    let story = app
        .create_story(
            &moderator.token,
            company_story(&format!("{AWARD} {FEELING}")),
        )
        .await;
    let id = story["id"].as_str().unwrap().to_string();
    let auth = &story["authenticity"];
    assert_eq!(auth["publishable"], false);
    assert_eq!(auth["claims"].as_array().unwrap().len(), 1);
    assert_eq!(auth["claims"][0]["text"], AWARD);
    assert_eq!(auth["claims"][0]["status"], "unverified");
    assert_eq!(auth["claims"][0]["field"], "body");
    assert_eq!(
        (
            auth["claims"][0]["start"].as_u64(),
            auth["claims"][0]["end"].as_u64()
        ),
        (Some(0), Some(AWARD.chars().count() as u64))
    );
    assert_eq!(auth["counts"]["unverified"], 1);

    // Approval fails, naming the claim.
    app.story_act(&moderator.token, &id, "submit", json!({}))
        .await;
    let body = problem(
        app.story_act(&moderator.token, &id, "approve", json!({}))
            .await,
        409,
    )
    .await;
    assert_eq!(body["blocking"][0]["text"], AWARD);
    assert_eq!(body["current_status"], "in_review");
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("Great Place to Work"));

    // Verify with evidence, approve: publishable and in the ambassadors' feed.
    let claim = claim_ids(&story)[0].clone();
    let res = app.claim_act(&moderator.token, &claim, "verify", json!({ "evidence_url": "https://acme.example/gptw-2025.pdf", "evidence_note": "certificate" })).await;
    let verified: Value = res.json().await.unwrap();
    assert_eq!(verified["authenticity"]["claims"][0]["status"], "verified");
    assert_eq!(
        verified["authenticity"]["claims"][0]["decided_by"],
        moderator.id
    );
    let approved: Value = app
        .story_act(&moderator.token, &id, "approve", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["authenticity"]["publishable"], true);
    assert_eq!(app.feed_ids(&ambassador.token, "").await, vec![id.clone()]);

    // Refuted later: out of the feed at once, back in the review queue (an approved story
    // never keeps a blocking claim), and no longer readable by ambassadors.
    let res = app
        .claim_act(
            &moderator.token,
            &claim,
            "refute",
            json!({ "reason": "the certificate was for 2023" }),
        )
        .await;
    let refuted: Value = res.json().await.unwrap();
    assert_eq!(refuted["status"], "in_review");
    assert_eq!(refuted["authenticity"]["publishable"], false);
    assert_eq!(refuted["authenticity"]["blocking"][0]["status"], "refuted");
    assert!(app.feed_ids(&ambassador.token, "").await.is_empty());
    problem(
        app.get(&format!("/api/v1/stories/{id}"), &ambassador.token)
            .await,
        404,
    )
    .await;

    let events = app.audit_actions(&admin.org_id, "story", &id).await;
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "story.withdrawn",
            "story.sent_back_to_review",
            "story.approved",
            "story.submitted",
            "story.created"
        ]
    );
}

#[tokio::test]
async fn verification_needs_evidence_and_can_expire() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let ambassador = app.member(&admin, "amara", Role::Ambassador).await;
    let story = app.create_story(&admin.token, company_story(AWARD)).await;
    let claim = claim_ids(&story)[0].clone();
    let body = problem(
        app.claim_act(&admin.token, &claim, "verify", json!({}))
            .await,
        422,
    )
    .await;
    assert_eq!(fields(&body), ["evidence_url", "evidence_note"]);
    let body = problem(
        app.claim_act(
            &admin.token,
            &claim,
            "verify",
            json!({ "evidence_url": "ftp://x.example/a" }),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(fields(&body), ["evidence_url"]);

    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let id = story["id"].as_str().unwrap();
    app.story_act(&admin.token, &id, "submit", json!({})).await;
    let res = app
        .claim_act(
            &admin.token,
            &claim,
            "verify",
            json!({ "evidence_note": "HR report", "expires_at": soon }),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.story_act(&admin.token, &id, "approve", json!({}))
            .await
            .status(),
        200
    );
    assert_eq!(app.feed_ids(&ambassador.token, "").await.len(), 1);

    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert!(
        app.feed_ids(&ambassador.token, "").await.is_empty(),
        "an expired verification unpublishes"
    );
    // The periodic upkeep then sends it back to review, where the lapse shows.
    let mut view = Value::Null;
    for _ in 0..100 {
        view = app
            .get(&format!("/api/v1/stories/{id}"), &admin.token)
            .await
            .json()
            .await
            .unwrap();
        if view["status"] == "in_review" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(view["status"], "in_review");
    assert_eq!(view["authenticity"]["blocking"][0]["status"], "unverified");
    assert_eq!(
        view["authenticity"]["blocking"][0]["verification_expired"],
        true
    );
}

#[tokio::test]
async fn not_a_claim_needs_a_reason_and_then_clears_the_gate() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let story = app
        .create_story(
            &admin.token,
            company_story("Our revenue grew 40% last year."),
        )
        .await;
    let claim = claim_ids(&story)[0].clone();
    let body = problem(
        app.claim_act(&admin.token, &claim, "dismiss", json!({ "reason": "  " }))
            .await,
        422,
    )
    .await;
    assert_eq!(fields(&body), ["reason"]);
    let view: Value = app
        .claim_act(
            &admin.token,
            &claim,
            "dismiss",
            json!({ "reason": "public annual report" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["authenticity"]["claims"][0]["status"], "dismissed");
    assert_eq!(
        view["authenticity"]["claims"][0]["reason"],
        "public annual report"
    );
    let id = story["id"].as_str().unwrap();
    app.story_act(&admin.token, &id, "submit", json!({})).await;
    assert_eq!(
        app.story_act(&admin.token, &id, "approve", json!({}))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn moderators_add_claims_the_detector_missed() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let story = app
        .create_story(
            &admin.token,
            company_story("Our canteen serves organic food. I love my team."),
        )
        .await;
    let id = story["id"].as_str().unwrap();
    let res = app
        .story_act(
            &admin.token,
            &id,
            "claims",
            json!({ "text": "not in the story" }),
        )
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["text"]);
    let res = app
        .story_act(
            &admin.token,
            &id,
            "claims",
            json!({ "text": "serves ORGANIC food" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let view: Value = res.json().await.unwrap();
    let manual: Vec<&Value> = view["authenticity"]["claims"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["origin"] == "manual")
        .collect();
    assert_eq!(manual.len(), 1);
    assert_eq!(manual[0]["text"], "serves organic food");
    assert_eq!(manual[0]["status"], "unverified");
    app.story_act(&admin.token, &id, "submit", json!({})).await;
    problem(
        app.story_act(&admin.token, &id, "approve", json!({})).await,
        409,
    )
    .await;
}

#[tokio::test]
async fn the_live_check_flags_claims_in_both_languages_and_matches_a_story() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let ambassador = app.member(&admin, "amara", Role::Ambassador).await;
    let text = "Tous nos salariés ont droit à 30 jours de congés. J'ai beaucoup appris ici.";
    let res: Value = app
        .post(
            "/api/v1/authenticity/check",
            Some(&ambassador.token),
            &json!({ "text": text, "language": "fr" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(res["publishable"], false);
    assert_eq!(res["claims"].as_array().unwrap().len(), 1);
    let claim = &res["claims"][0];
    let (start, end) = (
        claim["start"].as_u64().unwrap() as usize,
        claim["end"].as_u64().unwrap() as usize,
    );
    let quoted: String = text.chars().skip(start).take(end - start).collect();
    assert_eq!(quoted, claim["text"].as_str().unwrap());
    assert_eq!(claim["status"], "unverified");

    let none: Value = app
        .post(
            "/api/v1/authenticity/check",
            Some(&ambassador.token),
            &json!({ "text": FEELING }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["publishable"], true);
    assert!(none["claims"].as_array().unwrap().is_empty());
    assert_eq!(none["hints"], json!([]), "{none}");

    // A sentence just under the threshold comes back as a hint for its author, holding nothing.
    let (close, language) = vouch::claims::detector::learned::corpus::new_corpus()
        .into_iter()
        .find(|e| {
            let judged = vouch::claims::detector::judge(&e.sentence, e.language, None);
            judged.claims.is_empty() && judged.hints.len() == 1
        })
        .map(|e| (e.sentence, e.language))
        .unwrap();
    let hinted: Value = app
        .post(
            "/api/v1/authenticity/check",
            Some(&ambassador.token),
            &json!({ "text": close, "language": language }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(hinted["publishable"], true, "{hinted}");
    assert!(
        hinted["blocking"].as_array().unwrap().is_empty(),
        "{hinted}"
    );
    assert_eq!(hinted["hints"][0]["text"], close.as_str(), "{hinted}");
    assert!(hinted["hints"][0]["why"]
        .as_array()
        .is_some_and(|w| !w.is_empty()));

    // With a story, a claim verified there reads verified here.
    let story = app.create_story(&admin.token, company_story(AWARD)).await;
    let approved = app.approve_fully(&admin.token, &story).await;
    let caption = format!("Proud! {AWARD}");
    let res: Value = app
        .post(
            "/api/v1/authenticity/check",
            Some(&ambassador.token),
            &json!({ "text": caption, "story_id": approved["id"] }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(res["claims"][0]["status"], "verified", "{res}");
    assert_eq!(res["publishable"], true);
    problem(
        app.post("/api/v1/authenticity/check", None, &json!({ "text": "x" }))
            .await,
        401,
    )
    .await;
}

#[tokio::test]
async fn the_org_policy_is_enforced_by_the_gate_and_the_check() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let moderator = app.member(&admin, "camille", Role::Moderator).await;
    let policy =
        json!({ "forbidden": ["rockstar", "guaranteed"], "required_hashtags": ["LifeAtAcme"] });
    problem(
        app.client
            .put(app.url("/api/v1/org/policy"))
            .bearer_auth(&moderator.token)
            .json(&policy)
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;
    let res = app
        .client
        .put(app.url("/api/v1/org/policy"))
        .bearer_auth(&admin.token)
        .json(&policy)
        .send()
        .await
        .unwrap();
    let saved: Value = res.json().await.unwrap();
    assert_eq!(saved["required_hashtags"], json!(["#LifeAtAcme"]));

    let res: Value = app
        .post(
            "/api/v1/authenticity/check",
            Some(&moderator.token),
            &json!({ "text": "We hire Rockstar engineers" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let rules: Vec<&str> = res["policy_violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["forbidden", "missing_hashtag"]);
    assert_eq!(res["policy_violations"][0]["matched"], "Rockstar");
    assert_eq!(res["publishable"], false);

    let story = app.create_story(&moderator.token, json!({
        "title": "Hiring", "body": "We hire rockstar engineers.", "captions": { "linkedin": "Join us #LifeAtAcme" }
    })).await;
    let id = story["id"].as_str().unwrap();
    app.story_act(&moderator.token, &id, "submit", json!({}))
        .await;
    let body = problem(
        app.story_act(&moderator.token, &id, "approve", json!({}))
            .await,
        409,
    )
    .await;
    assert_eq!(body["policy_violations"][0]["term"], "rockstar");
    assert_eq!(body["policy_violations"][0]["field"], "body");
}

#[tokio::test]
async fn another_orgs_claims_are_not_found() {
    let app = spawn_app().await;
    let acme = app.org("acme").await;
    let globex = app.org("globex").await;
    let story = app.create_story(&acme.token, company_story(AWARD)).await;
    let claim = claim_ids(&story)[0].clone();
    let res = app
        .claim_act(
            &globex.token,
            &claim,
            "verify",
            json!({ "evidence_note": "trust me" }),
        )
        .await;
    problem(res, 404).await;
    problem(
        app.get(
            &format!("/api/v1/stories/{}", story["id"].as_str().unwrap()),
            &globex.token,
        )
        .await,
        404,
    )
    .await;
    let res = app
        .post(
            "/api/v1/authenticity/check",
            Some(&globex.token),
            &json!({ "text": AWARD, "story_id": story["id"] }),
        )
        .await;
    problem(res, 404).await;
}

#[tokio::test]
async fn the_story_answer_and_the_approval_problem_keep_their_shape() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let story = app
        .create_story(
            &admin.token,
            json!({
                "title": "Top Employer 2026", "body": format!("{AWARD} {FEELING}"),
                "topics": ["awards"], "language": "en",
                "captions": { "x": "Certified Great Place to Work in 2025! #LifeAtAcme" }
            }),
        )
        .await;
    let id = story["id"].as_str().unwrap();
    app.story_act(&admin.token, &id, "submit", json!({})).await;
    let refused = problem(
        app.story_act(&admin.token, &id, "approve", json!({})).await,
        409,
    )
    .await;
    let redact = |v: Value| {
        insta::assert_json_snapshot!(v, {
            ".id" => "[id]", ".author_id" => "[id]",
            ".**.created_at" => "[time]", ".**.updated_at" => "[time]", ".submitted_at" => "[time]",
            ".**.claims[].id" => "[id]", ".**.blocking[].id" => "[id]",
        });
    };
    redact(story);
    redact(refused);
}
