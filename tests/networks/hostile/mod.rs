//! Every connector against the fakes' hostile mode: what a network says (waits, bodies, page
//! URLs, redirects) is data to check, never something to obey or repeat.

mod bodies;
mod egress;
mod page_urls;
mod waits;

use secrecy::SecretString;
use vouch::networks::{Account, NetworkKind, Networks, Post};
use vouch_fakes::{bluesky, linkedin, mastodon, x, Fake};

use crate::{account, settings};

/// The four fakes, and connectors pointed at them, with private addresses allowed or not.
pub struct Four {
    pub fakes: [(NetworkKind, Fake); 4],
    pub nets: Networks,
}

pub fn four(allow_private: bool) -> Four {
    let (li, xx, ma, bs) = (
        linkedin::start().unwrap(),
        x::start().unwrap(),
        mastodon::start().unwrap(),
        bluesky::start().unwrap(),
    );
    let mut s = settings();
    s.linkedin.api_url = li.url();
    s.linkedin.client_id = linkedin::CLIENT_ID.into();
    s.linkedin.client_secret = SecretString::from(linkedin::CLIENT_SECRET);
    s.x.api_url = xx.url();
    s.x.client_id = x::CLIENT_ID.into();
    s.bluesky.default_service_url = bs.url();
    Four {
        nets: Networks::new(&s, allow_private).unwrap(),
        fakes: [
            (NetworkKind::Linkedin, li),
            (NetworkKind::X, xx),
            (NetworkKind::Mastodon, ma),
            (NetworkKind::Bluesky, bs),
        ],
    }
}

/// An account at `fake`; Mastodon and Bluesky name the fake as their instance or service.
pub fn account_at(kind: NetworkKind, fake: &Fake) -> Account {
    let base = matches!(kind, NetworkKind::Mastodon | NetworkKind::Bluesky).then(|| fake.url());
    account(fake, base)
}

pub fn post<'a>(link: &'a str, key: &'a str) -> Post<'a> {
    Post {
        text: link,
        link,
        language: Some("en"),
        key,
    }
}

pub const LINK: &str = "https://vouch.example/r/hostile1";
