//! Story rules: who may write and edit what, re-checking claims on every save, sending an
//! edited approved story back to review, and the ambassadors' feed of publishable stories.

use actix_web::web::Bytes;
use serde::Deserialize;
use utoipa::IntoParams;

use super::command;
use super::feed_cache::FeedKey;
use super::input::{CleanStory, Draft, StoryInput};
use super::model::{Story, StoryKind, StoryStatus};
use super::query::{load_visible, view_one, views};
use super::repo::{self, Filter};
use super::view::StoryView;
use crate::accounts::Role;
use crate::audit;
use crate::auth::AuthUser;
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::paging::{Page, PageParams};
use crate::state::AppState;

/// Whether `caller` may change the content of `story`: its author always; the comms team
/// for company stories. A testimonial is its author's own words, so nobody else edits it.
pub fn may_edit(caller: &AuthUser, story: &Story) -> bool {
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
        let story = command::create(conn, story, &clean.topics)?;
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

/// Checks a new story and returns what writes it, to run inside the request's transaction
/// (with its `Idempotency-Key` record).
pub fn create(
    state: &AppState,
    caller: AuthUser,
    input: StoryInput,
) -> AppResult<impl FnOnce(&mut DbConn) -> AppResult<StoryView>> {
    let kind = kind_for(&caller, input.kind)?;
    let allow_private = state.settings.security.allow_private_urls;
    let clean = Draft::from(input).validate(allow_private, ids::now())?;
    Ok(move |conn: &mut DbConn| {
        let story = insert(conn, &caller, kind, &clean)?;
        view_one(conn, story)
    })
}

/// A new story row holding validated content, to be given its ids, author and status.
pub fn filled(clean: &CleanStory) -> Story {
    fill(Story::blank(), clean)
}

/// Copies validated content into a story row.
pub fn fill(story: Story, clean: &CleanStory) -> Story {
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
            publishable: false,
            blocking_claims: 0,
            verified_until: None,
            policy_violations: "[]".into(),
            gate_checked_at: None,
            search_text: String::new(),
            last_editor_id: None,
        }
    }

    pub fn draft(&self, topics: Vec<String>) -> Draft {
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

/// One story, if the caller may read it (see `visible_to`).
pub async fn get(state: &AppState, caller: AuthUser, id: String) -> AppResult<StoryView> {
    db::run(&state.pool, move |conn| -> AppResult<_> {
        let story = load_visible(conn, &caller, &id)?;
        view_one(conn, story)
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
            status: self.status.map(|s| s.as_str().to_string()),
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
            .try_map(|stories| views(conn, stories))
    })
    .await
}

/// The ambassadors' feed, as the JSON of one page: the stories the gate lets out right now,
/// read from the verdict stored with each story (an indexed filter, whatever the number of
/// stories). Pages are kept rendered (see `feed_cache`): a page read under the org's
/// content version the caller was read with, and not lapsed since, is served as it is.
pub async fn feed(
    state: &AppState,
    caller: AuthUser,
    query: StoryQuery,
    page: PageParams,
) -> AppResult<Bytes> {
    let (cursor, limit) = page.checked()?;
    let mut filter = query.filter();
    filter.status = Some(StoryStatus::Approved.as_str().into());
    let now = ids::now();
    filter.publishable_at = Some(now);
    let key = FeedKey {
        org_id: caller.org_id.clone(),
        topic: filter.topic.clone(),
        language: filter.language.clone(),
        search: filter.search.clone(),
        cursor: cursor.clone(),
        limit,
    };
    if let Some(version) = caller.content_version {
        if let Some(body) = state.feed_cache.get(&key, version, now) {
            return Ok(body);
        }
    }
    let org_id = caller.org_id.clone();
    let (page, valid_until) = db::run(&state.pool, move |conn| -> AppResult<_> {
        let rows = repo::list(conn, &org_id, &filter, cursor.as_deref(), limit + 1)?;
        let page = Page::from_rows(rows, limit, |s| s.id.clone(), |s| s);
        // Nothing is written when a story's window closes, a verification lapses or a
        // scheduled story comes in: the page holds until the first of these.
        let valid_until = page
            .items
            .iter()
            .flat_map(|s| [s.verified_until, s.expires_at])
            .chain([repo::next_scheduled(conn, &org_id, now)?])
            .flatten()
            .min();
        Ok((page.try_map(|stories| views(conn, stories))?, valid_until))
    })
    .await?;
    let body = Bytes::from(serde_json::to_vec(&page).map_err(anyhow::Error::from)?);
    if let Some(version) = caller.content_version {
        state
            .feed_cache
            .put(key, version, valid_until, body.clone());
    }
    Ok(body)
}
