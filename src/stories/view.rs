//! What clients see of a story: its fields, topics and the `authenticity` block.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::captions::Network;
use super::model::{Story, StoryKind, StoryStatus};
use super::repo;
use crate::claims;
use crate::claims::gate::Authenticity;
use crate::db::DbConn;
use crate::ids;
use crate::versions::Versioned;

#[derive(Debug, Serialize, ToSchema)]
pub struct StoryView {
    pub id: String,
    pub kind: StoryKind,
    pub author_id: String,
    pub title: String,
    pub body: String,
    pub link_url: Option<String>,
    pub media_urls: Vec<String>,
    pub topics: Vec<String>,
    pub language: String,
    pub captions: BTreeMap<Network, String>,
    pub status: StoryStatus,
    pub publish_from: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    /// When it last entered review.
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    /// The reason given with the last moderation decision.
    pub decision_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Bumped by every change to the story or its claims; also its `ETag`. Send it back in
    /// `If-Match` to make an edit or a decision conditional on what you saw.
    pub version: i32,
    pub authenticity: Authenticity,
}

impl Versioned for StoryView {
    fn version(&self) -> i32 {
        self.version
    }
}

/// Builds the views of `stories` with two queries (topics, claims), whatever their number;
/// the policy breaches come from the verdict stored with each story.
pub fn build(
    conn: &mut DbConn,
    stories: Vec<Story>,
    now: NaiveDateTime,
) -> diesel::QueryResult<Vec<StoryView>> {
    let ids_list: Vec<String> = stories.iter().map(|s| s.id.clone()).collect();
    let mut topics: HashMap<String, Vec<String>> = HashMap::new();
    for (story_id, topic) in repo::topics_of(conn, &ids_list)? {
        topics.entry(story_id).or_default().push(topic);
    }
    let mut claims_by_story: HashMap<String, Vec<claims::Claim>> = HashMap::new();
    for claim in claims::query::of_stories(conn, &ids_list)? {
        claims_by_story
            .entry(claim.story_id.clone())
            .or_default()
            .push(claim);
    }
    Ok(stories
        .into_iter()
        .map(|story| {
            let story_claims = claims_by_story.remove(&story.id).unwrap_or_default();
            let authenticity = claims::query::assess(&story, &story_claims, now);
            let story_topics = topics.remove(&story.id).unwrap_or_default();
            view(story, story_topics, authenticity)
        })
        .collect())
}

fn view(story: Story, topics: Vec<String>, authenticity: Authenticity) -> StoryView {
    let kind = if story.kind == "testimonial" {
        StoryKind::Testimonial
    } else {
        StoryKind::Company
    };
    StoryView {
        kind,
        status: story.status(),
        captions: story.captions(),
        media_urls: story.media_urls(),
        topics,
        publish_from: story.publish_from.map(ids::utc),
        expires_at: story.expires_at.map(ids::utc),
        submitted_at: story.submitted_at.map(ids::utc),
        decided_at: story.decided_at.map(ids::utc),
        created_at: ids::utc(story.created_at),
        updated_at: ids::utc(story.updated_at),
        id: story.id,
        author_id: story.author_id,
        title: story.title,
        body: story.body,
        link_url: story.link_url,
        language: story.language,
        decided_by: story.decided_by,
        decision_reason: story.decision_reason,
        version: story.version,
        authenticity,
    }
}
