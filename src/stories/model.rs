//! Story rows, kinds and the status machine. Each transition is a function with its own
//! error naming the current status, never a field write.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::captions::Network;
use crate::claims::policy::PolicyViolation;
use crate::db::schema::stories;
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = stories)]
pub struct Story {
    pub id: String,
    pub org_id: String,
    pub author_id: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link_url: Option<String>,
    pub media_urls: String,
    pub language: String,
    pub captions: String,
    pub status: String,
    pub publish_from: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
    pub submitted_at: Option<NaiveDateTime>,
    pub review_notified_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Bumped by every write; a write names the version it read (see `repo::save`).
    pub version: i32,
    /// The gate's stored verdict (see `claims::gate::Verdict`), kept by `stories::command`.
    pub publishable: bool,
    pub blocking_claims: i32,
    pub verified_until: Option<NaiveDateTime>,
    /// JSON list of `PolicyViolation`.
    pub policy_violations: String,
    pub gate_checked_at: Option<NaiveDateTime>,
    /// Title and body folded for search (see `text::search_key`).
    pub search_text: String,
    pub last_editor_id: Option<String>,
}

impl Story {
    pub fn status(&self) -> StoryStatus {
        StoryStatus::parse(&self.status)
    }

    /// The policy breaches stored with the gate's verdict.
    pub fn policy_violations(&self) -> Vec<PolicyViolation> {
        serde_json::from_str(&self.policy_violations).unwrap_or_default()
    }

    /// Whether the stored verdict lets the story out at `now`: the same test as the feed's
    /// query (`repo::list` with `publishable_at`).
    pub fn publishable_at(&self, now: NaiveDateTime) -> bool {
        self.publishable
            && self.verified_until.is_none_or(|t| t > now)
            && self.expires_at.is_none_or(|t| t > now)
            && self.publish_from.is_none_or(|t| t <= now)
    }

    /// Whoever wrote its words: the author and the last person who edited the content.
    pub fn written_by(&self, user_id: &str) -> bool {
        self.author_id == user_id || self.last_editor_id.as_deref() == Some(user_id)
    }

    pub fn captions(&self) -> BTreeMap<Network, String> {
        serde_json::from_str(&self.captions).unwrap_or_default()
    }

    pub fn media_urls(&self) -> Vec<String> {
        serde_json::from_str(&self.media_urls).unwrap_or_default()
    }

    /// Every text a claim can hide in, by field name.
    pub fn texts(&self) -> Vec<(String, String)> {
        let mut texts = vec![
            ("title".to_string(), self.title.clone()),
            ("body".to_string(), self.body.clone()),
        ];
        for (network, caption) in self.captions() {
            texts.push((format!("captions.{}", network.as_str()), caption));
        }
        texts
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StoryKind {
    /// Written by the comms team.
    Company,
    /// An ambassador's own words about their own experience.
    Testimonial,
}

impl StoryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoryKind::Company => "company",
            StoryKind::Testimonial => "testimonial",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StoryStatus {
    Draft,
    InReview,
    Approved,
    Rejected,
    ChangesRequested,
    Archived,
    Retracted,
}

pub const ALL_STATUSES: [StoryStatus; 7] = [
    StoryStatus::Draft,
    StoryStatus::InReview,
    StoryStatus::Approved,
    StoryStatus::Rejected,
    StoryStatus::ChangesRequested,
    StoryStatus::Archived,
    StoryStatus::Retracted,
];

impl StoryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StoryStatus::Draft => "draft",
            StoryStatus::InReview => "in_review",
            StoryStatus::Approved => "approved",
            StoryStatus::Rejected => "rejected",
            StoryStatus::ChangesRequested => "changes_requested",
            StoryStatus::Archived => "archived",
            StoryStatus::Retracted => "retracted",
        }
    }

    pub fn parse(s: &str) -> StoryStatus {
        ALL_STATUSES
            .into_iter()
            .find(|st| st.as_str() == s)
            .unwrap_or(StoryStatus::Draft)
    }

    fn refuse(self, action: &str) -> AppError {
        AppError::conflict_with(
            format!("cannot {action} a story that is {}", self.as_str()),
            serde_json::json!({ "current_status": self.as_str() }),
        )
    }

    /// Into review: from a draft, or after changes were requested.
    pub fn submit(self) -> Result<StoryStatus, AppError> {
        match self {
            StoryStatus::Draft | StoryStatus::ChangesRequested => Ok(StoryStatus::InReview),
            other => Err(other.refuse("submit")),
        }
    }

    pub fn approve(self) -> Result<StoryStatus, AppError> {
        match self {
            StoryStatus::InReview => Ok(StoryStatus::Approved),
            other => Err(other.refuse("approve")),
        }
    }

    pub fn reject(self) -> Result<StoryStatus, AppError> {
        match self {
            StoryStatus::InReview => Ok(StoryStatus::Rejected),
            other => Err(other.refuse("reject")),
        }
    }

    pub fn request_changes(self) -> Result<StoryStatus, AppError> {
        match self {
            StoryStatus::InReview => Ok(StoryStatus::ChangesRequested),
            other => Err(other.refuse("request changes to")),
        }
    }

    pub fn archive(self) -> Result<StoryStatus, AppError> {
        match self {
            StoryStatus::Approved => Ok(StoryStatus::Archived),
            other => Err(other.refuse("archive")),
        }
    }

    /// Retraction takes back whatever was (or could have been) published, from any status;
    /// a retracted story is retracted once (a second retraction is a 409).
    pub fn retract(self) -> Result<StoryStatus, AppError> {
        match self {
            StoryStatus::Retracted => Err(self.refuse("retract")),
            _ => Ok(StoryStatus::Retracted),
        }
    }

    /// An edit to content that needs review: an approved story goes back to review;
    /// stories still being written stay where they are; closed ones cannot be edited.
    pub fn edit_content(self) -> Result<StoryStatus, AppError> {
        match self {
            StoryStatus::Approved => Ok(StoryStatus::InReview),
            StoryStatus::Draft | StoryStatus::InReview | StoryStatus::ChangesRequested => Ok(self),
            other => Err(other.refuse("edit")),
        }
    }

    /// An edit of topics or expiry only: no review needed, but closed stories stay closed.
    pub fn edit_metadata(self) -> Result<StoryStatus, AppError> {
        match self {
            StoryStatus::Rejected | StoryStatus::Retracted => Err(self.refuse("edit")),
            other => Ok(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StoryStatus::*;

    #[test]
    fn the_status_machine() {
        assert_eq!(Draft.submit().unwrap(), InReview);
        assert_eq!(ChangesRequested.submit().unwrap(), InReview);
        assert!(Approved.submit().is_err());
        assert_eq!(InReview.approve().unwrap(), Approved);
        assert!(Draft.approve().is_err());
        assert_eq!(InReview.reject().unwrap(), Rejected);
        assert_eq!(Approved.archive().unwrap(), Archived);
        for s in [
            Draft,
            InReview,
            Approved,
            Rejected,
            ChangesRequested,
            Archived,
        ] {
            assert_eq!(s.retract().unwrap(), Retracted, "{s:?}");
        }
        assert!(Retracted.retract().is_err());
        assert_eq!(Approved.edit_content().unwrap(), InReview);
        assert_eq!(Approved.edit_metadata().unwrap(), Approved);
        assert!(Rejected.edit_content().is_err());
        for s in super::ALL_STATUSES {
            assert_eq!(super::StoryStatus::parse(s.as_str()), s);
        }
    }
}
