//! An admin changes the org's editorial policy: every story's stored verdict follows it in
//! the same transaction, and so do the posts of the stories it makes unpublishable.

use super::story_change;
use crate::accounts::query::org;
use crate::accounts::repo;
use crate::audit;
use crate::auth::AuthUser;
use crate::claims::policy::Policy;
use crate::db;
use crate::error::AppResult;
use crate::ids;
use crate::state::AppState;

/// Sets the org's editorial policy (admins).
pub async fn set_policy(state: &AppState, caller: AuthUser, policy: Policy) -> AppResult<Policy> {
    let policy = policy
        .normalized()?
        .with_checked_urls(state.settings.security.allow_private_urls)?;
    let state = state.clone();
    db::run(&state.pool.clone(), move |conn| -> AppResult<_> {
        db::transaction(conn, |conn| -> AppResult<_> {
            let mut policy = policy;
            if policy.disclosure.is_empty() {
                policy.disclosure = org(conn, &caller.org_id)?.disclosure;
            }
            let raw = serde_json::to_string(&policy).map_err(anyhow::Error::from)?;
            repo::set_policy(conn, &caller.org_id, &raw, &policy.disclosure, ids::now())?;
            // Every story's stored verdict follows the new policy in the same transaction, and
            // so do the posts of those it makes unpublishable.
            story_change::refresh_org(conn, &state, &caller.org_id)?;
            audit::by_user(
                conn,
                &caller,
                "org.policy_changed",
                ("org", &caller.org_id),
                serde_json::to_value(&policy).unwrap_or_default(),
            )?;
            Ok(policy)
        })
    })
    .await
}
