//! Re-detection of a story's claims after every save: what keeps its decision, what is new,
//! what left the text.

use std::collections::HashSet;

use super::detector::{self, Language};
use super::model::{Claim, Found};
use super::repo;
use crate::db::DbConn;
use crate::stories::Story;
use crate::text::Folded;

fn story_language(story: &Story) -> Language {
    Language::parse(&story.language).unwrap_or(Language::En)
}

/// Re-detects the claims of a story after a save. A claim whose normalised text is still
/// there keeps its status (a verification survives rewording around it); new ones start
/// unverified; detected claims that left the text go. Manual claims stay while their text
/// can still be found.
pub fn sync(conn: &mut DbConn, story: &Story) -> diesel::QueryResult<()> {
    let language = story_language(story);
    let texts = story.texts();
    let existing = repo::for_story(conn, &story.id)?;
    // Read once per save, not once per text.
    let tuned = super::tuning::adjustment(conn, &story.org_id)?;
    let mut kept: HashSet<String> = HashSet::new();
    let mut seen: HashSet<String> = HashSet::new();
    for (field, text) in &texts {
        for found in detector::detect_adjusted(text, language, tuned.as_deref()) {
            if !seen.insert(found.normalized.clone()) {
                continue;
            }
            let (start, end) = (found.start as i32, found.end as i32);
            match existing.iter().find(|c| c.normalized == found.normalized) {
                Some(claim) => {
                    repo::move_span(conn, &claim.id, field, &found.text, start, end)?;
                    if claim.origin == "detected" {
                        let why = serde_json::to_string(&found.why).ok();
                        repo::set_why(conn, &claim.id, why.as_deref())?;
                    }
                    kept.insert(claim.id.clone());
                }
                None => repo::insert(
                    conn,
                    &Claim::unverified(
                        &story.id,
                        "detected",
                        Found {
                            field,
                            text: found.text,
                            normalized: found.normalized,
                            kind: found.kind.as_str(),
                            start: found.start,
                            end: found.end,
                            why: found.why,
                        },
                    ),
                )?,
            }
        }
    }
    let manual: Vec<&Claim> = existing
        .iter()
        .filter(|c| c.origin == "manual" && !kept.contains(&c.id))
        .collect();
    for claim in manual {
        if let Some(at) = locate(&texts, &claim.text) {
            repo::move_span(
                conn,
                &claim.id,
                &at.field,
                &at.quoted,
                at.start as i32,
                at.end as i32,
            )?;
            kept.insert(claim.id.clone());
        }
    }
    let gone: Vec<String> = existing
        .into_iter()
        .filter(|c| !kept.contains(&c.id))
        .map(|c| c.id)
        .collect();
    repo::delete(conn, &gone)?;
    Ok(())
}

/// Where `needle` stands in a story, read as the policy reads terms (see [`Folded`]: case,
/// spacing, look-alike letters and invisible characters aside), and the words as written
/// there.
pub struct Located {
    pub field: String,
    pub start: usize,
    pub end: usize,
    pub quoted: String,
}

pub fn locate(texts: &[(String, String)], needle: &str) -> Option<Located> {
    texts.iter().find_map(|(field, text)| {
        let folded = Folded::new(text);
        folded.find(needle, false).map(|(start, end)| Located {
            field: field.clone(),
            start,
            end,
            quoted: folded.quote(start, end),
        })
    })
}
