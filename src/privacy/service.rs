//! Export and erasure.

use serde::Serialize;
use utoipa::ToSchema;

use super::repo;
use crate::accounts::view::{OrgView, UserView};
use crate::auth::AuthUser;
use crate::db::{self};
use crate::error::AppResult;
use crate::ids;
use crate::shares::model::ShareView;
use crate::social::model::AccountView;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentRecord {
    pub version: String,
    pub granted_at: chrono::DateTime<chrono::Utc>,
    pub withdrawn_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoryRecord {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub status: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventRecord {
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Everything Vouch holds about the caller (tokens of connected accounts aside: they are
/// secrets, not information about the person).
#[derive(Debug, Serialize, ToSchema)]
pub struct Export {
    pub user: UserView,
    pub org: OrgView,
    pub consents: Vec<ConsentRecord>,
    pub stories: Vec<StoryRecord>,
    pub shares: Vec<ShareView>,
    pub accounts: Vec<AccountView>,
    /// What the caller did, as the audit log recorded it.
    pub activity: Vec<EventRecord>,
    pub exported_at: chrono::DateTime<chrono::Utc>,
}

pub async fn export(state: &AppState, caller: AuthUser) -> AppResult<Export> {
    let public_url = state.settings.server.public_url.clone();
    db::run(&state.pool, move |conn| -> AppResult<Export> {
        let user = crate::accounts::query::user(conn, &caller.org_id, &caller.id)?;
        let org = crate::accounts::query::org(conn, &caller.org_id)?;
        let consents = crate::consent::repo::history(conn, &user.id)?
            .into_iter()
            .map(|c| ConsentRecord {
                version: c.text_version,
                granted_at: ids::utc(c.granted_at),
                withdrawn_at: c.withdrawn_at.map(ids::utc),
            })
            .collect();
        let stories = repo::stories_by(conn, &user.id)?
            .into_iter()
            .map(|s| StoryRecord {
                id: s.id,
                kind: s.kind,
                title: s.title,
                body: s.body,
                status: s.status,
                created_at: ids::utc(s.created_at),
            })
            .collect();
        let shares = crate::shares::repo::of_user(conn, &user.id)?
            .into_iter()
            .map(|s| ShareView::of(s, &public_url))
            .collect();
        let accounts = crate::social::repo::of_user(conn, &user.id)?
            .into_iter()
            .filter_map(AccountView::of)
            .collect();
        let activity = repo::events_by(conn, &user.id)?
            .into_iter()
            .map(|e| EventRecord {
                detail: serde_json::from_str(&e.detail).unwrap_or_default(),
                action: e.action,
                object_type: e.object_type,
                object_id: e.object_id,
                created_at: ids::utc(e.created_at),
            })
            .collect();
        Ok(Export {
            user: user.into(),
            org: org.into(),
            consents,
            stories,
            shares,
            accounts,
            activity,
            exported_at: chrono::Utc::now(),
        })
    })
    .await
}
