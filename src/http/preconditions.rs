//! Optimistic concurrency for clients: answers about a versioned object carry its version
//! as an `ETag`; writes accept `If-Match` and answer 412 when the object moved on, and reads
//! answer 304 to a matching `If-None-Match`.

use std::future::{ready, Ready};

use actix_web::body::BoxBody;
use actix_web::http::header;
use actix_web::{dev::Payload, FromRequest, HttpRequest, HttpResponse, Responder};
use serde::Serialize;

use crate::error::AppError;
pub use crate::versions::{IfMatch, Versioned};

/// What `If-Match` may hold, as the document states it: `*`, or a list of ETags.
pub const IF_MATCH_PATTERN: &str = r#"^[ \t]*(\*|(W/)?("[0-9]{1,9}"|[0-9]{1,9})([ \t]*,[ \t]*(W/)?("[0-9]{1,9}"|[0-9]{1,9}))*)[ \t]*$"#;

/// `"3"`, `W/"3"` (compared by value, as a client copying our ETag means) or a list; a
/// version is 1 to 9 digits, as `IF_MATCH_PATTERN` says, and may come without its quotes
/// (`3`: a client that sent `version` itself means the same).
fn versions(value: &str) -> Option<Vec<i32>> {
    value
        .split(',')
        .map(|tag| {
            let tag = tag.trim_matches([' ', '\t']);
            let tag = tag.strip_prefix("W/").unwrap_or(tag);
            let digits = match tag.strip_prefix('"') {
                Some(quoted) => quoted.strip_suffix('"')?,
                None => tag,
            };
            let ok = (1..=9).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
            ok.then(|| digits.parse().ok()).flatten()
        })
        .collect()
}

impl FromRequest for IfMatch {
    type Error = AppError;
    type Future = Ready<Result<IfMatch, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = match req.headers().get(header::IF_MATCH) {
            None => Ok(IfMatch::any()),
            Some(value) => match value.to_str().map(|v| v.trim_matches([' ', '\t'])) {
                Ok("*") => Ok(IfMatch::any()),
                Ok(text) => versions(text).map(IfMatch::versions).ok_or_else(|| {
                    AppError::validation(
                        "If-Match",
                        "must be an ETag this API returned, e.g. \"3\"",
                    )
                }),
                Err(_) => Err(AppError::validation("If-Match", "is not valid text")),
            },
        };
        ready(parsed)
    }
}

/// The `If-Match` header as the OpenAPI document shows it.
#[derive(utoipa::IntoParams)]
#[into_params(names("If-Match"), parameter_in = Header)]
#[allow(dead_code)]
pub struct IfMatchHeader(
    /// The story's `ETag` (its `version` in quotes, e.g. `"3"`): the change happens only if
    /// the story is still at that version, else 412. `*`: whatever the version.
    #[param(
        pattern = r#"^[ \t]*(\*|(W/)?("[0-9]{1,9}"|[0-9]{1,9})([ \t]*,[ \t]*(W/)?("[0-9]{1,9}"|[0-9]{1,9}))*)[ \t]*$"#
    )]
    Option<String>,
);

/// A JSON answer tagged with its version (`ETag: "3"`).
pub struct Tagged<T>(pub T);

pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

impl<T: Serialize + Versioned> Responder for Tagged<T> {
    type Body = BoxBody;

    fn respond_to(self, req: &HttpRequest) -> HttpResponse {
        let version = self.0.version();
        let tag = etag(version);
        let unchanged = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .and_then(versions)
            .is_some_and(|seen| seen.contains(&version));
        if unchanged && req.method() == actix_web::http::Method::GET {
            return HttpResponse::NotModified()
                .insert_header((header::ETAG, tag))
                .finish();
        }
        HttpResponse::Ok()
            .insert_header((header::ETAG, tag))
            .json(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_etags() {
        assert_eq!(versions("\"3\""), Some(vec![3]));
        assert_eq!(versions("W/\"3\", \"4\""), Some(vec![3, 4]));
        assert_eq!(versions("3"), Some(vec![3]));
        assert_eq!(versions("\"3"), None);
        assert_eq!(versions("\"+3\""), None);
        assert_eq!(versions("\"1234567890\""), None);
        let pattern = regex::Regex::new(IF_MATCH_PATTERN).unwrap();
        for header in [
            "*",
            " \"3\" ",
            "W/\"3\", \"4\"",
            "\"+3\"",
            "3",
            "3\"",
            "x",
            "\"\"",
            "\"1\",,\"2\"",
        ] {
            let parsed = match header.trim_matches([' ', '\t']) {
                "*" => true,
                text => versions(text).is_some(),
            };
            assert_eq!(pattern.is_match(header), parsed, "{header}");
        }
        // The document states the same pattern.
        use utoipa::IntoParams;
        let params = serde_json::to_value(IfMatchHeader::into_params(|| None)).unwrap();
        assert_eq!(params[0]["schema"]["pattern"], IF_MATCH_PATTERN);
        assert!(IfMatch::version(3).check(4).is_err());
        assert!(IfMatch::version(3).check(3).is_ok());
        assert!(IfMatch::any().check(9).is_ok());
    }
}
