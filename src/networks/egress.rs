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
use std::net::{IpAddr, SocketAddr};

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

/// A user-given base URL as its origin (`https://mastodon.example`), once it is known not to
/// name a private address literally; names are left to [`PublicOnly`]. Only the origin is
/// kept, so that an address stored before origins were enforced cannot choose the path.
pub(crate) fn base(raw: &str, allow_private: bool) -> Result<String, NetworkError> {
    let refused = |why: &str| NetworkError::Rejected(format!("the account's address {why}"));
    let url = Url::parse(raw).map_err(|_| refused("is not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refused("is not http or https"));
    }
    let literal: Option<IpAddr> = match url.host() {
        Some(Host::Ipv4(ip)) => Some(ip.into()),
        Some(Host::Ipv6(ip)) => Some(ip.into()),
        Some(Host::Domain(_)) => None,
        None => return Err(refused("has no host")),
    };
    if !allow_private && literal.is_some_and(|ip| !is_public(ip)) {
        return Err(not_public());
    }
    Ok(url.origin().ascii_serialization())
}
