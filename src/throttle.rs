//! A per-user throttle for endpoints that clients call in bursts (the claim check as people
//! type). Keyed by user id, so its memory is bounded by the number of accounts.

use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

pub struct PerUser {
    limiter: DefaultKeyedRateLimiter<String>,
}

impl PerUser {
    pub fn per_minute(n: u32) -> PerUser {
        let n = NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
        PerUser {
            limiter: RateLimiter::keyed(Quota::per_minute(n)),
        }
    }

    /// Takes one request from the user's bucket, or says how long to wait (429).
    pub fn check(&self, user_id: &str) -> Result<(), AppError> {
        self.limiter
            .check_key(&user_id.to_string())
            .map_err(|not_until| AppError::RateLimited {
                retry_after_secs: not_until
                    .wait_time_from(DefaultClock::default().now())
                    .as_secs()
                    .max(1),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::PerUser;

    #[test]
    fn each_user_has_a_bucket() {
        let throttle = PerUser::per_minute(2);
        assert!(throttle.check("a").is_ok());
        assert!(throttle.check("a").is_ok());
        assert!(throttle.check("a").is_err());
        assert!(throttle.check("b").is_ok());
    }
}
