//! A person withdraws their consent (or is erased, which withdraws it): the agreement ends,
//! their waiting shares are cancelled, their social tokens deleted (revocation at the
//! networks queued), and their testimonials leave public reads, in one transaction.

use serde::Serialize;

use crate::accounts::model::User;
use crate::audit;
use crate::auth::AuthUser;
use crate::consent::query::{standing, MyConsentView};
use crate::consent::repo;
use crate::db::{self, DbConn};
use crate::error::AppResult;
use crate::ids;
use crate::state::AppState;

/// Withdraws the caller's consent and everything it allowed, in one transaction.
pub async fn withdraw(state: &AppState, caller: AuthUser) -> AppResult<MyConsentView> {
    let state2 = state.clone();
    db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<MyConsentView> {
            let user = crate::accounts::query::locked_user(conn, &caller.org_id, &caller.id)?;
            withdraw_in(conn, &state2, Some(&caller.id), &user)?;
            standing(conn, &caller.id, &caller.org_id)
        })
    })
    .await
}

/// What withdrawing did, for the audit event and the answer.
#[derive(Debug, Default, Serialize)]
pub struct Withdrawn {
    pub cancelled_shares: usize,
    pub revoked_accounts: usize,
}

/// Withdrawal inside the caller's transaction (also part of erasing a user): ends the
/// agreement, cancels the user's pending and scheduled shares, deletes their social tokens
/// (and queues their revocation at the networks), and audits it. Their testimonials leave
/// public reads because those filter on a live consent; the org's content version is bumped
/// first (before any share is locked, the order of the story command path), so the careers
/// page's cached answers stop being served when this commits.
pub fn withdraw_in(
    conn: &mut DbConn,
    state: &AppState,
    actor_id: Option<&str>,
    user: &User,
) -> AppResult<Withdrawn> {
    crate::accounts::repo::bump_content_version(conn, &user.org_id)?;
    let ended = repo::withdraw_all(conn, &user.id, ids::now())?;
    let cancelled_shares = crate::shares::service::cancel_for_withdrawal(conn, &user.id)?;
    let revoked_accounts = crate::social::service::revoke_all(conn, state, &user.id)?;
    let done = Withdrawn {
        cancelled_shares,
        revoked_accounts,
    };
    if ended > 0 || cancelled_shares > 0 || revoked_accounts > 0 {
        audit::record(
            conn,
            audit::Entry {
                org_id: &user.org_id,
                actor_id,
                action: "consent.withdrawn",
                object_type: "user",
                object_id: &user.id,
                detail: serde_json::to_value(&done).unwrap_or_default(),
            },
        )?;
    }
    Ok(done)
}
