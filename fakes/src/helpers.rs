//! Small pieces of HTTP and OAuth the fakes share: bearer and Basic credentials, form
//! fields, the authorization redirect, the PKCE S256 transform.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::common::{lock, random_token, CodeGrant, Shared};

/// The bearer token of a request, if any.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::to_string)
}

/// A 302 back to the client, as an authorization server does once the user consents.
pub fn redirect_with_code(shared: &Shared, grant: CodeGrant, state: &str) -> HttpResponse {
    let code = random_token("code-");
    let mut location = match url::Url::parse(&grant.redirect_uri) {
        Ok(url) => url,
        Err(_) => return HttpResponse::BadRequest().body("invalid redirect_uri"),
    };
    location
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", state);
    lock(&shared.codes).insert(code, grant);
    HttpResponse::Found()
        .insert_header(("location", location.to_string()))
        .finish()
}

/// PKCE S256: base64url(sha256(verifier)) without padding.
pub fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// HTTP Basic credentials of a request, if any.
pub fn basic_auth(req: &HttpRequest) -> Option<(String, String)> {
    let value = req.headers().get("authorization")?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((unescape(id), unescape(secret)))
}

/// Form or query fields as a map.
pub fn fields(raw: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(raw).into_owned().collect()
}
