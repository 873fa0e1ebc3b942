//! The four connectors, built once from config over two HTTP clients (one for the hosts the
//! operator configured, one for the hosts users name, whose addresses are checked as it
//! connects), looked up by kind.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use super::egress::PublicOnly;
use super::{Bluesky, Linkedin, Mastodon, Network, NetworkKind, X};
use crate::config::NetworksSettings;

pub struct Networks {
    linkedin: Linkedin,
    x: X,
    mastodon: Mastodon,
    bluesky: Bluesky,
    connect_return_url: Option<String>,
}

impl Networks {
    /// `allow_private_urls` (config `security.allow_private_urls`) lets Mastodon instances and
    /// Bluesky services on loopback through, for tests against the fakes.
    pub fn new(settings: &NetworksSettings, allow_private_urls: bool) -> anyhow::Result<Networks> {
        let builder = || {
            reqwest::Client::builder()
                .timeout(Duration::from_millis(settings.request_timeout_ms))
                .connect_timeout(Duration::from_millis(
                    settings.request_timeout_ms.min(10_000),
                ))
                // An API that redirects is misconfigured; following it could leave the host
                // the user's URL was validated for.
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("vouch/", env!("CARGO_PKG_VERSION")))
        };
        // LinkedIn and X: hosts from the operator's config.
        let http = builder()
            .build()
            .context("building the HTTP client for the social networks")?;
        // Mastodon and Bluesky: hosts the users name. Every address is checked as the
        // connection is made; no proxy, or the proxy would resolve the names instead.
        let mut users_hosts = builder();
        if !allow_private_urls {
            users_hosts = users_hosts.dns_resolver(Arc::new(PublicOnly)).no_proxy();
        }
        let users_hosts = users_hosts
            .build()
            .context("building the HTTP client for user-given hosts")?;
        let return_url = settings.connect_return_url.trim();
        Ok(Networks {
            linkedin: Linkedin::new(http.clone(), settings.linkedin.clone()),
            x: X::new(http.clone(), settings.x.clone()),
            mastodon: Mastodon::new(
                users_hosts.clone(),
                settings.mastodon.clone(),
                allow_private_urls,
            ),
            bluesky: Bluesky::new(users_hosts, settings.bluesky.clone(), allow_private_urls),
            connect_return_url: (!return_url.is_empty()).then(|| return_url.to_string()),
        })
    }

    pub fn get(&self, kind: NetworkKind) -> &dyn Network {
        match kind {
            NetworkKind::Linkedin => &self.linkedin,
            NetworkKind::X => &self.x,
            NetworkKind::Mastodon => &self.mastodon,
            NetworkKind::Bluesky => &self.bluesky,
        }
    }

    pub fn linkedin(&self) -> &Linkedin {
        &self.linkedin
    }

    pub fn x(&self) -> &X {
        &self.x
    }

    /// For [`Mastodon::register_app`].
    pub fn mastodon(&self) -> &Mastodon {
        &self.mastodon
    }

    /// For [`Bluesky::create_session`].
    pub fn bluesky(&self) -> &Bluesky {
        &self.bluesky
    }

    /// Where the browser goes after connecting an account; `None`: nowhere configured.
    pub fn connect_return_url(&self) -> Option<&str> {
        self.connect_return_url.as_deref()
    }
}
