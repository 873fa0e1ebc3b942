//! The authenticity gate: the one function that decides whether a story may be approved and
//! whether it may go out now. Approval, the feed, shares and the careers API all ask it.

use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Claim, ClaimStatus};
use super::policy::{Policy, PolicyViolation, ViolationRule};
use crate::ids;

/// What the gate needs to know about a story besides its claims.
pub struct StoryFacts<'a> {
    pub approved: bool,
    pub status: &'a str,
    pub publish_from: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimView {
    /// Absent for claims found by a free-text check that match nothing stored.
    pub id: Option<String>,
    pub field: String,
    pub text: String,
    /// Char offsets into the field's text.
    pub start: usize,
    pub end: usize,
    pub kind: String,
    pub origin: String,
    /// The status now: a verification past its expiry reads `unverified`.
    pub status: ClaimStatus,
    pub verification_expired: bool,
    pub evidence_url: Option<String>,
    pub evidence_note: Option<String>,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub verification_expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Why the detector flagged it, as reasons a reviewer can act on ("a figure about the
    /// employer", "a benefit stated as fact", "a ranking against others"), strongest first.
    /// Empty for manual claims.
    pub why: Vec<String>,
}

impl ClaimView {
    pub fn of(claim: &Claim, now: NaiveDateTime) -> ClaimView {
        ClaimView {
            id: Some(claim.id.clone()),
            field: claim.field.clone(),
            text: claim.text.clone(),
            start: claim.span_start.max(0) as usize,
            end: claim.span_end.max(0) as usize,
            kind: claim.kind.clone(),
            origin: claim.origin.clone(),
            status: claim.status_at(now),
            verification_expired: claim.verification_expired(now),
            evidence_url: claim.evidence_url.clone(),
            evidence_note: claim.evidence_note.clone(),
            reason: claim.reason.clone(),
            decided_by: claim.decided_by.clone(),
            decided_at: claim.decided_at.map(ids::utc),
            verification_expires_at: claim.verification_expires_at.map(ids::utc),
            why: claim.reasons(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ClaimCounts {
    pub unverified: usize,
    pub verified: usize,
    pub disputed: usize,
    pub refuted: usize,
    pub dismissed: usize,
}

impl ClaimCounts {
    fn add(&mut self, status: ClaimStatus) {
        match status {
            ClaimStatus::Unverified => self.unverified += 1,
            ClaimStatus::Verified => self.verified += 1,
            ClaimStatus::Disputed => self.disputed += 1,
            ClaimStatus::Refuted => self.refuted += 1,
            ClaimStatus::Dismissed => self.dismissed += 1,
        }
    }
}

/// The `authenticity` block of every story answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Authenticity {
    /// Approved, in its publication window, every claim verified or dismissed, no policy breach.
    pub publishable: bool,
    /// Whether the content would pass approval (claims and policy), whatever the status.
    pub approvable: bool,
    pub counts: ClaimCounts,
    pub claims: Vec<ClaimView>,
    /// The claims that hold the story back: unverified, disputed or refuted.
    pub blocking: Vec<ClaimView>,
    pub policy_violations: Vec<PolicyViolation>,
    /// Why it is not publishable, in words, one line per cause.
    pub reasons: Vec<String>,
}

/// The live check's answer: the text's authenticity block, and the sentences that came close
/// to being held, which the author sees as hints and nothing holds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckAnswer {
    #[serde(flatten)]
    pub authenticity: Authenticity,
    pub hints: Vec<Hint>,
}

/// A sentence that scored below the threshold, but close to it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Hint {
    pub field: String,
    /// Char offsets into the text as written.
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The calibrated probability that it is a claim, below the threshold.
    pub score: f32,
    /// What would make a reviewer look at it ("a figure about the employer").
    pub why: Vec<String>,
}

/// The policy breaches of a story's texts (`title`, `body`, `captions.x` …, or `text`).
/// Required hashtags concern what goes out, so only captions and free text are checked.
pub fn violations(policy: &Policy, texts: &[(String, String)]) -> Vec<PolicyViolation> {
    let mut found = Vec::new();
    for (field, text) in texts {
        found.extend(policy.forbidden_in(field, text));
        if field.starts_with("captions.") || field == "text" {
            found.extend(policy.missing_hashtags(field, text));
        }
    }
    found
}

/// Judges the content only: claims and policy breaches. Used alone by the free-text check.
pub fn judge(claims: Vec<ClaimView>, policy_violations: Vec<PolicyViolation>) -> Authenticity {
    let mut counts = ClaimCounts::default();
    for c in &claims {
        counts.add(c.status);
    }
    let blocking: Vec<ClaimView> = claims
        .iter()
        .filter(|c| !c.status.is_clear())
        .cloned()
        .collect();
    let mut reasons: Vec<String> = blocking
        .iter()
        .map(|c| format!("claim \"{}\" is {}", c.text, describe(c)))
        .collect();
    reasons.extend(policy_violations.iter().map(|v| match v.rule {
        ViolationRule::Forbidden => format!("{} uses the forbidden term \"{}\"", v.field, v.term),
        ViolationRule::MissingHashtag => match &v.matched {
            Some(written) => format!(
                "{} writes the required hashtag {} as \"{written}\", with look-alike or \
                 invisible characters: networks do not read it as {}",
                v.field, v.term, v.term
            ),
            None => format!("{} lacks the required hashtag {}", v.field, v.term),
        },
    }));
    let approvable = reasons.is_empty();
    Authenticity {
        publishable: approvable,
        approvable,
        counts,
        claims,
        blocking,
        policy_violations,
        reasons,
    }
}

/// The verdict stored with a story, so reads filter on it instead of judging every story
/// of every page again. It holds until `verified_until`, the first verification to expire.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Every claim verified or dismissed, and no policy breach.
    pub content_clear: bool,
    pub blocking: usize,
    pub verified_until: Option<NaiveDateTime>,
    pub policy_violations: Vec<PolicyViolation>,
}

pub fn verdict(
    claims: &[Claim],
    policy_violations: Vec<PolicyViolation>,
    now: NaiveDateTime,
) -> Verdict {
    let blocking = claims
        .iter()
        .filter(|c| !c.status_at(now).is_clear())
        .count();
    let verified_until = claims
        .iter()
        .filter(|c| c.status_at(now) == ClaimStatus::Verified)
        .filter_map(|c| c.verification_expires_at)
        .min();
    Verdict {
        content_clear: blocking == 0 && policy_violations.is_empty(),
        blocking,
        verified_until,
        policy_violations,
    }
}

fn describe(c: &ClaimView) -> &'static str {
    match (c.status, c.verification_expired) {
        (_, true) => "no longer verified (its verification expired)",
        (ClaimStatus::Disputed, _) => "disputed",
        (ClaimStatus::Refuted, _) => "refuted",
        _ => "unverified",
    }
}

/// The whole gate for a stored story at `now`, given its stored policy breaches.
pub fn assess(
    story: &StoryFacts<'_>,
    claims: &[Claim],
    policy_violations: Vec<PolicyViolation>,
    now: NaiveDateTime,
) -> Authenticity {
    let views = claims.iter().map(|c| ClaimView::of(c, now)).collect();
    let mut result = judge(views, policy_violations);
    if !story.approved {
        result
            .reasons
            .insert(0, format!("the story is {}, not approved", story.status));
    }
    if let Some(from) = story.publish_from.filter(|from| *from > now) {
        result
            .reasons
            .push(format!("not to be published before {}", ids::utc(from)));
    }
    if let Some(until) = story.expires_at.filter(|until| *until <= now) {
        result
            .reasons
            .push(format!("expired on {}", ids::utc(until)));
    }
    result.publishable = result.reasons.is_empty();
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn claim(status: &str, expires: Option<NaiveDateTime>) -> Claim {
        let now = ids::now();
        Claim {
            id: ids::new_id(),
            story_id: "s".into(),
            field: "body".into(),
            text: "We grew 40% in 2025.".into(),
            normalized: "we grew 40% in 2025".into(),
            kind: "number".into(),
            origin: "detected".into(),
            status: status.into(),
            span_start: 0,
            span_end: 20,
            evidence_url: None,
            evidence_note: None,
            reason: None,
            decided_by: None,
            decided_at: None,
            verification_expires_at: expires,
            created_at: now,
            updated_at: now,
            created_by: None,
            why: None,
        }
    }

    fn approved() -> StoryFacts<'static> {
        StoryFacts {
            approved: true,
            status: "approved",
            publish_from: None,
            expires_at: None,
        }
    }

    #[test]
    fn only_clear_claims_let_a_story_out() {
        let now = ids::now();
        for (status, publishable) in [
            ("verified", true),
            ("dismissed", true),
            ("unverified", false),
            ("disputed", false),
            ("refuted", false),
        ] {
            let a = assess(&approved(), &[claim(status, None)], vec![], now);
            assert_eq!(a.publishable, publishable, "{status}");
            assert_eq!(a.blocking.is_empty(), publishable, "{status}");
        }
    }

    #[test]
    fn an_expired_verification_blocks_at_once() {
        let now = ids::now();
        let past = now - Duration::seconds(1);
        let a = assess(&approved(), &[claim("verified", Some(past))], vec![], now);
        assert!(!a.publishable);
        assert_eq!(a.blocking[0].status, ClaimStatus::Unverified);
        assert!(a.blocking[0].verification_expired);
        let future = now + Duration::days(1);
        assert!(assess(&approved(), &[claim("verified", Some(future))], vec![], now).publishable);
        let stored = verdict(&[claim("verified", Some(future))], vec![], now);
        assert!(stored.content_clear);
        assert_eq!(stored.verified_until, Some(future));
        assert!(!verdict(&[claim("verified", Some(past))], vec![], now).content_clear);
    }

    #[test]
    fn window_and_status_are_reasons() {
        let now = ids::now();
        let mut facts = approved();
        facts.expires_at = Some(now - Duration::hours(1));
        let a = assess(&facts, &[], vec![], now);
        assert!(!a.publishable && a.approvable);
        assert!(a.reasons[0].starts_with("expired"));
        let draft = StoryFacts {
            approved: false,
            status: "draft",
            ..approved()
        };
        assert!(!assess(&draft, &[], vec![], now).publishable);
    }
}
