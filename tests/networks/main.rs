//! Each network connector over real HTTP against its local fake (`vouch-fakes`), the fakes'
//! awkward parts included: rate limits, 5xx, slow answers, duplicates, expired tokens.

mod bluesky;
mod golden;
mod hostile;
mod linkedin;
mod mastodon;
mod x;

use std::path::Path;

use vouch::config::{NetworksSettings, Settings};
use vouch::networks::{Account, Networks, TokenSet};
use vouch_fakes::Fake;

/// A call slower than this is abandoned by the connectors under test.
pub const TIMEOUT_MS: u64 = 1000;
/// What a "slow answer" fault waits: well past the timeout.
pub const SLOW_MS: u64 = 2500;

/// The test settings with every network pointed at the given fakes.
pub fn settings() -> NetworksSettings {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
    let mut s = Settings::load_layers(&dir, "test", false)
        .expect("test settings")
        .networks;
    s.request_timeout_ms = TIMEOUT_MS;
    s
}

pub fn networks(s: &NetworksSettings) -> Networks {
    Networks::new(s, true).expect("networks")
}

/// An account of the fake's default user with fresh tokens.
pub fn account(fake: &Fake, base_url: Option<String>) -> Account {
    let (access, refresh) = fake.issue_tokens();
    Account {
        base_url,
        external_user_id: fake.user().id.clone(),
        handle: fake.user().handle.clone(),
        tokens: TokenSet {
            access_token: access,
            refresh_token: Some(refresh),
            expires_at: None,
            scope: None,
        },
        app: None,
    }
}

/// Follows an authorize URL the way a browser would, up to the redirect back to us, and
/// returns that redirect's `code` and `state`.
pub async fn authorize(url: &url::Url) -> (String, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = client.get(url.as_str()).send().await.unwrap();
    assert_eq!(answer.status(), 302, "{}", answer.text().await.unwrap());
    let location = answer.headers()["location"].to_str().unwrap();
    let location = url::Url::parse(location).unwrap();
    assert!(location.as_str().starts_with(REDIRECT), "{location}");
    let get = |k: &str| {
        location
            .query_pairs()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    (get("code"), get("state"))
}

pub const REDIRECT: &str = "http://127.0.0.1:9/api/v1/connect/callback";

/// Asserts a time is within a couple of seconds of another (answers take a moment).
pub fn near(actual: chrono::DateTime<chrono::Utc>, expected: chrono::DateTime<chrono::Utc>) {
    let gap = (actual - expected).num_seconds().abs();
    assert!(gap <= 2, "{actual} is not near {expected}");
}

/// Scripts steer the fakes over HTTP the way tests do in process.
#[tokio::test]
async fn the_fakes_are_controlled_over_http_too() {
    let fake = vouch_fakes::mastodon::start().unwrap();
    let http = reqwest::Client::new();
    let base = fake.url();
    let tokens: serde_json::Value = http
        .post(format!("{base}/_fake/tokens"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    let answer = http
        .post(format!("{base}/_fake/faults"))
        .json(
            &serde_json::json!({"endpoint": "create", "fault": {"kind": "rate_limit"}, "times": 1}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 204);
    let create = || {
        http.post(format!("{base}/api/v1/statuses"))
            .bearer_auth(access)
            .json(&serde_json::json!({"status": "hello"}))
            .send()
    };
    let limited = create().await.unwrap();
    assert_eq!(limited.status(), 429);
    assert!(limited.headers()["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .ends_with('Z'));
    assert_eq!(create().await.unwrap().status(), 200);
    let posts: serde_json::Value = http
        .get(format!("{base}/_fake/posts"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(posts[0]["text"], "hello");
    let counters: serde_json::Value = http
        .get(format!("{base}/_fake/counters"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counters["create"], 2);
    http.post(format!("{base}/_fake/expire_tokens"))
        .send()
        .await
        .unwrap();
    assert_eq!(create().await.unwrap().status(), 401);
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let s = settings();
    let mut li = s.linkedin.clone();
    li.client_secret = secrecy::SecretString::from("li-secret-value");
    let account = Account {
        base_url: None,
        external_user_id: "u".into(),
        handle: "h".into(),
        tokens: TokenSet {
            access_token: "access-value".into(),
            refresh_token: Some("refresh-value".into()),
            expires_at: None,
            scope: None,
        },
        app: Some(vouch::networks::AppCredentials {
            client_id: "id".into(),
            client_secret: secrecy::SecretString::from("app-secret-value"),
            base_url: None,
        }),
    };
    let printed = format!("{li:?} {account:?}");
    for secret in [
        "li-secret-value",
        "access-value",
        "refresh-value",
        "app-secret-value",
    ] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
}
