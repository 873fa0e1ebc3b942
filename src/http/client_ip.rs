//! The client's address of a request, through the trusted proxies (`proxies.rs`).

use std::net::IpAddr;

use actix_web::HttpRequest;

pub use crate::proxies::TrustedProxies;

const FORWARDED_FOR: &str = "x-forwarded-for";

/// [`TrustedProxies::client_ip`] of a request.
pub trait ClientOf {
    fn client_of(&self, req: &HttpRequest) -> Option<IpAddr>;
}

impl ClientOf for TrustedProxies {
    fn client_of(&self, req: &HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr().map(|addr| addr.ip());
        if self.is_empty() {
            return peer;
        }
        let headers: Vec<&str> = req
            .headers()
            .get_all(FORWARDED_FOR)
            .map(|value| value.to_str().unwrap_or("?"))
            .collect();
        self.client_ip(peer, &headers)
    }
}
