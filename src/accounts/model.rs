//! Rows and validated values of the accounts domain.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{orgs, users};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = orgs)]
pub struct Org {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub disclosure: String,
    pub policy: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Bumped by every change that can alter what the org's stories show (see
    /// `repo::bump_content_version`).
    pub content_version: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
    /// The author's profile beside their testimonials on the careers page: job title and
    /// photo are shown only while `show_*` says so; team and location are what the page
    /// filters by.
    pub job_title: Option<String>,
    pub photo_url: Option<String>,
    pub team: Option<String>,
    pub location: Option<String>,
    pub show_job_title: bool,
    pub show_photo: bool,
}

impl User {
    /// The stored role; the CHECK constraint keeps unknown values out of the table.
    pub fn role(&self) -> Role {
        self.role.parse().unwrap_or(Role::Ambassador)
    }

    pub fn status(&self) -> UserStatus {
        match self.status.as_str() {
            "active" => UserStatus::Active,
            "disabled" => UserStatus::Disabled,
            _ => UserStatus::Invited,
        }
    }

    /// Invited and active users may sign in (an invite is accepted by signing in).
    pub fn may_sign_in(&self) -> bool {
        self.status() != UserStatus::Disabled
    }
}

/// Roles are ordered: an admin may do what a moderator may, a moderator what an ambassador may.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Ambassador,
    Moderator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Ambassador => "ambassador",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ambassador" => Ok(Role::Ambassador),
            "moderator" => Ok(Role::Moderator),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "unknown role `{other}`: use ambassador, moderator or admin"
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    /// Invited, has not signed in yet.
    Invited,
    Active,
    /// Cannot sign in; kept for the audit trail.
    Disabled,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Invited => "invited",
            UserStatus::Active => "active",
            UserStatus::Disabled => "disabled",
        }
    }
}

/// An email address, trimmed and lower-cased so one person is one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, format = "email")]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, String> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err("is required".into());
        }
        if value.len() > 254 {
            return Err("is longer than 254 characters".into());
        }
        if !email_address::EmailAddress::is_valid(&value) || !value.contains('.') {
            return Err(format!("`{raw}` is not an email address"));
        }
        Ok(Email(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before `@`: the display name of someone who has not given one.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An org slug: lower-case letters, digits and dashes, 2–48 characters.
pub fn parse_slug(raw: &str) -> Result<String, String> {
    let slug = raw.trim();
    let ok = (2..=48).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(slug.to_string())
    } else {
        Err(format!(
            "`{raw}` is not a slug: use 2 to 48 lower-case letters, digits and dashes"
        ))
    }
}

/// A short profile text (job title, team, location): trimmed, at most `max` characters, no
/// line breaks, controls or bidi controls (`text::one_line`); empty clears it.
pub fn parse_profile_text(raw: &str, max: usize) -> Result<Option<String>, String> {
    // The limit is on the text as sent (what the document's maxLength counts).
    if raw.chars().count() > max {
        return Err(format!("is longer than {max} characters"));
    }
    crate::text::one_line(raw)?;
    let text = raw.trim();
    Ok((!text.is_empty()).then(|| text.to_string()))
}

/// A display name: trimmed, 1–100 characters, one line (`text::one_line`).
pub fn parse_display_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("is required".into());
    }
    if name.chars().count() > 100 {
        return Err("is longer than 100 characters".into());
    }
    crate::text::one_line(name)?;
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ana@Example.COM ").unwrap().as_str(),
            "ana@example.com"
        );
        assert!(Email::parse("not-an-email").is_err());
        assert!(Email::parse("").is_err());
        assert!(Email::parse("a@localhost").is_err());
    }

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Admin > Role::Moderator && Role::Moderator > Role::Ambassador);
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn slugs() {
        assert!(parse_slug("acme-corp").is_ok());
        assert!(parse_slug("Acme").is_err());
        assert!(parse_slug("-x").is_err());
    }
}
