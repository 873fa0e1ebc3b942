//! The careers page: API keys, `GET /public/v1/testimonials` (exactly the publishable,
//! consented testimonials of the key's org; filters, pages, ETag and 304, CORS, the per-key
//! limit) and the widget, rendered by headless Chromium.

use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};
use vouch::accounts::Role;

use crate::helpers::stories::claim_ids;
use crate::helpers::{fields, problem, spawn_app, spawn_app_with, Member, TestApp};

const FIRST_YEAR: &str = "I joined the robotics team and I learned more than in my whole degree.";
const MENTOR: &str = "My mentor made all the difference, and I love my team.";
const AWARDED: &str = "I love my team. We were certified Great Place to Work in 2025.";

const TESTIMONIALS: &str = "/public/v1/testimonials";

impl TestApp {
    /// A testimonial of `author`, approved by `moderator` with its claims verified, shared to
    /// the careers page by its author and published by the worker.
    async fn on_careers_page(
        &self,
        moderator: &Member,
        author: &Member,
        body: &str,
        topics: &[&str],
        language: &str,
    ) -> Value {
        let story = self
            .create_story(
                &author.token,
                json!({ "title": "My year here", "body": body, "topics": topics, "language": language }),
            )
            .await;
        let id = story["id"].as_str().unwrap();
        let res = self.story_act(&author.token, id, "submit", json!({})).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let submitted: Value = res.json().await.unwrap();
        let approved = self.approve_fully(&moderator.token, &submitted).await;
        self.share_to_careers_page(author, &approved).await;
        approved
    }

    async fn share_to_careers_page(&self, who: &Member, story: &Value) {
        let res = self
            .share(
                &who.token,
                json!({ "story_id": story["id"], "channels": ["careers_page"] }),
            )
            .await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let batch: Value = res.json().await.unwrap();
        let share = batch["items"][0]["id"].as_str().unwrap();
        self.share_becomes(&who.token, share, "published").await;
    }

    async fn create_key(&self, admin: &Member, body: Value) -> Value {
        let res = self
            .post("/api/v1/api-keys", Some(&admin.token), &body)
            .await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        res.json().await.unwrap()
    }

    async fn public(&self, key: &str, query: &str) -> reqwest::Response {
        self.client
            .get(self.url(&format!("{TESTIMONIALS}{query}")))
            .header("x-api-key", key)
            .send()
            .await
            .unwrap()
    }

    async fn quotes(&self, key: &str, query: &str) -> Vec<String> {
        let res = self.public(key, query).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let page: Value = res.json().await.unwrap();
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["quote"].as_str().unwrap().to_string())
            .collect()
    }
}

/// An org with an admin (who moderates) and two ambassadors who agreed to the consent text.
async fn setup(app: &TestApp, slug: &str) -> (Member, Member, Member) {
    let admin = app.org(slug).await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    let lucas = app.member(&admin, "lucas", Role::Ambassador).await;
    app.consent(&amara.token).await;
    app.consent(&lucas.token).await;
    (admin, amara, lucas)
}

#[tokio::test]
async fn a_key_is_shown_once_stored_hashed_and_refused_once_revoked() {
    let app = spawn_app().await;
    let (admin, amara, _) = setup(&app, "acme").await;
    let created = app
        .create_key(
            &admin,
            json!({ "name": "Careers site", "allowed_origins": ["https://Careers.Acme.example/"] }),
        )
        .await;
    let key = created["key"].as_str().unwrap().to_string();
    assert!(key.starts_with("vouch_live_") && key.len() > 40, "{key}");
    assert!(key.starts_with(created["prefix"].as_str().unwrap()));
    assert_eq!(
        created["allowed_origins"],
        json!(["https://careers.acme.example"])
    );
    assert_eq!(created["rate_limit_per_min"], 600);

    // At rest: its hash, never the key.
    let stored = {
        use diesel::prelude::*;
        use vouch::db::schema::api_keys;
        let mut conn = app.state.pool.get().unwrap();
        api_keys::table
            .select((
                api_keys::key_hash,
                api_keys::prefix,
                api_keys::allowed_origins,
            ))
            .load::<(String, String, String)>(&mut conn)
            .unwrap()
    };
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].0, vouch::auth::secrets::hash_token(&key));
    assert!(!format!("{stored:?}").contains(&key));

    // Listed without the key; ambassadors may not manage keys.
    let list: Value = app
        .get("/api/v1/api-keys", &admin.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["id"], created["id"]);
    assert!(list["items"][0].get("key").is_none());
    assert!(!list.to_string().contains(&key));
    problem(app.get("/api/v1/api-keys", &amara.token).await, 403).await;
    let res = app
        .post(
            "/api/v1/api-keys",
            Some(&amara.token),
            &json!({ "name": "mine" }),
        )
        .await;
    problem(res, 403).await;
    let res = app
        .post(
            "/api/v1/api-keys",
            Some(&admin.token),
            &json!({ "name": " ", "allowed_origins": ["https://ok.example", "https://acme.example/jobs"], "rate_limit_per_min": 0 }),
        )
        .await;
    assert_eq!(
        fields(&problem(res, 422).await),
        ["name", "allowed_origins.1", "rate_limit_per_min"]
    );

    // The key reads, as X-Api-Key or as a bearer token; anything else is a 401.
    assert_eq!(app.public(&key, "").await.status(), 200);
    let res = app
        .client
        .get(app.url(TESTIMONIALS))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    problem(app.public("vouch_live_nope", "").await, 401).await;
    let res = app.client.get(app.url(TESTIMONIALS)).send().await.unwrap();
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    problem(res, 401).await;
    // An access token of the org is not a key.
    let res = app
        .client
        .get(app.url(TESTIMONIALS))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    problem(res, 401).await;

    // Another org's admin cannot revoke it; its own admin can, and it is refused at once.
    let other = app.org("other").await;
    let path = format!("/api/v1/api-keys/{}", created["id"].as_str().unwrap());
    let res = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&other.token)
        .send()
        .await
        .unwrap();
    problem(res, 404).await;
    assert_eq!(app.public(&key, "").await.status(), 200);
    let res = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    problem(app.public(&key, "").await, 401).await;
    let list: Value = app
        .get("/api/v1/api-keys", &admin.token)
        .await
        .json()
        .await
        .unwrap();
    assert!(list["items"][0]["revoked_at"].is_string());
    let trail = app
        .audit_actions(&admin.org_id, "api_key", created["id"].as_str().unwrap())
        .await;
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["api_key.revoked", "api_key.created"]);
}

#[tokio::test]
async fn exactly_the_publishable_consented_testimonials_of_the_keys_org() {
    let app = spawn_app().await;
    let (admin, amara, lucas) = setup(&app, "acme").await;
    let key = app.create_key(&admin, json!({ "name": "site" })).await["key"]
        .as_str()
        .unwrap()
        .to_string();

    let shown = app
        .on_careers_page(&admin, &amara, FIRST_YEAR, &["learning"], "en")
        .await;
    // Lucas's testimonial goes out, then he withdraws his consent.
    app.on_careers_page(&admin, &lucas, MENTOR, &["team"], "en")
        .await;
    // One with a claim, verified, shared, then disputed: back to review, off the page.
    let disputed = app
        .on_careers_page(&admin, &amara, AWARDED, &["awards"], "en")
        .await;
    // A company story shared to the careers page is not a testimonial.
    let company = app
        .publishable_story(&admin.token, "Our Lyon team shipped the booking flow.")
        .await;
    app.share_to_careers_page(&amara, &company).await;
    // A draft, and a testimonial held by an unverified claim, were never shared (they
    // cannot be) and do not show either.
    app.create_story(
        &amara.token,
        json!({ "title": "Draft", "body": "A draft about my team." }),
    )
    .await;
    let held = app
        .create_story(
            &lucas.token,
            json!({ "title": "Pay", "body": "Everyone here gets a 20% bonus every year." }),
        )
        .await;
    let res = app
        .story_act(
            &lucas.token,
            held["id"].as_str().unwrap(),
            "submit",
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // Another org's testimonial is for another org's key.
    let (other_admin, other_amb, _) = setup(&app, "other").await;
    app.on_careers_page(
        &other_admin,
        &other_amb,
        "Our team in Porto is the best thing that happened to me.",
        &["team"],
        "en",
    )
    .await;
    let other_key = app
        .create_key(&other_admin, json!({ "name": "site" }))
        .await["key"]
        .as_str()
        .unwrap()
        .to_string();

    let mut all = app.quotes(&key, "").await;
    all.sort();
    let mut expected = vec![
        FIRST_YEAR.to_string(),
        MENTOR.to_string(),
        AWARDED.to_string(),
    ];
    expected.sort();
    assert_eq!(all, expected);

    let res = app
        .client
        .delete(app.url("/api/v1/me/consent"))
        .bearer_auth(&lucas.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let claim = claim_ids(&disputed)[0].clone();
    let res = app
        .claim_act(
            &admin.token,
            &claim,
            "dispute",
            json!({ "reason": "HR cannot find it" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.quotes(&key, "").await, [FIRST_YEAR]);
    assert_eq!(
        app.quotes(&other_key, "").await,
        ["Our team in Porto is the best thing that happened to me."]
    );

    // The fields: nothing that identifies anyone beyond what they chose to show.
    let res = app.public(&key, "").await;
    assert_eq!(res.headers()["content-type"], "application/json");
    let page: Value = res.json().await.unwrap();
    let item = &page["items"][0];
    let mut keys: Vec<&str> = item
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        ["author", "date", "id", "language", "quote", "topics"]
    );
    assert_eq!(item["author"], json!({ "name": "amara" }));
    assert_eq!(item["topics"], json!(["learning"]));
    assert_eq!(item["language"], "en");
    assert!(item["id"].as_str().unwrap().starts_with("t_"));
    assert!(page["next_cursor"].is_null());
    let text = page.to_string();
    for secret in [
        amara.email.as_str(),
        amara.id.as_str(),
        admin.org_id.as_str(),
        shown["id"].as_str().unwrap(),
        "@",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

#[tokio::test]
async fn what_authors_show_filters_and_pages() {
    let app = spawn_app().await;
    let (admin, amara, lucas) = setup(&app, "acme").await;
    let key = app.create_key(&admin, json!({ "name": "site" })).await["key"]
        .as_str()
        .unwrap()
        .to_string();
    app.on_careers_page(&admin, &amara, FIRST_YEAR, &["learning"], "en")
        .await;
    app.on_careers_page(&admin, &lucas, MENTOR, &["team", "learning"], "en")
        .await;
    app.on_careers_page(
        &admin,
        &lucas,
        "J'adore mon équipe, on apprend ensemble.",
        &["team"],
        "fr",
    )
    .await;

    // Amara gives a job title and a photo, and shows only the title at first.
    let res = app
        .patch(
            "/api/v1/me",
            &amara.token,
            &json!({ "job_title": "Robotics engineer", "photo_url": "https://cdn.acme.example/amara.jpg",
                     "team": "Robotics", "location": "Lyon", "show_job_title": true }),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["user"]["profile"]["team"], "Robotics");
    assert_eq!(me["user"]["profile"]["show_photo"], false);
    let res = app
        .patch(
            "/api/v1/me",
            &lucas.token,
            &json!({ "team": "Platform", "location": "Paris", "job_title": "SRE" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .patch(
            "/api/v1/me",
            &lucas.token,
            &json!({ "photo_url": "ftp://x", "team": "x".repeat(61) }),
        )
        .await;
    let mut bad = fields(&problem(res, 422).await);
    bad.sort();
    assert_eq!(bad, ["photo_url", "team"]);

    let author_of = |page: &Value, quote: &str| -> Value {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["quote"] == quote)
            .unwrap()["author"]
            .clone()
    };
    let page: Value = app.public(&key, "").await.json().await.unwrap();
    assert_eq!(
        author_of(&page, FIRST_YEAR),
        json!({ "name": "amara", "job_title": "Robotics engineer" })
    );
    // Lucas did not choose to show his title.
    assert_eq!(author_of(&page, MENTOR), json!({ "name": "lucas" }));
    let res = app
        .patch(
            "/api/v1/me",
            &amara.token,
            &json!({ "show_photo": true, "show_job_title": false }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let page: Value = app.public(&key, "").await.json().await.unwrap();
    assert_eq!(
        author_of(&page, FIRST_YEAR),
        json!({ "name": "amara", "photo_url": "https://cdn.acme.example/amara.jpg" })
    );

    // Filters.
    assert_eq!(app.quotes(&key, "?team=robotics").await, [FIRST_YEAR]);
    assert_eq!(app.quotes(&key, "?location=Lyon").await, [FIRST_YEAR]);
    assert_eq!(app.quotes(&key, "?language=fr").await.len(), 1);
    let mut learning = app.quotes(&key, "?topic=Learning").await;
    learning.sort();
    assert_eq!(learning, [FIRST_YEAR, MENTOR]);
    assert_eq!(
        app.quotes(&key, "?team=Platform&language=en").await,
        [MENTOR]
    );
    assert!(app.quotes(&key, "?team=nobody").await.is_empty());

    // Pages: newest first, no overlap, the same three in all.
    let first: Value = app.public(&key, "?limit=2").await.json().await.unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = app
        .public(&key, &format!("?limit=2&cursor={cursor}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert!(second["next_cursor"].is_null());
    let all: Value = app.public(&key, "").await.json().await.unwrap();
    let ids = |p: &Value| -> Vec<String> {
        p["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!([ids(&first), ids(&second)].concat(), ids(&all));
    assert_eq!(all["items"][0]["language"], "fr", "newest first");
    for bad in ["?limit=0", "?limit=101", "?cursor=nope", "?limit=x"] {
        problem(app.public(&key, bad).await, 422).await;
    }
}

#[tokio::test]
async fn the_etag_answers_304_and_changes_when_a_testimonial_leaves() {
    let app = spawn_app().await;
    let (admin, amara, lucas) = setup(&app, "acme").await;
    let key = app.create_key(&admin, json!({ "name": "site" })).await["key"]
        .as_str()
        .unwrap()
        .to_string();
    let awarded = app
        .on_careers_page(&admin, &amara, AWARDED, &["awards"], "en")
        .await;
    let retracted = app
        .on_careers_page(&admin, &amara, FIRST_YEAR, &["learning"], "en")
        .await;
    app.on_careers_page(&admin, &lucas, MENTOR, &["team"], "en")
        .await;

    let etag_of = |res: &reqwest::Response| res.headers()["etag"].to_str().unwrap().to_string();
    let res = app.public(&key, "").await;
    assert_eq!(res.status(), 200);
    let cache = res.headers()["cache-control"].to_str().unwrap().to_string();
    let max_age: u64 = cache
        .strip_prefix("public, max-age=")
        .unwrap_or_else(|| panic!("{cache}"))
        .parse()
        .unwrap();
    assert!(
        max_age > 0 && max_age < 60,
        "retractions reach visitors within a minute: {cache}"
    );
    let mut etag = etag_of(&res);

    // Unchanged: 304, no body, the same ETag.
    let not_modified = |etag: String| {
        app.client
            .get(app.url(TESTIMONIALS))
            .header("x-api-key", &key)
            .header("if-none-match", etag)
            .send()
    };
    let res = not_modified(etag.clone()).await.unwrap();
    assert_eq!(res.status(), 304);
    assert_eq!(etag_of(&res), etag);
    assert!(res.text().await.unwrap().is_empty());

    // Each way out changes the ETag at once, and a client holding the old one gets the list.
    let claim = claim_ids(&awarded)[0].clone();
    let mut left = 3;
    for what in ["refuted", "retracted", "withdrawn"] {
        let res = match what {
            "refuted" => {
                app.claim_act(
                    &admin.token,
                    &claim,
                    "refute",
                    json!({ "reason": "it was 2023" }),
                )
                .await
            }
            "retracted" => {
                let id = retracted["id"].as_str().unwrap();
                app.story_act(&admin.token, id, "retract", json!({ "reason": "outdated" }))
                    .await
            }
            _ => app
                .client
                .delete(app.url("/api/v1/me/consent"))
                .bearer_auth(&lucas.token)
                .send()
                .await
                .unwrap(),
        };
        assert_eq!(res.status(), 200, "{what}: {}", res.text().await.unwrap());
        left -= 1;
        let res = not_modified(etag.clone()).await.unwrap();
        assert_eq!(res.status(), 200, "{what}: the ETag must change");
        let next = etag_of(&res);
        assert_ne!(next, etag, "{what}");
        let page: Value = res.json().await.unwrap();
        assert_eq!(page["items"].as_array().unwrap().len(), left, "{what}");
        etag = next;
    }
}

#[tokio::test]
async fn cors_only_for_the_keys_origins_preflight_included() {
    let app = spawn_app().await;
    let (admin, _, _) = setup(&app, "acme").await;
    let created = app
        .create_key(
            &admin,
            json!({ "name": "site", "allowed_origins": ["https://careers.acme.example"] }),
        )
        .await;
    let key = created["key"].as_str().unwrap().to_string();
    let other = app.org("other").await;
    app.create_key(
        &other,
        json!({ "name": "site", "allowed_origins": ["https://jobs.other.example"] }),
    )
    .await;

    let get = |origin: &'static str| {
        app.client
            .get(app.url(TESTIMONIALS))
            .header("x-api-key", &key)
            .header("origin", origin)
            .send()
    };
    let res = get("https://careers.acme.example").await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://careers.acme.example"
    );
    assert!(res.headers()["vary"].to_str().unwrap().contains("Origin"));
    assert!(res.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .contains("ETag"));
    // Another key's origin, or anyone's, may not read with this key.
    for origin in ["https://jobs.other.example", "https://evil.example", "null"] {
        let res = get(origin).await.unwrap();
        assert!(
            res.headers().get("access-control-allow-origin").is_none(),
            "{origin}"
        );
        problem(res, 403).await;
    }
    // A server (no Origin) reads without CORS headers.
    let res = app.public(&key, "").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("access-control-allow-origin").is_none());

    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url(TESTIMONIALS))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "x-api-key")
            .send()
    };
    let res = preflight("https://careers.acme.example").await.unwrap();
    assert_eq!(res.status(), 204);
    let h = res.headers();
    assert_eq!(
        h["access-control-allow-origin"],
        "https://careers.acme.example"
    );
    assert!(h["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase()
        .contains("x-api-key"));
    assert_eq!(h["access-control-allow-methods"], "GET");
    assert!(h.get("access-control-max-age").is_some());
    let res = preflight("https://evil.example").await.unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
    problem(res, 403).await;
    let res = app
        .client
        .request(reqwest::Method::OPTIONS, app.url(TESTIMONIALS))
        .header("origin", "https://careers.acme.example")
        .header("access-control-request-method", "DELETE")
        .send()
        .await
        .unwrap();
    problem(res, 403).await;

    // A revoked key's origins are not allowed any more.
    let res = app
        .client
        .delete(app.url(&format!(
            "/api/v1/api-keys/{}",
            created["id"].as_str().unwrap()
        )))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    problem(
        preflight("https://careers.acme.example").await.unwrap(),
        403,
    )
    .await;
    // Other methods: 405 naming what the path answers.
    let res = app.client.post(app.url(TESTIMONIALS)).send().await.unwrap();
    let allow = res.headers()["allow"].to_str().unwrap().to_string();
    problem(res, 405).await;
    assert_eq!(allow, "GET, OPTIONS");
}

#[tokio::test]
async fn each_key_has_its_own_rate_limit() {
    let app = spawn_app().await;
    let (admin, _, _) = setup(&app, "acme").await;
    let origin = "https://careers.acme.example";
    let tight = app
        .create_key(
            &admin,
            json!({ "name": "tight", "rate_limit_per_min": 2, "allowed_origins": [origin] }),
        )
        .await["key"]
        .as_str()
        .unwrap()
        .to_string();
    let roomy = app.create_key(&admin, json!({ "name": "roomy" })).await["key"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..2 {
        assert_eq!(app.public(&tight, "").await.status(), 200);
    }
    let res = app
        .client
        .get(app.url(TESTIMONIALS))
        .header("x-api-key", &tight)
        .header("origin", origin)
        .send()
        .await
        .unwrap();
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // The page can read why (CORS headers on the 429 too).
    assert_eq!(res.headers()["access-control-allow-origin"], origin);
    let body = problem(res, 429).await;
    assert_eq!(body["type"], "urn:vouch:problem:rate-limited");
    assert_eq!(app.public(&roomy, "").await.status(), 200);
}

#[tokio::test]
async fn the_widget_script_is_served_to_any_page() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/widget.js")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(res.headers()["cache-control"]
        .to_str()
        .unwrap()
        .starts_with("public, max-age="));
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let script = res.text().await.unwrap();
    assert!(script.contains("document.currentScript"));
    // Data goes in as text, never as markup.
    assert!(!script.contains("innerHTML"));
    let res = app
        .client
        .get(app.url("/widget.js"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
}

// ---- The widget in a real browser ----

const HOW_TO_INSTALL_CHROMIUM: &str = "the widget test renders a page in headless Chromium: \
     install it (Debian: `apt-get install chromium`; `.ci/run` does), or point \
     VOUCH_TEST_CHROMIUM at a Chromium or Chrome binary";

fn chromium() -> String {
    let candidates = std::env::var("VOUCH_TEST_CHROMIUM")
        .ok()
        .into_iter()
        .chain(["chromium", "chromium-browser", "google-chrome"].map(String::from));
    for bin in candidates {
        if Command::new(&bin)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return bin;
        }
    }
    panic!("no Chromium found: {HOW_TO_INSTALL_CHROMIUM}");
}

/// The DOM of `url` once its scripts ran, as headless Chromium renders it, with a profile
/// (and so an HTTP cache) kept in `profile` between runs.
async fn rendered_dom(url: String, profile: std::path::PathBuf) -> String {
    let bin = chromium();
    tokio::task::spawn_blocking(move || {
        let out = Command::new(&bin)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--virtual-time-budget=10000",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(&url)
            .output()
            .unwrap_or_else(|e| panic!("running {bin} ({e}): {HOW_TO_INSTALL_CHROMIUM}"));
        assert!(
            out.status.success(),
            "{bin} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_widget_renders_accessible_cards_in_headless_chromium_and_follows_retractions() {
    let chromium_bin = chromium();
    let app = spawn_app_with(|s| s.careers.max_age_secs = 2).await;
    let (admin, amara, lucas) = setup(&app, "acme").await;
    let quote = "I joined the robotics team <b>and</b> I learned more than in my whole degree.";
    let mine = app
        .on_careers_page(&admin, &amara, quote, &["learning"], "en")
        .await;
    app.on_careers_page(&admin, &lucas, MENTOR, &["learning"], "en")
        .await;
    // Another topic: the tag's data-topic leaves it out.
    app.on_careers_page(
        &admin,
        &lucas,
        "I love my team, we laugh a lot.",
        &["team"],
        "en",
    )
    .await;
    let res = app
        .patch(
            "/api/v1/me",
            &amara.token,
            &json!({ "job_title": "Robotics engineer", "show_job_title": true }),
        )
        .await;
    assert_eq!(res.status(), 200);

    // The page is served from another origin than the API's, as a careers site is.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let origin = format!("http://127.0.0.1:{port}");
    let key = app
        .create_key(
            &admin,
            json!({ "name": "careers site", "allowed_origins": [origin] }),
        )
        .await["key"]
        .as_str()
        .unwrap()
        .to_string();
    let html = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Careers at Acme</title></head>
<body style="font-family: Georgia, serif"><main><h1>Join us</h1>
<script src="{}/widget.js" data-key="{key}" data-topic="learning"></script>
</main></body></html>"#,
        app.address
    );
    serve(listener, html);
    let url = format!("http://127.0.0.1:{port}/");
    let profile = tempfile::tempdir().unwrap();

    let dom = rendered_dom(url.clone(), profile.path().to_path_buf()).await;
    assert!(
        dom.contains(r#"<section class="vouch-testimonials" aria-label="What our people say""#),
        "{chromium_bin} rendered no section:\n{dom}"
    );
    assert_eq!(
        dom.matches("<article class=\"vouch-card\" lang=\"en\">")
            .count(),
        2,
        "{dom}"
    );
    // Text stays text: the quote's markup is shown, not run.
    assert!(
        dom.contains("<blockquote><p>I joined the robotics team &lt;b&gt;and&lt;/b&gt; I learned"),
        "{dom}"
    );
    assert!(dom.contains("<cite>amara</cite>"), "{dom}");
    assert!(dom.contains("Robotics engineer"), "{dom}");
    assert!(dom.contains("<cite>lucas</cite>"), "{dom}");
    assert!(!dom.contains("we laugh a lot"), "the topic filter: {dom}");
    assert!(dom.contains("<time datetime="), "{dom}");

    // Retracted: gone at the first load after the answer's cache lifetime.
    let res = app
        .story_act(
            &admin.token,
            mine["id"].as_str().unwrap(),
            "retract",
            json!({ "reason": "outdated" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let dom = rendered_dom(url, profile.path().to_path_buf()).await;
    assert_eq!(
        dom.matches("<article class=\"vouch-card\"").count(),
        1,
        "{dom}"
    );
    assert!(!dom.contains("I joined the robotics team"), "{dom}");
    assert!(dom.contains("<cite>lucas</cite>"), "{dom}");
}

/// Serves `html` to every request on `listener`.
fn serve(listener: tokio::net::TcpListener, html: String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let html = html.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut read = 0;
                while read < buf.len() {
                    match socket.read(&mut buf[read..]).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => read += n,
                    }
                    if buf[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n{html}",
                    html.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
}

/// Each key the app does not know yet costs its client a token, from a bucket per address
/// (`careers.unknown_keys_per_ip_per_minute`): a client guessing keys gets 429 soon, never a
/// look-up more, while the careers page's own key keeps working for everyone and other
/// clients are not held back.
#[tokio::test]
async fn guessing_api_keys_is_throttled_per_client() {
    let app = spawn_app_with(|s| {
        s.server.trusted_proxies =
            vouch::http::client_ip::TrustedProxies::parse(&["127.0.0.1"]).unwrap();
    })
    .await;
    let (admin, _, _) = setup(&app, "acme").await;
    let key = app.create_key(&admin, json!({ "name": "site" })).await["key"]
        .as_str()
        .unwrap()
        .to_string();
    let ask = |client: &'static str, key: String| {
        app.client
            .get(app.url(TESTIMONIALS))
            .header("x-api-key", key)
            .header("x-forwarded-for", client)
            .send()
    };
    let guesser = "198.51.100.9";
    assert_eq!(ask(guesser, key.clone()).await.unwrap().status(), 200);
    let mut unauthorized = 0;
    let mut first_refusal = None;
    for i in 0..1500 {
        let res = ask(guesser, format!("vouch_live_guess{i:06}"))
            .await
            .unwrap();
        match res.status().as_u16() {
            401 => unauthorized += 1,
            429 => {
                if first_refusal.is_none() {
                    first_refusal = Some(res);
                }
            }
            other => panic!("guess {i}: {other}"),
        }
    }
    let allowed = app.state.settings.careers.unknown_keys_per_ip_per_minute as usize;
    assert!(unauthorized <= allowed, "{unauthorized} guesses answered");
    let res = first_refusal.expect("guesses are refused");
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(
        problem(res, 429).await["type"],
        "urn:vouch:problem:rate-limited"
    );
    // The site's key, known already, still reads from that address, and another client
    // still gets its plain 401.
    assert_eq!(ask(guesser, key.clone()).await.unwrap().status(), 200);
    let other = ask("203.0.113.5", "vouch_live_wrong".into()).await.unwrap();
    assert_eq!(other.status(), 401);
    assert_eq!(ask("203.0.113.5", key).await.unwrap().status(), 200);
}
