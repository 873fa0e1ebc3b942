//! An admin erases a person: their consent is withdrawn (with everything that follows), their
//! sessions and links end, and what Vouch held of them is emptied or rewritten, in one
//! transaction.

use super::withdraw_consent;
use crate::audit;
use crate::auth::AuthUser;
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::privacy::repo;
use crate::state::AppState;

/// Erases a user of the admin's org, in one transaction: consent withdrawn (waiting shares
/// cancelled, tokens deleted), sessions and links gone, name and address replaced, their
/// testimonials emptied, their share texts emptied (the shares stay for the org's totals).
pub async fn erase(state: &AppState, admin: AuthUser, user_id: String) -> AppResult<()> {
    let state2 = state.clone();
    db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<()> {
            let user = crate::accounts::query::locked_user(conn, &admin.org_id, &user_id)?;
            if user.id == admin.id {
                return Err(AppError::conflict(
                    "you cannot erase yourself; ask another admin",
                ));
            }
            erase_in(conn, &state2, &admin, &user)
        })
    })
    .await
}

fn erase_in(
    conn: &mut DbConn,
    state: &AppState,
    admin: &AuthUser,
    user: &crate::accounts::User,
) -> AppResult<()> {
    // Testimonials are emptied below, outside the story command path: the org's rendered
    // stories (the feed's cached pages) must not outlive them.
    crate::accounts::repo::bump_content_version(conn, &admin.org_id)?;
    withdraw_consent::withdraw_in(conn, state, Some(&admin.id), user)?;
    crate::auth::repo::revoke_all_for_user(conn, &user.id, ids::now())?;
    repo::delete_login_links(conn, &user.id)?;
    repo::anonymise_shares(conn, &user.id)?;
    repo::anonymise_accounts(conn, &user.id)?;
    // The sentences moderators judged in their stories go with them.
    crate::claims::tuning::repo::forget_author(conn, &user.id)?;
    let testimonials = repo::erase_testimonials(conn, &user.id)?;
    repo::anonymise_user(conn, &user.id)?;
    audit::by_user(
        conn,
        admin,
        "user.erased",
        ("user", &user.id),
        serde_json::json!({ "testimonials_erased": testimonials }),
    )?;
    Ok(())
}
