//! A foreign body is never part of an error a caller sees, and an instance URL names a host,
//! never a path the caller chose.

use vouch::networks::NetworkError;
use vouch_fakes::{mastodon, Fault, LEAK_MARKER};

use super::{account_at, four, post, LINK};
use crate::{networks, settings, REDIRECT};

/// What a caller may be shown of an error: no byte of the foreign body, no markup, no
/// control characters.
fn assert_clean(what: &str, text: &str) {
    assert!(
        !text.contains(LEAK_MARKER),
        "{what} repeats the body: {text}"
    );
    assert!(
        !text.contains('<') && !text.chars().any(|c| c.is_control() || c == '\u{fffd}'),
        "{what} carries markup or bytes of the body: {text:?}"
    );
}

#[tokio::test]
async fn html_and_binary_bodies_are_never_part_of_an_error() {
    let f = four(true);
    for (kind, fake) in &f.fakes {
        let network = f.nets.get(*kind);
        let acct = account_at(*kind, fake);
        for fault in [
            Fault::Html { status: 404 },
            Fault::Binary { status: 400 },
            Fault::Html { status: 502 },
            Fault::Binary { status: 503 },
        ] {
            fake.fail_next("create", fault.clone(), 1);
            let err = network
                .publish(&acct, &post(LINK, "share-body"))
                .await
                .unwrap_err();
            assert_clean(&format!("{kind} {fault:?}"), &err.to_string());
            fake.fail_next("metrics", fault.clone(), 1);
            if let Err(err) = network.metrics(&acct, "123").await {
                assert_clean(&format!("{kind} metrics {fault:?}"), &err.to_string());
            }
        }
    }
    // Where the user names the host: registering an app, signing in to a service.
    let (_, ma) = &f.fakes[2];
    ma.fail_next("apps", Fault::Html { status: 404 }, 1);
    let err = f
        .nets
        .mastodon()
        .register_app(&ma.url(), REDIRECT)
        .await
        .unwrap_err();
    assert!(matches!(err, NetworkError::Rejected(_)), "{err:?}");
    assert_clean("register_app", &err.to_string());
    assert!(err.to_string().contains("404"), "{err}");
    let (_, bs) = &f.fakes[3];
    bs.fail_next("session", Fault::Binary { status: 400 }, 1);
    let err = f
        .nets
        .bluesky()
        .create_session(Some(&bs.url()), "ada.bsky.social", "pw")
        .await
        .unwrap_err();
    assert_clean("create_session", &err.to_string());
}

#[tokio::test]
async fn an_instance_url_names_a_host_never_a_path() {
    let fake = mastodon::start().unwrap();
    let nets = networks(&settings());
    for tricky in [
        format!("{}/api/v1/statuses?", fake.url()),
        format!("{}/api/v1/statuses#", fake.url()),
        format!("{}/x?y=1", fake.url()),
        format!("{}/sub/", fake.url()),
        format!("http://user:pw@{}", fake.addr),
    ] {
        let err = nets
            .mastodon()
            .register_app(&tricky, REDIRECT)
            .await
            .unwrap_err();
        assert!(
            matches!(err, NetworkError::Rejected(_)),
            "{tricky}: {err:?}"
        );
    }
    assert_eq!(
        fake.count("create"),
        0,
        "a path chosen by the caller was called"
    );
    assert_eq!(fake.count("apps"), 0);
    // The instance's address alone, with or without a final slash, is fine.
    for plain in [fake.url(), format!("{}/", fake.url())] {
        let app = nets
            .mastodon()
            .register_app(&plain, REDIRECT)
            .await
            .unwrap();
        assert_eq!(app.base_url.as_deref(), Some(fake.url().as_str()));
    }
}
