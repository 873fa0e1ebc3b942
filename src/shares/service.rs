//! Share rules: who may share what, where, how often, in whose words; cancelling, reviewing,
//! and what happens to shares when consent is withdrawn. (Creating and deciding are use
//! cases: `app::create_share`, `app::decide_share`.)

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::{Channel, Share, ShareStatus, ShareView};
use super::originality::OriginalityNote;
use super::repo;
use crate::accounts::model::Role;
use crate::audit;
use crate::auth::AuthUser;
use crate::db::{self, DbConn};

use crate::dates::Instant;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::paging::{Page, PageParams};
use crate::state::AppState;

pub const MAX_TEXT_CHARS: usize = 10_000;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareInput {
    pub story_id: String,
    /// One share per channel: `linkedin`, `x`, `mastodon`, `bluesky`, `careers_page`.
    #[schema(min_items = 1, max_items = 5)]
    pub channels: Vec<String>,
    /// The ambassador's own words; absent: the story's suggested caption for each channel.
    /// Re-checked for claims: a claim the story has not verified sends the share to review.
    #[schema(max_length = 10000)]
    pub text: Option<String>,
    /// When to publish (at most a year ahead); absent: now.
    pub scheduled_at: Option<Instant>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShareBatch {
    pub items: Vec<ShareView>,
    /// Channels whose text is nearly the suggested caption or a colleague's share.
    pub originality: Vec<OriginalityNote>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShareQuery {
    pub status: Option<ShareStatus>,
    pub story_id: Option<String>,
    /// The comms team only; ambassadors always see their own.
    pub user_id: Option<String>,
    pub channel: Option<Channel>,
}

/// Ambassadors: their own shares. The comms team: the org's.
pub async fn list(
    state: &AppState,
    caller: AuthUser,
    query: ShareQuery,
    page: PageParams,
) -> AppResult<Page<ShareView>> {
    let (cursor, limit) = page.checked()?;
    let filter = repo::Filter {
        user_id: if caller.is_at_least(Role::Moderator) {
            query.user_id
        } else {
            Some(caller.id.clone())
        },
        story_id: query.story_id,
        status: query.status.map(|s| s.as_str().to_string()),
        channel: query.channel.map(|c| c.as_str().to_string()),
    };
    let public_url = state.settings.server.public_url.clone();
    db::run(&state.pool, move |conn| -> AppResult<_> {
        let rows = repo::list(conn, &caller.org_id, &filter, cursor.as_deref(), limit + 1)?;
        let mut page = Page::from_rows(
            rows,
            limit,
            |s| s.id.clone(),
            |s| ShareView::of(s, &public_url),
        );
        crate::links::query::add_reach(conn, &mut page.items)?;
        Ok(page)
    })
    .await
}

/// A share of the caller's (or, for the comms team, of the org), or 404.
fn load_visible(conn: &mut DbConn, caller: &AuthUser, id: &str) -> AppResult<Share> {
    repo::find_in_org(conn, &caller.org_id, id)?
        .filter(|s| s.user_id == caller.id || caller.is_at_least(Role::Moderator))
        .ok_or(AppError::NotFound)
}

pub async fn get(state: &AppState, caller: AuthUser, id: String) -> AppResult<ShareView> {
    let public_url = state.settings.server.public_url.clone();
    db::run(&state.pool, move |conn| {
        let mut view = [ShareView::of(
            load_visible(conn, &caller, &id)?,
            &public_url,
        )];
        crate::links::query::add_reach(conn, &mut view)?;
        let [view] = view;
        Ok::<_, AppError>(view)
    })
    .await
}

/// Changes one share under its lock: `rule` gets the current row and returns the new one.
pub fn change(
    conn: &mut DbConn,
    caller: &AuthUser,
    id: &str,
    rule: impl FnOnce(Share) -> AppResult<Share>,
) -> AppResult<Share> {
    load_visible(conn, caller, id)?;
    let current = repo::lock(conn, id)?.ok_or(AppError::NotFound)?;
    let changed = Share {
        updated_at: ids::now(),
        ..rule(current.clone())?
    };
    if !repo::save(conn, &changed)? {
        return Err(AppError::conflict("the share changed meanwhile; reload it"));
    }
    Ok(Share {
        version: changed.version + 1,
        ..changed
    })
}

/// Cancels a share before it goes out (its owner or the comms team). A worker that claims
/// its job afterwards re-reads it and posts nothing.
pub async fn cancel(state: &AppState, caller: AuthUser, id: String) -> AppResult<ShareView> {
    let public_url = state.settings.server.public_url.clone();
    db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<ShareView> {
            let share = change(conn, &caller, &id, |s| {
                Ok(Share {
                    status: s.status().cancel()?.as_str().into(),
                    ..s
                })
            })?;
            audit::by_user(
                conn,
                &caller,
                "share.cancelled",
                ("share", &share.id),
                serde_json::json!({}),
            )?;
            Ok(ShareView::of(share, &public_url))
        })
    })
    .await
}

/// Cancels the user's waiting shares (consent withdrawn); returns how many.
pub fn cancel_for_withdrawal(conn: &mut DbConn, user_id: &str) -> AppResult<usize> {
    let waiting = repo::of_user_in(conn, user_id, &["pending_review", "scheduled"])?;
    cancel_rows(conn, waiting, "consent withdrawn")
}

fn cancel_rows(conn: &mut DbConn, rows: Vec<Share>, why: &str) -> AppResult<usize> {
    let mut n = 0;
    for share in rows {
        let Ok(status) = share.status().cancel() else {
            continue;
        };
        let cancelled = Share {
            status: status.as_str().into(),
            error: Some(why.to_string()),
            updated_at: ids::now(),
            ..share
        };
        if repo::save(conn, &cancelled)? {
            n += 1;
        }
    }
    Ok(n)
}
