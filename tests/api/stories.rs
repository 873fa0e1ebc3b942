//! Writing and editing stories: validation, captions per network, edits that send an
//! approved story back to review, verified claims that survive rewording, and the feed.

use serde_json::{json, Value};
use vouch::accounts::Role;

use crate::helpers::stories::{claim_ids, company_story, AWARD, FEELING};
use crate::helpers::{fields, problem, spawn_app};

#[tokio::test]
async fn invalid_stories_name_every_bad_field_and_write_nothing() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let body = json!({
        "title": " ", "body": "ok", "link_url": "ftp://files.example/x", "language": "de",
        "topics": ["fine", "no/slashes"], "captions": { "x": "a".repeat(281) },
        "expires_at": "2001-01-01T00:00:00Z"
    });
    let problem_body = problem(
        app.post("/api/v1/stories", Some(&admin.token), &body).await,
        422,
    )
    .await;
    let mut got = fields(&problem_body);
    got.sort();
    assert_eq!(
        got,
        [
            "captions.x",
            "expires_at",
            "language",
            "link_url",
            "title",
            "topics[1]"
        ]
    );
    let res = app
        .post(
            "/api/v1/stories",
            Some(&admin.token),
            &json!({ "title": "t", "body": "b", "captions": { "myspace": "hi" } }),
        )
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["captions"]);
    let list: Value = app
        .get("/api/v1/stories", &admin.token)
        .await
        .json()
        .await
        .unwrap();
    assert!(list["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn captions_are_measured_as_each_network_counts() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let long_url = format!("https://acme.example/{}", "p".repeat(200));
    // 250 letters + a URL: over 280 characters, but X counts the URL as 23.
    let x = format!("{} {long_url}", "a".repeat(250));
    let story = app.create_story(&admin.token, json!({ "title": "t", "body": FEELING, "captions": { "x": x, "bluesky": "👩‍💻".repeat(300) } })).await;
    assert_eq!(story["captions"]["x"], x);
    let res = app
        .post(
            "/api/v1/stories",
            Some(&admin.token),
            &json!({ "title": "t", "body": "b", "captions": { "x": "日".repeat(141) } }),
        )
        .await;
    let body = problem(res, 422).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("282 weighted characters"),
        "{body}"
    );
    let res = app
        .post(
            "/api/v1/stories",
            Some(&admin.token),
            &json!({ "title": "t", "body": "b", "captions": { "bluesky": "👩‍💻".repeat(301) } }),
        )
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["captions.bluesky"]);
}

#[tokio::test]
async fn editing_an_approved_story_sends_it_back_unless_only_topics_or_expiry_change() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    let story = app
        .create_story(&admin.token, company_story(&format!("{AWARD} {FEELING}")))
        .await;
    let approved = app.approve_fully(&admin.token, &story).await;
    let id = approved["id"].as_str().unwrap();
    let verified = claim_ids(&approved)[0].clone();

    let later = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let view: Value = app
        .patch(
            &format!("/api/v1/stories/{id}"),
            &admin.token,
            &json!({ "topics": ["culture", "awards"], "expires_at": later }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "approved");
    assert_eq!(view["topics"], json!(["awards", "culture"]));
    assert_eq!(app.feed_ids(&amara.token, "?topic=awards").await, [id]);

    // Rewording around a verified claim keeps it verified; a new claim is held for review.
    let body = format!("Big news! {AWARD} Every employee gets 25 days of paid leave.");
    let view: Value = app
        .patch(
            &format!("/api/v1/stories/{id}"),
            &admin.token,
            &json!({ "body": body }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "in_review");
    let claims = view["authenticity"]["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 2);
    let kept = claims
        .iter()
        .find(|c| c["id"] == verified.as_str())
        .expect("the verified claim is kept");
    assert_eq!(kept["status"], "verified");
    let new = claims
        .iter()
        .find(|c| c["id"] != verified.as_str())
        .unwrap();
    assert_eq!(new["status"], "unverified");
    assert!(new["text"].as_str().unwrap().starts_with("Every employee"));
    assert!(app.feed_ids(&amara.token, "").await.is_empty());

    // Removing a claim's sentence removes the claim.
    let view: Value = app
        .patch(
            &format!("/api/v1/stories/{id}"),
            &admin.token,
            &json!({ "body": FEELING }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(view["authenticity"]["claims"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn ambassadors_see_their_own_and_what_is_publishable() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    let lucas = app.member(&admin, "lucas", Role::Ambassador).await;
    let mine = app
        .create_story(&amara.token, json!({ "title": "Mine", "body": FEELING }))
        .await;
    let mine_id = mine["id"].as_str().unwrap();
    problem(
        app.get(&format!("/api/v1/stories/{mine_id}"), &lucas.token)
            .await,
        404,
    )
    .await;
    assert_eq!(
        app.get(&format!("/api/v1/stories/{mine_id}"), &amara.token)
            .await
            .status(),
        200
    );
    problem(
        app.patch(
            &format!("/api/v1/stories/{mine_id}"),
            &lucas.token,
            &json!({ "title": "x" }),
        )
        .await,
        403,
    )
    .await;
    // The comms team does not rewrite an ambassador's own words.
    problem(
        app.patch(
            &format!("/api/v1/stories/{mine_id}"),
            &admin.token,
            &json!({ "title": "x" }),
        )
        .await,
        403,
    )
    .await;
    problem(
        app.post(
            "/api/v1/stories",
            Some(&amara.token),
            &json!({ "kind": "company", "title": "t", "body": "b" }),
        )
        .await,
        403,
    )
    .await;
    let listed: Value = app
        .get("/api/v1/stories", &lucas.token)
        .await
        .json()
        .await
        .unwrap();
    assert!(listed["items"].as_array().unwrap().is_empty());
    let listed: Value = app
        .get("/api/v1/stories?status=draft", &admin.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_feed_filters_pages_and_respects_the_publication_window() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    let mut approved = Vec::new();
    for (title, lang, topic, body) in [
        (
            "Hackathon",
            "en",
            "engineering",
            "Our hackathon was a blast, I loved building with my team.",
        ),
        (
            "Séminaire",
            "fr",
            "culture",
            "J'ai adoré le séminaire d'équipe à Lyon.",
        ),
        (
            "Mentoring",
            "en",
            "culture",
            "I learned so much from my mentor this spring.",
        ),
    ] {
        let story = app
            .create_story(
                &admin.token,
                json!({ "title": title, "body": body, "language": lang, "topics": [topic] }),
            )
            .await;
        approved.push(
            app.approve_fully(&admin.token, &story).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let future = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    let scheduled = app
        .create_story(
            &admin.token,
            json!({ "title": "Later", "body": FEELING, "publish_from": future }),
        )
        .await;
    app.approve_fully(&admin.token, &scheduled).await;
    app.create_story(&admin.token, json!({ "title": "Draft", "body": FEELING }))
        .await;

    let all = app.feed_ids(&amara.token, "").await;
    assert_eq!(
        all,
        [
            approved[2].clone(),
            approved[1].clone(),
            approved[0].clone()
        ],
        "newest first, drafts and scheduled left out"
    );
    assert_eq!(
        app.feed_ids(&amara.token, "?language=fr").await,
        [approved[1].clone()]
    );
    assert_eq!(app.feed_ids(&amara.token, "?topic=culture").await.len(), 2);
    assert_eq!(
        app.feed_ids(&amara.token, "?q=HACKATHON").await,
        [approved[0].clone()]
    );
    assert!(app.feed_ids(&amara.token, "?q=100%25").await.is_empty());

    let first: Value = app
        .get("/api/v1/feed?limit=2", &amara.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = app
        .get(
            &format!("/api/v1/feed?limit=2&cursor={cursor}"),
            &amara.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["items"][0]["id"], approved[0].as_str());
    assert!(second["next_cursor"].is_null());
}

#[tokio::test]
async fn a_retried_create_with_the_same_idempotency_key_creates_once() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let body = json!({ "title": "Once", "body": FEELING });
    let send = |key: &'static str, body: Value| {
        app.client
            .post(app.url("/api/v1/stories"))
            .bearer_auth(&admin.token)
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let first = send("retry-1", body.clone()).await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = send("retry-1", body.clone()).await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotency-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    let list: Value = app
        .get("/api/v1/stories", &admin.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // The same key with another request is refused; a failed request frees its key.
    let other = send("retry-1", json!({ "title": "Other", "body": FEELING }))
        .await
        .unwrap();
    assert_eq!(fields(&problem(other, 422).await), ["Idempotency-Key"]);
    let bad = send("retry-2", json!({ "title": "", "body": FEELING }))
        .await
        .unwrap();
    problem(bad, 422).await;
    let fixed = send("retry-2", json!({ "title": "", "body": FEELING }))
        .await
        .unwrap();
    problem(fixed, 422).await;
    assert_eq!(send("retry-3", body).await.unwrap().status(), 201);
    let list: Value = app
        .get("/api/v1/stories", &admin.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_write_from_a_stale_read_is_refused() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let story = app.create_story(&admin.token, company_story(FEELING)).await;
    let id = story["id"].as_str().unwrap().to_string();
    let (pool, org, sid) = (app.state.pool.clone(), admin.org_id.clone(), id.clone());
    let read = tokio::task::spawn_blocking(move || {
        vouch::stories::repo::find_in_org(&mut pool.get().unwrap(), &org, &sid)
            .unwrap()
            .unwrap()
    })
    .await
    .unwrap();
    // Someone else edits after our read...
    let res = app
        .patch(
            &format!("/api/v1/stories/{id}"),
            &admin.token,
            &json!({ "title": "Theirs" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    // ...so our write, based on the old text, does not land.
    let pool = app.state.pool.clone();
    let stale = vouch::stories::Story {
        title: "Ours".into(),
        ..read
    };
    let written = tokio::task::spawn_blocking(move || {
        vouch::stories::repo::save(&mut pool.get().unwrap(), &stale).unwrap()
    })
    .await
    .unwrap();
    assert!(!written);
    let view: Value = app
        .get(&format!("/api/v1/stories/{id}"), &admin.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["title"], "Theirs");
}

/// What turns one line into two (CR, LF, U+2028, U+2029) or lets text run the other way
/// on screen (the bidi embeddings, overrides and isolates U+202A–202E, U+2066–2069: a title
/// that reads "txt.exe" as "exe.txt") has no place in a one-line field: 422 naming it,
/// through one rule for titles, names and profile texts.
#[tokio::test]
async fn a_one_line_field_refuses_line_breaks_and_bidi_controls() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    const BREAKERS: [&str; 9] = [
        "\r", "\n", "\u{2028}", "\u{2029}", "\u{202A}", "\u{202E}", "\u{2066}", "\u{2069}",
        "\u{0085}",
    ];
    for breaker in BREAKERS {
        let text = format!("Life{breaker}at Acme");
        let res = app
            .post(
                "/api/v1/stories",
                Some(&admin.token),
                &json!({ "title": text, "body": "We ship." }),
            )
            .await;
        assert_eq!(fields(&problem(res, 422).await), ["title"], "{breaker:?}");
        for field in ["display_name", "job_title", "team", "location"] {
            let res = app
                .patch("/api/v1/me", &amara.token, &json!({ field: text }))
                .await;
            assert_eq!(fields(&problem(res, 422).await), [field], "{breaker:?}");
        }
        let res = app
            .post(
                "/api/v1/users",
                Some(&admin.token),
                &json!({ "email": "ines@acme.example", "role": "ambassador", "display_name": text }),
            )
            .await;
        assert_eq!(
            fields(&problem(res, 422).await),
            ["display_name"],
            "{breaker:?}"
        );
        let res = app
            .post(
                "/api/v1/api-keys",
                Some(&admin.token),
                &json!({ "name": text }),
            )
            .await;
        assert_eq!(fields(&problem(res, 422).await), ["name"], "{breaker:?}");
    }
    // An edit is held to the same rule, and the body, which has paragraphs, is not.
    let story = app
        .create_story(
            &admin.token,
            json!({ "title": "Life at Acme", "body": "We ship.\n\nEvery week.\u{2029}" }),
        )
        .await;
    let res = app
        .patch(
            &format!("/api/v1/stories/{}", story["id"].as_str().unwrap()),
            &admin.token,
            &json!({ "title": "exe.\u{202E}txt" }),
        )
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["title"]);
    // Right-to-left text itself is fine: only the invisible controls are refused.
    let res = app
        .patch(
            "/api/v1/me",
            &amara.token,
            &json!({ "display_name": "أمارا أوكافور" }),
        )
        .await;
    assert_eq!(res.status(), 200);
}
