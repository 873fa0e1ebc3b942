//! The code → target table, held in memory by each process: loaded at start, kept current by
//! `service::sync` (what changed in the database, whichever process changed it), read by
//! every redirect without touching the database.

use std::sync::Arc;

use actix_web::http::header::HeaderValue;
use dashmap::DashMap;

use super::model::{leads_to_story, target_url};

/// Where one tracked code leads.
#[derive(Debug)]
pub struct Link {
    pub share_id: Arc<str>,
    pub org_id: Box<str>,
    pub target: Target,
}

#[derive(Debug)]
pub enum Target {
    /// The story's link with the share's UTM parameters, ready as a `Location`.
    Story(HeaderValue),
    /// The share or its story was withdrawn (retracted, cancelled, back in review): never
    /// the story's page again; the org's fallback page, else 410.
    Withdrawn,
    /// The story has no link: the org's fallback page, else 404.
    NoLink,
}

/// One share as the database has it, with what its link needs of its story.
#[derive(Debug, Clone, diesel::Queryable)]
pub struct LinkRow {
    pub share_id: String,
    pub org_id: String,
    pub channel: String,
    pub share_status: String,
    pub code: String,
    pub story_status: String,
    pub link_url: Option<String>,
    pub title: String,
}

impl LinkRow {
    pub fn link(&self) -> Link {
        let target = if !leads_to_story(&self.share_status, &self.story_status) {
            Target::Withdrawn
        } else {
            match self
                .link_url
                .as_deref()
                .and_then(|l| target_url(l, &self.channel, &self.title, &self.share_id))
                .and_then(|t| HeaderValue::from_str(&t).ok())
            {
                Some(location) => Target::Story(location),
                None => Target::NoLink,
            }
        };
        Link {
            share_id: self.share_id.as_str().into(),
            org_id: self.org_id.as_str().into(),
            target,
        }
    }
}

/// At most this many unknown codes are remembered between two syncs.
const MISSES_KEPT: usize = 10_000;

#[derive(Default)]
pub struct LinkTable {
    codes: DashMap<Box<str>, Arc<Link>>,
    /// Each org's fallback page for withdrawn links (its policy), `None` when it has none.
    fallbacks: DashMap<Box<str>, Option<HeaderValue>>,
    /// Codes looked up in the database and not found since the last sync: asked again,
    /// they are a 404 without a query (the next sync brings any share made meanwhile).
    misses: DashMap<Box<str>, ()>,
}

impl LinkTable {
    pub fn get(&self, code: &str) -> Option<Arc<Link>> {
        self.codes.get(code).map(|l| l.clone())
    }

    pub fn put(&self, row: &LinkRow) -> Arc<Link> {
        let link = Arc::new(row.link());
        self.codes.insert(row.code.as_str().into(), link.clone());
        self.misses.remove(row.code.as_str());
        link
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The org's fallback page: `None` when the org has none, or is not known yet.
    pub fn fallback(&self, org_id: &str) -> Option<HeaderValue> {
        self.fallbacks.get(org_id).and_then(|f| f.clone())
    }

    pub fn knows_org(&self, org_id: &str) -> bool {
        self.fallbacks.contains_key(org_id)
    }

    pub fn set_fallback(&self, org_id: &str, url: Option<&str>) {
        let value = url.and_then(|u| HeaderValue::from_str(u).ok());
        self.fallbacks.insert(org_id.into(), value);
    }

    pub fn missed(&self, code: &str) -> bool {
        self.misses.contains_key(code)
    }

    pub fn remember_miss(&self, code: &str) {
        if self.misses.len() >= MISSES_KEPT {
            self.misses.clear();
        }
        self.misses.insert(code.into(), ());
    }

    pub fn forget_misses(&self) {
        self.misses.clear();
    }
}
