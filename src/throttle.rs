//! A per-user throttle for endpoints that clients call in bursts (the claim check as people
//! type). Keyed by user id, so its memory is bounded by the number of accounts. Beside it,
//! one bucket per key (the careers page's API keys) and one per client address (attempts
//! that cost a look-up and prove nothing, such as API keys nobody issued).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use governor::clock::Clock;
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

/// A refusal that says how long to wait. The time comes from the limiter's own clock:
/// making a clock (`DefaultClock::default()`) asks the CPU what it supports (CPUID) each
/// time, which costs tens of microseconds in a VM, more than serving the request would.
fn wait(until: Duration) -> AppError {
    AppError::RateLimited {
        retry_after_secs: until.as_secs().max(1),
    }
}

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
            .map_err(|not_until| wait(not_until.wait_time_from(self.limiter.clock().now())))
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
        limiter
            .check()
            .map_err(|not_until| wait(not_until.wait_time_from(limiter.clock().now())))
    }
}

/// One bucket per client address, counted as the sign-in limits count them (an IPv6 client
/// by its /64, see [`bucket_of`]). Full buckets are forgotten once a
/// minute; at `MAX_CLIENTS` it refuses new clients rather than grow.
pub struct PerClient {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    started: Instant,
    last_sweep_ms: AtomicU64,
    max_clients: usize,
}

const MAX_CLIENTS: usize = 100_000;
const SWEEP_EVERY: Duration = Duration::from_secs(60);

impl PerClient {
    pub fn per_minute(n: u32) -> PerClient {
        let n = NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
        PerClient {
            limiter: RateLimiter::keyed(Quota::per_minute(n)),
            started: Instant::now(),
            last_sweep_ms: AtomicU64::new(0),
            max_clients: MAX_CLIENTS,
        }
    }

    /// Takes one attempt from the client's bucket, or says how long to wait (429). A request
    /// without a peer address shares one bucket with the others like it.
    pub fn check(&self, client: Option<IpAddr>) -> Result<(), AppError> {
        self.sweep_if_due();
        let bucket = client
            .map(bucket_of)
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        if self.limiter.len() >= self.max_clients {
            return Err(AppError::RateLimited {
                retry_after_secs: SWEEP_EVERY.as_secs(),
            });
        }
        self.limiter
            .check_key(&bucket)
            .map_err(|not_until| wait(not_until.wait_time_from(self.limiter.clock().now())))
    }

    /// Of concurrent callers, only the one that moves the timestamp sweeps.
    fn sweep_if_due(&self) {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let last = self.last_sweep_ms.load(Ordering::Relaxed);
        if now.saturating_sub(last) < SWEEP_EVERY.as_millis() as u64 {
            return;
        }
        if self
            .last_sweep_ms
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
    }
}

/// The bucket an address counts against: an IPv4 address (IPv4-mapped IPv6 included) by
/// itself, an IPv6 address by its /64, since one subscriber usually gets a whole /64.
pub fn bucket_of(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::{PerClient, PerKey, PerUser};

    #[test]
    fn each_client_has_a_bucket_and_an_ipv6_64_is_one_client() {
        let clients = PerClient::per_minute(2);
        let ip = |s: &str| Some(s.parse().unwrap());
        assert!(clients.check(ip("192.0.2.1")).is_ok());
        assert!(clients.check(ip("192.0.2.1")).is_ok());
        assert!(clients.check(ip("192.0.2.1")).is_err());
        assert!(clients.check(ip("192.0.2.2")).is_ok());
        assert!(clients.check(ip("2001:db8::1")).is_ok());
        assert!(clients.check(ip("2001:db8::2")).is_ok());
        assert!(clients.check(ip("2001:db8::ffff")).is_err());
        assert!(clients.check(None).is_ok());
    }

    #[test]
    fn memory_is_bounded() {
        let mut clients = PerClient::per_minute(5);
        clients.max_clients = 3;
        for i in 0..3 {
            assert!(clients
                .check(Some(format!("192.0.2.{i}").parse().unwrap()))
                .is_ok());
        }
        assert!(clients
            .check(Some("198.51.100.1".parse().unwrap()))
            .is_err());
    }

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
