//! Keeping the in-memory table current and the counts written.
//!
//! - **Sync.** At start every share's link is loaded. Then, every `links.sync_interval_ms`,
//!   the process reads what was written since its last look (shares, stories, orgs, each by
//!   an indexed `updated_at`), looking back `OVERLAP` further: a transaction commits after
//!   it stamped its rows, and another process's clock may be a little behind ours. A code the
//!   table does not know yet (a share made a moment ago by another process) costs one
//!   indexed lookup, then it is kept.
//! - **Flush.** Every `links.flush_interval_ms` the counts go to `link_clicks` in one
//!   transaction (upserts adding to what is stored), subtracted from memory only once it
//!   committed: a failed flush is retried with everything it held. `vouch serve` flushes a
//!   last time once the server has stopped taking requests (SIGTERM, Ctrl-C).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;

use super::model::is_code;
use super::repo::{self, ClickRow};
use super::table::{Link, LinkRow};
use crate::claims::policy::Policy;
use crate::db::{self, DbConn};
use crate::error::AppResult;
use crate::ids;
use crate::shares::model::ShareView;
use crate::state::AppState;

/// How far before its last look each sync reads again (see the module's doc).
const OVERLAP: chrono::Duration = chrono::Duration::seconds(30);

fn fallback_of(policy_json: &str) -> Option<String> {
    Policy::from_json(policy_json).retracted_link_fallback_url
}

/// Loads every link and every org's fallback page (at start, before serving).
pub async fn load(state: &AppState) -> AppResult<usize> {
    let started = ids::now();
    let (rows, orgs) = db::run(&state.pool, |conn| -> AppResult<_> {
        Ok((repo::all(conn)?, repo::all_org_policies(conn)?))
    })
    .await?;
    apply(state, &rows, &orgs, started);
    Ok(rows.len())
}

/// Reads what changed since the last look and applies it; returns how many links it read.
pub async fn sync(state: &AppState) -> AppResult<usize> {
    let Some(last) = state.links.synced_until() else {
        return load(state).await;
    };
    let started = ids::now();
    let since = last - OVERLAP;
    let (rows, orgs) = db::run(&state.pool, move |conn| -> AppResult<_> {
        Ok((
            repo::changed_since(conn, since)?,
            repo::orgs_changed_since(conn, since)?,
        ))
    })
    .await?;
    apply(state, &rows, &orgs, started);
    Ok(rows.len())
}

fn apply(state: &AppState, rows: &[LinkRow], orgs: &[(String, String)], at: NaiveDateTime) {
    let table = &state.links.table;
    for (org_id, policy) in orgs {
        table.set_fallback(org_id, fallback_of(policy).as_deref());
    }
    for row in rows {
        table.put(row);
    }
    // Codes that were unknown may be known now; a share made after this read is found by
    // the next sync or by its own lookup.
    table.forget_misses();
    state.links.synced(at);
}

/// What a code the table does not know turns out to be.
pub enum Lookup {
    Found(Arc<Link>),
    Unknown,
    /// The database did not answer.
    Unavailable,
}

/// One indexed lookup for a code the table does not know (a share just made by another
/// process); a code found is kept, one not found is not looked up again before the next
/// sync. Malformed codes and lookups beyond a few at once are answered without a query.
pub async fn lookup(state: &AppState, code: &str) -> Lookup {
    let links = &state.links;
    if !is_code(code) || links.table.missed(code) {
        return Lookup::Unknown;
    }
    let Some(_permit) = links.lookup_permit().await else {
        return Lookup::Unavailable;
    };
    // Whoever held the turn before may have loaded this very code.
    if let Some(link) = links.table.get(code) {
        return Lookup::Found(link);
    }
    let owned = code.to_string();
    let found = db::run(&state.pool, move |conn| -> AppResult<_> {
        let Some(row) = repo::by_code(conn, &owned)? else {
            return Ok(None);
        };
        let policy = repo::org_policy(conn, &row.org_id)?;
        Ok(Some((row, policy)))
    })
    .await;
    match found {
        Ok(Some((row, policy))) => {
            links.table.set_fallback(
                &row.org_id,
                policy.as_deref().and_then(fallback_of).as_deref(),
            );
            Lookup::Found(links.table.put(&row))
        }
        Ok(None) => {
            links.table.remember_miss(code);
            Lookup::Unknown
        }
        Err(e) => {
            tracing::warn!(error = %e, "looking up a tracked code failed");
            Lookup::Unavailable
        }
    }
}

/// Writes what is counted in one transaction; returns the hits written. Only one flush
/// runs at a time in a process, and counts are subtracted only after the commit.
pub async fn flush(state: &AppState) -> AppResult<u64> {
    let links = state.links.clone();
    let _one_at_a_time = links.flush_lock.lock().await;
    let batch = links.counter.snapshot();
    if batch.is_empty() {
        return Ok(0);
    }
    let rows: Vec<ClickRow> = batch
        .iter()
        .map(|(key, tally)| ClickRow {
            share_id: key.share_id.to_string(),
            day: key.day,
            referrer_host: key.referrer_host.to_string(),
            device: key.device.as_str().to_string(),
            clicks: tally.clicks as i64,
            previews: tally.previews as i64,
        })
        .collect();
    let cap = links.referrer_hosts_per_share;
    db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| {
            let mut ids: Vec<String> = rows.iter().map(|r| r.share_id.clone()).collect();
            ids.dedup();
            let mut stored = Vec::new();
            for chunk in ids.chunks(500) {
                stored.extend(repo::stored_hosts(conn, chunk)?);
            }
            repo::add(conn, &capped(rows, stored, cap))
        })
    })
    .await?;
    links.counter.subtract(&batch);
    Ok(batch.iter().map(|(_, t)| t.clicks + t.previews).sum())
}

/// What a share's clicks from hosts beyond its first `cap` are stored under.
pub const OTHER_HOSTS: &str = "(other)";

/// `rows` with the referrer hosts of each share held to `cap` (besides "no referrer"): a
/// host already stored for the share keeps its rows, new hosts take the free places in
/// order, and the rest are added up under [`OTHER_HOSTS`], so `link_clicks` does not grow a
/// row for every `Referer` a client makes up. Sorted by key, as the flush writes them.
fn capped(rows: Vec<ClickRow>, stored: Vec<(String, String)>, cap: usize) -> Vec<ClickRow> {
    use std::collections::{BTreeMap, HashSet};
    let counts = |host: &str| !host.is_empty() && host != OTHER_HOSTS;
    let mut hosts: HashMap<String, HashSet<String>> = HashMap::new();
    for (share, host) in stored.into_iter().filter(|(_, h)| counts(h)) {
        hosts.entry(share).or_default().insert(host);
    }
    let mut merged: BTreeMap<(String, chrono::NaiveDate, String, String), (i64, i64)> =
        BTreeMap::new();
    for mut row in rows {
        if counts(&row.referrer_host) {
            let known = hosts.entry(row.share_id.clone()).or_default();
            if !known.contains(&row.referrer_host) {
                if known.len() < cap {
                    known.insert(row.referrer_host.clone());
                } else {
                    row.referrer_host = OTHER_HOSTS.to_string();
                }
            }
        }
        let sum = merged
            .entry((row.share_id, row.day, row.referrer_host, row.device))
            .or_default();
        sum.0 += row.clicks;
        sum.1 += row.previews;
    }
    merged
        .into_iter()
        .map(
            |((share_id, day, referrer_host, device), (clicks, previews))| ClickRow {
                share_id,
                day,
                referrer_host,
                device,
                clicks,
                previews,
            },
        )
        .collect()
}

/// The last flush, once the server stopped taking requests: retried until it goes through
/// or `patience` is spent (then what could not be written is logged as an error).
pub async fn flush_at_shutdown(state: &AppState, patience: Duration) {
    let deadline = std::time::Instant::now() + patience;
    loop {
        match flush(state).await {
            Ok(_) if state.links.counter.pending() == (0, 0) => return,
            Ok(_) => continue,
            Err(e) => {
                let (clicks, previews) = state.links.counter.pending();
                if std::time::Instant::now() >= deadline {
                    tracing::error!(error = %e, clicks, previews, "the last flush of link clicks failed; these counts are lost");
                    return;
                }
                tracing::warn!(error = %e, clicks, previews, "the last flush of link clicks failed; retrying");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

/// The flusher and the sync, on the runtime of `vouch serve`.
pub fn spawn(state: &AppState) {
    let every = Duration::from_millis(state.settings.links.flush_interval_ms.max(10));
    let flusher = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = flush(&flusher).await {
                let (clicks, previews) = flusher.links.counter.pending();
                tracing::warn!(error = %e, clicks, previews, "writing link clicks failed; kept for the next flush");
            }
        }
    });
    let every = Duration::from_millis(state.settings.links.sync_interval_ms.max(10));
    let syncer = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = sync(&syncer).await {
                tracing::warn!(error = %e, "reading changed tracked links failed");
            }
        }
    });
}

/// Fills `clicks` and `previews` of share answers from what is stored.
pub fn add_reach(conn: &mut DbConn, views: &mut [ShareView]) -> AppResult<()> {
    if views.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = views.iter().map(|v| v.id.clone()).collect();
    let totals: HashMap<String, (i64, i64)> = repo::totals(conn, &ids)?
        .into_iter()
        .map(|(id, c, p)| (id, (c, p)))
        .collect();
    for view in views.iter_mut() {
        if let Some((clicks, previews)) = totals.get(&view.id) {
            view.clicks = *clicks;
            view.previews = *previews;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(share: &str, host: &str, clicks: i64) -> ClickRow {
        ClickRow {
            share_id: share.into(),
            day: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            referrer_host: host.into(),
            device: "desktop".into(),
            clicks,
            previews: 0,
        }
    }

    fn hosts(rows: &[ClickRow], share: &str) -> Vec<(String, i64)> {
        rows.iter()
            .filter(|r| r.share_id == share)
            .map(|r| (r.referrer_host.clone(), r.clicks))
            .collect()
    }

    #[test]
    fn hosts_beyond_the_cap_are_added_up_as_other() {
        let stored = vec![
            ("a".to_string(), "t.co".to_string()),
            ("a".to_string(), "".to_string()),
            ("a".to_string(), OTHER_HOSTS.to_string()),
        ];
        let rows = vec![
            row("a", "", 1),
            row("a", "x.example", 2),
            row("a", "t.co", 3),
            row("a", "y.example", 4),
            row("a", "z.example", 5),
            row("b", "y.example", 6),
        ];
        let out = capped(rows, stored, 2);
        assert_eq!(
            hosts(&out, "a"),
            [
                ("".to_string(), 1),
                (OTHER_HOSTS.to_string(), 9),
                ("t.co".to_string(), 3),
                ("x.example".to_string(), 2),
            ]
        );
        assert_eq!(hosts(&out, "b"), [("y.example".to_string(), 6)]);
    }
}
