//! X: PKCE, rotating refresh tokens, duplicates as 403, x-rate-limit-reset.

use chrono::{Duration, Utc};
use secrecy::SecretString;
use vouch::networks::{new_pkce_verifier, NetworkError, NetworkKind, Post, RefreshError};
use vouch_fakes::{x, Fake, Fault};

use crate::{account, authorize, near, networks, settings, REDIRECT, SLOW_MS};

fn setup(confidential: bool) -> (Fake, vouch::networks::Networks) {
    let fake = x::start().unwrap();
    let mut s = settings();
    s.x.auth_url = format!("{}/i/oauth2/authorize", fake.url());
    s.x.token_url = format!("{}/2/oauth2/token", fake.url());
    s.x.api_url = fake.url();
    s.x.client_id = x::CLIENT_ID.into();
    if confidential {
        s.x.client_secret = SecretString::from(x::CLIENT_SECRET);
    }
    (fake, networks(&s))
}

fn post<'a>(text: &'a str, link: &'a str) -> Post<'a> {
    Post {
        text,
        link,
        language: None,
        key: "share-1",
    }
}

#[tokio::test]
async fn pkce_is_checked_by_the_network() {
    for confidential in [true, false] {
        let (fake, nets) = setup(confidential);
        let xn = nets.get(NetworkKind::X);
        let verifier = new_pkce_verifier();
        let url = xn
            .authorize_url(None, REDIRECT, "s1", Some(&verifier))
            .unwrap();
        assert!(url.as_str().contains("code_challenge_method=S256"), "{url}");
        let (code, state) = authorize(&url).await;
        assert_eq!(state, "s1");
        // A wrong verifier is refused (and uses up the code, as on X).
        let wrong = xn
            .exchange(None, &code, REDIRECT, Some(&new_pkce_verifier()))
            .await
            .unwrap_err();
        assert!(
            matches!(wrong, NetworkError::Rejected(ref m) if m.contains("invalid_request")),
            "{wrong:?}"
        );

        let url = xn
            .authorize_url(None, REDIRECT, "s2", Some(&verifier))
            .unwrap();
        let (code, _) = authorize(&url).await;
        let tokens = xn
            .exchange(None, &code, REDIRECT, Some(&verifier))
            .await
            .unwrap();
        assert!(
            tokens.refresh_token.is_some(),
            "offline.access gives a refresh token"
        );
        let me = xn.identify(None, &tokens).await.unwrap();
        assert_eq!(
            (me.external_user_id.as_str(), me.handle.as_str()),
            (fake.user().id.as_str(), "ada")
        );
        // Without a verifier nothing leaves: X requires PKCE.
        assert!(xn.authorize_url(None, REDIRECT, "s", None).is_err());
    }
}

#[tokio::test]
async fn publishes_finds_measures_and_deletes() {
    let (fake, nets) = setup(true);
    let xn = nets.get(NetworkKind::X);
    let acct = account(&fake, None);
    let link = "https://vouch.example/r/x1";
    let text = format!("Nous recrutons 日本語 👩‍💻 {link} #employee");
    let published = xn.publish(&acct, &post(&text, link)).await.unwrap();
    let posts = fake.posts();
    assert_eq!(posts[0].text, text);
    assert_eq!(published.external_id, posts[0].id);
    assert_eq!(
        published.external_url.as_deref(),
        Some(format!("https://x.com/ada/status/{}", posts[0].id).as_str())
    );
    let found = xn.find(&acct, &post(&text, link)).await.unwrap();
    assert_eq!(found, Some(published.clone()));
    assert_eq!(
        xn.find(&acct, &post("", "https://vouch.example/r/none"))
            .await
            .unwrap(),
        None
    );

    let m = xn.metrics(&acct, &published.external_id).await.unwrap();
    assert_eq!(
        (m.impressions, m.reactions, m.comments, m.reshares, m.clicks),
        (Some(250), Some(11), Some(3), Some(5), Some(9))
    );
    fake.fail_next("delete", Fault::Status { status: 503 }, 1);
    assert!(matches!(
        xn.delete(&acct, &published.external_id).await,
        Err(NetworkError::Transient(_))
    ));
    xn.delete(&acct, &published.external_id).await.unwrap();
    assert!(fake.posts()[0].deleted);
}

#[tokio::test]
async fn failures_are_classified() {
    let (fake, nets) = setup(true);
    let xn = nets.get(NetworkKind::X);
    let acct = account(&fake, None);
    let p = post(
        "Same text https://vouch.example/r/x2",
        "https://vouch.example/r/x2",
    );

    fake.fail_next("create", Fault::RateLimit, 1);
    match xn.publish(&acct, &p).await.unwrap_err() {
        NetworkError::RateLimited { retry_at } => {
            near(retry_at, Utc::now() + Duration::seconds(900))
        }
        other => panic!("{other:?}"),
    }
    fake.fail_next("create", Fault::Status { status: 500 }, 1);
    assert!(matches!(
        xn.publish(&acct, &p).await,
        Err(NetworkError::Unknown(_))
    ));
    fake.fail_next("create", Fault::Delay { ms: SLOW_MS }, 1);
    assert!(matches!(
        xn.publish(&acct, &p).await,
        Err(NetworkError::Unknown(_))
    ));
    fake.fail_next("create", Fault::Garbage, 1);
    assert!(matches!(
        xn.publish(&acct, &p).await,
        Err(NetworkError::Unknown(_))
    ));

    // The slow one went through: a second identical post is refused as a duplicate.
    tokio::time::sleep(std::time::Duration::from_millis(SLOW_MS)).await;
    let dup = xn.publish(&acct, &p).await.unwrap_err();
    assert!(matches!(dup, NetworkError::Duplicate(_)), "{dup:?}");
    assert_eq!(fake.posts().len(), 1);

    fake.expire_tokens();
    assert!(matches!(
        xn.publish(&acct, &p).await,
        Err(NetworkError::Unauthorized(_))
    ));
}

#[tokio::test]
async fn refresh_rotates_and_only_invalid_grant_disconnects() {
    let (fake, nets) = setup(true);
    let xn = nets.get(NetworkKind::X);
    let acct = account(&fake, None);
    fake.fail_next("token", Fault::Status { status: 503 }, 1);
    assert!(matches!(
        xn.refresh(&acct).await,
        Err(RefreshError::Transient(_))
    ));
    fake.fail_next("token", Fault::RateLimit, 1);
    assert!(matches!(
        xn.refresh(&acct).await,
        Err(RefreshError::Transient(_))
    ));
    fake.fail_next("token", Fault::Delay { ms: SLOW_MS }, 1);
    assert!(matches!(
        xn.refresh(&acct).await,
        Err(RefreshError::Transient(_))
    ));

    let renewed = xn.refresh(&acct).await.unwrap();
    assert_ne!(
        renewed.refresh_token, acct.tokens.refresh_token,
        "X rotates refresh tokens"
    );
    // The old refresh token was used up: refused, the account needs reconnecting.
    assert!(matches!(
        xn.refresh(&acct).await,
        Err(RefreshError::Rejected(_))
    ));

    let mut acct = acct;
    acct.tokens = renewed;
    fake.set_flag("omit_refresh_token", true);
    let again = xn.refresh(&acct).await.unwrap();
    assert_eq!(again.refresh_token, acct.tokens.refresh_token);
    assert_eq!(fake.count("token"), 6);
}
