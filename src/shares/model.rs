//! Share rows, channels, and the share status machine: each transition is a function with
//! its own error, never a field write.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::shares;
use crate::error::AppError;
use crate::ids;
use crate::stories::captions::Network;

pub use super::post::{PostState, PostView};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = shares)]
pub struct Share {
    pub id: String,
    pub org_id: String,
    pub user_id: String,
    pub story_id: String,
    pub channel: String,
    pub account_id: Option<String>,
    pub status: String,
    pub text: String,
    pub tracked_code: String,
    pub scheduled_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub external_id: Option<String>,
    pub external_url: Option<String>,
    pub error: Option<String>,
    pub review_reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    /// What became of its post after the story stopped being publishable (see `post`);
    /// `None` while nothing did.
    pub post_state: Option<String>,
    pub post_reason: Option<String>,
    pub post_changed_at: Option<NaiveDateTime>,
}

/// Where a share goes: a social network, or the company's careers page.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Linkedin,
    X,
    Mastodon,
    Bluesky,
    CareersPage,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Linkedin,
        Channel::X,
        Channel::Mastodon,
        Channel::Bluesky,
        Channel::CareersPage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::CareersPage => "careers_page",
            other => other.network().map(Network::as_str).unwrap_or_default(),
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The network behind the channel; the careers page is ours.
    pub fn network(self) -> Option<Network> {
        match self {
            Channel::Linkedin => Some(Network::Linkedin),
            Channel::X => Some(Network::X),
            Channel::Mastodon => Some(Network::Mastodon),
            Channel::Bluesky => Some(Network::Bluesky),
            Channel::CareersPage => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShareStatus {
    /// The ambassador's own words hold a claim nobody verified: a moderator decides.
    PendingReview,
    /// Waiting for its time (now or `scheduled_at`).
    Scheduled,
    /// A worker is posting it (or was, when it crashed: checked before any retry).
    Publishing,
    Published,
    /// Gave up, with a readable `error`.
    Failed,
    /// Cancelled before publishing (by the ambassador, a moderator's rejection, a withdrawal).
    Cancelled,
    /// Taken down after publishing (its story stopped being publishable, or was retracted).
    Retracted,
}

impl ShareStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ShareStatus::PendingReview => "pending_review",
            ShareStatus::Scheduled => "scheduled",
            ShareStatus::Publishing => "publishing",
            ShareStatus::Published => "published",
            ShareStatus::Failed => "failed",
            ShareStatus::Cancelled => "cancelled",
            ShareStatus::Retracted => "retracted",
        }
    }

    pub fn parse(s: &str) -> Option<ShareStatus> {
        [
            ShareStatus::PendingReview,
            ShareStatus::Scheduled,
            ShareStatus::Publishing,
            ShareStatus::Published,
            ShareStatus::Failed,
            ShareStatus::Cancelled,
            ShareStatus::Retracted,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    /// Not yet handed to a network: what cancelling, a rejection or a withdrawal stops.
    pub fn is_waiting(self) -> bool {
        matches!(self, ShareStatus::PendingReview | ShareStatus::Scheduled)
    }

    fn refuse(self, action: &str) -> AppError {
        AppError::conflict(format!(
            "a share that is {} cannot be {action}",
            self.as_str()
        ))
    }

    pub fn cancel(self) -> Result<ShareStatus, AppError> {
        if self.is_waiting() {
            Ok(ShareStatus::Cancelled)
        } else {
            Err(self.refuse("cancelled"))
        }
    }

    pub fn approve(self) -> Result<ShareStatus, AppError> {
        match self {
            ShareStatus::PendingReview => Ok(ShareStatus::Scheduled),
            other => Err(other.refuse("approved")),
        }
    }

    pub fn reject(self) -> Result<ShareStatus, AppError> {
        match self {
            ShareStatus::PendingReview => Ok(ShareStatus::Cancelled),
            other => Err(other.refuse("rejected")),
        }
    }

    /// A worker takes it: from `scheduled`, or again from `publishing` after a crash.
    pub fn start_publishing(self) -> Result<ShareStatus, AppError> {
        match self {
            ShareStatus::Scheduled | ShareStatus::Publishing => Ok(ShareStatus::Publishing),
            other => Err(other.refuse("published")),
        }
    }

    pub fn retract(self) -> Result<ShareStatus, AppError> {
        match self {
            ShareStatus::Published => Ok(ShareStatus::Retracted),
            other => Err(other.refuse("retracted")),
        }
    }
}

impl Share {
    pub fn status(&self) -> ShareStatus {
        ShareStatus::parse(&self.status).unwrap_or(ShareStatus::Failed)
    }

    pub fn channel(&self) -> Option<Channel> {
        Channel::parse(&self.channel)
    }

    /// What is recorded of its post's fate (`post_state`), if anything.
    pub fn post_mark(&self) -> Option<PostState> {
        self.post_state.as_deref().and_then(PostState::parse)
    }

    /// The same share with its post's fate recorded now, and why.
    pub fn with_post(self, state: PostState, reason: Option<String>) -> Share {
        let now = ids::now();
        Share {
            post_state: Some(state.as_str().into()),
            post_reason: reason.or(self.post_reason.clone()),
            post_changed_at: Some(now),
            updated_at: now,
            ..self
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShareView {
    pub id: String,
    pub story_id: String,
    pub user_id: String,
    pub channel: Channel,
    pub status: ShareStatus,
    /// The text as it goes out: the ambassador's words, the tracked link and the disclosure.
    pub text: String,
    /// `{server.public_url}/r/{code}`: the story's link, counted.
    pub tracked_url: String,
    pub scheduled_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub external_id: Option<String>,
    pub external_url: Option<String>,
    /// Why it failed, or why a moderator rejected it.
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// People who followed the tracked link (stored counts: at most a second or so behind).
    #[schema(minimum = 0)]
    pub clicks: i64,
    /// Link-preview crawlers and other bots (and HEAD requests) that fetched it: how far
    /// the link travelled, not people.
    #[schema(minimum = 0)]
    pub previews: i64,
    /// What became of the post: out, held, being removed, removed, or kept by the network.
    pub post: PostView,
}

impl ShareView {
    pub fn of(share: Share, public_url: &str) -> ShareView {
        ShareView {
            post: PostView::of(&share),
            channel: share.channel().unwrap_or(Channel::CareersPage),
            status: share.status(),
            tracked_url: tracked_url(public_url, &share.tracked_code),
            id: share.id,
            story_id: share.story_id,
            user_id: share.user_id,
            text: share.text,
            scheduled_at: ids::utc(share.scheduled_at),
            published_at: share.published_at.map(ids::utc),
            external_id: share.external_id,
            external_url: share.external_url,
            error: share.error.or(share.review_reason),
            created_at: ids::utc(share.created_at),
            clicks: 0,
            previews: 0,
        }
    }
}

pub fn tracked_url(public_url: &str, code: &str) -> String {
    format!("{}/r/{code}", public_url.trim_end_matches('/'))
}
