//! Key rows, their views, and the checks on a new key's fields.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::api_keys;
use crate::error::{AppError, FieldError};
use crate::ids;

/// What every key starts with, so a leaked one is recognisable (secret scanners, logs).
pub const KEY_PREFIX: &str = "vouch_live_";
/// Characters of the key shown in lists to tell keys apart: the prefix and 8 more.
pub const SHOWN_CHARS: usize = KEY_PREFIX.len() + 8;
pub const DEFAULT_RATE_LIMIT_PER_MIN: u32 = 600;
pub const MAX_RATE_LIMIT_PER_MIN: u32 = 10_000_000;
pub const MAX_ORIGINS: usize = 20;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKey {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub prefix: String,
    /// `auth::secrets::hash_token` of the key; the key itself is never stored.
    pub key_hash: String,
    /// JSON list of origins (`https://careers.acme.example`).
    pub allowed_origins: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub rate_limit_per_min: i32,
}

impl ApiKey {
    pub fn origins(&self) -> Vec<String> {
        serde_json::from_str(&self.allowed_origins).unwrap_or_default()
    }

    pub fn rate_limit(&self) -> u32 {
        u32::try_from(self.rate_limit_per_min).unwrap_or(DEFAULT_RATE_LIMIT_PER_MIN)
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApiKey {
    /// What the key is for (`Careers site`), 1–100 characters.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Browser origins allowed to call the public API with this key (`https://careers.acme.example`):
    /// scheme, host and port only. Empty: only servers (no browser) may use it.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub allowed_origins: Vec<String>,
    /// Requests per minute this key may make (per server instance); default 600.
    #[schema(minimum = 1, maximum = 10000000)]
    pub rate_limit_per_min: Option<u32>,
}

/// A new key's fields, checked.
pub struct CleanKey {
    pub name: String,
    pub origins: Vec<String>,
    pub rate_limit_per_min: u32,
}

impl NewApiKey {
    pub fn validate(self) -> Result<CleanKey, AppError> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_string();
        if self.name.chars().count() > 100 {
            errors.push(FieldError::new("name", "is longer than 100 characters"));
        } else if name.is_empty() {
            errors.push(FieldError::new("name", "is required"));
        } else if let Err(m) = crate::text::one_line(&name) {
            errors.push(FieldError::new("name", m));
        }
        if self.allowed_origins.len() > MAX_ORIGINS {
            errors.push(FieldError::new(
                "allowed_origins",
                format!("lists more than {MAX_ORIGINS} origins"),
            ));
        }
        let mut origins = Vec::new();
        for (i, raw) in self.allowed_origins.iter().enumerate() {
            match parse_origin(raw) {
                Ok(origin) if !origins.contains(&origin) => origins.push(origin),
                Ok(_) => {}
                Err(m) => errors.push(FieldError::new(format!("allowed_origins.{i}"), m)),
            }
        }
        let rate = self
            .rate_limit_per_min
            .unwrap_or(DEFAULT_RATE_LIMIT_PER_MIN);
        if !(1..=MAX_RATE_LIMIT_PER_MIN).contains(&rate) {
            errors.push(FieldError::new(
                "rate_limit_per_min",
                format!("must be between 1 and {MAX_RATE_LIMIT_PER_MIN}"),
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(CleanKey {
            name,
            origins,
            rate_limit_per_min: rate,
        })
    }
}

/// An origin as browsers send it in `Origin`: `scheme://host[:port]`, lower-case, the
/// host in ASCII (punycode), the scheme's default port left out.
pub fn parse_origin(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim();
    let url = url::Url::parse(trimmed).map_err(|e| format!("`{raw}` is not an origin ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("must be http or https, not {}", url.scheme()));
    }
    if url.host().is_none() {
        return Err("has no host".into());
    }
    let bare = url.path() == "/"
        && !trimmed.trim_end_matches('/').ends_with('?')
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    if !bare {
        return Err(format!(
            "`{raw}` is not an origin: give scheme, host and port only (https://careers.example.com)"
        ));
    }
    Ok(url.origin().ascii_serialization())
}

/// A key as admins list it: never the key itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyView {
    pub id: String,
    pub name: String,
    /// The key's first characters, to tell keys apart.
    pub prefix: String,
    pub allowed_origins: Vec<String>,
    pub rate_limit_per_min: u32,
    pub created_at: DateTime<Utc>,
    /// When it was revoked; a revoked key is refused at once.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiKey> for ApiKeyView {
    fn from(k: ApiKey) -> Self {
        ApiKeyView {
            allowed_origins: k.origins(),
            rate_limit_per_min: k.rate_limit(),
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            created_at: ids::utc(k.created_at),
            revoked_at: k.revoked_at.map(ids::utc),
        }
    }
}

/// The answer to creating a key: the only time the key is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    pub id: String,
    pub name: String,
    /// The key (`vouch_live_…`): shown in this answer only, keep it now. Send it as
    /// `X-Api-Key` (or `Authorization: Bearer …`) to `GET /public/v1/testimonials`.
    pub key: String,
    pub prefix: String,
    pub allowed_origins: Vec<String>,
    pub rate_limit_per_min: u32,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::parse_origin;

    #[test]
    fn origins_are_what_browsers_send() {
        assert_eq!(
            parse_origin("https://Careers.Acme.example").unwrap(),
            "https://careers.acme.example"
        );
        assert_eq!(
            parse_origin("https://acme.example:443/").unwrap(),
            "https://acme.example"
        );
        assert_eq!(
            parse_origin("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            parse_origin("https://bücher.example").unwrap(),
            "https://xn--bcher-kva.example"
        );
        for bad in [
            "careers.acme.example",
            "https://acme.example/jobs",
            "https://acme.example?x=1",
            "https://acme.example/#top",
            "https://u:p@acme.example",
            "ftp://acme.example",
            "null",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }
}
