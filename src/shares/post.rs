//! What became of a share's post, as its answer tells it (`post`): the share's status says
//! where publishing got to; this says whether the post is out there now, and if not, why.
//! It is read from the status and from what the take-down path recorded on the row
//! (`post_state`, `post_reason`, `post_changed_at`).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Share, ShareStatus};
use crate::ids;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostState {
    /// Nothing went out: waiting, being published, cancelled or failed.
    NotPosted,
    /// Out there: on the network (`external_url`) or on the careers page.
    Live,
    /// The story stopped being publishable, and the org's policy (`when_unpublishable:
    /// hold_for_review`) keeps the post up until a moderator decides.
    Held,
    /// Its deletion at the network is queued (a job); it is still up until that runs.
    RemovalQueued,
    /// Deleted at the network (or taken off the careers page).
    Removed,
    /// Vouch could not ask the network to delete it (the account is no longer connected,
    /// its tokens were refused, or every attempt failed): the post is still up.
    RemovalFailed,
    /// The network refused to delete it: the post is still up there.
    KeptByNetwork,
}

impl PostState {
    pub fn as_str(self) -> &'static str {
        match self {
            PostState::NotPosted => "not_posted",
            PostState::Live => "live",
            PostState::Held => "held",
            PostState::RemovalQueued => "removal_queued",
            PostState::Removed => "removed",
            PostState::RemovalFailed => "removal_failed",
            PostState::KeptByNetwork => "kept_by_network",
        }
    }

    pub fn parse(s: &str) -> Option<PostState> {
        [
            PostState::NotPosted,
            PostState::Live,
            PostState::Held,
            PostState::RemovalQueued,
            PostState::Removed,
            PostState::RemovalFailed,
            PostState::KeptByNetwork,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// The `post` block of a share's answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PostView {
    pub state: PostState,
    /// Why it is not (or no longer) live, in words: the story's cause, the network's refusal.
    pub reason: Option<String>,
    /// Since when it is in this state: when it went out (`live`), when it was held, queued
    /// for removal, removed or refused; absent for a post that never went out.
    pub at: Option<DateTime<Utc>>,
}

impl PostView {
    pub fn of(share: &Share) -> PostView {
        let mark = share.post_mark();
        let since = share.post_changed_at.map(ids::utc);
        let (state, at) = match share.status() {
            ShareStatus::Retracted => (
                PostState::Removed,
                since.or(Some(ids::utc(share.updated_at))),
            ),
            ShareStatus::Published | ShareStatus::Publishing => match mark {
                Some(
                    m @ (PostState::Held
                    | PostState::RemovalQueued
                    | PostState::RemovalFailed
                    | PostState::KeptByNetwork),
                ) => (m, since),
                _ if share.status() == ShareStatus::Published => {
                    (PostState::Live, share.published_at.map(ids::utc))
                }
                _ => (PostState::NotPosted, None),
            },
            _ => (PostState::NotPosted, since),
        };
        let reason = match state {
            PostState::Live => None,
            PostState::NotPosted => share.post_reason.clone().or_else(|| share.error.clone()),
            _ => share.post_reason.clone(),
        };
        PostView { state, reason, at }
    }
}
