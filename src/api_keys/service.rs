//! Key rules: an admin creates a key (shown once), lists the org's keys, revokes one.

use super::model::{ApiKey, ApiKeyView, CreatedApiKey, NewApiKey, KEY_PREFIX, SHOWN_CHARS};
use super::repo;
use crate::audit;
use crate::auth::secrets::{hash_token, random_token};
use crate::auth::AuthUser;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::paging::{Page, PageParams};
use crate::state::AppState;

/// Creates a key for the admin's org. The key is in this answer only: what is stored is
/// its hash and its first characters.
pub async fn create(
    state: &AppState,
    admin: AuthUser,
    input: NewApiKey,
) -> AppResult<CreatedApiKey> {
    let clean = input.validate()?;
    db::run_atomic(&state.pool, move |conn| -> AppResult<_> {
        let key = random_token(KEY_PREFIX);
        let now = ids::now();
        let row = ApiKey {
            id: ids::new_id(),
            org_id: admin.org_id.clone(),
            name: clean.name,
            prefix: key.chars().take(SHOWN_CHARS).collect(),
            key_hash: hash_token(&key),
            allowed_origins: serde_json::to_string(&clean.origins).map_err(anyhow::Error::from)?,
            created_by: admin.id.clone(),
            created_at: now,
            last_used_at: None,
            revoked_at: None,
            rate_limit_per_min: i32::try_from(clean.rate_limit_per_min).unwrap_or(i32::MAX),
        };
        repo::insert(conn, &row, &clean.origins)?;
        audit::by_user(
            conn,
            &admin,
            "api_key.created",
            ("api_key", &row.id),
            serde_json::json!({
                "name": row.name,
                "prefix": row.prefix,
                "allowed_origins": clean.origins,
            }),
        )?;
        Ok(CreatedApiKey {
            id: row.id,
            name: row.name,
            key,
            prefix: row.prefix,
            allowed_origins: clean.origins,
            rate_limit_per_min: clean.rate_limit_per_min,
            created_at: ids::utc(now),
        })
    })
    .await
}

/// The org's keys, newest first, revoked ones included (with `revoked_at`).
pub async fn list(
    state: &AppState,
    admin: AuthUser,
    page: PageParams,
) -> AppResult<Page<ApiKeyView>> {
    let (cursor, limit) = page.checked()?;
    db::run(&state.pool, move |conn| -> AppResult<_> {
        let rows = repo::list(conn, &admin.org_id, cursor.as_deref(), limit + 1)?;
        Ok(Page::from_rows(
            rows,
            limit,
            |k| k.id.clone(),
            ApiKeyView::from,
        ))
    })
    .await
}

/// Revokes a key of the admin's org: refused from the next request on (in this process at
/// once; see `careers` for other processes). Revoking a revoked key changes nothing.
pub async fn revoke(state: &AppState, admin: AuthUser, id: String) -> AppResult<()> {
    if !ids::is_id(&id) {
        return Err(AppError::NotFound);
    }
    db::run_atomic(&state.pool, move |conn| -> AppResult<_> {
        let key = repo::find_in_org(conn, &admin.org_id, &id)?.ok_or(AppError::NotFound)?;
        if repo::revoke(conn, &key.id, ids::now())? > 0 {
            crate::freshness::touched();
            audit::by_user(
                conn,
                &admin,
                "api_key.revoked",
                ("api_key", &key.id),
                serde_json::json!({ "name": key.name, "prefix": key.prefix }),
            )?;
        }
        Ok(())
    })
    .await
}
