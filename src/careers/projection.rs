//! The careers page's answers, kept in memory per process. A request is answered without
//! the database when nothing changed:
//!
//! - keys: what a key hash names (its org, origins, limit) and its org's content version,
//!   trusted for `careers.recheck_ms`, and re-read at once after a local change
//!   (`freshness`): a key revoked or a testimonial withdrawn through this process is seen by
//!   its next request;
//! - per org, every testimonial on its careers page (the projection), with the content
//!   version it was read under and the moment it stops holding on its own (a verification
//!   or a story expiring, a scheduled story coming in), rebuilt when either passes;
//! - per projection, the rendered pages asked for, with their ETag (a hash of the body, so
//!   it changes exactly when the answer does, and is the same in every process).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use base64::Engine;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::repo::{self, Row};
use crate::api_keys;
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::state::AppState;
use crate::throttle::{PerClient, PerKey};

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;
/// Keys remembered at most (unknown ones included); past it the map starts afresh.
const MAX_KEYS: usize = 10_000;
/// Rendered pages kept per org at most; past it they start afresh.
const MAX_PAGES: usize = 1_000;

/// One testimonial as the careers page shows it: nothing that identifies the author beyond
/// what they chose to show, and no internal id.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Testimonial {
    /// Stable and opaque: not the story's id, and no way back to it.
    pub id: String,
    /// The testimonial in its author's words, as approved.
    pub quote: String,
    pub author: PublicAuthor,
    /// When it went on the careers page.
    pub date: DateTime<Utc>,
    pub topics: Vec<String>,
    /// `en` or `fr`.
    pub language: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicAuthor {
    pub name: String,
    /// Present only when the author chose to show it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    /// Present only when the author chose to show it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo_url: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TestimonialPage {
    pub items: Vec<Testimonial>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TestimonialQuery {
    /// Only testimonials with this topic.
    pub topic: Option<String>,
    /// `en` or `fr`.
    pub language: Option<String>,
    /// Only testimonials whose author is in this team (as their profile says).
    pub team: Option<String>,
    /// Only testimonials whose author works at this location (as their profile says).
    pub location: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// A key that may read, as last read from the database.
#[derive(Debug)]
pub struct ActiveKey {
    pub id: String,
    pub org_id: String,
    pub origins: Vec<String>,
    pub rate_limit_per_min: u32,
}

#[derive(Clone)]
struct KeyEntry {
    key: Option<Arc<ActiveKey>>,
    /// The org's content version, read with the key.
    version: i64,
    checked: Instant,
    epoch: u64,
    /// Set while one request re-reads this key after `recheck`: the others go on with this
    /// entry meanwhile instead of all reading the same row at once.
    rechecking: Arc<AtomicBool>,
}

/// What a request with a valid key may read.
pub struct Grant {
    pub key: Arc<ActiveKey>,
    version: i64,
}

struct Item {
    /// Sort key: newest first, then by id.
    micros: i64,
    language: String,
    topics: Vec<String>,
    team: Option<String>,
    location: Option<String>,
    view: Testimonial,
}

struct Projection {
    version: i64,
    valid_until: Option<NaiveDateTime>,
    items: Vec<Item>,
    pages: Mutex<HashMap<PageKey, Rendered>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PageKey {
    topic: Option<String>,
    language: Option<String>,
    team: Option<String>,
    location: Option<String>,
    after: Option<(i64, String)>,
    limit: usize,
}

/// A rendered page and its ETag.
#[derive(Clone)]
pub struct Rendered {
    pub body: Bytes,
    pub etag: String,
}

pub struct Careers {
    /// By the SHA-256 of the key (the stored hash is its hex form).
    keys: Mutex<HashMap<[u8; 32], KeyEntry>>,
    orgs: Mutex<HashMap<String, Arc<Projection>>>,
    /// One rebuild at a time: requests that find a projection stale wait for it, then use it.
    rebuilding: tokio::sync::Mutex<()>,
    limiter: PerKey,
    /// Keys this process does not know, tried per client: guessing gets a 429, not a look-up.
    unknown_keys: PerClient,
    recheck: Duration,
    /// Keys the opaque ids: without it nobody can tell which story an id stands for.
    id_secret: [u8; 32],
}

impl Careers {
    pub fn new(recheck: Duration, unknown_keys_per_minute: u32, secret: &[u8]) -> Careers {
        let mut hasher = Sha256::new();
        hasher.update(b"vouch careers testimonial id\0");
        hasher.update(secret);
        Careers {
            keys: Mutex::new(HashMap::new()),
            orgs: Mutex::new(HashMap::new()),
            rebuilding: tokio::sync::Mutex::new(()),
            limiter: PerKey::default(),
            unknown_keys: PerClient::per_minute(unknown_keys_per_minute),
            recheck,
            id_secret: hasher.finalize().into(),
        }
    }

    /// The key's grant, or 401 for a key that is unknown or revoked; 429 when `client` has
    /// tried too many keys this process does not know.
    pub async fn authorize(
        &self,
        state: &AppState,
        key: &str,
        client: Option<std::net::IpAddr>,
    ) -> AppResult<Grant> {
        let digest: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        let epoch = crate::freshness::epoch();
        let cached = {
            let keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
            keys.get(&digest).cloned()
        };
        // A key that works costs nothing once known; any other costs the client an attempt,
        // checked before the look-up, so that once refused, a guess is told nothing.
        if cached.as_ref().is_none_or(|e| e.key.is_none()) {
            self.unknown_keys.check(client)?;
        }
        let entry = match cached {
            Some(e) if e.epoch == epoch && e.checked.elapsed() < self.recheck => e,
            // Only time has passed (no change through this process): one request re-reads
            // the key, the others keep its last reading, at most a recheck interval old.
            Some(e) if e.epoch == epoch && e.rechecking.swap(true, Ordering::AcqRel) => e,
            stale => {
                // A failed re-read lets the next request try again.
                let _reset = stale.map(|e| Rechecking(e.rechecking));
                let h = hex::encode(digest);
                let found = db::run(&state.pool, move |conn| {
                    api_keys::repo::active_by_hash(conn, &h)
                })
                .await?;
                let entry = KeyEntry {
                    version: found.as_ref().map(|(_, v)| *v).unwrap_or_default(),
                    key: found.map(|(k, _)| {
                        Arc::new(ActiveKey {
                            origins: k.origins(),
                            rate_limit_per_min: k.rate_limit(),
                            id: k.id,
                            org_id: k.org_id,
                        })
                    }),
                    checked: Instant::now(),
                    epoch,
                    rechecking: Arc::new(AtomicBool::new(false)),
                };
                let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
                if keys.len() >= MAX_KEYS {
                    keys.clear();
                }
                keys.insert(digest, entry.clone());
                entry
            }
        };
        let key = entry
            .key
            .ok_or_else(|| AppError::unauthorized("the API key is unknown or revoked"))?;
        Ok(Grant {
            key,
            version: entry.version,
        })
    }

    /// Takes one request from the key's per-minute budget (429 with `Retry-After`).
    pub fn throttle(&self, grant: &Grant) -> AppResult<()> {
        self.limiter
            .check(&grant.key.id, grant.key.rate_limit_per_min)
    }

    /// The page `query` asks for, of the grant's org.
    pub async fn page(
        &self,
        state: &AppState,
        grant: &Grant,
        query: TestimonialQuery,
    ) -> AppResult<Rendered> {
        let key = page_key(query)?;
        let projection = self
            .projection(state, &grant.key.org_id, grant.version)
            .await?;
        if let Some(page) = projection
            .pages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Ok(page.clone());
        }
        let page = render(&projection.items, &key)?;
        let mut pages = projection.pages.lock().unwrap_or_else(|e| e.into_inner());
        if pages.len() >= MAX_PAGES {
            pages.clear();
        }
        pages.insert(key, page.clone());
        Ok(page)
    }

    fn kept(&self, org_id: &str, version: i64, now: NaiveDateTime) -> Option<Arc<Projection>> {
        let orgs = self.orgs.lock().unwrap_or_else(|e| e.into_inner());
        orgs.get(org_id)
            .filter(|p| p.version >= version && p.valid_until.is_none_or(|t| now < t))
            .cloned()
    }

    async fn projection(
        &self,
        state: &AppState,
        org_id: &str,
        version: i64,
    ) -> AppResult<Arc<Projection>> {
        if let Some(p) = self.kept(org_id, version, ids::now()) {
            return Ok(p);
        }
        let _one = self.rebuilding.lock().await;
        // Another request may have rebuilt it while this one waited.
        if let Some(p) = self.kept(org_id, version, ids::now()) {
            return Ok(p);
        }
        let (org, secret) = (org_id.to_string(), self.id_secret);
        let (read_version, items, valid_until) =
            db::run(&state.pool, move |conn| -> AppResult<_> {
                // The version first: the rows read after it are at least as new as it says.
                let version = crate::accounts::query::org(conn, &org)?.content_version;
                let (items, valid_until) = load(conn, &org, ids::now(), &secret)?;
                Ok((version, items, valid_until))
            })
            .await?;
        let projection = Arc::new(Projection {
            version: read_version.max(version),
            valid_until,
            items,
            pages: Mutex::new(HashMap::new()),
        });
        self.orgs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(org_id.to_string(), projection.clone());
        Ok(projection)
    }
}

/// Clears a key entry's `rechecking` flag when the re-read ends, whatever its outcome.
struct Rechecking(Arc<AtomicBool>);

impl Drop for Rechecking {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Lower-cased and trimmed; empty is absent.
fn folded(value: Option<&str>) -> Option<String> {
    value
        .map(|v| v.trim().to_lowercase())
        .filter(|v| !v.is_empty())
}

fn page_key(query: TestimonialQuery) -> AppResult<PageKey> {
    let limit = match query.limit {
        None => DEFAULT_LIMIT,
        Some(n) if (1..=MAX_LIMIT as i64).contains(&n) => n as usize,
        Some(_) => {
            return Err(AppError::validation(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ))
        }
    };
    let after =
        match query.cursor.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => Some(decode_cursor(c).ok_or_else(|| {
                AppError::validation("cursor", "is not a cursor this API returned")
            })?),
        };
    Ok(PageKey {
        topic: folded(query.topic.as_deref()),
        language: folded(query.language.as_deref()),
        team: folded(query.team.as_deref()),
        location: folded(query.location.as_deref()),
        after,
        limit,
    })
}

fn encode_cursor(micros: i64, id: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{micros}.{id}"))
}

fn decode_cursor(cursor: &str) -> Option<(i64, String)> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (micros, id) = text.split_once('.')?;
    let ok = id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    ok.then_some((micros.parse().ok()?, id.to_string()))
}

fn render(items: &[Item], key: &PageKey) -> AppResult<Rendered> {
    let matching = items.iter().filter(|item| {
        key.topic.as_ref().is_none_or(|t| item.topics.contains(t))
            && key.language.as_ref().is_none_or(|l| &item.language == l)
            && key
                .team
                .as_ref()
                .is_none_or(|t| item.team.as_ref() == Some(t))
            && key
                .location
                .as_ref()
                .is_none_or(|l| item.location.as_ref() == Some(l))
            && key.after.as_ref().is_none_or(|(micros, id)| {
                (item.micros, item.view.id.as_str()) < (*micros, id.as_str())
            })
    });
    let mut page: Vec<&Item> = matching.take(key.limit + 1).collect();
    let next_cursor = if page.len() > key.limit {
        page.truncate(key.limit);
        page.last().map(|i| encode_cursor(i.micros, &i.view.id))
    } else {
        None
    };
    let answer = TestimonialPage {
        items: page.into_iter().map(|i| i.view.clone()).collect(),
        next_cursor,
    };
    let body = serde_json::to_vec(&answer).map_err(anyhow::Error::from)?;
    let etag = format!("\"{}\"", &hex::encode(Sha256::digest(&body))[..32]);
    Ok(Rendered {
        body: Bytes::from(body),
        etag,
    })
}

/// The opaque id of a story on the careers page.
fn public_id(secret: &[u8; 32], story_id: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(secret);
    hasher.update(story_id.as_bytes());
    let digest = hasher.finalize();
    format!(
        "t_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16])
    )
}

/// Every testimonial of the org's careers page at `now`, newest first, and when that list
/// stops holding on its own.
fn load(
    conn: &mut DbConn,
    org_id: &str,
    now: NaiveDateTime,
    secret: &[u8; 32],
) -> AppResult<(Vec<Item>, Option<NaiveDateTime>)> {
    let rows = repo::published(conn, org_id)?;
    // One entry per story, dated by its first publication on the careers page.
    let mut stories: HashMap<String, Row> = HashMap::new();
    for (story, published_at, author) in rows {
        match stories.get_mut(&story.id) {
            Some(kept) => {
                if published_at < kept.1 {
                    kept.1 = published_at;
                }
            }
            None => {
                stories.insert(story.id.clone(), (story, published_at, author));
            }
        }
    }
    // Nothing is written when a window opens or closes or a verification lapses: the list
    // holds until the first of these.
    let valid_until = stories
        .values()
        .flat_map(|(s, _, _)| [s.verified_until, s.expires_at, s.publish_from])
        .flatten()
        .filter(|t| *t > now)
        .min();
    let shown: Vec<Row> = stories
        .into_values()
        .filter(|(story, _, _)| story.publishable_at(now))
        .collect();
    let ids: Vec<String> = shown.iter().map(|(s, _, _)| s.id.clone()).collect();
    let mut topics: HashMap<String, Vec<String>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for (story_id, topic) in crate::stories::repo::topics_of(conn, chunk)? {
            topics.entry(story_id).or_default().push(topic);
        }
    }
    let mut items: Vec<Item> = shown
        .into_iter()
        .map(|(story, published_at, author)| {
            let date = published_at.unwrap_or(story.created_at);
            let topics = topics.remove(&story.id).unwrap_or_default();
            Item {
                micros: date.and_utc().timestamp_micros(),
                language: story.language.clone(),
                team: folded(author.team.as_deref()),
                location: folded(author.location.as_deref()),
                view: Testimonial {
                    id: public_id(secret, &story.id),
                    quote: story.body,
                    author: PublicAuthor {
                        name: author.display_name,
                        job_title: author.job_title.filter(|_| author.show_job_title),
                        photo_url: author.photo_url.filter(|_| author.show_photo),
                    },
                    date: ids::utc(date),
                    topics: topics.clone(),
                    language: story.language,
                },
                topics,
            }
        })
        .collect();
    items.sort_by(|a, b| (b.micros, &b.view.id).cmp(&(a.micros, &a.view.id)));
    Ok((items, valid_until))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_junk() {
        let c = encode_cursor(1_764_000_000_000_000, "t_abc-_9");
        assert_eq!(
            decode_cursor(&c),
            Some((1_764_000_000_000_000, "t_abc-_9".to_string()))
        );
        assert!(decode_cursor("not a cursor").is_none());
        let evil = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("1.<script>");
        assert!(decode_cursor(&evil).is_none());
    }

    #[test]
    fn ids_are_opaque_and_stable() {
        let a = public_id(&[1; 32], "0190-story");
        assert_eq!(a, public_id(&[1; 32], "0190-story"));
        assert_ne!(a, public_id(&[2; 32], "0190-story"));
        assert!(!a.contains("0190"));
    }
}
