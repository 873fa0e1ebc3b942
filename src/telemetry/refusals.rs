//! A client over its limit is answered 429 as often as it asks, and each answer wrote an
//! access line: the refusal cost more than the answer it stood for, and a flood filled the
//! logs. So a 429 is logged once per route and key per window (the first, as the usual
//! access line), and the rest of the window is one line: `requests refused`, with the route,
//! the key and how many.
//!
//! The key is what was refused: whatever the handler names ([`RefusedKey`], e.g. an API
//! key's id), else the client's address. At most `MAX_KEYS` are counted apart in a window;
//! past it, the others share one count.

use std::sync::LazyLock;
use std::time::Duration;

use dashmap::DashMap;

/// How often the counts are written out (and the next refusal of each key logged again).
pub const WINDOW: Duration = Duration::from_secs(10);

const MAX_KEYS: usize = 10_000;
const OTHERS: &str = "(others)";

/// What a 429 refused, when the handler knows better than the client's address (a key's id,
/// never a secret). Set in the response's extensions.
#[derive(Debug, Clone)]
pub struct RefusedKey(pub String);

static COUNTS: LazyLock<DashMap<(String, String), u64>> = LazyLock::new(DashMap::new);

/// Counts a refusal; `true` for the first of its key in the window, which is logged as it is.
pub fn note(route: &str, key: &str) -> bool {
    let mut pair = (route.to_string(), key.to_string());
    if COUNTS.len() >= MAX_KEYS && !COUNTS.contains_key(&pair) {
        pair.1 = OTHERS.to_string();
    }
    let mut count = COUNTS.entry(pair).or_insert(0);
    *count += 1;
    *count == 1
}

/// Writes one line per key refused more than once since the last call, and starts a new
/// window. Called every [`WINDOW`] and once more when the server has stopped.
pub fn summarise() {
    COUNTS.retain(|(route, key), count| {
        if *count > 1 {
            tracing::info!(
                route = %route,
                key = %key,
                refused = *count - 1,
                window_secs = WINDOW.as_secs(),
                "requests refused"
            );
        }
        false
    });
}

/// The periodic [`summarise`], on the runtime of `vouch serve`.
pub fn spawn() {
    tokio::spawn(async {
        let mut tick = tokio::time::interval(WINDOW);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            summarise();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_refusal_of_a_key_is_logged_and_the_rest_counted() {
        let route = "/refusals-test/first";
        assert!(note(route, "a"));
        assert!(!note(route, "a"));
        assert!(!note(route, "a"));
        assert!(note(route, "b"));
        let count = |key: &str| {
            COUNTS
                .get(&(route.to_string(), key.to_string()))
                .map(|c| *c)
        };
        assert_eq!((count("a"), count("b")), (Some(3), Some(1)));
        summarise();
        assert_eq!(count("a"), None);
        // A new window logs the first refusal again.
        assert!(note(route, "a"));
    }
}
