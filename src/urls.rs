//! Validation of URLs that users give and that Vouch will link to or fetch: http(s) only,
//! and no loopback, private or link-local hosts unless config allows them (tests do).

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

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| is_private(IpAddr::V4(v4)))
        }
    }
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
