//! A post's page URL, as a network reports it, is data: Vouch serves it to clients as a
//! share's `external_url`, so a `javascript:` URL or one on another host (a Mastodon
//! instance can answer anything) would be a link Vouch vouches for. Only http(s) URLs on
//! the network's own web host are kept.

use url::Url;

/// `raw` if it is an http(s) URL without credentials on `host`; `None` (logged) otherwise.
pub(crate) fn on_host(raw: &str, host: &str) -> Option<String> {
    let kept = Url::parse(raw).ok().filter(|url| {
        matches!(url.scheme(), "http" | "https")
            && url.username().is_empty()
            && url.password().is_none()
            && url
                .host_str()
                .is_some_and(|h| h.eq_ignore_ascii_case(host.trim_end_matches('.')))
    });
    if kept.is_none() {
        let shown: String = raw.chars().take(200).collect();
        tracing::info!(url = %shown.escape_debug(), host, "a post's page URL not on its network's host, not kept");
    }
    kept.map(String::from)
}

/// The host of a base URL (a Mastodon instance's web pages live on its own host).
pub(crate) fn host_of(base: &str) -> Option<String> {
    Url::parse(base).ok()?.host_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::on_host;

    #[test]
    fn only_http_pages_on_the_host_are_kept() {
        let host = "mastodon.example";
        let page = "https://mastodon.example/@ada/1";
        assert_eq!(on_host(page, host).as_deref(), Some(page));
        assert!(on_host("https://MASTODON.example/@ada/1", host).is_some());
        for bad in [
            "javascript:alert(document.cookie)//https://mastodon.example/",
            "data:text/html,<script>alert(1)</script>",
            "https://evil.example/@ada/1",
            "https://mastodon.example.evil.example/@ada/1",
            "https://mastodon.example@evil.example/",
            "https://user:pw@mastodon.example/@ada/1",
            "//mastodon.example/@ada/1",
            "ftp://mastodon.example/x",
            "",
        ] {
            assert_eq!(on_host(bad, host), None, "{bad}");
        }
    }
}
