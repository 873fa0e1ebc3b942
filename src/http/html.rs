//! What every HTML page Vouch renders says to the browser: it may not be framed by another
//! site (`frame-ancestors 'none'`, and `X-Frame-Options: DENY` for browsers before CSP 2),
//! its type is not to be guessed (`nosniff`), and it may load nothing it does not name. One
//! middleware sets these on each `text/html` answer; the strict policy stands unless the
//! page brings its own ([`policy_for`]: its inline scripts and styles by hash).

use std::sync::LazyLock;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use base64::Engine;
use sha2::{Digest, Sha256};

/// For a page that loads nothing: no script, style, image, form target or base.
pub const STRICT: &str =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// For `/docs/`, Swagger UI: its own files, the document it reads, the data: images and
/// the inline styles it sets, and nothing from elsewhere.
pub const DOCS: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// The strict policy plus exactly the inline `<script>` and `<style>` blocks of `page`, by
/// their SHA-256, and `connect-src 'self'` when the page calls the API. Computed from the
/// page itself, so editing it cannot leave the policy behind.
pub fn policy_for(page: &str, connect_self: bool) -> String {
    let sources = |tag: &str| {
        inline_blocks(page, tag)
            .map(|block| {
                let digest = Sha256::digest(block.as_bytes());
                format!(
                    " 'sha256-{}'",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                )
            })
            .collect::<String>()
    };
    let mut policy = String::from(STRICT);
    for (tag, directive) in [("script", "script-src"), ("style", "style-src")] {
        let allowed = sources(tag);
        if !allowed.is_empty() {
            policy.push_str(&format!("; {directive}{allowed}"));
        }
    }
    if connect_self {
        policy.push_str("; connect-src 'self'");
    }
    policy
}

/// The text inside each `<tag …>…</tag>` of `page` without a `src`.
fn inline_blocks<'a>(page: &'a str, tag: &str) -> impl Iterator<Item = &'a str> + 'a {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut rest = page;
    std::iter::from_fn(move || loop {
        let start = rest.find(&open)?;
        let after = &rest[start..];
        let open_end = after.find('>')?;
        let end = after.find(&close)?;
        rest = &after[end + close.len()..];
        if !after[..open_end].contains("src=") && open_end < end {
            return Some(&after[open_end + 1..end]);
        }
    })
}

static FRAME: LazyLock<HeaderValue> = LazyLock::new(|| HeaderValue::from_static("DENY"));

/// Sets the headers above on every `text/html` answer that lacks them.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if is_html {
        let headers = res.headers_mut();
        if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(STRICT),
            );
        }
        headers.insert(header::X_FRAME_OPTIONS, FRAME.clone());
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_policy_names_its_inline_blocks_by_hash() {
        let page = "<style>b{}</style><script src=\"x.js\"></script><script>go()</script>";
        let policy = policy_for(page, true);
        assert!(policy.starts_with(STRICT), "{policy}");
        let hash = |s: &str| {
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))
        };
        assert!(
            policy.contains(&format!("script-src 'sha256-{}'", hash("go()"))),
            "{policy}"
        );
        assert!(
            policy.contains(&format!("style-src 'sha256-{}'", hash("b{}"))),
            "{policy}"
        );
        assert!(policy.ends_with("; connect-src 'self'"), "{policy}");
        assert_eq!(policy_for("<p>plain</p>", false), STRICT);
    }
}
