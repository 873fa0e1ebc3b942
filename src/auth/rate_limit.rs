//! Limits on sign-in link requests, per email address and per client IP, so the endpoint
//! cannot be used to flood an inbox or to probe addresses. In memory, per instance: behind a
//! load balancer each instance allows its own share, which still bounds the flood.

use std::net::IpAddr;

use crate::throttle::bucket_of;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

/// How often buckets that are full again are forgotten.
const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// Keys tracked per limiter at most; past it the limiter sweeps sooner, then refuses new
/// requests rather than grow without bound.
const MAX_KEYS: usize = 100_000;
/// How soon a limiter at its cap may sweep again.
const SWEEP_AT_CAP_EVERY: Duration = Duration::from_secs(1);

pub struct LoginLimiter {
    per_email: DefaultKeyedRateLimiter<String>,
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    started: Instant,
    /// Milliseconds after `started` of the last sweep, so a sweep costs one request a
    /// minute, not every request.
    last_sweep_ms: AtomicU64,
    max_keys: usize,
}

impl LoginLimiter {
    pub fn new(per_email_per_hour: u32, per_ip_per_hour: u32) -> LoginLimiter {
        let quota = |n: u32| Quota::per_hour(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        LoginLimiter {
            per_email: RateLimiter::keyed(quota(per_email_per_hour)),
            per_ip: RateLimiter::keyed(quota(per_ip_per_hour)),
            started: Instant::now(),
            last_sweep_ms: AtomicU64::new(0),
            max_keys: MAX_KEYS,
        }
    }

    /// Takes one request from both buckets, or says how long to wait. IPv6 clients are
    /// counted per /64, the block one subscriber usually holds.
    pub fn check(&self, email: &str, ip: Option<IpAddr>) -> Result<(), AppError> {
        self.sweep_if_due(SWEEP_EVERY);
        if self.at_cap() {
            self.sweep_if_due(SWEEP_AT_CAP_EVERY);
            if self.at_cap() {
                return Err(retry_after(SWEEP_EVERY));
            }
        }
        // The limiters' own clock: making one (`DefaultClock::default()`) asks the CPU what
        // it supports each time, which costs tens of microseconds in a VM.
        if let Some(ip) = ip {
            if let Err(not_until) = self.per_ip.check_key(&bucket_of(ip)) {
                let now = self.per_ip.clock().now();
                return Err(retry_after(not_until.wait_time_from(now)));
            }
        }
        if let Err(not_until) = self.per_email.check_key(&email.to_string()) {
            let now = self.per_email.clock().now();
            return Err(retry_after(not_until.wait_time_from(now)));
        }
        Ok(())
    }

    fn at_cap(&self) -> bool {
        self.per_ip.len() >= self.max_keys || self.per_email.len() >= self.max_keys
    }

    /// Forgets full buckets if the last sweep is at least `every` old; of concurrent
    /// callers only the one that moves the timestamp sweeps.
    fn sweep_if_due(&self, every: Duration) {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let last = self.last_sweep_ms.load(Ordering::Relaxed);
        let every = u64::try_from(every.as_millis()).unwrap_or(u64::MAX);
        if now.saturating_sub(last) < every {
            return;
        }
        if self
            .last_sweep_ms
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        self.per_email.retain_recent();
        self.per_ip.retain_recent();
        self.per_email.shrink_to_fit();
        self.per_ip.shrink_to_fit();
        if self.at_cap() {
            tracing::warn!(
                keys = self.max_keys,
                "login limiter is full; refusing link requests until buckets refill"
            );
        }
    }
}

fn retry_after(wait: Duration) -> AppError {
    AppError::RateLimited {
        retry_after_secs: wait.as_secs().max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn limits_per_email_and_per_ip() {
        let limiter = LoginLimiter::new(2, 3);
        let ip = ip("127.0.0.1");
        assert!(limiter.check("a@x.io", Some(ip)).is_ok());
        assert!(limiter.check("a@x.io", Some(ip)).is_ok());
        assert!(matches!(
            limiter.check("a@x.io", Some(ip)),
            Err(AppError::RateLimited { .. })
        ));
        // The IP bucket spent its third token on the refused request above.
        assert!(limiter.check("b@x.io", Some(ip)).is_err());
        assert!(limiter.check("b@x.io", None).is_ok());
    }

    #[test]
    fn addresses_of_one_ipv6_64_share_a_bucket() {
        let limiter = LoginLimiter::new(100, 1);
        assert!(limiter.check("a@x.io", Some(ip("2001:db8:1:2::1"))).is_ok());
        assert!(limiter
            .check("b@x.io", Some(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")))
            .is_err());
        assert!(limiter.check("c@x.io", Some(ip("2001:db8:1:3::1"))).is_ok());
    }

    #[test]
    fn ipv4_mapped_ipv6_counts_as_ipv4() {
        let limiter = LoginLimiter::new(100, 1);
        assert!(limiter.check("a@x.io", Some(ip("192.0.2.7"))).is_ok());
        assert!(limiter
            .check("b@x.io", Some(ip("::ffff:192.0.2.7")))
            .is_err());
        // Its neighbour is another client, not one /64.
        assert!(limiter
            .check("c@x.io", Some(ip("::ffff:192.0.2.8")))
            .is_ok());
    }

    #[test]
    fn memory_is_bounded() {
        let mut limiter = LoginLimiter::new(100, 100);
        limiter.max_keys = 3;
        for i in 0..3 {
            assert!(limiter
                .check(&format!("{i}@x.io"), Some(ip(&format!("192.0.2.{i}"))))
                .is_ok());
        }
        // Every bucket is still refilling, so nothing can be forgotten: a new key is refused.
        assert!(matches!(
            limiter.check("new@x.io", Some(ip("198.51.100.1"))),
            Err(AppError::RateLimited { .. })
        ));
        assert!(limiter.per_ip.len() <= 3 && limiter.per_email.len() <= 3);
    }

    #[test]
    fn sweeps_at_most_once_per_interval() {
        let limiter = LoginLimiter::new(100, 100);
        std::thread::sleep(Duration::from_millis(5));
        limiter.sweep_if_due(Duration::from_millis(1));
        let swept = limiter.last_sweep_ms.load(Ordering::Relaxed);
        assert!(swept >= 5);
        limiter.sweep_if_due(SWEEP_EVERY);
        assert_eq!(limiter.last_sweep_ms.load(Ordering::Relaxed), swept);
    }
}
