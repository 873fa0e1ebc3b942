//! A per-user throttle for endpoints that clients call in bursts (the claim check as people
//! type). Keyed by user id, so its memory is bounded by the number of accounts.

use std::collections::HashMap;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

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

/// One bucket per key, each with its own quota per minute (the careers page's API keys each
/// carry their limit). In memory, per process, like the other limiters: behind a load
/// balancer each instance allows the key its own share.
pub struct PerKey {
    buckets: std::sync::Mutex<HashMap<String, Bucket>>,
}

struct Bucket {
    per_minute: u32,
    limiter: std::sync::Arc<DefaultDirectRateLimiter>,
}

/// Keys tracked at most; past it the map starts afresh (a forgotten bucket is a full one).
const MAX_KEYS: usize = 10_000;

impl Default for PerKey {
    fn default() -> Self {
        PerKey {
            buckets: std::sync::Mutex::new(HashMap::new()),
        }
    }
}

impl PerKey {
    /// Takes one request from `key`'s bucket of `per_minute`, or says how long to wait.
    pub fn check(&self, key: &str, per_minute: u32) -> Result<(), AppError> {
        let limiter = {
            let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
            match buckets.get(key) {
                Some(b) if b.per_minute == per_minute => b.limiter.clone(),
                _ => {
                    if buckets.len() >= MAX_KEYS {
                        buckets.clear();
                    }
                    let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
                    let limiter = std::sync::Arc::new(RateLimiter::direct(Quota::per_minute(n)));
                    buckets.insert(
                        key.to_string(),
                        Bucket {
                            per_minute,
                            limiter: limiter.clone(),
                        },
                    );
                    limiter
                }
            }
        };
        limiter.check().map_err(|not_until| AppError::RateLimited {
            retry_after_secs: not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{PerKey, PerUser};

    #[test]
    fn each_key_has_its_own_quota() {
        let keys = PerKey::default();
        assert!(keys.check("a", 2).is_ok());
        assert!(keys.check("a", 2).is_ok());
        assert!(keys.check("a", 2).is_err());
        assert!(keys.check("b", 1).is_ok());
        assert!(keys.check("b", 1).is_err());
        // A changed limit takes effect with a fresh bucket.
        assert!(keys.check("b", 5).is_ok());
    }

    #[test]
    fn each_user_has_a_bucket() {
        let throttle = PerUser::per_minute(2);
        assert!(throttle.check("a").is_ok());
        assert!(throttle.check("a").is_ok());
        assert!(throttle.check("a").is_err());
        assert!(throttle.check("b").is_ok());
    }
}
