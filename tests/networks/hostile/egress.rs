//! Where the connectors may connect: public addresses only (unless allowed for tests), and
//! never where a redirect points.

use vouch::networks::{NetworkError, NetworkKind};
use vouch_fakes::Fault;

use super::{account_at, four, post, LINK};
use crate::{account, REDIRECT};

#[tokio::test]
async fn a_redirect_is_never_followed() {
    let f = four(true);
    let (_, ma) = &f.fakes[2];
    let acct = account_at(NetworkKind::Mastodon, ma);
    // Where a client that follows redirects would go next: the fake's own listing, counted.
    let target = format!("{}/api/v1/accounts/{}/statuses", ma.url(), ma.user().id);
    ma.fail_next("create", Fault::Redirect { location: target }, 1);
    let err = f
        .nets
        .get(NetworkKind::Mastodon)
        .publish(&acct, &post(LINK, "share-redirect"))
        .await
        .unwrap_err();
    assert!(matches!(err, NetworkError::Rejected(_)), "{err:?}");
    assert_eq!(ma.count("find"), 0, "the redirect was followed");
    ma.fail_next(
        "apps",
        Fault::Redirect {
            location: "http://169.254.169.254/latest/meta-data/".into(),
        },
        1,
    );
    assert!(f
        .nets
        .mastodon()
        .register_app(&ma.url(), REDIRECT)
        .await
        .is_err());
}

/// With private addresses refused (production's default), an account whose host is a name
/// for loopback, or a loopback address in disguise, is never called: the check is made on
/// the addresses the client connects to, not on the URL's text.
#[tokio::test]
async fn a_host_that_is_loopback_under_another_name_is_never_called() {
    let f = four(false);
    for (kind, fake) in &f.fakes[2..] {
        let port = fake.addr.port();
        for base in [
            format!("http://localhost:{port}"),
            format!("http://[::ffff:127.0.0.1]:{port}"),
            format!("http://[::ffff:7f00:1]:{port}"),
        ] {
            let acct = account(fake, Some(base.clone()));
            let err = f
                .nets
                .get(*kind)
                .publish(&acct, &post(LINK, "share-ssrf"))
                .await
                .unwrap_err();
            assert!(
                matches!(err, NetworkError::Rejected(ref m) if m.contains("public")),
                "{kind} at {base}: {err:?}"
            );
        }
        assert_eq!(fake.count("create"), 0, "{kind} was called");
    }
}
