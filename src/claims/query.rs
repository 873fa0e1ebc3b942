//! Reads of claims, and the gate over a loaded story, for other domains and the use cases.

use chrono::NaiveDateTime;

use super::gate::{self, Authenticity, ClaimView};
use super::model::Claim;
use super::policy::Policy;
use super::repo;
use crate::db::DbConn;
use crate::stories::{self, Story};

/// The claims of a story, for the gate.
pub fn of_story(conn: &mut DbConn, story_id: &str) -> diesel::QueryResult<Vec<Claim>> {
    repo::for_story(conn, story_id)
}

/// The claims of several stories at once, for building their views.
pub fn of_stories(conn: &mut DbConn, story_ids: &[String]) -> diesel::QueryResult<Vec<Claim>> {
    repo::for_stories(conn, story_ids)
}

/// The gate over a loaded story and its stored policy verdict, for views.
pub fn assess(story: &Story, claims: &[Claim], now: NaiveDateTime) -> Authenticity {
    gate::assess(
        &gate::StoryFacts {
            approved: story.status() == stories::StoryStatus::Approved,
            status: &story.status,
            publish_from: story.publish_from,
            expires_at: story.expires_at,
        },
        claims,
        story.policy_violations(),
        now,
    )
}

/// Whether the content of a story would pass approval: its claims and the policy, judged
/// afresh on the locked story (the approval itself must not trust a stored verdict).
pub fn approvability(
    story: &Story,
    claims: &[Claim],
    policy: &Policy,
    now: NaiveDateTime,
) -> Authenticity {
    let views = claims.iter().map(|c| ClaimView::of(c, now)).collect();
    gate::judge(views, gate::violations(policy, &story.texts()))
}
