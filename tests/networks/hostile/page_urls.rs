//! A status's page URL is kept only on the account's own host.

use vouch::networks::NetworkKind;
use vouch_fakes::mastodon;

use super::{post, LINK};
use crate::{account, networks, settings};

#[tokio::test]
async fn a_page_url_that_is_not_on_the_accounts_host_is_not_kept() {
    let fake = mastodon::start().unwrap();
    let nets = networks(&settings());
    let m = nets.get(NetworkKind::Mastodon);
    let acct = account(&fake, Some(fake.url()));
    let ordinary = m.publish(&acct, &post(LINK, "share-u0")).await.unwrap();
    assert!(
        ordinary
            .external_url
            .as_deref()
            .is_some_and(|u| u.starts_with(&format!("{}/@", fake.url()))),
        "{ordinary:?}"
    );
    for flag in ["javascript_urls", "foreign_urls"] {
        fake.set_flag(flag, true);
        let link = format!("https://vouch.example/r/{flag}");
        let published = m
            .publish(&acct, &post(&link, &format!("share-{flag}")))
            .await
            .unwrap();
        assert_eq!(published.external_url, None, "{flag}");
        let found = m
            .find(&acct, &post(&link, &format!("share-{flag}")))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.external_url, None, "{flag}");
        fake.set_flag(flag, false);
    }
}
