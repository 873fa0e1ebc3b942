//! Text disguised with look-alike letters, fullwidth forms or invisible characters, over
//! HTTP: the claim check, the forbidden terms and the disclosure read it as it shows.

use serde_json::{json, Value};

use crate::helpers::stories::AWARD;
use crate::helpers::world::World;
use crate::helpers::{fields, problem, Member, TestApp};

use crate::helpers::shares::sharing_world as setup;

async fn share_status(app: &TestApp, amara: &Member, story: &Value, text: &str) -> String {
    let res = app
        .share(
            &amara.token,
            json!({ "story_id": story["id"], "channels": ["careers_page"], "text": text }),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let batch: Value = res.json().await.unwrap();
    batch["items"][0]["status"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_share_whose_words_carry_a_disguised_unverified_claim_is_held_for_review() {
    let (app, _admin, camille, amara) = setup().await;
    let story = app.publishable_story(&camille.token, AWARD).await;
    for disguised in [
        // е а р о у: Cyrillic.
        "Proud of this team. Wе аrе thе bеst еmрlоуеr in France.",
        "Proud of this team. We are the b\u{200b}est em\u{200b}ployer in France.",
        "Proud of this team. 𝐖𝐞 𝐚𝐫𝐞 𝐭𝐡𝐞 𝐛𝐞𝐬𝐭 𝐞𝐦𝐩𝐥𝐨𝐲𝐞𝐫 in France.",
        "Proud of this team. We are the be\u{ad}st employer in France.",
    ] {
        assert_eq!(
            share_status(&app, &amara, &story, disguised).await,
            "pending_review",
            "{disguised:?}"
        );
    }
    // The story's verified claim, disguised, is still that claim: nothing to review.
    let verified = "Proud of this. Wе wеrе cеrtifiеd Grеаt Plаcе tо Wоrk in 2025.";
    assert_eq!(
        share_status(&app, &amara, &story, verified).await,
        "scheduled"
    );

    // The free-text check flags it too, on the text as written.
    let text = "Hello! Wе аrе thе bеst еmрlоуеr in France.";
    let res = app
        .post(
            "/api/v1/authenticity/check",
            Some(&amara.token),
            &json!({ "text": text, "language": "en" }),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let checked: Value = res.json().await.unwrap();
    let claim = &checked["claims"][0];
    assert_eq!(
        claim["text"], "Wе аrе thе bеst еmрlоуеr in France.",
        "{checked}"
    );
    assert_eq!(
        (claim["start"].as_u64(), claim["end"].as_u64()),
        (Some(7), Some(42))
    );
}

#[tokio::test]
async fn a_forbidden_term_in_look_alike_letters_is_refused_and_reported_as_written() {
    let (app, admin, camille, amara) = setup().await;
    let res = app
        .client
        .put(app.url("/api/v1/org/policy"))
        .bearer_auth(&admin.token)
        .json(&json!({ "forbidden": ["rockstar", "unlimited"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // Greek ο, then Cyrillic о and е, then dotless ı.
    let body = "Join our rοckstar team. Our rоckstаr team. Unlımıted leave.";
    let story = app
        .create_story(&camille.token, json!({ "title": "Hiring", "body": body }))
        .await;
    let violations: Vec<(String, String)> = story["authenticity"]["policy_violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["term"].as_str().unwrap().to_string(),
                v["matched"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        violations,
        [
            ("rockstar".to_string(), "rοckstar".to_string()),
            ("unlimited".to_string(), "Unlımıted".to_string())
        ]
    );
    assert_eq!(story["authenticity"]["publishable"], false);

    let shareable = app
        .publishable_story(&camille.token, "We ship every week.")
        .await;
    for text in ["Our rοckstar team ships", "Our rоckstаr team ships"] {
        let res = app
            .share(
                &amara.token,
                json!({ "story_id": shareable["id"], "channels": ["careers_page"], "text": text }),
            )
            .await;
        let problem = problem(res, 422).await;
        assert_eq!(fields(&problem), ["text"], "{text:?}");
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("forbidden"), "{message}");
    }
}

#[tokio::test]
async fn a_disclosure_in_look_alike_or_invisible_characters_does_not_pass_as_the_disclosure() {
    let w = World::start().await;
    w.policy(json!({ "disclosure": "#employee" })).await;
    w.connect("mastodon").await;
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    for written in ["#em\u{200b}ployee", "＃ｅｍｐｌｏｙｅｅ", "#еmployee"] {
        let res = w
            .app
            .share(
                &w.amara.token,
                json!({ "story_id": story["id"], "channels": ["mastodon"],
                        "text": format!("Shipping weekly keeps me sharp {written}") }),
            )
            .await;
        let problem = problem(res, 422).await;
        assert_eq!(fields(&problem), ["text"], "{written:?}");
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains(written) && message.contains("look-alike or invisible"),
            "{message}"
        );
        assert!(message.contains("leave it out"), "{message}");
    }
    let mine: Value = w
        .app
        .get("/api/v1/shares", &w.amara.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        mine["items"].as_array().unwrap().len(),
        0,
        "nothing written"
    );

    // Written plainly (in any case) it is the disclosure; left out, Vouch adds it.
    for (text, posted) in [
        ("Shipping weekly keeps me sharp #Employee", "#Employee"),
        ("Shipping weekly keeps me sharp", "#employee"),
    ] {
        let res = w
            .app
            .share(
                &w.amara.token,
                json!({ "story_id": story["id"], "channels": ["mastodon"], "text": text }),
            )
            .await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let batch: Value = res.json().await.unwrap();
        let id = batch["items"][0]["id"].as_str().unwrap();
        let published = w.app.share_becomes(&w.amara.token, id, "published").await;
        let sent = published["text"].as_str().unwrap();
        assert_eq!(
            sent.to_lowercase().matches("#employee").count(),
            1,
            "{sent}"
        );
        assert!(sent.contains(posted), "{sent}");
    }
    let posts = w.mastodon.posts();
    assert_eq!(posts.len(), 2);
    assert!(posts
        .iter()
        .all(|p| p.text.to_lowercase().contains("#employee") && p.text.is_ascii()));

    // The org's own disclosure must be plain too.
    let res = w
        .app
        .client
        .put(w.app.url("/api/v1/org/policy"))
        .bearer_auth(&w.admin.token)
        .json(&json!({ "disclosure": "＃employee" }))
        .send()
        .await
        .unwrap();
    assert_eq!(fields(&problem(res, 422).await), ["disclosure"]);
}
