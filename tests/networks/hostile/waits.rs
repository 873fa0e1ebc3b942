//! Waits a network asks for are clamped to a day, whatever it writes.

use chrono::{Duration, Utc};
use vouch::networks::NetworkError;
use vouch_fakes::Fault;

use super::{account_at, four, post, LINK};

#[tokio::test]
async fn an_absurd_retry_after_is_a_wait_of_a_day_at_most() {
    let f = four(true);
    for (kind, fake) in &f.fakes {
        fake.fail_next("create", Fault::AbsurdRetryAfter, 1);
        let before = Utc::now();
        let err = f
            .nets
            .get(*kind)
            .publish(&account_at(*kind, fake), &post(LINK, "share-ra"))
            .await
            .unwrap_err();
        let NetworkError::RateLimited { retry_at } = err else {
            panic!("{kind}: {err:?}")
        };
        assert!(
            retry_at > before && retry_at <= Utc::now() + Duration::hours(24),
            "{kind}: {retry_at}"
        );
    }
}
