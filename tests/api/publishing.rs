//! Publishing over real HTTP to the contract fakes: connect accounts (OAuth through the
//! fakes, Bluesky by app password), share, and check what each network received.

use secrecy::SecretString;
use serde_json::{json, Value};
use vouch::accounts::Role;
use vouch_fakes::{bluesky, linkedin, mastodon, Fake, Fault};

use crate::helpers::{fields, problem, spawn_app_with, Member, TestApp};

struct World {
    app: TestApp,
    camille: Member,
    amara: Member,
    linkedin: Fake,
    mastodon: Fake,
    bluesky: Fake,
}

async fn world() -> World {
    let (li, ma, bs) = (
        linkedin::start().unwrap(),
        mastodon::start().unwrap(),
        bluesky::start().unwrap(),
    );
    let li_url = li.url();
    let app = spawn_app_with(|s| {
        s.networks.linkedin.auth_url = format!("{li_url}/oauth/v2/authorization");
        s.networks.linkedin.token_url = format!("{li_url}/oauth/v2/accessToken");
        s.networks.linkedin.api_url = li_url.clone();
        s.networks.linkedin.client_id = linkedin::CLIENT_ID.into();
        s.networks.linkedin.client_secret = SecretString::from(linkedin::CLIENT_SECRET);
        s.networks.request_timeout_ms = 2000;
    })
    .await;
    let admin = app.org("acme").await;
    let camille = app.member(&admin, "camille", Role::Moderator).await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    app.consent(&amara.token).await;
    let res = app
        .client
        .put(app.url("/api/v1/org/policy"))
        .bearer_auth(&admin.token)
        .json(&json!({ "disclosure": "#AcmeEmployee" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    World {
        app,
        camille,
        amara,
        linkedin: li,
        mastodon: ma,
        bluesky: bs,
    }
}

impl World {
    /// Starts the OAuth flow, lets the fake "user" allow it, and lands on Vouch's callback.
    async fn connect_oauth(&self, network: &str, body: Value) -> reqwest::Response {
        let res = self
            .app
            .post(
                &format!("/api/v1/me/accounts/{network}/connect"),
                Some(&self.amara.token),
                &body,
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let answer: Value = res.json().await.unwrap();
        let authorize = answer["authorize_url"].as_str().unwrap();
        let res = self.app.client.get(authorize).send().await.unwrap();
        assert_eq!(res.status(), 302);
        let back = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
        assert!(
            back.path().ends_with(&format!("/oauth/callback/{network}")),
            "{back}"
        );
        self.callback(network, back.query().unwrap_or("")).await
    }

    async fn callback(&self, network: &str, query: &str) -> reqwest::Response {
        self.app
            .client
            .get(self.app.url(&format!("/oauth/callback/{network}?{query}")))
            .send()
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn an_ambassador_connects_mastodon_and_linkedin_and_each_network_gets_one_post() {
    let w = world().await;
    let res = w
        .connect_oauth("mastodon", json!({ "instance_url": w.mastodon.url() }))
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = w.connect_oauth("linkedin", json!({})).await;
    assert_eq!(res.status(), 200);
    let accounts: Value = w
        .app
        .get("/api/v1/me/accounts", &w.amara.token)
        .await
        .json()
        .await
        .unwrap();
    let mut networks: Vec<(String, String)> = accounts["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["network"].as_str().unwrap().into(),
                a["status"].as_str().unwrap().into(),
            )
        })
        .collect();
    networks.sort();
    assert_eq!(
        networks,
        [
            ("linkedin".into(), "connected".into()),
            ("mastodon".into(), "connected".into())
        ]
    );

    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    let res = w
        .app
        .share(&w.amara.token, json!({ "story_id": story["id"], "channels": ["mastodon", "linkedin"],
                                       "text": "Shipping weekly keeps me sharp: https://acme.example/jobs" }))
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let batch: Value = res.json().await.unwrap();
    for share in batch["items"].as_array().unwrap() {
        let id = share["id"].as_str().unwrap();
        let published = w.app.share_becomes(&w.amara.token, id, "published").await;
        assert!(published["external_id"].is_string(), "{published}");
        let tracked = published["tracked_url"].as_str().unwrap();
        let fake = if share["channel"] == "mastodon" {
            &w.mastodon
        } else {
            &w.linkedin
        };
        let posts = fake.posts();
        assert_eq!(posts.len(), 1, "{:?}", posts);
        assert!(posts[0].text.contains(tracked), "{}", posts[0].text);
        assert!(posts[0].text.contains("#AcmeEmployee"), "{}", posts[0].text);
        assert!(
            !posts[0].text.contains("https://acme.example/jobs"),
            "the story link is tracked"
        );
    }
}

#[tokio::test]
async fn bluesky_connects_with_an_app_password_and_keeps_its_session() {
    let w = world().await;
    let user = w.bluesky.user().clone();
    let res = w
        .app
        .post(
            "/api/v1/me/accounts/bluesky/connect",
            Some(&w.amara.token),
            &json!({ "handle": user.handle, "app_password": "wrong", "service_url": w.bluesky.url() }),
        )
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["app_password"]);
    let res = w
        .app
        .post(
            "/api/v1/me/accounts/bluesky/connect",
            Some(&w.amara.token),
            &json!({ "handle": user.handle, "app_password": user.password, "service_url": w.bluesky.url() }),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    for _ in 0..2 {
        let res = w
            .app
            .share(
                &w.amara.token,
                json!({ "story_id": story["id"], "channels": ["bluesky"] }),
            )
            .await;
        let batch: Value = res.json().await.unwrap();
        w.app
            .share_becomes(
                &w.amara.token,
                batch["items"][0]["id"].as_str().unwrap(),
                "published",
            )
            .await;
    }
    assert_eq!(w.bluesky.posts().len(), 2);
    assert_eq!(
        w.bluesky.count("create_session"),
        2,
        "one failed sign-in, one session for both posts"
    );
}

#[tokio::test]
async fn a_network_that_answers_429_is_waited_out_not_hammered() {
    let w = world().await;
    w.connect_oauth("mastodon", json!({ "instance_url": w.mastodon.url() }))
        .await;
    w.mastodon.fail_next("create", Fault::RateLimit, 1);
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    let res = w
        .app
        .share(
            &w.amara.token,
            json!({ "story_id": story["id"], "channels": ["mastodon"] }),
        )
        .await;
    let batch: Value = res.json().await.unwrap();
    let id = batch["items"][0]["id"].as_str().unwrap();
    // Refused once: the account waits for Mastodon's reset (five minutes), it is not retried.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(w.mastodon.count("create"), 1);
    let waiting: Value = w
        .app
        .get(&format!("/api/v1/shares/{id}"), &w.amara.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(waiting["status"], "scheduled");
    let runs = w.app.publish_job_times();
    assert_eq!(runs.len(), 1);
    assert!(
        runs[0] > chrono::Utc::now().naive_utc() + chrono::Duration::minutes(4),
        "{runs:?}"
    );
    // The reset comes (time moves on): it goes out, once.
    w.app.skip_waits();
    w.app.share_becomes(&w.amara.token, id, "published").await;
    assert_eq!(w.mastodon.posts().len(), 1);
    assert_eq!(w.mastodon.count("create"), 2);
}

#[tokio::test]
async fn oauth_callbacks_with_a_bad_state_or_an_error_are_clear_4xx() {
    let w = world().await;
    let res = w.callback("linkedin", "code=abc&state=forged").await;
    assert_eq!(fields(&problem(res, 422).await), ["state"]);
    let res = w.callback("linkedin", "code=abc").await;
    assert_eq!(fields(&problem(res, 422).await), ["state"]);
    // A real state, refused by the user at the network.
    let res = w
        .app
        .post(
            "/api/v1/me/accounts/linkedin/connect",
            Some(&w.amara.token),
            &json!({}),
        )
        .await;
    let answer: Value = res.json().await.unwrap();
    let url = url::Url::parse(answer["authorize_url"].as_str().unwrap()).unwrap();
    let state = url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let res = w
        .callback("linkedin", &format!("error=access_denied&state={state}"))
        .await;
    let refused = problem(res, 422).await;
    assert!(refused["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("access_denied"));
    // Spent: a second use is refused.
    let res = w
        .callback("linkedin", &format!("code=abc&state={state}"))
        .await;
    assert!(problem(res, 422).await["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("used"));
    let res = w
        .app
        .post(
            "/api/v1/me/accounts/myspace/connect",
            Some(&w.amara.token),
            &json!({}),
        )
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["network"]);
    let res = w
        .app
        .post(
            "/api/v1/me/accounts/x/connect",
            Some(&w.amara.token),
            &json!({}),
        )
        .await;
    assert_eq!(
        fields(&problem(res, 422).await),
        ["network"],
        "X has no credentials in this test"
    );
    let res = w
        .app
        .post(
            "/api/v1/me/accounts/mastodon/connect",
            Some(&w.amara.token),
            &json!({ "instance_url": "ftp://example.com" }),
        )
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["instance_url"]);
}

#[tokio::test]
async fn retracting_a_story_deletes_its_published_posts_at_the_network() {
    let w = world().await;
    w.connect_oauth("mastodon", json!({ "instance_url": w.mastodon.url() }))
        .await;
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    let res = w
        .app
        .share(
            &w.amara.token,
            json!({ "story_id": story["id"], "channels": ["mastodon"] }),
        )
        .await;
    let batch: Value = res.json().await.unwrap();
    let id = batch["items"][0]["id"].as_str().unwrap();
    w.app.share_becomes(&w.amara.token, id, "published").await;
    let res = w
        .app
        .story_act(
            &w.camille.token,
            story["id"].as_str().unwrap(),
            "retract",
            json!({ "reason": "the team moved" }),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    w.app.share_becomes(&w.amara.token, id, "retracted").await;
    assert!(w.mastodon.posts()[0].deleted);
}
