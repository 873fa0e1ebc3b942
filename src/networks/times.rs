//! Times a network gives us (waits, resets, token lifetimes, expiry claims) are untrusted
//! numbers: a hostile or broken server can send any of them. They are read here with bounds
//! and never turned into a `TimeDelta` or added to a date before being clamped, since
//! chrono panics on either overflow — and a panic in a job used to end its worker loop.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

/// The shortest wait a rate limit imposes: a reset already past still waits a moment.
pub const MIN_WAIT_SECS: i64 = 1;
/// The longest: every network's limits reset within a day (LinkedIn's daily quota, X's
/// 24-hour budget), so a longer wait is a lie that would pause an account for good.
pub const MAX_WAIT_SECS: i64 = 24 * 3600;
/// A token lifetime beyond this is not believed (LinkedIn's longest, refresh tokens, is a
/// year); the token is then treated as of unknown expiry, refreshed when refused.
pub const MAX_TOKEN_LIFETIME_SECS: u64 = 400 * 24 * 3600;

/// `now` plus `secs` seconds (fractions kept to the millisecond), `secs` clamped to
/// [0, [`MAX_WAIT_SECS`]] first; `None` for NaN.
pub fn after_secs(now: DateTime<Utc>, secs: f64) -> Option<DateTime<Utc>> {
    if secs.is_nan() {
        return None;
    }
    let millis = (secs.clamp(0.0, MAX_WAIT_SECS as f64) * 1000.0).ceil() as i64;
    now.checked_add_signed(TimeDelta::milliseconds(millis))
}

/// `at` moved into the window a wait may take: [now + 1 s, now + 24 h].
pub fn clamp_wait(now: DateTime<Utc>, at: DateTime<Utc>) -> DateTime<Utc> {
    let earliest = now + TimeDelta::seconds(MIN_WAIT_SECS);
    let latest = now + TimeDelta::seconds(MAX_WAIT_SECS);
    at.clamp(earliest, latest)
}

/// An epoch time in seconds (as a reset header gives it), read as a wait from `now` so that
/// no absurd epoch is ever built into a date.
pub fn at_epoch(now: DateTime<Utc>, epoch_secs: f64) -> Option<DateTime<Utc>> {
    after_secs(now, epoch_secs - now.timestamp() as f64)
}

/// When a token given with `lifetime_secs` to live ends; `None` for an absurd lifetime.
pub fn token_expiry(now: DateTime<Utc>, lifetime_secs: u64) -> Option<NaiveDateTime> {
    if lifetime_secs > MAX_TOKEN_LIFETIME_SECS {
        return None;
    }
    let lifetime = TimeDelta::try_seconds(lifetime_secs as i64)?;
    now.checked_add_signed(lifetime).map(|t| t.naive_utc())
}

/// An expiry claim (a JWT's `exp`, in epoch seconds), kept only when it is plausible: not
/// over a day in the past, not beyond the longest token lifetime.
pub fn expiry_claim(now: DateTime<Utc>, epoch_secs: i64) -> Option<NaiveDateTime> {
    let from_now = epoch_secs.checked_sub(now.timestamp())?;
    if from_now < -86_400 || from_now > MAX_TOKEN_LIFETIME_SECS as i64 {
        return None;
    }
    DateTime::<Utc>::from_timestamp(epoch_secs, 0).map(|t| t.naive_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-03-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn waits_stay_within_a_day() {
        let day = now() + TimeDelta::hours(24);
        assert_eq!(after_secs(now(), 9.3e15), Some(day));
        assert_eq!(after_secs(now(), f64::INFINITY), Some(day));
        assert_eq!(after_secs(now(), -5.0), Some(now()));
        assert_eq!(after_secs(now(), f64::NAN), None);
        assert_eq!(at_epoch(now(), 1e300), Some(day));
        assert_eq!(at_epoch(now(), -1e300), Some(now()));
        let far = DateTime::<Utc>::MAX_UTC;
        assert_eq!(clamp_wait(now(), far), day);
        assert_eq!(
            clamp_wait(now(), DateTime::<Utc>::MIN_UTC),
            now() + TimeDelta::seconds(1)
        );
    }

    #[test]
    fn absurd_expiries_are_not_believed() {
        assert_eq!(
            token_expiry(now(), 5_184_000),
            Some((now() + TimeDelta::days(60)).naive_utc())
        );
        assert_eq!(token_expiry(now(), u64::MAX), None);
        assert_eq!(token_expiry(now(), MAX_TOKEN_LIFETIME_SECS + 1), None);
        let in_two_hours = now().timestamp() + 7200;
        assert_eq!(
            expiry_claim(now(), in_two_hours),
            Some((now() + TimeDelta::hours(2)).naive_utc())
        );
        for absurd in [i64::MAX, i64::MIN, 0, now().timestamp() + 10_000_000_000] {
            assert_eq!(expiry_claim(now(), absurd), None, "{absurd}");
        }
    }
}
