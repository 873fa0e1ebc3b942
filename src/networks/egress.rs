//! Where the connectors may connect when the user chose the host (a Mastodon instance, a
//! Bluesky service). A URL's text proves nothing about where its name leads, so names are
//! resolved here, at connect time, and only public addresses are kept (`crate::addresses`):
//! a name for loopback or the metadata service, or one rebound between a check and the
//! connection, is refused. Literal addresses never reach a resolver; [`base`] checks them
//! before any request is built on them. Redirects are never followed (see the registry).
//!
//! One switch turns all of this off for tests and development against local fakes:
//! `security.allow_private_urls`.

use std::error::Error as StdError;
use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use super::NetworkError;
use crate::addresses::is_public;

/// The resolver of the client for user-given hosts: the system's, minus every address that
/// is not public.
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|addr| is_public(addr.ip()))
                .collect();
            if found.is_empty() {
                return Err(Box::new(NotPublic) as Box<dyn StdError + Send + Sync>);
            }
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

/// A host refused because it is not, or does not resolve to, a public address.
#[derive(Debug, thiserror::Error)]
#[error("the host is not a public address")]
pub struct NotPublic;

const NOT_PUBLIC: &str = "the host does not resolve to a public address";

/// Whether a failed request was refused by [`PublicOnly`] (somewhere in its causes).
pub(crate) fn refused(error: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = cause {
        if e.is::<NotPublic>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// The refusal a connector reports for a host that is not public.
pub(crate) fn not_public() -> NetworkError {
    NetworkError::Rejected(NOT_PUBLIC.into())
}

/// A user-given base URL (`https://mastodon.example`), without its final slash, once it is
/// known not to name a private address literally. Names are left to [`PublicOnly`].
pub(crate) fn base(raw: &str, allow_private: bool) -> Result<String, NetworkError> {
    let url = Url::parse(raw)
        .map_err(|_| NetworkError::Rejected("the account's address is not a URL".into()))?;
    let literal = match url.host() {
        Some(Host::Ipv4(ip)) => Some(ip.into()),
        Some(Host::Ipv6(ip)) => Some(ip.into()),
        Some(Host::Domain(_)) => None,
        None => {
            return Err(NetworkError::Rejected(
                "the account's address has no host".into(),
            ))
        }
    };
    if !allow_private && literal.is_some_and(|ip| !is_public(ip)) {
        return Err(not_public());
    }
    Ok(raw.trim_end_matches('/').to_string())
}
