//! Bluesky: one session refreshed (never one per post), rkeys from the share, facets.

use chrono::{Duration, Utc};
use vouch::networks::{NetworkError, NetworkKind, Post, RefreshError};
use vouch_fakes::{bluesky, Fake, Fault};

use crate::{near, networks, settings, SLOW_MS};

async fn connect(fake: &Fake, nets: &vouch::networks::Networks) -> vouch::networks::Account {
    let (me, tokens) = nets
        .bluesky()
        .create_session(Some(&fake.url()), "@ada.bsky.social", &fake.user().password)
        .await
        .unwrap();
    assert_eq!(me.external_user_id, fake.user().id);
    assert!(tokens.expires_at.is_some(), "read from the access JWT");
    vouch::networks::Account {
        base_url: Some(fake.url()),
        external_user_id: me.external_user_id,
        handle: me.handle,
        tokens,
        app: None,
    }
}

fn post<'a>(text: &'a str, link: &'a str, key: &'a str) -> Post<'a> {
    Post {
        text,
        link,
        language: Some("en"),
        key,
    }
}

#[tokio::test]
async fn one_session_many_posts_and_a_refresh_when_it_expires() {
    let fake = bluesky::start().unwrap();
    let nets = networks(&settings());
    let b = nets.get(NetworkKind::Bluesky);
    let mut acct = connect(&fake, &nets).await;
    assert_eq!(
        b.identify(acct.base_url.as_deref(), &acct.tokens)
            .await
            .unwrap()
            .handle,
        "ada.bsky.social"
    );
    for i in 0..3 {
        let link = format!("https://vouch.example/r/b{i}");
        let text = format!("Post {i} {link}");
        b.publish(&acct, &post(&text, &link, &format!("share-{i}")))
            .await
            .unwrap();
    }
    assert_eq!(fake.posts().len(), 3);

    fake.expire_tokens();
    let err = b
        .publish(&acct, &post("Later", "", "share-9"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, NetworkError::Unauthorized(ref m) if m.contains("ExpiredToken")),
        "{err:?}"
    );
    let renewed = b.refresh(&acct).await.unwrap();
    assert_ne!(renewed.refresh_token, acct.tokens.refresh_token);
    acct.tokens = renewed;
    b.publish(&acct, &post("Later", "", "share-9"))
        .await
        .unwrap();
    assert_eq!(
        (fake.count("create_session"), fake.count("refresh")),
        (1, 1)
    );
}

#[tokio::test]
async fn the_same_key_is_the_same_record() {
    let fake = bluesky::start().unwrap();
    let nets = networks(&settings());
    let b = nets.get(NetworkKind::Bluesky);
    let acct = connect(&fake, &nets).await;
    let key = "0192e4a0-7b3c-7def-8a12-3456789abcde";
    let p = post(
        "Once https://vouch.example/r/b1",
        "https://vouch.example/r/b1",
        key,
    );
    assert_eq!(b.find(&acct, &p).await.unwrap(), None);
    let first = b.publish(&acct, &p).await.unwrap();
    let rkey = vouch::networks::text::rkey_for(key);
    assert_eq!(
        first.external_id,
        format!("at://{}/app.bsky.feed.post/{rkey}", fake.user().id)
    );
    assert_eq!(
        first.external_url.as_deref(),
        Some(format!("https://bsky.app/profile/{}/post/{rkey}", fake.user().id).as_str())
    );
    // A retry collides with the first record and answers it.
    let again = b.publish(&acct, &p).await.unwrap();
    assert_eq!(again, first);
    assert_eq!(fake.posts().len(), 1);
    assert_eq!(b.find(&acct, &p).await.unwrap(), Some(first.clone()));

    let m = b.metrics(&acct, &first.external_id).await.unwrap();
    assert_eq!(
        (m.impressions, m.reactions, m.comments, m.reshares),
        (None, Some(21), Some(6), Some(5))
    );
    fake.fail_next("delete", Fault::Status { status: 500 }, 1);
    assert!(matches!(
        b.delete(&acct, &first.external_id).await,
        Err(NetworkError::Transient(_))
    ));
    b.delete(&acct, &first.external_id).await.unwrap();
    assert!(fake.posts()[0].deleted);
    assert_eq!(b.find(&acct, &p).await.unwrap(), None);
}

#[tokio::test]
async fn failures_are_classified() {
    let fake = bluesky::start().unwrap();
    let nets = networks(&settings());
    let b = nets.get(NetworkKind::Bluesky);
    let acct = connect(&fake, &nets).await;
    let p = post(
        "Hi https://vouch.example/r/b3",
        "https://vouch.example/r/b3",
        "k3",
    );

    fake.fail_next("create", Fault::RateLimit, 1);
    match b.publish(&acct, &p).await.unwrap_err() {
        NetworkError::RateLimited { retry_at } => {
            near(retry_at, Utc::now() + Duration::seconds(300))
        }
        other => panic!("{other:?}"),
    }
    fake.fail_next("create", Fault::Status { status: 503 }, 1);
    assert!(matches!(
        b.publish(&acct, &p).await,
        Err(NetworkError::Unknown(_))
    ));
    fake.fail_next("create", Fault::Delay { ms: SLOW_MS }, 1);
    assert!(matches!(
        b.publish(&acct, &p).await,
        Err(NetworkError::Unknown(_))
    ));
    tokio::time::sleep(std::time::Duration::from_millis(SLOW_MS)).await;
    b.publish(&acct, &p).await.unwrap();
    assert_eq!(
        fake.posts().len(),
        1,
        "the retry met the record the slow call made"
    );

    // The service's code is passed on; its prose (which names the limit) only to the log.
    let long = "é".repeat(301);
    let err = b.publish(&acct, &post(&long, "", "k4")).await.unwrap_err();
    assert!(
        matches!(err, NetworkError::Rejected(ref m) if m.contains("400 InvalidRecord")),
        "{err:?}"
    );

    let wrong = nets
        .bluesky()
        .create_session(Some(&fake.url()), "ada.bsky.social", "wrong")
        .await
        .unwrap_err();
    assert!(matches!(wrong, NetworkError::Rejected(_)), "{wrong:?}");
}

#[tokio::test]
async fn refresh_failures() {
    let fake = bluesky::start().unwrap();
    let nets = networks(&settings());
    let b = nets.get(NetworkKind::Bluesky);
    let acct = connect(&fake, &nets).await;
    for fault in [
        Fault::Status { status: 502 },
        Fault::RateLimit,
        Fault::Garbage,
    ] {
        fake.fail_next("refresh", fault.clone(), 1);
        assert!(
            matches!(b.refresh(&acct).await, Err(RefreshError::Transient(_))),
            "{fault:?}"
        );
    }
    fake.fail_next("refresh", Fault::Delay { ms: SLOW_MS }, 1);
    assert!(matches!(
        b.refresh(&acct).await,
        Err(RefreshError::Transient(_))
    ));
    fake.revoke_refresh_tokens();
    assert!(matches!(
        b.refresh(&acct).await,
        Err(RefreshError::Rejected(_))
    ));
}
