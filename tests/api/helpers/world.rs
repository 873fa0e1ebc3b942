//! An org with an ambassador and a moderator, beside local fakes of LinkedIn, X, Mastodon and
//! Bluesky that the app is configured to use; the OAuth "browser" is the test's HTTP client.

use std::time::{Duration, Instant};

use secrecy::SecretString;
use serde_json::{json, Value};
use vouch::accounts::Role;
use vouch::config::Settings;
use vouch_fakes::{bluesky, linkedin, mastodon, x, Fake};

use super::{spawn_app_with, Member, TestApp};

pub struct World {
    pub app: TestApp,
    pub admin: Member,
    pub camille: Member,
    pub amara: Member,
    pub linkedin: Fake,
    pub x: Fake,
    pub mastodon: Fake,
    pub bluesky: Fake,
}

/// The app's settings for the fakes: what `World` applies, as `VOUCH__…` variables too, so
/// a `vouch` process started by a test talks to the same fakes.
fn network_settings(li: &str, x_url: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "VOUCH__NETWORKS__LINKEDIN__AUTH_URL",
            format!("{li}/oauth/v2/authorization"),
        ),
        (
            "VOUCH__NETWORKS__LINKEDIN__TOKEN_URL",
            format!("{li}/oauth/v2/accessToken"),
        ),
        ("VOUCH__NETWORKS__LINKEDIN__API_URL", li.to_string()),
        (
            "VOUCH__NETWORKS__LINKEDIN__CLIENT_ID",
            linkedin::CLIENT_ID.into(),
        ),
        (
            "VOUCH__NETWORKS__LINKEDIN__CLIENT_SECRET",
            linkedin::CLIENT_SECRET.into(),
        ),
        (
            "VOUCH__NETWORKS__X__AUTH_URL",
            format!("{x_url}/i/oauth2/authorize"),
        ),
        (
            "VOUCH__NETWORKS__X__TOKEN_URL",
            format!("{x_url}/2/oauth2/token"),
        ),
        ("VOUCH__NETWORKS__X__API_URL", x_url.to_string()),
        ("VOUCH__NETWORKS__X__CLIENT_ID", x::CLIENT_ID.into()),
        ("VOUCH__NETWORKS__X__CLIENT_SECRET", x::CLIENT_SECRET.into()),
        ("VOUCH__NETWORKS__REQUEST_TIMEOUT_MS", "2000".into()),
    ]
}

impl World {
    pub async fn start() -> World {
        World::start_with(|_| {}).await
    }

    /// `adjust` runs after the fakes are configured.
    pub async fn start_with(adjust: impl FnOnce(&mut Settings)) -> World {
        let (li, xx, ma, bs) = (
            linkedin::start().unwrap(),
            x::start().unwrap(),
            mastodon::start().unwrap(),
            bluesky::start().unwrap(),
        );
        let (li_url, x_url) = (li.url(), xx.url());
        let app = spawn_app_with(|s| {
            let n = &mut s.networks;
            n.linkedin.auth_url = format!("{li_url}/oauth/v2/authorization");
            n.linkedin.token_url = format!("{li_url}/oauth/v2/accessToken");
            n.linkedin.api_url = li_url.clone();
            n.linkedin.client_id = linkedin::CLIENT_ID.into();
            n.linkedin.client_secret = SecretString::from(linkedin::CLIENT_SECRET);
            n.x.auth_url = format!("{x_url}/i/oauth2/authorize");
            n.x.token_url = format!("{x_url}/2/oauth2/token");
            n.x.api_url = x_url.clone();
            n.x.client_id = x::CLIENT_ID.into();
            n.x.client_secret = SecretString::from(x::CLIENT_SECRET);
            n.request_timeout_ms = 2000;
            adjust(s);
        })
        .await;
        let admin = app.org("acme").await;
        let camille = app.member(&admin, "camille", Role::Moderator).await;
        let amara = app.member(&admin, "amara", Role::Ambassador).await;
        app.consent(&amara.token).await;
        let world = World {
            app,
            admin,
            camille,
            amara,
            linkedin: li,
            x: xx,
            mastodon: ma,
            bluesky: bs,
        };
        world.policy(json!({ "disclosure": "#AcmeEmployee" })).await;
        world
    }

    /// Changes the org's policy as its admin.
    pub async fn policy(&self, policy: Value) {
        let res = self
            .app
            .client
            .put(self.app.url("/api/v1/org/policy"))
            .bearer_auth(&self.admin.token)
            .json(&policy)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }

    /// What a `vouch` process needs, beyond the test config, to share this world.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let mut env = network_settings(&self.linkedin.url(), &self.x.url());
        env.push(("VOUCH__DATABASE__URL", self.app.db.url().to_string()));
        env
    }

    /// Starts the OAuth flow, lets the fake "user" allow it, and lands on Vouch's callback.
    pub async fn connect_oauth(&self, network: &str, body: Value) -> reqwest::Response {
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

    /// Connects `network` (OAuth ones through the fakes) and checks it worked.
    pub async fn connect(&self, network: &str) {
        let body = match network {
            "mastodon" => json!({ "instance_url": self.mastodon.url() }),
            _ => json!({}),
        };
        let res = self.connect_oauth(network, body).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }

    pub async fn callback(&self, network: &str, query: &str) -> reqwest::Response {
        self.app
            .client
            .get(self.app.url(&format!("/oauth/callback/{network}?{query}")))
            .send()
            .await
            .unwrap()
    }

    /// Shares `story` to `channels` as Amara; the ids of the shares made.
    pub async fn share(&self, story: &Value, channels: &[&str]) -> Vec<String> {
        let res = self
            .app
            .share(
                &self.amara.token,
                json!({ "story_id": story["id"], "channels": channels }),
            )
            .await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let batch: Value = res.json().await.unwrap();
        batch["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    }

    /// Shares `story` and waits until each share is published; the shares as answered.
    pub async fn share_and_publish(&self, story: &Value, channels: &[&str]) -> Vec<Value> {
        let mut published = Vec::new();
        for id in self.share(story, channels).await {
            published.push(
                self.app
                    .share_becomes(&self.amara.token, &id, "published")
                    .await,
            );
        }
        published
    }
}

/// Polls `probe` until it holds, for at most `secs` seconds.
pub async fn eventually<F, Fut>(what: &str, secs: u64, mut probe: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !probe().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
