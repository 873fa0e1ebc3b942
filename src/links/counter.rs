//! Clicks and previews counted in memory, per share, day, referrer host and device, until
//! a flush writes them. A flush takes a snapshot, writes it in one transaction, and only
//! after the commit subtracts what it wrote: a failed flush leaves every count in place for
//! the next one, and hits counted while it ran are kept for the next one too.

use std::sync::Arc;

use chrono::NaiveDate;
use dashmap::DashMap;

use super::model::Device;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub share_id: Arc<str>,
    pub day: NaiveDate,
    /// `""` when the hit carried no readable `Referer`.
    pub referrer_host: Box<str>,
    pub device: Device,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Redirects served to people.
    pub clicks: u64,
    /// Redirects served to crawlers, link-preview fetchers and HEAD requests.
    pub previews: u64,
}

impl Tally {
    fn is_zero(&self) -> bool {
        self.clicks == 0 && self.previews == 0
    }
}

#[derive(Default)]
pub struct Counter {
    tallies: DashMap<Key, Tally>,
}

impl Counter {
    pub fn record(&self, key: Key, person: bool) {
        let mut tally = self.tallies.entry(key).or_default();
        if person {
            tally.clicks += 1;
        } else {
            tally.previews += 1;
        }
    }

    /// What is counted and not yet written, in key order (so that concurrent flushes of
    /// several processes lock rows in one order).
    pub fn snapshot(&self) -> Vec<(Key, Tally)> {
        let mut batch: Vec<(Key, Tally)> = self
            .tallies
            .iter()
            .filter(|t| !t.value().is_zero())
            .map(|t| (t.key().clone(), *t.value()))
            .collect();
        batch.sort_by(|a, b| a.0.cmp(&b.0));
        batch
    }

    /// Takes away what a committed flush wrote; keys left at zero go.
    pub fn subtract(&self, written: &[(Key, Tally)]) {
        for (key, done) in written {
            if let Some(mut tally) = self.tallies.get_mut(key) {
                tally.clicks -= done.clicks.min(tally.clicks);
                tally.previews -= done.previews.min(tally.previews);
            }
            self.tallies.remove_if(key, |_, t| t.is_zero());
        }
    }

    /// Hits counted and not yet written (clicks, previews).
    pub fn pending(&self) -> (u64, u64) {
        self.tallies.iter().fold((0, 0), |(c, p), t| {
            (c + t.value().clicks, p + t.value().previews)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(share: &str) -> Key {
        Key {
            share_id: share.into(),
            day: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            referrer_host: "".into(),
            device: Device::Mobile,
        }
    }

    #[test]
    fn counts_made_during_a_flush_survive_it() {
        let counter = Counter::default();
        for _ in 0..3 {
            counter.record(key("a"), true);
        }
        counter.record(key("a"), false);
        let batch = counter.snapshot();
        assert_eq!(
            batch[0].1,
            Tally {
                clicks: 3,
                previews: 1
            }
        );
        counter.record(key("a"), true);
        counter.subtract(&batch);
        assert_eq!(counter.pending(), (1, 0));
        counter.subtract(&counter.snapshot());
        assert_eq!(counter.pending(), (0, 0));
        assert!(counter.snapshot().is_empty());
    }
}
