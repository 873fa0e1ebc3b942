//! Who the client is: the TCP peer, or, when that peer is one of our own reverse proxies
//! (`server.trusted_proxies`), the address those proxies put in `X-Forwarded-For`.

use std::net::IpAddr;

use ipnet::IpNet;
use serde::Deserialize;

/// The proxies whose `X-Forwarded-For` is believed: addresses or CIDR blocks, given in
/// config as a list or as one comma-separated string (the form an environment variable
/// takes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<TrustedProxies, String> {
        entries
            .iter()
            .flat_map(|entry| entry.as_ref().split(','))
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| format!("`{entry}` is neither an IP address nor a CIDR block"))
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the peer unless it is trusted; then, reading `X-Forwarded-For`
    /// from the right (each proxy appends the address it saw), the first address that is not
    /// a trusted proxy. Addresses left of it could be anything the client wrote.
    pub fn client_ip(&self, peer: Option<IpAddr>, forwarded_for: &[&str]) -> Option<IpAddr> {
        let peer = peer.map(|ip| ip.to_canonical())?;
        if !self.contains(peer) {
            return Some(peer);
        }
        let mut client = peer;
        let hops = forwarded_for.iter().flat_map(|h| h.split(',')).rev();
        for hop in hops {
            // A hop we cannot read was not written by a proxy we trust to write addresses;
            // the last trusted hop is then the best we know.
            let Some(ip) = parse_hop(hop) else {
                break;
            };
            client = ip;
            if !self.contains(ip) {
                break;
            }
        }
        Some(client)
    }
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port (`1.2.3.4:80`, `[::1]:80`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<std::net::SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

impl<'de> Deserialize<'de> for TrustedProxies {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Entries {
            List(Vec<String>),
            One(String),
        }
        let entries = match Entries::deserialize(de)? {
            Entries::List(list) => list,
            Entries::One(one) => vec![one],
        };
        TrustedProxies::parse(&entries).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(list).unwrap()
    }

    #[test]
    fn forwarded_for_is_ignored_from_an_untrusted_peer() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_ip(Some(ip("198.51.100.7")), &["203.0.113.9"]),
            Some(ip("198.51.100.7"))
        );
        let some = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            some.client_ip(Some(ip("198.51.100.7")), &["203.0.113.9"]),
            Some(ip("198.51.100.7"))
        );
    }

    #[test]
    fn forwarded_for_is_honoured_from_a_trusted_peer() {
        let trusted = proxies(&["10.0.0.0/8", "192.0.2.1"]);
        // The client wrote the left-most entry itself; the proxies appended the rest.
        assert_eq!(
            trusted.client_ip(
                Some(ip("10.0.0.2")),
                &["1.1.1.1, 203.0.113.9", "192.0.2.1, 10.0.0.5"]
            ),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            trusted.client_ip(Some(ip("10.0.0.2")), &["203.0.113.9:4711"]),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            trusted.client_ip(Some(ip("10.0.0.2")), &["[2001:db8::1]:443"]),
            Some(ip("2001:db8::1"))
        );
        // No header, or only trusted hops: the farthest trusted hop.
        assert_eq!(
            trusted.client_ip(Some(ip("10.0.0.2")), &[]),
            Some(ip("10.0.0.2"))
        );
        assert_eq!(
            trusted.client_ip(Some(ip("10.0.0.2")), &["10.9.9.9"]),
            Some(ip("10.9.9.9"))
        );
        // Garbage stops the walk at the last hop a trusted proxy wrote.
        assert_eq!(
            trusted.client_ip(Some(ip("10.0.0.2")), &["203.0.113.9, nonsense, 10.0.0.7"]),
            Some(ip("10.0.0.7"))
        );
        // A dual-stack socket shows an IPv4 proxy as IPv4-mapped IPv6.
        assert_eq!(
            trusted.client_ip(Some(ip("::ffff:10.0.0.2")), &["::ffff:203.0.113.9"]),
            Some(ip("203.0.113.9"))
        );
    }

    #[test]
    fn config_takes_a_list_or_one_comma_separated_string() {
        assert_eq!(
            proxies(&["10.0.0.1, 192.168.0.0/16", "::1"]),
            TrustedProxies(vec![
                "10.0.0.1/32".parse().unwrap(),
                "192.168.0.0/16".parse().unwrap(),
                "::1/128".parse().unwrap(),
            ])
        );
        assert!(TrustedProxies::parse(&["10.0.0.300"]).is_err());
        let from_env: TrustedProxies = serde_json::from_str(r#""10.0.0.1,10.0.1.0/24""#).unwrap();
        assert_eq!(from_env.0.len(), 2);
        let from_list: TrustedProxies = serde_json::from_str(r#"["10.0.0.1"]"#).unwrap();
        assert_eq!(from_list.0.len(), 1);
    }
}
