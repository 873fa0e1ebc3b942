//! The claim detector, tuned per org by its moderators. Every sentence a moderator judges is
//! a labelled example of the org: a dismissal as "not a claim" a negative, a manual claim or
//! any other verdict a positive (kept in the verdict's transaction, the latest per
//! sentence). A job (`detector.retrain`, on a schedule and on demand) refits the org's
//! adjustment of the global model from them; the global model itself is trained from the
//! corpus only. The refit never takes the model's recall on the corpus below the floor
//! `learned::RECALL_FLOOR`, whatever the examples say.

pub mod job;
pub mod repo;

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

use super::detector::learned::{self, Adjustment};
use super::detector::{self, DetectedClaim, Language};
use crate::db::{self, DbConn};
use crate::error::AppResult;
use crate::ids;
use crate::state::AppState;
use crate::stories::Story;

/// Where an example came from.
pub const DISMISSAL: &str = "dismissal";
pub const MANUAL: &str = "manual";
pub const VERDICT: &str = "verdict";

/// Keeps a moderator's judgement of a claim's sentence as an example of the org.
pub fn record(
    conn: &mut DbConn,
    story: &Story,
    text: &str,
    is_claim: bool,
    source: &str,
) -> diesel::QueryResult<()> {
    repo::put_example(
        conn,
        &repo::Example {
            id: ids::new_id(),
            org_id: story.org_id.clone(),
            story_id: story.id.clone(),
            normalized: detector::normalize(text),
            text: text.to_string(),
            language: story.language.clone(),
            is_claim,
            source: source.to_string(),
            created_at: ids::now(),
        },
    )
}

/// An org's parsed adjustment and the version it was parsed from.
type Parsed = (i64, Arc<Adjustment>);

/// Parsed adjustments by org.
static PARSED: LazyLock<Mutex<HashMap<String, Parsed>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The org's adjustment as last fitted (one indexed read of its version; parsed once per
/// version), or none before its first fit.
pub fn adjustment(conn: &mut DbConn, org_id: &str) -> diesel::QueryResult<Option<Arc<Adjustment>>> {
    let Some(version) = repo::fitted_version(conn, org_id)? else {
        return Ok(None);
    };
    if let Some((v, adj)) = PARSED.lock().unwrap_or_else(|e| e.into_inner()).get(org_id) {
        if *v == version {
            return Ok(Some(adj.clone()));
        }
    }
    let Some(fitted) = repo::fitted(conn, org_id)? else {
        return Ok(None);
    };
    let adj = match serde_json::from_str::<Adjustment>(&fitted.model) {
        Ok(adj) => Arc::new(adj),
        Err(e) => {
            // A model this build cannot read detects as the global model does.
            tracing::warn!(org_id, error = %e, "the org's detector adjustment is unreadable");
            return Ok(None);
        }
    };
    PARSED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(org_id.to_string(), (fitted.version, adj.clone()));
    Ok(Some(adj))
}

/// The claims in `text`, as the org's tuned detector finds them.
pub fn detect(
    conn: &mut DbConn,
    org_id: &str,
    text: &str,
    language: Language,
) -> diesel::QueryResult<Vec<DetectedClaim>> {
    let adj = adjustment(conn, org_id)?;
    Ok(detector::detect_adjusted(text, language, adj.as_deref()))
}

/// What a refit produced.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Fit {
    /// Increases with every refit of the org.
    pub version: i64,
    /// Labelled examples it was fitted on.
    pub examples: i32,
    pub fitted_at: chrono::DateTime<chrono::Utc>,
}

impl From<&repo::Fitted> for Fit {
    fn from(f: &repo::Fitted) -> Fit {
        Fit {
            version: f.version,
            examples: f.examples,
            fitted_at: ids::utc(f.fitted_at),
        }
    }
}

/// Refits the org's adjustment from its examples and stores it. The fit itself runs off the
/// database connection: it reads the corpus to hold the recall floor.
pub async fn refit(state: &AppState, org_id: &str) -> AppResult<Fit> {
    let org = org_id.to_string();
    let examples = db::run(&state.pool, move |conn| repo::examples(conn, &org)).await?;
    let count = i32::try_from(examples.len()).unwrap_or(i32::MAX);
    let labelled: Vec<(String, Language, bool)> = examples
        .into_iter()
        .map(|e| {
            let language = Language::parse(&e.language).unwrap_or(Language::En);
            (e.text, language, e.is_claim)
        })
        .collect();
    let adj = tokio::task::spawn_blocking(move || learned::refit(&labelled))
        .await
        .map_err(|e| anyhow::anyhow!("refitting the detector: {e}"))?;
    let model = serde_json::to_string(&adj).map_err(anyhow::Error::from)?;
    let org = org_id.to_string();
    let fitted = db::run_atomic(&state.pool, move |conn| -> AppResult<repo::Fitted> {
        let version = repo::fitted_version(conn, &org)?.unwrap_or(0) + 1;
        let fitted = repo::Fitted {
            org_id: org.clone(),
            model,
            examples: count,
            version,
            fitted_at: ids::now(),
        };
        repo::put_fitted(conn, &fitted)?;
        crate::audit::record(
            conn,
            crate::audit::Entry {
                org_id: &org,
                actor_id: None,
                action: "detector.refitted",
                object_type: "org",
                object_id: &org,
                detail: serde_json::json!({ "version": version, "examples": count }),
            },
        )?;
        Ok(fitted)
    })
    .await?;
    Ok(Fit::from(&fitted))
}

/// The detector's figures of an org over a period: how often the comms team found a flagged
/// sentence was no claim (a proxy for false alarms) and how often they marked one it missed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DetectorFigures {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// Claims the detector found in the period's saved texts (still in their stories).
    pub detected: i64,
    /// Of them, those a moderator dismissed as not a claim.
    pub dismissed: i64,
    /// `dismissed / detected`, the false-alarm proxy; null without detections.
    pub dismissal_rate: Option<f64>,
    /// Claims moderators marked by hand: what the detector missed.
    pub manual: i64,
    /// The org's adjustment in use, if it has been fitted.
    pub adjustment: Option<Fit>,
}

pub fn figures_in(
    conn: &mut DbConn,
    org_id: &str,
    bounds: (NaiveDate, NaiveDate, NaiveDateTime, NaiveDateTime),
) -> AppResult<DetectorFigures> {
    let (from, to, start, end) = bounds;
    let rows = repo::claims_created(conn, org_id, start, end)?;
    let detected = rows
        .iter()
        .filter(|(origin, _)| origin == "detected")
        .count() as i64;
    let dismissed = rows
        .iter()
        .filter(|(origin, status)| origin == "detected" && status == "dismissed")
        .count() as i64;
    let manual = rows.iter().filter(|(origin, _)| origin == "manual").count() as i64;
    Ok(DetectorFigures {
        from,
        to,
        detected,
        dismissed,
        dismissal_rate: (detected > 0).then(|| dismissed as f64 / detected as f64),
        manual,
        adjustment: repo::fitted(conn, org_id)?.as_ref().map(Fit::from),
    })
}
