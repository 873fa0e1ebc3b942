//! Tracked links: `GET /r/{code}` sends people to the story's link with UTM parameters and
//! counts the click, without waiting on the database. The code → target table is in memory
//! (`table`, kept current by `service::sync`), clicks are counted in memory (`counter`) and
//! written in batches (`service::flush`); crawlers and HEAD requests are counted apart as
//! previews (`bots`).

pub mod bots;
pub mod counter;
pub mod model;
pub mod repeats;
pub mod repo;
pub mod routes;
pub mod service;
pub mod table;

use std::sync::Mutex;

use chrono::NaiveDateTime;

use self::bots::Bots;
use self::counter::Counter;
use self::repeats::Repeats;
use self::table::LinkTable;

/// Lookups of unknown codes running at once in one process; more wait their turn (at most
/// `LOOKUP_WAIT`, then 503) rather than queueing on the pool (a flood of made-up codes must
/// not starve the API).
const LOOKUPS_AT_ONCE: usize = 4;

/// How long a redirect waits for a turn to look its code up before answering 503.
const LOOKUP_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

pub struct Links {
    pub table: LinkTable,
    pub counter: Counter,
    pub bots: Bots,
    /// Clients that clicked a link in the last window or two.
    pub repeats: Repeats,
    /// Clicks not counted because the client had just clicked (for `/metrics`).
    pub repeated: prometheus::IntCounter,
    /// Referrer hosts stored per share; further hosts count as `(other)`.
    pub referrer_hosts_per_share: usize,
    flush_lock: tokio::sync::Mutex<()>,
    synced_until: Mutex<Option<NaiveDateTime>>,
    lookups: tokio::sync::Semaphore,
}

impl Links {
    pub fn new(settings: &crate::config::LinksSettings) -> anyhow::Result<Links> {
        Ok(Links {
            table: LinkTable::default(),
            counter: Counter::default(),
            bots: Bots::default(),
            repeats: Repeats::new(std::time::Duration::from_secs(settings.repeat_window_secs)),
            repeated: prometheus::IntCounter::new(
                "vouch_link_repeated_clicks_total",
                "Redirects to people not counted as clicks: the client had followed the link in the last window",
            )?,
            referrer_hosts_per_share: settings.referrer_hosts_per_share,
            flush_lock: tokio::sync::Mutex::new(()),
            synced_until: Mutex::new(None),
            lookups: tokio::sync::Semaphore::new(LOOKUPS_AT_ONCE),
        })
    }
}

impl Links {
    fn synced_until(&self) -> Option<NaiveDateTime> {
        *self.synced_until.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn synced(&self, at: NaiveDateTime) {
        *self.synced_until.lock().unwrap_or_else(|e| e.into_inner()) = Some(at);
    }

    /// A turn to look a code up, waiting a moment for one: a burst on a code this process
    /// has not seen yet (a post going out through another instance) waits for the first
    /// lookup instead of failing, while a flood of unknown codes still queries a few at once.
    async fn lookup_permit(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        tokio::time::timeout(LOOKUP_WAIT, self.lookups.acquire())
            .await
            .ok()?
            .ok()
    }
}
