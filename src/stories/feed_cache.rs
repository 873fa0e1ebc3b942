//! Rendered pages of the ambassadors' feed, kept in memory. Every ambassador of an org reads
//! the same pages, over and over, while the stories behind them rarely change: a page is
//! kept with the org's content version it was read under and the moment it stops being
//! true on its own (a verification or a story expiring, a scheduled story coming in). It is
//! served only to a request that read that same version with its caller, and before that
//! moment; any change through the story command path (in any process) bumps the version,
//! so a disputed claim takes a story out of the next answer as it always did.

use std::collections::HashMap;
use std::sync::Mutex;

use actix_web::web::Bytes;
use chrono::NaiveDateTime;

/// What tells one page from another: the org, the filters as the query normalised them, the
/// cursor and the page size.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FeedKey {
    pub org_id: String,
    pub topic: Option<String>,
    pub language: Option<String>,
    pub search: Option<String>,
    pub cursor: Option<String>,
    pub limit: i64,
}

struct Entry {
    version: i64,
    valid_until: Option<NaiveDateTime>,
    body: Bytes,
}

/// A bounded map of pages. Past its bound it starts afresh: searches (`q`) make the keys
/// unbounded, and a forgotten page only costs one read of the database.
pub struct FeedCache {
    max_bytes: usize,
    inner: Mutex<Pages>,
}

#[derive(Default)]
struct Pages {
    entries: HashMap<FeedKey, Entry>,
    bytes: usize,
}

impl FeedCache {
    pub fn new(max_bytes: usize) -> FeedCache {
        FeedCache {
            max_bytes,
            inner: Mutex::new(Pages::default()),
        }
    }

    /// The page kept for `key`, if it was read under `version` and still holds at `now`.
    pub fn get(&self, key: &FeedKey, version: i64, now: NaiveDateTime) -> Option<Bytes> {
        let pages = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let entry = pages.entries.get(key)?;
        let fresh = entry.version == version && entry.valid_until.is_none_or(|t| now < t);
        fresh.then(|| entry.body.clone())
    }

    /// Keeps `body`, read under `version`, until `valid_until`.
    pub fn put(&self, key: FeedKey, version: i64, valid_until: Option<NaiveDateTime>, body: Bytes) {
        if body.len() > self.max_bytes {
            return;
        }
        let mut pages = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = pages.entries.get(&key) {
            // Another request may have kept a page read under a newer version meanwhile.
            if old.version > version {
                return;
            }
        }
        if pages.bytes + body.len() > self.max_bytes {
            pages.entries.clear();
            pages.bytes = 0;
        }
        pages.bytes += body.len();
        let entry = Entry {
            version,
            valid_until,
            body,
        };
        if let Some(old) = pages.entries.insert(key, entry) {
            pages.bytes -= old.body.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDate};

    fn key(org: &str) -> FeedKey {
        FeedKey {
            org_id: org.into(),
            topic: None,
            language: None,
            search: None,
            cursor: None,
            limit: 20,
        }
    }

    fn at(minutes: i64) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
            + Duration::minutes(minutes)
    }

    #[test]
    fn a_page_is_served_only_under_its_version_and_before_it_lapses() {
        let cache = FeedCache::new(1 << 20);
        cache.put(key("a"), 3, Some(at(10)), Bytes::from_static(b"page"));
        assert_eq!(
            cache.get(&key("a"), 3, at(0)).as_deref(),
            Some(&b"page"[..])
        );
        assert!(cache.get(&key("a"), 4, at(0)).is_none(), "the org changed");
        assert!(
            cache.get(&key("a"), 3, at(10)).is_none(),
            "something in it lapsed"
        );
        assert!(cache.get(&key("b"), 3, at(0)).is_none(), "another org");
    }

    #[test]
    fn an_older_read_does_not_replace_a_newer_page() {
        let cache = FeedCache::new(1 << 20);
        cache.put(key("a"), 5, None, Bytes::from_static(b"new"));
        cache.put(key("a"), 4, None, Bytes::from_static(b"old"));
        assert_eq!(cache.get(&key("a"), 5, at(0)).as_deref(), Some(&b"new"[..]));
    }

    #[test]
    fn it_stays_within_its_bound() {
        let cache = FeedCache::new(10);
        cache.put(key("a"), 1, None, Bytes::from_static(b"123456"));
        cache.put(key("b"), 1, None, Bytes::from_static(b"123456"));
        assert!(cache.get(&key("a"), 1, at(0)).is_none());
        assert!(cache.get(&key("b"), 1, at(0)).is_some());
        cache.put(key("c"), 1, None, Bytes::from_static(b"12345678901"));
        assert!(
            cache.get(&key("c"), 1, at(0)).is_none(),
            "larger than the bound"
        );
    }
}
