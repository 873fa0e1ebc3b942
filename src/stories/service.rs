//! Story rules: who may write and edit what, re-checking claims on every save, sending an
//! edited approved story back to review, and the ambassadors' feed of publishable stories.

use serde::Deserialize;
use utoipa::IntoParams;

use super::input::{CleanStory, Draft, StoryInput, StoryPatch};
use super::model::{Story, StoryKind, StoryStatus};
use super::repo::{self, Filter};
use super::view::{self, StoryView};
use crate::accounts::{self, Role};
use crate::audit;
use crate::auth::AuthUser;
use crate::claims;
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::http::pagination::{Page, PageParams};
use crate::ids;
use crate::state::AppState;

/// A story of the caller's org, or 404.
pub fn load(conn: &mut DbConn, org_id: &str, id: &str) -> AppResult<Story> {
    if !ids::is_id(id) {
        return Err(AppError::NotFound);
    }
    repo::find_in_org(conn, org_id, id)?.ok_or(AppError::NotFound)
}

/// Writes a story read earlier in this transaction; 409 if someone wrote it in between, so a
/// decision or an edit never lands on a text its author did not see.
pub fn save(conn: &mut DbConn, story: &Story) -> AppResult<()> {
    if repo::save(conn, story)? {
        Ok(())
    } else {
        Err(AppError::conflict(
            "the story changed while you were working on it; reload it and try again",
        ))
    }
}

/// Views of `stories`, judged by the gate at this moment.
pub fn views(conn: &mut DbConn, org_id: &str, stories: Vec<Story>) -> AppResult<Vec<StoryView>> {
    let policy = accounts::service::policy_of(conn, org_id)?;
    Ok(view::build(conn, stories, &policy, ids::now())?)
}

/// The view of a story of the org, by id.
pub fn view_by_id(conn: &mut DbConn, org_id: &str, id: &str) -> AppResult<StoryView> {
    let story = load(conn, org_id, id)?;
    view_one(conn, org_id, story)
}

pub fn view_one(conn: &mut DbConn, org_id: &str, story: Story) -> AppResult<StoryView> {
    views(conn, org_id, vec![story])?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("a view for one story").into())
}

/// Whether `caller` may change the content of `story`: its author always; the comms team
/// for company stories. A testimonial is its author's own words, so nobody else edits it.
fn may_edit(caller: &AuthUser, story: &Story) -> bool {
    story.author_id == caller.id
        || (story.kind == StoryKind::Company.as_str() && caller.is_at_least(Role::Moderator))
}

/// Who may write which kind: ambassadors testimonials, the comms team either (company by
/// default).
pub fn kind_for(caller: &AuthUser, asked: Option<StoryKind>) -> AppResult<StoryKind> {
    match (asked, caller.is_at_least(Role::Moderator)) {
        (Some(StoryKind::Company), false) => Err(AppError::forbidden(
            "ambassadors submit testimonials; company stories come from the comms team",
        )),
        (Some(kind), _) => Ok(kind),
        (None, true) => Ok(StoryKind::Company),
        (None, false) => Ok(StoryKind::Testimonial),
    }
}

/// Inserts a validated story as a draft, with its topics and detected claims, audited.
pub fn insert(
    conn: &mut DbConn,
    caller: &AuthUser,
    kind: StoryKind,
    clean: &CleanStory,
) -> AppResult<Story> {
    db::transaction(conn, |conn| -> AppResult<_> {
        let now = ids::now();
        let story = Story {
            id: ids::new_id(),
            org_id: caller.org_id.clone(),
            author_id: caller.id.clone(),
            kind: kind.as_str().into(),
            created_at: now,
            updated_at: now,
            ..fill(Story::blank(), clean)
        };
        repo::insert(conn, &story)?;
        repo::set_topics(conn, &story.id, &clean.topics)?;
        claims::sync::sync(conn, &story)?;
        audit::by_user(
            conn,
            caller,
            "story.created",
            ("story", &story.id),
            serde_json::json!({ "kind": story.kind, "title": story.title }),
        )?;
        Ok(story)
    })
}

#[tracing::instrument(skip(state, caller, input), fields(user = %caller.id))]
pub async fn create(state: &AppState, caller: AuthUser, input: StoryInput) -> AppResult<StoryView> {
    let kind = kind_for(&caller, input.kind)?;
    let allow_private = state.settings.security.allow_private_urls;
    let clean = Draft::from(input).validate(allow_private, ids::now())?;
    db::run(&state.pool, move |conn| -> AppResult<_> {
        let story = insert(conn, &caller, kind, &clean)?;
        view_one(conn, &caller.org_id, story)
    })
    .await
}

/// Copies validated content into a story row.
fn fill(story: Story, clean: &CleanStory) -> Story {
    Story {
        title: clean.title.clone(),
        body: clean.body.clone(),
        link_url: clean.link_url.clone(),
        media_urls: serde_json::to_string(&clean.media_urls).unwrap_or_else(|_| "[]".into()),
        language: clean.language.code().to_string(),
        captions: serde_json::to_string(&clean.captions).unwrap_or_else(|_| "{}".into()),
        publish_from: clean.publish_from,
        expires_at: clean.expires_at,
        ..story
    }
}

impl Story {
    fn blank() -> Story {
        let now = ids::now();
        Story {
            id: String::new(),
            org_id: String::new(),
            author_id: String::new(),
            kind: String::new(),
            title: String::new(),
            body: String::new(),
            link_url: None,
            media_urls: "[]".into(),
            language: "en".into(),
            captions: "{}".into(),
            status: StoryStatus::Draft.as_str().into(),
            publish_from: None,
            expires_at: None,
            submitted_at: None,
            review_notified_at: None,
            decided_at: None,
            decided_by: None,
            decision_reason: None,
            created_at: now,
            updated_at: now,
            version: 0,
        }
    }

    fn draft(&self, topics: Vec<String>) -> Draft {
        Draft {
            title: self.title.clone(),
            body: self.body.clone(),
            link_url: self.link_url.clone(),
            media_urls: self.media_urls(),
            topics,
            language: Some(self.language.clone()),
            captions: self.captions(),
            publish_from: self.publish_from,
            expires_at: self.expires_at,
        }
    }
}

/// Edits a story. Content edits re-run the claim check, and send an approved story back to
/// review; topic and expiry edits need no review.
#[tracing::instrument(skip(state, caller, patch), fields(user = %caller.id))]
pub async fn update(
    state: &AppState,
    caller: AuthUser,
    id: String,
    patch: StoryPatch,
) -> AppResult<StoryView> {
    let allow_private = state.settings.security.allow_private_urls;
    db::run(&state.pool, move |conn| -> AppResult<_> {
        db::transaction(conn, |conn| -> AppResult<_> {
            let story = load(conn, &caller.org_id, &id)?;
            if !may_edit(&caller, &story) {
                return Err(AppError::forbidden("only the author (or the comms team, for company stories) may edit this story"));
            }
            let status = story.status();
            let metadata_only = patch.is_metadata_only();
            let next = if metadata_only { status.edit_metadata()? } else { status.edit_content()? };
            let topics = repo::topics_of(conn, std::slice::from_ref(&story.id))?
                .into_iter()
                .map(|(_, t)| t)
                .collect();
            let now = ids::now();
            let clean = story.draft(topics).apply(patch).validate(allow_private, now)?;
            let back_to_review = next == StoryStatus::InReview && status != StoryStatus::InReview;
            let updated = Story {
                status: next.as_str().into(),
                submitted_at: if back_to_review { Some(now) } else { story.submitted_at },
                review_notified_at: if back_to_review { None } else { story.review_notified_at },
                updated_at: now,
                ..fill(story.clone(), &clean)
            };
            save(conn, &updated)?;
            repo::set_topics(conn, &updated.id, &clean.topics)?;
            claims::sync::sync(conn, &updated)?;
            audit::by_user(conn, &caller, if back_to_review { "story.resubmitted" } else { "story.edited" }, ("story", &updated.id), serde_json::json!({ "from": status.as_str(), "to": next.as_str(), "metadata_only": metadata_only }))?;
            view_one(conn, &caller.org_id, updated)
        })
    })
    .await
}

/// One story. The comms team sees every story of the org; an ambassador sees their own
/// and those that are publishable (anything else is 404, not 403: it does not exist for them).
pub async fn get(state: &AppState, caller: AuthUser, id: String) -> AppResult<StoryView> {
    db::run(&state.pool, move |conn| -> AppResult<_> {
        let story = load(conn, &caller.org_id, &id)?;
        let own = story.author_id == caller.id;
        let view = view_one(conn, &caller.org_id, story)?;
        if caller.is_at_least(Role::Moderator) || own || view.authenticity.publishable {
            Ok(view)
        } else {
            Err(AppError::NotFound)
        }
    })
    .await
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StoryQuery {
    /// Only stories with this status (comms team lists).
    pub status: Option<StoryStatus>,
    pub topic: Option<String>,
    /// `en` or `fr`.
    pub language: Option<String>,
    /// Words to find in the title or body.
    pub q: Option<String>,
}

impl StoryQuery {
    fn filter(&self) -> Filter {
        Filter {
            statuses: self
                .status
                .map(|s| vec![s.as_str().to_string()])
                .unwrap_or_default(),
            topic: self
                .topic
                .as_ref()
                .map(|t| t.trim().to_lowercase())
                .filter(|t| !t.is_empty()),
            language: self
                .language
                .as_ref()
                .map(|l| l.trim().to_lowercase())
                .filter(|l| !l.is_empty()),
            search: self
                .q
                .as_ref()
                .map(|q| q.trim().to_string())
                .filter(|q| !q.is_empty()),
            ..Filter::default()
        }
    }
}

/// The comms team's list of every story, or an ambassador's own stories; newest first.
pub async fn list(
    state: &AppState,
    caller: AuthUser,
    query: StoryQuery,
    page: PageParams,
) -> AppResult<Page<StoryView>> {
    let (cursor, limit) = page.checked()?;
    let mut filter = query.filter();
    if !caller.is_at_least(Role::Moderator) {
        filter.author_id = Some(caller.id.clone());
    }
    db::run(&state.pool, move |conn| -> AppResult<_> {
        let rows = repo::list(conn, &caller.org_id, &filter, cursor.as_deref(), limit + 1)?;
        Page::from_rows(rows, limit, |s| s.id.clone(), |s| s)
            .try_map(|stories| views(conn, &caller.org_id, stories))
    })
    .await
}

/// The ambassadors' feed: approved stories that the gate lets out right now. The query
/// narrows to approved, in-window stories; the gate then has the last word on each.
pub async fn feed(
    state: &AppState,
    caller: AuthUser,
    query: StoryQuery,
    page: PageParams,
) -> AppResult<Page<StoryView>> {
    let (mut cursor, limit) = page.checked()?;
    let mut filter = query.filter();
    filter.statuses = vec![StoryStatus::Approved.as_str().into()];
    db::run(&state.pool, move |conn| -> AppResult<_> {
        // One policy and one clock for the whole page, however many batches it takes.
        let policy = accounts::service::policy_of(conn, &caller.org_id)?;
        let now = ids::now();
        filter.live_at = Some(now);
        let mut items = Vec::new();
        loop {
            let batch = repo::list(conn, &caller.org_id, &filter, cursor.as_deref(), limit + 1)?;
            let exhausted = batch.len() as i64 <= limit;
            cursor = batch.last().map(|s| s.id.clone());
            let publishable = view::build(conn, batch, &policy, now)?
                .into_iter()
                .filter(|v| v.authenticity.publishable);
            items.extend(publishable);
            if exhausted || items.len() as i64 > limit {
                break;
            }
        }
        Ok(Page::from_rows(items, limit, |v| v.id.clone(), |v| v))
    })
    .await
}
