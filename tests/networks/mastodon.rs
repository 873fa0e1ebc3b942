//! Mastodon: an app per instance, Idempotency-Key, ISO reset, revoke, no refresh.

use vouch::networks::{NetworkError, NetworkKind, Post, RefreshError};
use vouch_fakes::{mastodon, Fake, Fault};

use crate::{account, authorize, networks, settings, REDIRECT, SLOW_MS};

fn setup() -> (Fake, vouch::networks::Networks) {
    (mastodon::start().unwrap(), networks(&settings()))
}

fn post<'a>(text: &'a str, link: &'a str, key: &'a str) -> Post<'a> {
    Post {
        text,
        link,
        language: Some("fr"),
        key,
    }
}

#[tokio::test]
async fn registers_connects_and_revokes() {
    let (fake, nets) = setup();
    let app = nets
        .mastodon()
        .register_app(&fake.url(), REDIRECT)
        .await
        .unwrap();
    assert_eq!(app.base_url.as_deref(), Some(fake.url().as_str()));
    let m = nets.get(NetworkKind::Mastodon);
    let verifier = vouch::networks::new_pkce_verifier();
    let url = m
        .authorize_url(Some(&app), REDIRECT, "st", Some(&verifier))
        .unwrap();
    assert!(
        url.as_str()
            .starts_with(&format!("{}/oauth/authorize", fake.url())),
        "{url}"
    );
    let (code, state) = authorize(&url).await;
    assert_eq!(state, "st");
    let tokens = m
        .exchange(Some(&app), &code, REDIRECT, Some(&verifier))
        .await
        .unwrap();
    assert_eq!(
        (tokens.refresh_token.clone(), tokens.expires_at),
        (None, None)
    );
    let me = m.identify(Some(&fake.url()), &tokens).await.unwrap();
    assert_eq!(me.external_user_id, fake.user().id);
    assert_eq!(me.handle, "@ada@127.0.0.1");

    let mut acct = account(&fake, Some(fake.url()));
    acct.tokens = tokens;
    acct.app = Some(app);
    m.revoke(&acct).await.unwrap();
    assert_eq!(fake.count("revoked"), 1);
    assert!(matches!(
        m.identify(Some(&fake.url()), &acct.tokens).await,
        Err(NetworkError::Unauthorized(_))
    ));
    // Nothing to refresh on Mastodon: a rejected token means reconnecting.
    assert!(matches!(
        m.refresh(&acct).await,
        Err(RefreshError::Rejected(_))
    ));
}

#[tokio::test]
async fn a_private_instance_is_refused_unless_allowed() {
    let nets = vouch::networks::Networks::new(&settings(), false).unwrap();
    let err = nets
        .mastodon()
        .register_app("http://127.0.0.1:1", REDIRECT)
        .await
        .unwrap_err();
    assert!(
        matches!(err, NetworkError::Rejected(ref m) if m.contains("public")),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_same_key_posts_once() {
    let (fake, nets) = setup();
    let m = nets.get(NetworkKind::Mastodon);
    let acct = account(&fake, Some(fake.url()));
    let link = "https://vouch.example/r/m1?utm=a&b=c";
    let text = format!("Ça commence ici {link} #employee");
    let first = m
        .publish(&acct, &post(&text, link, "share-1"))
        .await
        .unwrap();
    let again = m
        .publish(&acct, &post(&text, link, "share-1"))
        .await
        .unwrap();
    assert_eq!(first, again);
    assert_eq!(fake.posts().len(), 1);
    assert_eq!(fake.posts()[0].text, text);
    assert!(first.external_url.unwrap().ends_with(&first.external_id));
    // Another share is another status.
    m.publish(&acct, &post(&text, link, "share-2"))
        .await
        .unwrap();
    assert_eq!(fake.posts().len(), 2);
    // For a retry past the idempotency hour, the listing finds the share by its link.
    let found = m.find(&acct, &post(&text, link, "share-1")).await.unwrap();
    assert!(found.is_some());
    assert_eq!(
        m.find(&acct, &post("", "https://vouch.example/r/zz", "k"))
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn failures_are_classified() {
    let (fake, nets) = setup();
    let m = nets.get(NetworkKind::Mastodon);
    let acct = account(&fake, Some(fake.url()));
    let p = post(
        "Bonjour https://vouch.example/r/m2",
        "https://vouch.example/r/m2",
        "k2",
    );

    fake.fail_next("create", Fault::RateLimit, 1);
    let err = m.publish(&acct, &p).await.unwrap_err();
    let NetworkError::RateLimited { retry_at } = err else {
        panic!("{err:?}")
    };
    // The ISO timestamp the fake sent, to the millisecond.
    let expected = chrono::Utc::now() + chrono::Duration::minutes(5);
    crate::near(retry_at, expected);

    fake.fail_next("create", Fault::Status { status: 502 }, 1);
    assert!(matches!(
        m.publish(&acct, &p).await,
        Err(NetworkError::Unknown(_))
    ));
    fake.fail_next("create", Fault::Delay { ms: SLOW_MS }, 1);
    assert!(matches!(
        m.publish(&acct, &p).await,
        Err(NetworkError::Unknown(_))
    ));
    // The retry with the same key gets the status the slow call made, once it has made it.
    tokio::time::sleep(std::time::Duration::from_millis(SLOW_MS)).await;
    let published = m.publish(&acct, &p).await.unwrap();
    assert_eq!(fake.posts().len(), 1);

    let metrics = m.metrics(&acct, &published.external_id).await.unwrap();
    assert_eq!(
        (
            metrics.impressions,
            metrics.reactions,
            metrics.comments,
            metrics.reshares
        ),
        (None, Some(13), Some(2), Some(5))
    );
    fake.fail_next("delete", Fault::Status { status: 500 }, 1);
    assert!(matches!(
        m.delete(&acct, &published.external_id).await,
        Err(NetworkError::Transient(_))
    ));
    m.delete(&acct, &published.external_id).await.unwrap();
    m.delete(&acct, &published.external_id).await.unwrap();

    let long = "a".repeat(501);
    let err = m.publish(&acct, &post(&long, "", "k3")).await.unwrap_err();
    assert!(
        matches!(err, NetworkError::Rejected(ref msg) if msg.contains("422")),
        "{err:?}"
    );

    fake.expire_tokens();
    assert!(matches!(
        m.publish(&acct, &p).await,
        Err(NetworkError::Unauthorized(_))
    ));
}
