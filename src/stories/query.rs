//! Reads of stories and their views, for other domains and the use cases.

use super::model::Story;
use super::repo;
use super::view::{self, StoryView};
use crate::accounts::Role;
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::ids;

/// A story of the caller's org, or 404.
pub fn load(conn: &mut DbConn, org_id: &str, id: &str) -> AppResult<Story> {
    if !ids::is_id(id) {
        return Err(AppError::NotFound);
    }
    repo::find_in_org(conn, org_id, id)?.ok_or(AppError::NotFound)
}

/// Views of `stories` from their stored verdicts, at this moment.
pub fn views(conn: &mut DbConn, stories: Vec<Story>) -> AppResult<Vec<StoryView>> {
    Ok(view::build(conn, stories, ids::now())?)
}

pub fn view_one(conn: &mut DbConn, story: Story) -> AppResult<StoryView> {
    views(conn, vec![story])?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("a view for one story").into())
}

/// Whether `caller` may read `story`: the comms team every story of the org; an ambassador
/// their own and those that are publishable. Anything else does not exist for them (404).
pub fn visible_to(caller: &AuthUser, story: &Story) -> bool {
    caller.is_at_least(Role::Moderator)
        || story.author_id == caller.id
        || story.publishable_at(ids::now())
}

/// A story of the caller's org that the caller may read, or 404.
pub fn load_visible(conn: &mut DbConn, caller: &AuthUser, id: &str) -> AppResult<Story> {
    let story = load(conn, &caller.org_id, id)?;
    if visible_to(caller, &story) {
        Ok(story)
    } else {
        Err(AppError::NotFound)
    }
}
