//! A process-wide count of local changes that can alter what public reads show (the org's
//! content version bumped, an API key revoked). Caches that answer without asking the
//! database (the careers page's keys and testimonials) re-read it when this count moved, so
//! a change made through this process shows in its next answer; changes made by other
//! processes show once the cache's own re-check interval has passed.
//!
//! A change inside a transaction counts twice: when it is made, and again when the
//! transaction ends (`db::transaction` calls `committed`), since a reader may have re-read
//! the old state in between.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

static EPOCH: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// A change was noted on this thread inside a transaction not yet ended.
    static PENDING: Cell<bool> = const { Cell::new(false) };
}

/// Something changed here: every cache built on the database's state checks again.
pub fn touched() {
    PENDING.with(|p| p.set(true));
    EPOCH.fetch_add(1, Ordering::AcqRel);
}

/// The outermost transaction on this thread ended: if it noted a change, count it again.
pub fn committed() {
    if PENDING.with(|p| p.replace(false)) {
        EPOCH.fetch_add(1, Ordering::AcqRel);
    }
}

pub fn epoch() -> u64 {
    EPOCH.load(Ordering::Acquire)
}
