//! Validation of URLs that users give and that Vouch will link to or fetch: http(s) only,
//! and no loopback, private or link-local hosts unless config allows them (tests do). This
//! reads the URL's text; what a name resolves to is checked when Vouch connects
//! (`networks::egress`).

use std::net::IpAddr;

use url::{Host, Url};

pub fn parse_public_url(raw: &str, allow_private: bool) -> Result<String, String> {
    let raw = raw.trim();
    if raw.len() > 2048 {
        return Err("is longer than 2048 characters".into());
    }
    let url = Url::parse(raw).map_err(|e| format!("`{raw}` is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("must be http or https, not {}", url.scheme()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials".into());
    }
    let host = url.host().ok_or("has no host")?;
    if !allow_private {
        let private = match &host {
            Host::Domain(d) => {
                // DNS resolves `localhost.` (the rooted form) like `localhost`, so the rules
                // apply to the name without its trailing dots.
                let d = d.trim_end_matches('.').to_ascii_lowercase();
                d == "localhost"
                    || d.ends_with(".localhost")
                    || d.ends_with(".local")
                    || !d.contains('.')
            }
            Host::Ipv4(ip) => is_private(IpAddr::V4(*ip)),
            Host::Ipv6(ip) => is_private(IpAddr::V6(*ip)),
        };
        if private {
            return Err("must point to a public host".into());
        }
    }
    Ok(url.to_string())
}

/// A server a user names for Vouch to call (a Mastodon instance, a Bluesky service), as its
/// origin alone: `scheme://host[:port]`. A path, query or fragment is refused rather than
/// dropped: Vouch appends the API's paths, and `https://host/x?` would let the caller choose
/// which one is called.
pub fn parse_origin(raw: &str, allow_private: bool) -> Result<String, String> {
    let checked = parse_public_url(raw, allow_private)?;
    let url = Url::parse(&checked).map_err(|e| e.to_string())?;
    if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
        return Err(
            "must be the server's address alone, like https://mastodon.example, \
                    without a path, query or fragment"
                .into(),
        );
    }
    Ok(url.origin().ascii_serialization())
}

fn is_private(ip: IpAddr) -> bool {
    !crate::addresses::is_public(ip)
}

#[cfg(test)]
mod tests {
    use super::parse_public_url;

    #[test]
    fn only_public_http_urls() {
        assert!(parse_public_url("https://acme.example/careers", false).is_ok());
        for bad in [
            "ftp://acme.example/x",
            "javascript:alert(1)",
            "http://127.0.0.1/admin",
            "http://10.0.0.8/",
            "http://[::1]/",
            "http://localhost:8080/",
            "http://169.254.169.254/latest/meta-data",
            "http://user:pw@acme.example/",
            "not a url",
        ] {
            assert!(parse_public_url(bad, false).is_err(), "{bad}");
        }
        assert!(parse_public_url("http://127.0.0.1:9000/x", true).is_ok());
    }

    #[test]
    fn a_server_is_named_by_its_origin_alone() {
        use super::parse_origin;
        assert_eq!(
            parse_origin("https://Mastodon.Example/", false).as_deref(),
            Ok("https://mastodon.example")
        );
        assert_eq!(
            parse_origin("https://mastodon.example:8443", false).as_deref(),
            Ok("https://mastodon.example:8443")
        );
        for bad in [
            "https://mastodon.example/api/v1/statuses?",
            "https://mastodon.example/?",
            "https://mastodon.example/#",
            "https://mastodon.example/sub/",
            "https://mastodon.example?x=1",
            "https://u:p@mastodon.example",
        ] {
            assert!(parse_origin(bad, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn reserved_addresses_in_disguise_are_not_public() {
        for bad in [
            "http://[::127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[64:ff9b::7f00:1]/",
            "http://[2002:a9fe:a9fe::]/",
            "http://[fec0::1]/",
            "http://[ff02::1]/",
            "http://0.1.2.3/",
            "http://198.18.0.1/",
            "http://240.0.0.1/",
            "http://224.0.0.1/",
            "http://2130706433/",
            "http://0x7f.1/",
        ] {
            assert!(parse_public_url(bad, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn trailing_dots_do_not_bypass_host_rules() {
        for bad in [
            "http://localhost./",
            "http://localhost../",
            "http://LOCALHOST./",
            "http://LocalHost.:8080/x",
            "http://foo.localhost./",
            "http://printer.local./",
            "http://intranet./",
            "http://./",
            "http://127.0.0.1./",
        ] {
            assert!(parse_public_url(bad, false).is_err(), "{bad}");
        }
        assert!(parse_public_url("https://acme.example./careers", false).is_ok());
    }
}
