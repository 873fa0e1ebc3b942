//! Limits on sign-in link requests, per email address and per client IP, so the endpoint
//! cannot be used to flood an inbox or to probe addresses. In memory, per instance: behind a
//! load balancer each instance allows its own share, which still bounds the flood.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

/// Past this many tracked keys, forget the ones whose bucket is full again.
const SWEEP_AT: usize = 10_000;

pub struct LoginLimiter {
    per_email: DefaultKeyedRateLimiter<String>,
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
}

impl LoginLimiter {
    pub fn new(per_email_per_hour: u32, per_ip_per_hour: u32) -> LoginLimiter {
        let quota = |n: u32| Quota::per_hour(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        LoginLimiter {
            per_email: RateLimiter::keyed(quota(per_email_per_hour)),
            per_ip: RateLimiter::keyed(quota(per_ip_per_hour)),
        }
    }

    /// Takes one request from both buckets, or says how long to wait.
    pub fn check(&self, email: &str, ip: Option<IpAddr>) -> Result<(), AppError> {
        self.sweep();
        let clock = DefaultClock::default();
        if let Some(ip) = ip {
            if let Err(not_until) = self.per_ip.check_key(&ip) {
                return Err(retry_after(not_until.wait_time_from(clock.now())));
            }
        }
        if let Err(not_until) = self.per_email.check_key(&email.to_string()) {
            return Err(retry_after(not_until.wait_time_from(clock.now())));
        }
        Ok(())
    }

    fn sweep(&self) {
        if self.per_email.len() > SWEEP_AT {
            self.per_email.retain_recent();
        }
        if self.per_ip.len() > SWEEP_AT {
            self.per_ip.retain_recent();
        }
    }
}

fn retry_after(wait: std::time::Duration) -> AppError {
    AppError::RateLimited {
        retry_after_secs: wait.as_secs().max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_email_and_per_ip() {
        let limiter = LoginLimiter::new(2, 3);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
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
}
