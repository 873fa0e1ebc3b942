//! The pages Vouch renders for people (sign-in, the OAuth callback, a tracked link's 404 and
//! 410, the API viewer): none may be framed by another site (clickjacking), and each says
//! what it may load with a strict Content-Security-Policy, so a script that slips in runs
//! nowhere.

use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::helpers::world::World;

/// The value of `directive` in `csp` (`script-src 'self'` → `'self'`).
fn directive<'a>(csp: &'a str, name: &str) -> Option<&'a str> {
    csp.split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix(name).filter(|rest| rest.starts_with(' ')))
        .map(str::trim)
}

/// The CSP source of an inline block: `'sha256-…'` of its text.
fn hash_of(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The text of every `<tag>…</tag>` block in `html` that has no `src`.
fn inline_blocks(html: &str, tag: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&format!("<{tag}")) {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let close = format!("</{tag}>");
        let Some(end) = after.find(&close) else {
            break;
        };
        if !after[..open_end].contains("src=") {
            blocks.push(after[open_end + 1..end].to_string());
        }
        rest = &after[end + close.len()..];
    }
    blocks
}

#[tokio::test]
async fn every_html_page_forbids_framing_and_says_what_it_may_load() {
    let w = World::start().await;
    let callback = w.connect_oauth("linkedin", json!({})).await;
    assert_eq!(callback.status(), 200);
    let mut pages = vec![("/oauth/callback/linkedin".to_string(), callback)];
    for path in ["/login", "/login?token=abc", "/r/nope", "/r/", "/docs/"] {
        let res = w.app.client.get(w.app.url(path)).send().await.unwrap();
        pages.push((path.to_string(), res));
    }
    // A withdrawn story's link answers 410 with a page too.
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    let shares = w.share(&story, &["careers_page"]).await;
    let share = w
        .app
        .get(&format!("/api/v1/shares/{}", shares[0]), &w.amara.token)
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let code = share["tracked_url"]
        .as_str()
        .unwrap()
        .rsplit("/r/")
        .next()
        .unwrap()
        .to_string();
    let res = w
        .app
        .story_act(
            &w.camille.token,
            story["id"].as_str().unwrap(),
            "retract",
            json!({ "reason": "outdated" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = w
        .app
        .client
        .get(w.app.url(&format!("/r/{code}")))
        .header(
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 410);
    pages.push((format!("/r/{code}"), res));

    for (path, res) in pages {
        let headers = res.headers().clone();
        let content_type = headers["content-type"].to_str().unwrap().to_string();
        assert!(
            content_type.starts_with("text/html"),
            "{path}: {content_type}"
        );
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        let csp = headers
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path} has no CSP"))
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(
            directive(&csp, "frame-ancestors"),
            Some("'none'"),
            "{path}: {csp}"
        );
        assert_eq!(directive(&csp, "base-uri"), Some("'none'"), "{path}: {csp}");
        let default = directive(&csp, "default-src");
        assert!(
            matches!(default, Some("'none'" | "'self'")),
            "{path}: {csp}"
        );
        // No script runs unless the policy names it: never by `unsafe-inline` or `eval`.
        let scripts = directive(&csp, "script-src")
            .or(directive(&csp, "default-src"))
            .unwrap_or("");
        assert!(
            !scripts.contains("unsafe-inline") && !scripts.contains("unsafe-eval"),
            "{path}: {csp}"
        );
        // Each inline script and style of the page is allowed by its hash, so the page
        // works under its own policy.
        let body = res.text().await.unwrap();
        for (tag, name) in [("script", "script-src"), ("style", "style-src")] {
            for block in inline_blocks(&body, tag) {
                let allowed = directive(&csp, name).unwrap_or("");
                assert!(
                    allowed.contains(&hash_of(&block)),
                    "{path}: inline {tag} not allowed by {csp}"
                );
            }
        }
    }
}
