//! Publishing a post whose earlier attempt has no known outcome (a timeout, a crash): look
//! for it first, never post blindly. A look-up that fails says nothing about the post, so it
//! is never taken for the network's refusal of it: where a repeated create is answered with
//! the first post (the network's [`Network::repeat_is_safe_for`], counted from a time no later
//! than the first attempt), the create is repeated; elsewhere the look-up is tried again later.

use chrono::{DateTime, Utc};

use super::{Account, Network, NetworkError, Post, Published};

pub async fn publish_again(
    network: &dyn Network,
    account: &Account,
    post: &Post<'_>,
    first_attempt_not_before: DateTime<Utc>,
) -> Result<Published, NetworkError> {
    let looked = network.find(account, post).await;
    let failure = match looked {
        Ok(Some(found)) => return Ok(found),
        Ok(None) => return network.publish(account, post).await,
        // About the account, not the look-up: the pipeline waits, refreshes or gives up.
        Err(
            e @ (NetworkError::RateLimited { .. }
            | NetworkError::Unauthorized(_)
            | NetworkError::Unavailable),
        ) => return Err(e),
        Err(e) => e,
    };
    let since = Utc::now() - first_attempt_not_before;
    let safe = network
        .repeat_is_safe_for()
        .is_some_and(|window| since < window);
    tracing::info!(
        network = %network.kind(),
        error = %failure,
        repeat = safe,
        "the look-up for a post of unknown outcome failed"
    );
    if safe {
        return network.publish(account, post).await;
    }
    Err(NetworkError::Transient(format!(
        "could not look for the post, which may be out ({failure}); looking again later"
    )))
}
