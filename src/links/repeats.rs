//! Who already clicked: a client (its address and user agent) counts once per link per
//! window, so one client cannot inflate a share's clicks by following its link in a loop.
//!
//! Nothing that identifies a person is kept. Each window has its own random key, and what
//! is remembered is a 64-bit keyed hash (SipHash) of address, user agent and share: without
//! the key, which never leaves memory, a hash cannot be matched to an address, and each key
//! is dropped one window after it was made. Two windows are kept (this one and the last),
//! so a client is remembered for between one and two windows. Memory is bounded: a window
//! whose set is full ends early, which at worst lets a repeat count again during a flood.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use dashmap::DashSet;

/// Clients remembered per window at most (about 40 bytes each).
const PER_WINDOW: usize = 200_000;

struct Generation {
    key: RandomState,
    seen: DashSet<u64>,
}

impl Generation {
    fn new() -> Generation {
        Generation {
            key: RandomState::new(),
            seen: DashSet::new(),
        }
    }

    fn hash(&self, client: (Option<IpAddr>, &str, &str)) -> u64 {
        self.key.hash_one(client)
    }
}

struct Windows {
    current: Generation,
    last: Generation,
    started: Instant,
}

pub struct Repeats {
    window: Duration,
    capacity: usize,
    windows: RwLock<Windows>,
}

impl Repeats {
    /// A window of zero counts every click.
    pub fn new(window: Duration) -> Repeats {
        Repeats::with_capacity(window, PER_WINDOW)
    }

    fn with_capacity(window: Duration, capacity: usize) -> Repeats {
        Repeats {
            window,
            capacity: capacity.max(1),
            windows: RwLock::new(Windows {
                current: Generation::new(),
                last: Generation::new(),
                started: Instant::now(),
            }),
        }
    }

    /// Whether this is the client's first click on the share in the window (and remembers
    /// it if so).
    pub fn first(&self, ip: Option<IpAddr>, user_agent: &str, share_id: &str) -> bool {
        if self.window.is_zero() {
            return true;
        }
        self.rotate_if_due();
        let client = (ip, user_agent, share_id);
        let windows = self.windows.read().unwrap_or_else(|e| e.into_inner());
        if windows.last.seen.contains(&windows.last.hash(client)) {
            return false;
        }
        windows.current.seen.insert(windows.current.hash(client))
    }

    fn rotate_if_due(&self) {
        let due = |w: &Windows| {
            w.started.elapsed() >= self.window || w.current.seen.len() >= self.capacity
        };
        if !due(&self.windows.read().unwrap_or_else(|e| e.into_inner())) {
            return;
        }
        let mut windows = self.windows.write().unwrap_or_else(|e| e.into_inner());
        // Another request may have rotated while this one waited for the lock.
        if due(&windows) {
            windows.last = std::mem::replace(&mut windows.current, Generation::new());
            windows.started = Instant::now();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn a_client_counts_once_per_share_in_a_window() {
        let repeats = Repeats::new(Duration::from_secs(60));
        assert!(repeats.first(ip("192.0.2.1"), "Firefox", "s1"));
        assert!(!repeats.first(ip("192.0.2.1"), "Firefox", "s1"));
        assert!(repeats.first(ip("192.0.2.1"), "Firefox", "s2"));
        assert!(repeats.first(ip("192.0.2.1"), "Safari", "s1"));
        assert!(repeats.first(ip("192.0.2.2"), "Firefox", "s1"));
        assert!(repeats.first(None, "Firefox", "s1"));
        assert!(!repeats.first(None, "Firefox", "s1"));
    }

    #[test]
    fn a_client_is_forgotten_after_two_windows() {
        let repeats = Repeats::new(Duration::from_millis(40));
        assert!(repeats.first(ip("192.0.2.1"), "Firefox", "s1"));
        std::thread::sleep(Duration::from_millis(50));
        // The last window still remembers it.
        assert!(!repeats.first(ip("192.0.2.1"), "Firefox", "s1"));
        std::thread::sleep(Duration::from_millis(100));
        assert!(repeats.first(ip("192.0.2.1"), "Firefox", "s1"));
    }

    #[test]
    fn memory_is_bounded_by_ending_a_full_window_early() {
        let repeats = Repeats::with_capacity(Duration::from_secs(3600), 10);
        for i in 0..1000 {
            repeats.first(ip(&format!("10.0.{}.{}", i / 256, i % 256)), "ua", "s");
        }
        let windows = repeats.windows.read().unwrap();
        assert!(windows.current.seen.len() <= 10 && windows.last.seen.len() <= 10);
    }

    #[test]
    fn a_zero_window_counts_every_click() {
        let repeats = Repeats::new(Duration::ZERO);
        assert!(repeats.first(ip("192.0.2.1"), "Firefox", "s1"));
        assert!(repeats.first(ip("192.0.2.1"), "Firefox", "s1"));
    }
}
