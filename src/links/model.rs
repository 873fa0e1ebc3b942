//! What a tracked link is and what a hit on it tells: the target with its UTM parameters,
//! whether the share still leads to its story, the device class and referrer host of a hit.
//! Pure functions, tested here.

use unicode_normalization::UnicodeNormalization;

/// `utm_medium` of every tracked link.
pub const UTM_MEDIUM: &str = "employee_advocacy";

/// The UTM parameters we set; any of these already in the story's link is replaced, except
/// `utm_campaign`, which the comms team may have chosen for the link on purpose.
const REPLACED: [&str; 3] = ["utm_source", "utm_medium", "utm_content"];

/// A tracked code as `shares::service` makes them (10 ASCII letters and digits); anything
/// longer or of other characters cannot be one and is answered without a lookup.
pub fn is_code(code: &str) -> bool {
    (1..=32).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The story's link with the share's UTM parameters: its own query string kept byte for
/// byte (less the parameters we set), its fragment kept. `None` for a link that is not an
/// absolute http(s) URL.
pub fn target_url(link: &str, channel: &str, title: &str, share_id: &str) -> Option<String> {
    let mut url = url::Url::parse(link.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let mut kept: Vec<&str> = Vec::new();
    let mut has_campaign = false;
    let own = url.query().map(str::to_string);
    if let Some(query) = own.as_deref() {
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let name = pair.split('=').next().unwrap_or("");
            let name: String = url::form_urlencoded::parse(name.as_bytes())
                .map(|(n, _)| n.into_owned())
                .next()
                .unwrap_or_default();
            if REPLACED.contains(&name.as_str()) {
                continue;
            }
            has_campaign |= name == "utm_campaign";
            kept.push(pair);
        }
    }
    let mut ours = url::form_urlencoded::Serializer::new(String::new());
    ours.append_pair("utm_source", channel);
    ours.append_pair("utm_medium", UTM_MEDIUM);
    if !has_campaign {
        ours.append_pair("utm_campaign", &slug(title));
    }
    ours.append_pair("utm_content", share_id);
    let ours = ours.finish();
    let query = if kept.is_empty() {
        ours
    } else {
        format!("{}&{ours}", kept.join("&"))
    };
    url.set_query(Some(&query));
    Some(url.to_string())
}

/// A campaign name from a title: lower-case ASCII letters and digits, accents dropped,
/// everything else one dash, at most 60 characters (`Été à Lyon : 20 %` → `ete-a-lyon-20`).
pub fn slug(title: &str) -> String {
    let mut out = String::with_capacity(title.len().min(60));
    let mut dash = false;
    for c in title.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_ascii_alphanumeric() {
            let sep = dash && !out.is_empty();
            if out.len() + usize::from(sep) + 1 > 60 {
                break;
            }
            if sep {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        "story".to_string()
    } else {
        out
    }
}

/// Whether a share still leads to its story: not cancelled or retracted, and the story
/// approved (or archived: expired, not withdrawn). A story back in review after a claim was
/// disputed or refuted, or retracted, is withdrawn content.
pub fn leads_to_story(share_status: &str, story_status: &str) -> bool {
    !matches!(share_status, "cancelled" | "retracted")
        && matches!(story_status, "approved" | "archived")
}

/// A coarse device class from the User-Agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Device {
    Mobile,
    Desktop,
    Other,
}

impl Device {
    pub fn as_str(self) -> &'static str {
        match self {
            Device::Mobile => "mobile",
            Device::Desktop => "desktop",
            Device::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Device {
        match s {
            "mobile" => Device::Mobile,
            "desktop" => Device::Desktop,
            _ => Device::Other,
        }
    }

    /// Phones and tablets are `mobile` (`Mobi`, Android, iPhone, iPad); Windows, macOS,
    /// Linux and ChromeOS browsers `desktop`; anything else (apps, scripts) `other`.
    pub fn of(user_agent: &str) -> Device {
        let ua = user_agent.as_bytes();
        if ["mobi", "android", "iphone", "ipad", "ipod"]
            .iter()
            .any(|t| contains_ci(ua, t.as_bytes()))
        {
            Device::Mobile
        } else if ["windows nt", "macintosh", "x11", "cros", "linux"]
            .iter()
            .any(|t| contains_ci(ua, t.as_bytes()))
        {
            Device::Desktop
        } else {
            Device::Other
        }
    }
}

/// ASCII case-insensitive substring search without allocating; `needle` is lower-case.
fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len()
        && hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// The host of a `Referer` header, lower-case, without port or credentials: what the
/// comms team may see of where a click came from (`https://www.linkedin.com/feed/` →
/// `www.linkedin.com`, `android-app://com.slack/` → `com.slack`). `None` when there is none.
pub fn referrer_host(referer: &str) -> Option<String> {
    let (_, rest) = referer.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    if host.is_empty()
        || host.len() > 253
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':'))
    {
        return None;
    }
    Some(host.trim_end_matches('.').to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utm_parameters_keep_the_links_query_and_fragment() {
        assert_eq!(
            target_url(
                "https://acme.example/jobs",
                "linkedin",
                "Our Lyon team",
                "S1"
            )
            .unwrap(),
            "https://acme.example/jobs?utm_source=linkedin&utm_medium=employee_advocacy\
             &utm_campaign=our-lyon-team&utm_content=S1"
        );
        assert_eq!(
            target_url(
                "https://acme.example/jobs?team=lyon&q=a%20b+c#apply",
                "x",
                "T",
                "S1"
            )
            .unwrap(),
            "https://acme.example/jobs?team=lyon&q=a%20b+c&utm_source=x\
             &utm_medium=employee_advocacy&utm_campaign=t&utm_content=S1#apply"
        );
        // Ours replace the link's own source, medium and content; its campaign is kept.
        assert_eq!(
            target_url(
                "https://acme.example/?utm_source=news&utm_campaign=spring&utm_content=x&a=1",
                "mastodon",
                "T",
                "S2"
            )
            .unwrap(),
            "https://acme.example/?utm_campaign=spring&a=1&utm_source=mastodon\
             &utm_medium=employee_advocacy&utm_content=S2"
        );
        assert!(target_url("javascript:alert(1)", "x", "T", "S").is_none());
        assert!(target_url("not a url", "x", "T", "S").is_none());
    }

    #[test]
    fn campaign_slugs() {
        assert_eq!(slug("Été à Lyon : 20 % de plus !"), "ete-a-lyon-20-de-plus");
        assert_eq!(slug("  --  "), "story");
        assert_eq!(slug("日本"), "story");
        assert!(slug(&"word ".repeat(40)).len() <= 60);
    }

    #[test]
    fn codes() {
        assert!(is_code("aB3dE5gH9k"));
        for bad in ["", "a/b", "abc-def", "é", &"a".repeat(33), "a b"] {
            assert!(!is_code(bad), "{bad}");
        }
    }

    #[test]
    fn devices() {
        for (ua, device) in [
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", Device::Mobile),
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36", Device::Mobile),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36", Device::Desktop),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", Device::Desktop),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", Device::Desktop),
            ("SomeApp/1.0", Device::Other),
            ("", Device::Other),
        ] {
            assert_eq!(Device::of(ua), device, "{ua}");
        }
    }

    #[test]
    fn referrer_hosts() {
        for (referer, host) in [
            (
                "https://www.LinkedIn.com/feed/?x=1",
                Some("www.linkedin.com"),
            ),
            ("https://t.co/abc", Some("t.co")),
            ("android-app://com.slack/", Some("com.slack")),
            (
                "https://user:pw@mastodon.social:443/@amara",
                Some("mastodon.social"),
            ),
            ("http://[2001:db8::1]:8080/x", Some("2001:db8::1")),
            ("https://example.com./", Some("example.com")),
            ("not a url", None),
            ("https:///path", None),
            ("https://bad host/", None),
        ] {
            assert_eq!(referrer_host(referer).as_deref(), host, "{referer}");
        }
    }

    #[test]
    fn withdrawn_content() {
        assert!(leads_to_story("published", "approved"));
        assert!(leads_to_story("scheduled", "archived"));
        assert!(!leads_to_story("retracted", "approved"));
        assert!(!leads_to_story("cancelled", "approved"));
        assert!(!leads_to_story("published", "retracted"));
        assert!(!leads_to_story("published", "in_review"));
    }
}
