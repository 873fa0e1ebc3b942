//! Connected-account rules: listing, disconnecting, and dropping every token on withdrawal.

use super::model::{AccountStatus, AccountView};
use super::repo;
use crate::audit;
use crate::auth::AuthUser;
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::state::AppState;

pub async fn list(state: &AppState, caller: AuthUser) -> AppResult<Vec<AccountView>> {
    db::run(&state.pool, move |conn| -> AppResult<_> {
        Ok(repo::of_user(conn, &caller.id)?
            .into_iter()
            .filter_map(AccountView::of)
            .collect())
    })
    .await
}

/// Disconnects one of the caller's accounts: its tokens are deleted at once and revoked at
/// the network by a job; its shares keep pointing at it.
pub async fn disconnect(state: &AppState, caller: AuthUser, id: String) -> AppResult<()> {
    let state2 = state.clone();
    db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<()> {
            let account = repo::find_of_user(conn, &caller.id, &id)?.ok_or(AppError::NotFound)?;
            if account.status() != AccountStatus::Revoked {
                revoke_one(conn, &state2, &account)?;
            }
            audit::by_user(
                conn,
                &caller,
                "account.disconnected",
                ("social_account", &account.id),
                serde_json::json!({ "network": account.network }),
            )?;
            Ok(())
        })
    })
    .await
}

/// Revokes every account of the user (consent withdrawn, user erased); returns how many.
pub fn revoke_all(conn: &mut DbConn, state: &AppState, user_id: &str) -> AppResult<usize> {
    let mut revoked = 0;
    for account in repo::of_user(conn, user_id)? {
        if account.status() != AccountStatus::Revoked {
            revoke_one(conn, state, &account)?;
            revoked += 1;
        }
    }
    Ok(revoked)
}

fn revoke_one(
    conn: &mut DbConn,
    state: &AppState,
    account: &super::SocialAccount,
) -> AppResult<()> {
    super::revoke::queue(conn, state, account)?;
    repo::revoke(conn, &account.id, ids::now())?;
    Ok(())
}
