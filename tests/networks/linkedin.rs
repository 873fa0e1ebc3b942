//! LinkedIn: lenient token answers, x-restli-id, little text, versions, duplicates, limits.

use chrono::{Duration, NaiveTime, Utc};
use secrecy::SecretString;
use vouch::networks::{NetworkError, NetworkKind, Post, RefreshError};
use vouch_fakes::{linkedin, Fake, Fault};

use crate::{account, authorize, networks, settings, REDIRECT, SLOW_MS};

fn setup() -> (Fake, vouch::networks::Networks) {
    let fake = linkedin::start().unwrap();
    let mut s = settings();
    s.linkedin.auth_url = format!("{}/oauth/v2/authorization", fake.url());
    s.linkedin.token_url = format!("{}/oauth/v2/accessToken", fake.url());
    s.linkedin.api_url = fake.url();
    s.linkedin.client_id = linkedin::CLIENT_ID.into();
    s.linkedin.client_secret = SecretString::from(linkedin::CLIENT_SECRET);
    (fake, networks(&s))
}

fn post<'a>(text: &'a str, link: &'a str) -> Post<'a> {
    Post {
        text,
        link,
        language: Some("en"),
        key: "0192e4a0-7b3c-7def-8a12-3456789abcde",
    }
}

#[tokio::test]
async fn connects_with_a_token_answer_that_has_no_token_type() {
    let (fake, nets) = setup();
    fake.set_flag("omit_token_type", true);
    let li = nets.get(NetworkKind::Linkedin);
    assert!(li.available());
    let url = li.authorize_url(None, REDIRECT, "st4te", None).unwrap();
    assert!(!url.as_str().contains("code_challenge"), "{url}");
    let (code, state) = authorize(&url).await;
    assert_eq!(state, "st4te");
    let tokens = li.exchange(None, &code, REDIRECT, None).await.unwrap();
    assert!(tokens.expires_at.is_some());
    assert_eq!(
        tokens.scope.as_deref(),
        Some("openid profile w_member_social")
    );
    let me = li.identify(None, &tokens).await.unwrap();
    assert_eq!(me.external_user_id, fake.user().id);
    // The code was single-use.
    let again = li.exchange(None, &code, REDIRECT, None).await.unwrap_err();
    assert!(
        matches!(again, NetworkError::Rejected(ref m) if m.contains("invalid_grant")),
        "{again:?}"
    );
}

#[tokio::test]
async fn unconfigured_is_unavailable_not_an_error() {
    let nets = networks(&settings());
    let li = nets.get(NetworkKind::Linkedin);
    assert!(!li.available());
    assert_eq!(
        li.authorize_url(None, REDIRECT, "s", None).unwrap_err(),
        NetworkError::Unavailable
    );
}

#[tokio::test]
async fn publishes_with_the_id_from_x_restli_id_and_finds_it_again() {
    let (fake, nets) = setup();
    let li = nets.get(NetworkKind::Linkedin);
    let acct = account(&fake, None);
    let link = "https://vouch.example/r/Ab_9~x";
    let text = format!("Proud of our team #employee {link}");
    let published = li.publish(&acct, &post(&text, link)).await.unwrap();
    let posts = fake.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(published.external_id, posts[0].id);
    assert!(published.external_id.starts_with("urn:li:share:"));
    assert_eq!(posts[0].text, text, "read back as written");
    assert_eq!(
        published.external_url.unwrap(),
        format!("https://www.linkedin.com/feed/update/{}/", posts[0].id)
    );
    // After a crash: the tracked link finds the post; another share's link does not.
    let found = li.find(&acct, &post(&text, link)).await.unwrap();
    assert_eq!(found.unwrap().external_id, published.external_id);
    let other = li
        .find(&acct, &post("x", "https://vouch.example/r/other"))
        .await
        .unwrap();
    assert_eq!(other, None);
}

#[tokio::test]
async fn a_repeated_post_is_a_duplicate() {
    let (fake, nets) = setup();
    let li = nets.get(NetworkKind::Linkedin);
    let acct = account(&fake, None);
    let p = post(
        "Same words https://vouch.example/r/1",
        "https://vouch.example/r/1",
    );
    li.publish(&acct, &p).await.unwrap();
    let err = li.publish(&acct, &p).await.unwrap_err();
    assert!(
        matches!(err, NetworkError::Duplicate(ref m) if m.contains("DUPLICATE_POST")),
        "{err:?}"
    );
    assert_eq!(fake.posts().len(), 1);
}

#[tokio::test]
async fn failures_on_create_are_classified() {
    let (fake, nets) = setup();
    let li = nets.get(NetworkKind::Linkedin);
    let acct = account(&fake, None);
    let p = post(
        "Hello https://vouch.example/r/2",
        "https://vouch.example/r/2",
    );

    // LinkedIn's daily limits send no header: wait for midnight UTC.
    fake.fail_next("create", Fault::RateLimit, 1);
    let midnight = (Utc::now().date_naive() + Duration::days(1))
        .and_time(NaiveTime::MIN)
        .and_utc();
    assert_eq!(
        li.publish(&acct, &p).await.unwrap_err(),
        NetworkError::RateLimited { retry_at: midnight }
    );

    fake.fail_next("create", Fault::Status { status: 503 }, 1);
    assert!(matches!(
        li.publish(&acct, &p).await.unwrap_err(),
        NetworkError::Unknown(_)
    ));

    fake.fail_next("create", Fault::Delay { ms: SLOW_MS }, 1);
    let slow = li.publish(&acct, &p).await.unwrap_err();
    assert!(
        matches!(slow, NetworkError::Unknown(ref m) if m.contains("timed out")),
        "{slow:?}"
    );
    // The slow answer still created the post: the pipeline must look before re-posting.
    tokio::time::sleep(std::time::Duration::from_millis(SLOW_MS)).await;
    assert!(li.find(&acct, &p).await.unwrap().is_some());

    fake.expire_tokens();
    assert!(matches!(
        li.publish(&acct, &p).await.unwrap_err(),
        NetworkError::Unauthorized(_)
    ));
}

#[tokio::test]
async fn a_retired_version_says_what_to_change() {
    let fake = linkedin::start().unwrap();
    let mut s = settings();
    s.linkedin.api_url = fake.url();
    s.linkedin.client_id = linkedin::CLIENT_ID.into();
    s.linkedin.version = "202301".into();
    let nets = networks(&s);
    let err = nets
        .get(NetworkKind::Linkedin)
        .publish(
            &account(&fake, None),
            &post("Hi", "https://vouch.example/r/3"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, NetworkError::Rejected(ref m) if m.contains("202301") && m.contains("networks.linkedin.version")),
        "{err:?}"
    );
    assert!(fake.posts().is_empty());
}

#[tokio::test]
async fn refresh_keeps_the_account_unless_the_grant_is_refused() {
    let (fake, nets) = setup();
    let li = nets.get(NetworkKind::Linkedin);
    let acct = account(&fake, None);
    for fault in [
        Fault::Status { status: 500 },
        Fault::RateLimit,
        Fault::Delay { ms: SLOW_MS },
        Fault::Garbage,
    ] {
        fake.fail_next("token", fault.clone(), 1);
        let err = li.refresh(&acct).await.unwrap_err();
        assert!(
            matches!(err, RefreshError::Transient(_)),
            "{fault:?}: {err:?}"
        );
    }
    // An answer without a refresh token keeps the one we had.
    fake.set_flag("omit_refresh_token", true);
    fake.set_flag("omit_token_type", true);
    let renewed = li.refresh(&acct).await.unwrap();
    assert_ne!(renewed.access_token, acct.tokens.access_token);
    assert_eq!(renewed.refresh_token, acct.tokens.refresh_token);

    fake.revoke_refresh_tokens();
    let err = li.refresh(&acct).await.unwrap_err();
    assert!(
        matches!(err, RefreshError::Rejected(ref m) if m.contains("invalid_grant")),
        "{err:?}"
    );
}

#[tokio::test]
async fn delete_and_metrics() {
    let (fake, nets) = setup();
    let li = nets.get(NetworkKind::Linkedin);
    let acct = account(&fake, None);
    let published = li
        .publish(
            &acct,
            &post(
                "Metrics https://vouch.example/r/4",
                "https://vouch.example/r/4",
            ),
        )
        .await
        .unwrap();
    let m = li.metrics(&acct, &published.external_id).await.unwrap();
    assert_eq!(
        (m.impressions, m.reactions, m.comments, m.reshares, m.clicks),
        (Some(120), Some(7), Some(3), Some(2), None)
    );
    fake.fail_next("delete", Fault::Status { status: 502 }, 1);
    assert!(matches!(
        li.delete(&acct, &published.external_id).await.unwrap_err(),
        NetworkError::Transient(_)
    ));
    li.delete(&acct, &published.external_id).await.unwrap();
    assert!(fake.posts()[0].deleted);
    // Already gone is done.
    li.delete(&acct, &published.external_id).await.unwrap();
}
