//! The one place where an HTTP answer becomes a [`NetworkError`]: failures classified by
//! whether the call created something, and every network's rate-limit signal read the same way.

use chrono::{DateTime, NaiveTime, TimeDelta, Utc};
use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, StatusCode};

use super::{times, NetworkError, NetworkKind};

/// Whether a failed call may have had an effect that a blind retry would repeat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Call {
    /// Creates a post: a timeout, a reset or a 5xx leaves the outcome unknown.
    Create,
    /// Reads, deletes, refreshes: safe to repeat, so a failure is transient.
    Idempotent,
}

/// A network's answer, read whole (up to [`MAX_BODY`]).
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// Who answered, for the log.
    pub host: String,
}

/// More than any answer of the four APIs; a server sending more is cut off there, so that a
/// hostile one cannot fill the memory.
const MAX_BODY: usize = 1 << 20;
/// How much of a body the log keeps.
const LOGGED_BODY_CHARS: usize = 500;

impl Answer {
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as text, for rules that must read it (X tells a duplicate only in prose);
    /// never for what a caller sees.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// What may be said of this answer to whoever caused the call: the status and, when the
    /// body names one, the network's error code (`RecordNotFound`, `invalid_grant`,
    /// `DUPLICATE_POST`). Never the body's text: the server chose it (a Mastodon instance, a
    /// Bluesky service: any server a user names), and it would reach the caller, a share's
    /// error and the mail about it. The body goes to the log instead, cut short and escaped.
    pub fn message(&self) -> String {
        let body: String = self.text().chars().take(LOGGED_BODY_CHARS).collect();
        tracing::info!(
            host = %self.host,
            status = self.status.as_u16(),
            body = %body.escape_debug(),
            "a network's answer (not shown to the caller)"
        );
        match self.code() {
            Some(code) => format!("the server answered {} {code}", self.status.as_u16()),
            None => format!("the server answered {}", self.status.as_u16()),
        }
    }

    /// The machine-readable error code of a JSON body, if it has one that looks like a code.
    fn code(&self) -> Option<String> {
        let json = self.json()?;
        ["error", "code", "serviceErrorCode", "title"]
            .iter()
            .filter_map(|field| match &json[*field] {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .find(|code| is_code(code))
    }

    pub fn success(&self) -> bool {
        self.status.is_success()
    }
}

/// A word a program would write (`ExpiredToken`, `invalid_grant`, `65600`), not prose.
pub(crate) fn is_code(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

/// Sends the request and reads the whole answer; transport failures are classified by `call`.
pub(crate) async fn send(request: RequestBuilder, call: Call) -> Result<Answer, NetworkError> {
    let mut response = request.send().await.map_err(|e| transport(&e, call))?;
    let status = response.status();
    let headers = response.headers().clone();
    let host = response.url().host_str().unwrap_or_default().to_string();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| transport(&e, call))? {
        body.extend_from_slice(&chunk[..chunk.len().min(MAX_BODY - body.len())]);
        if body.len() >= MAX_BODY {
            break;
        }
    }
    Ok(Answer {
        status,
        headers,
        body,
        host,
    })
}

fn transport(error: &reqwest::Error, call: Call) -> NetworkError {
    // Refused before any connection: a permanent refusal, not an outage to wait out.
    if super::egress::refused(error) {
        return super::egress::not_public();
    }
    // Described without reqwest's text, which carries the URL (and any query it has).
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the answer broke off"
    } else {
        "the connection failed"
    };
    // A refused connection never reached the network: nothing can have been created.
    if call == Call::Create && !error.is_connect() {
        NetworkError::Unknown(what.into())
    } else {
        NetworkError::Transient(what.into())
    }
}

/// The error for an answer that no network-specific rule claimed: 429 with the network's reset
/// time, 401, 5xx (unknown on create, transient otherwise), other 4xx rejected.
pub(crate) fn classify(kind: NetworkKind, call: Call, answer: &Answer) -> NetworkError {
    let status = answer.status;
    if status == StatusCode::TOO_MANY_REQUESTS {
        return NetworkError::RateLimited {
            retry_at: rate_limit_from(kind, &answer.headers, Utc::now()),
        };
    }
    if status == StatusCode::UNAUTHORIZED {
        return NetworkError::Unauthorized(answer.message());
    }
    if status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT {
        return match call {
            Call::Create => NetworkError::Unknown(answer.message()),
            Call::Idempotent => NetworkError::Transient(answer.message()),
        };
    }
    if status.is_success() {
        // A 2xx whose body could not be read as the contract says.
        let message = format!("unexpected answer: {}", answer.message());
        return match call {
            Call::Create => NetworkError::Unknown(message),
            Call::Idempotent => NetworkError::Transient(message),
        };
    }
    NetworkError::Rejected(answer.message())
}

/// When a rate-limited account may call again, from whichever signal the answer carries:
/// `Retry-After` (seconds or an HTTP date), X's `x-rate-limit-reset` (epoch seconds, or its
/// daily `x-user-limit-24hour-reset` when that budget is spent), Mastodon's
/// `X-RateLimit-Reset` (ISO 8601), Bluesky's `RateLimit-Reset` (epoch seconds). Several
/// signals: the latest wins. None: LinkedIn's daily limits reset at the next midnight UTC,
/// the others are tried again in a minute. Always between a second and a day from `now`
/// (see [`times`]), whatever the network wrote.
pub fn rate_limit_from(
    kind: NetworkKind,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let mut found: Vec<DateTime<Utc>> = Vec::new();
    if let Some(value) = header("retry-after") {
        if let Some(at) = seconds(value).and_then(|secs| times::after_secs(now, secs)) {
            found.push(at);
        } else if let Ok(date) = DateTime::parse_from_rfc2822(value) {
            found.push(date.with_timezone(&Utc));
        }
    }
    for name in ["x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset"] {
        if let Some(at) = header(name).and_then(|v| reset_time(v, now)) {
            found.push(at);
        }
    }
    if header("x-user-limit-24hour-remaining") == Some("0") {
        if let Some(at) = header("x-user-limit-24hour-reset").and_then(|v| reset_time(v, now)) {
            found.push(at);
        }
    }
    let at = match found.into_iter().max() {
        Some(at) => at,
        None if kind == NetworkKind::Linkedin => next_midnight_utc(now),
        None => now + TimeDelta::seconds(60),
    };
    times::clamp_wait(now, at)
}

/// A number of seconds as headers write them (`120`, `1740823500`, `12.5`), however large:
/// as a float, so that no number overflows while it is read.
fn seconds(value: &str) -> Option<f64> {
    value.parse::<f64>().ok()
}

/// A reset header's value: epoch seconds, seconds from now (small numbers, as in the IETF
/// draft), or an ISO 8601 timestamp.
fn reset_time(value: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if let Some(number) = seconds(value) {
        return if number > 1_000_000_000.0 {
            times::at_epoch(now, number)
        } else {
            times::after_secs(now, number)
        };
    }
    DateTime::parse_from_rfc3339(value)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

fn next_midnight_utc(now: DateTime<Utc>) -> DateTime<Utc> {
    match now.date_naive().succ_opt() {
        Some(tomorrow) => tomorrow.and_time(NaiveTime::MIN).and_utc(),
        None => now + TimeDelta::hours(24),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn each_networks_signal_is_read() {
        let now = at("2025-03-01T10:00:00Z");
        let from = |kind, h: &[(&str, &str)]| rate_limit_from(kind, &headers(h), now);
        use NetworkKind::*;
        assert_eq!(
            from(X, &[("retry-after", "120")]),
            at("2025-03-01T10:02:00Z")
        );
        assert_eq!(
            from(X, &[("Retry-After", "Sat, 01 Mar 2025 10:05:00 GMT")]),
            at("2025-03-01T10:05:00Z")
        );
        assert_eq!(
            from(X, &[("x-rate-limit-reset", "1740823500")]),
            at("2025-03-01T10:05:00Z")
        );
        assert_eq!(
            from(
                X,
                &[
                    ("x-rate-limit-reset", "1740823500"),
                    ("x-user-limit-24hour-remaining", "0"),
                    ("x-user-limit-24hour-reset", "1740880800"),
                ]
            ),
            at("2025-03-02T02:00:00Z")
        );
        assert_eq!(
            from(
                Mastodon,
                &[("X-RateLimit-Reset", "2025-03-01T10:04:59.123Z")]
            ),
            at("2025-03-01T10:04:59.123Z")
        );
        assert_eq!(
            from(Bluesky, &[("RateLimit-Reset", "1740823800")]),
            at("2025-03-01T10:10:00Z")
        );
        assert_eq!(from(Linkedin, &[]), at("2025-03-02T00:00:00Z"));
        assert_eq!(from(Mastodon, &[]), at("2025-03-01T10:01:00Z"));
        // A reset already past still waits a moment rather than hammering.
        assert_eq!(
            from(Bluesky, &[("RateLimit-Reset", "1740823000")]),
            at("2025-03-01T10:00:01Z")
        );
    }

    #[test]
    fn an_absurd_signal_waits_a_day_at_most() {
        let now = at("2025-03-01T10:00:00Z");
        let day = at("2025-03-02T10:00:00Z");
        use NetworkKind::*;
        for (kind, name, value) in [
            (Mastodon, "retry-after", "9300000000000000"),
            (Mastodon, "retry-after", "99999999999999999999999999999"),
            (X, "retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"),
            (X, "x-rate-limit-reset", "9300000000000000"),
            (Mastodon, "x-ratelimit-reset", "9999-12-31T23:59:59Z"),
            (Bluesky, "ratelimit-reset", "1e300"),
            (Bluesky, "ratelimit-reset", "inf"),
        ] {
            let at = rate_limit_from(kind, &headers(&[(name, value)]), now);
            assert_eq!(at, day, "{name}: {value}");
        }
        for (name, value) in [("retry-after", "-30"), ("retry-after", "NaN")] {
            let at = rate_limit_from(Mastodon, &headers(&[(name, value)]), now);
            assert!(
                at > now && at <= now + TimeDelta::seconds(60),
                "{value}: {at}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn no_header_value_panics_or_leaves_the_window(
            value in "\\PC{0,40}|[0-9eE+.-]{1,40}",
            which in 0usize..5,
            secs in -4_000_000_000_000i64..4_000_000_000_000,
        ) {
            let name = ["retry-after", "x-rate-limit-reset", "x-ratelimit-reset",
                        "ratelimit-reset", "x-user-limit-24hour-reset"][which];
            let now = DateTime::<Utc>::from_timestamp(secs.clamp(0, 8_000_000_000), 0).unwrap();
            let Ok(value) = HeaderValue::from_str(&value) else { return Ok(()); };
            let mut map = headers(&[("x-user-limit-24hour-remaining", "0")]);
            map.insert(HeaderName::from_static(name), value);
            for kind in NetworkKind::ALL {
                let at = rate_limit_from(kind, &map, now);
                proptest::prop_assert!(at > now && at <= now + TimeDelta::hours(24));
            }
        }
    }
}
