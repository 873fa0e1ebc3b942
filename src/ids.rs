//! Ids and clocks: ids are UUIDv7 text made by the app (time-ordered, so they double as a
//! stable cursor); times are UTC without zone, the type both databases share.

use chrono::{DateTime, NaiveDateTime, Utc};

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Whether `s` looks like an id we issued; anything else cannot name a row, so callers can
/// answer 404 without a query.
pub fn is_id(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok()
}

/// A stored time as the API shows it: RFC 3339 with `Z`, so clients never guess the zone.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// The `{id}` of a route's path, parsed as an id before the handler runs: anything that is
/// not one (a NUL, which PostgreSQL refuses in text, bidi or control characters, a near
/// miss) cannot name a row, so it is a 404 problem without a query, the same on both
/// databases. Routes declare it in the document as `("id" = uuid::Uuid, Path)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathId(String);

impl PathId {
    /// `raw` as an id in the form we issue (lower-case, hyphenated); `None` otherwise.
    pub fn parse(raw: &str) -> Option<PathId> {
        // Only the hyphenated form: `Uuid::parse_str` also takes braces, URNs and 32 digits.
        if raw.len() != 36 {
            return None;
        }
        let id = uuid::Uuid::try_parse(raw).ok()?;
        Some(PathId(id.hyphenated().to_string()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl std::ops::Deref for PathId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl actix_web::FromRequest for PathId {
    type Error = crate::error::AppError;
    type Future = std::future::Ready<Result<PathId, Self::Error>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(
            req.match_info()
                .get("id")
                .and_then(PathId::parse)
                .ok_or(crate::error::AppError::NotFound),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::PathId;

    #[test]
    fn a_path_id_is_an_id_as_we_issue_them() {
        let id = super::new_id();
        assert_eq!(PathId::parse(&id).unwrap().into_inner(), id);
        assert_eq!(
            PathId::parse(&id.to_uppercase()).unwrap().into_inner(),
            id,
            "the same id in capitals"
        );
        for bad in [
            "",
            "\0",
            "0190a1b2-0000-7000-8000-00000000000\0",
            "0190a1b2000070008000000000000000",
            "{0190a1b2-0000-7000-8000-000000000000}",
            "0190a1b2-0000-7000-8000-0000000000000",
            "0190a1b2-0000-7000-8000-00000000000g",
            "\u{202e}190a1b2-0000-7000-8000-00000000000",
        ] {
            assert!(PathId::parse(bad).is_none(), "{bad:?}");
        }
    }
}
