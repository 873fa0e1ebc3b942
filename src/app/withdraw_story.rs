//! What happens to a story's shares when it stops being publishable, whatever the path: a
//! claim added (by a moderator, or found by the detector after an edit), disputed, refuted
//! or lapsed, an edit back to review, a request for changes, a rejection, an archive or an
//! expiry, a policy change it breaches, a retraction. The story's change path
//! (`story_change`) calls [`settled`] after every change it stores, in its transaction, with
//! the row as it was and as it is now: this is the one place that acts on the verdict.
//!
//! While the story is not publishable, nothing of it stays scheduled, and its posts out
//! there are taken down (their deletion queued as jobs) — or, when the org's policy says
//! `hold_for_review`, kept up and the moderators mailed, for as long as the story is only in
//! question. A judgement against it (a claim refuted, changes requested, a rejection, a
//! retraction) takes them down under either policy. Publishable again: held posts are live.

mod posts;

pub use self::posts::{Outcome, Reach};
use crate::accounts;
use crate::audit;
use crate::claims::gate::{self, ClaimView};
use crate::claims::model::{Claim, ClaimStatus};
use crate::claims::policy::WhenUnpublishable;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::ids;

use crate::state::AppState;
use crate::stories::{Story, StoryStatus};

/// After a change to a story was stored: acts on its shares when it is not publishable.
pub fn settled(
    conn: &mut DbConn,
    state: &AppState,
    before: &Story,
    after: &Story,
    actor: Option<&str>,
) -> AppResult<()> {
    if after.publishable {
        if !before.publishable {
            posts::release(conn, after)?;
        }
        return Ok(());
    }
    let now = ids::now();
    let claims = crate::claims::query::of_story(conn, &after.id)?;
    let cause = cause(after, &claims, now);
    let policy = accounts::query::policy_of(conn, &after.org_id)?;
    let hold = policy.when_unpublishable == WhenUnpublishable::HoldForReview
        && !judged_against(after, &claims, now);
    let outcome = if hold {
        posts::hold(conn, state, after, &cause)?
    } else {
        posts::take_down(conn, state, after, &cause, Reach::Live)?
    };
    // Recorded when the story stops being publishable, and whenever its shares are acted on.
    if before.publishable || !outcome.is_empty() {
        let handling = if hold {
            WhenUnpublishable::HoldForReview
        } else {
            WhenUnpublishable::TakeDown
        };
        record(
            conn,
            after,
            actor,
            "story.withdrawn",
            &cause,
            handling,
            outcome,
        )?;
    }
    Ok(())
}

/// A moderator takes every post of a story down (`POST /stories/{id}/take-down`), whatever
/// the policy: the story must not be publishable. Posts whose removal failed or was refused
/// are asked for again. Idempotent: a second call finds nothing left to do.
pub fn take_down_now(
    conn: &mut DbConn,
    state: &AppState,
    story: &Story,
    actor: &str,
) -> AppResult<Outcome> {
    let now = ids::now();
    let claims = crate::claims::query::of_story(conn, &story.id)?;
    let cause = format!(
        "taken down by the comms team; {}",
        cause(story, &claims, now)
    );
    let outcome = posts::take_down(conn, state, story, &cause, Reach::Retry)?;
    record(
        conn,
        story,
        Some(actor),
        "story.taken_down",
        &cause,
        WhenUnpublishable::TakeDown,
        outcome,
    )?;
    Ok(outcome)
}

/// Whether someone judged the story itself wrong, not merely in question: its posts come
/// down whatever the policy.
fn judged_against(story: &Story, claims: &[Claim], now: chrono::NaiveDateTime) -> bool {
    matches!(
        story.status(),
        StoryStatus::Rejected | StoryStatus::ChangesRequested | StoryStatus::Retracted
    ) || claims
        .iter()
        .any(|c| c.status_at(now) == ClaimStatus::Refuted)
}

/// Why the story is not publishable, in words, for the audit and the mails: its status
/// (with the moderator's reason) and what the gate holds against its content.
fn cause(story: &Story, claims: &[Claim], now: chrono::NaiveDateTime) -> String {
    let reason = story
        .decision_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let with_reason = |what: &str| match reason {
        Some(r) => format!("{what}: {r}"),
        None => what.to_string(),
    };
    let mut parts = Vec::new();
    match story.status() {
        StoryStatus::Retracted => parts.push(with_reason("retracted")),
        StoryStatus::Rejected => parts.push(with_reason("rejected")),
        StoryStatus::ChangesRequested => parts.push(with_reason("changes requested")),
        StoryStatus::Archived => match story.expires_at.filter(|t| *t <= now) {
            Some(t) => parts.push(format!("expired on {}", ids::utc(t).format("%Y-%m-%d"))),
            None => parts.push(with_reason("archived")),
        },
        StoryStatus::InReview | StoryStatus::Draft => parts.push("back in review".into()),
        StoryStatus::Approved => {}
    }
    let views = claims.iter().map(|c| ClaimView::of(c, now)).collect();
    parts.extend(gate::judge(views, story.policy_violations()).reasons);
    if parts.is_empty() {
        parts.push("no longer publishable".into());
    }
    parts.join("; ")
}

fn record(
    conn: &mut DbConn,
    story: &Story,
    actor: Option<&str>,
    action: &str,
    cause: &str,
    handling: WhenUnpublishable,
    outcome: Outcome,
) -> AppResult<()> {
    audit::record(
        conn,
        audit::Entry {
            org_id: &story.org_id,
            actor_id: actor,
            action,
            object_type: "story",
            object_id: &story.id,
            detail: serde_json::json!({
                "cause": cause,
                "handling": handling.as_str(),
                "cancelled": outcome.cancelled,
                "removals_queued": outcome.removals_queued,
                "held": outcome.held,
            }),
        },
    )?;
    Ok(())
}
