//! An ambassador shares a story: one share per channel, in their own words or the story's
//! captions. The story must be publishable and the person must have agreed to the org's
//! current consent text; their words are checked for claims the story has not verified (those
//! go to review), the org's caps are counted, and each share's publication is queued, in one
//! transaction.

use chrono::{Duration, NaiveDateTime};
use rand::distributions::{Alphanumeric, DistString};

use crate::audit;
use crate::auth::AuthUser;
use crate::claims::detector::Language;
use crate::claims::policy::Policy;
use crate::db::DbConn;
use crate::error::{AppError, AppResult, FieldError};
use crate::ids;
use crate::jobs;
use crate::shares::compose::{check_length, compose};
use crate::shares::model;
use crate::shares::model::{Channel, Share, ShareStatus, ShareView};
use crate::shares::originality::{self, OriginalityNote};
use crate::shares::publish::PublishShare;
use crate::shares::repo;
use crate::shares::service::{ShareBatch, ShareInput, MAX_TEXT_CHARS};
use crate::social::{self, AccountStatus};
use crate::state::AppState;
use crate::stories::{self, Story};

/// What the request asked for, checked before any row is read.
struct Request {
    story_id: String,
    channels: Vec<Channel>,
    text: Option<String>,
    scheduled_at: NaiveDateTime,
}

fn check(input: ShareInput, now: NaiveDateTime) -> AppResult<Request> {
    let mut errors = Vec::new();
    let mut channels = Vec::new();
    if input.channels.is_empty() {
        errors.push(FieldError::new("channels", "name at least one channel"));
    }
    for (i, raw) in input.channels.iter().enumerate() {
        match Channel::parse(raw.trim()) {
            Some(c) if !channels.contains(&c) => channels.push(c),
            Some(_) => {}
            None => errors.push(FieldError::new(
                format!("channels.{i}"),
                format!(
                    "`{raw}` is not a channel: use linkedin, x, mastodon, bluesky or careers_page"
                ),
            )),
        }
    }
    // The limit is on the text as sent (what the document's maxLength counts), blank or not.
    let too_long = input
        .text
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_TEXT_CHARS);
    let text = input.text.map(|t| t.trim().to_string());
    if let Some(t) = &text {
        if too_long {
            errors.push(FieldError::new(
                "text",
                format!("is longer than {MAX_TEXT_CHARS} characters"),
            ));
        } else if t.is_empty() {
            errors.push(FieldError::new(
                "text",
                "is empty; leave it out to use the suggested caption",
            ));
        }
    }
    let scheduled_at = match input.scheduled_at.map(|t| t.naive_utc()) {
        None => now,
        // A client's clock a little behind ours is not an error.
        Some(t) if t < now - Duration::minutes(5) => {
            errors.push(FieldError::new("scheduled_at", "is in the past"));
            now
        }
        Some(t) if t > now + Duration::days(366) => {
            errors.push(FieldError::new("scheduled_at", "is more than a year ahead"));
            now
        }
        Some(t) => t.max(now),
    };
    if !ids::is_id(input.story_id.trim()) {
        errors.push(FieldError::new("story_id", "is not a story id"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(Request {
        story_id: input.story_id.trim().to_string(),
        channels,
        text,
        scheduled_at,
    })
}

/// Checks a share request and returns what writes it, to run in the request's transaction
/// (with its `Idempotency-Key` record).
pub fn create(
    state: &AppState,
    caller: AuthUser,
    input: ShareInput,
) -> AppResult<impl FnOnce(&mut DbConn) -> AppResult<ShareBatch>> {
    let now = ids::now();
    let request = check(input, now)?;
    let state = state.clone();
    Ok(move |conn: &mut DbConn| create_in(conn, &state, &caller, request, now))
}

fn create_in(
    conn: &mut DbConn,
    state: &AppState,
    caller: &AuthUser,
    request: Request,
    now: NaiveDateTime,
) -> AppResult<ShareBatch> {
    // The person first: a withdrawal or an erasure of theirs commits before or after this
    // share, never beside it, and their daily cap is counted under the same lock.
    crate::accounts::query::locked_user(conn, &caller.org_id, &caller.id)?;
    crate::consent::query::require(conn, &caller.id, &caller.org_id)?;
    // Locked, so a refute or a retraction racing this share is decided before or after it,
    // never beside it (they cancel the story's waiting shares under the same lock).
    let story = stories::repo::lock_in_org(conn, &caller.org_id, &request.story_id)?
        .filter(|s| stories::query::visible_to(caller, s))
        .ok_or(AppError::NotFound)?;
    refuse_unpublishable(conn, &story, now)?;
    let policy = crate::accounts::query::policy_of(conn, &caller.org_id)?;
    check_caps(conn, caller, &story, &request.channels, &policy, now)?;

    let new_claims = match &request.text {
        Some(text) => unchecked_claims(conn, &story, text, &policy)?,
        None => Vec::new(),
    };
    let status = if new_claims.is_empty() {
        ShareStatus::Scheduled
    } else {
        ShareStatus::PendingReview
    };
    let others = repo::texts_of_others(conn, &story.id, &caller.id)?;
    let captions = story.captions();
    let threshold = state.settings.shares.similarity_threshold;
    let disclosure = policy.disclosure_for(&story.language).to_string();

    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let mut rows = Vec::new();
    for channel in &request.channels {
        let field = format!("channels.{}", channel.as_str());
        let account_id = match channel.network() {
            None => None,
            Some(network) => match social::repo::by_network(conn, &caller.id, network.as_str())? {
                Some(a) if a.status() == AccountStatus::Connected => Some(a.id),
                Some(a) if a.status() == AccountStatus::NeedsReconnect => {
                    errors.push(FieldError::new(
                        &field,
                        format!(
                            "{} refused the stored tokens of {}; connect the account again",
                            network.as_str(),
                            a.handle
                        ),
                    ));
                    continue;
                }
                _ => {
                    errors.push(FieldError::new(&field, format!(
                        "no connected {0} account: connect one with POST /api/v1/me/accounts/{0}/connect",
                        network.as_str()
                    )));
                    continue;
                }
            },
        };
        let suggested = channel
            .network()
            .and_then(|n| captions.get(&n).cloned())
            .unwrap_or_else(|| story.title.clone());
        let words = request.text.clone().unwrap_or_else(|| suggested.clone());
        if request.text.is_some() {
            // Any of the story's suggested captions counts: a careers-page testimonial that
            // copies the LinkedIn caption is no more personal.
            let candidates = captions
                .values()
                .map(|c| ("suggested_caption", c.as_str()))
                .chain(others.iter().map(|t| ("another_share", t.as_str())));
            if let Some((similar_to, similarity)) =
                originality::closest(&words, candidates, threshold)
            {
                let detail = match similar_to {
                    "suggested_caption" => "nearly the suggested caption: a few words of your own make it yours",
                    _ => "nearly a colleague's share of this story: identical posts read as corporate",
                };
                if policy
                    .require_personal_text
                    .iter()
                    .any(|c| c == channel.as_str())
                {
                    errors.push(FieldError::new(
                        &field,
                        format!("the text is {detail}; this channel asks for your own words"),
                    ));
                    continue;
                }
                notes.push(OriginalityNote {
                    channel: *channel,
                    similar_to: similar_to.into(),
                    similarity: (similarity * 100.0).round() / 100.0,
                    detail: format!("the text is {detail}"),
                });
            }
        }
        let code = tracked_code();
        let text = match channel.network() {
            Some(network) => {
                let tracked = model::tracked_url(&state.settings.server.public_url, &code);
                let text = match compose(&words, story.link_url.as_deref(), &tracked, &disclosure) {
                    Ok(text) => text,
                    Err(disguised) => {
                        // The ambassador's words, once for every channel; else the story's
                        // caption for this channel.
                        let (at, whose) = match request.text {
                            Some(_) => ("text".to_string(), "the text"),
                            None => (field.clone(), "the story's suggested caption"),
                        };
                        let message = format!("{whose} {}", disguised.message(&disclosure));
                        if !errors.iter().any(|e| e.field == at && e.message == message) {
                            errors.push(FieldError::new(at, message));
                        }
                        continue;
                    }
                };
                if let Err(m) = check_length(network, &text) {
                    errors.push(FieldError::new(&field, m));
                    continue;
                }
                text
            }
            None => words,
        };
        rows.push(Share {
            id: ids::new_id(),
            org_id: caller.org_id.clone(),
            user_id: caller.id.clone(),
            story_id: story.id.clone(),
            channel: channel.as_str().into(),
            account_id,
            status: status.as_str().into(),
            text,
            tracked_code: code,
            scheduled_at: request.scheduled_at,
            published_at: None,
            external_id: None,
            external_url: None,
            error: None,
            review_reason: None,
            decided_by: None,
            decided_at: None,
            created_at: now,
            updated_at: now,
            version: 0,
            post_state: None,
            post_reason: None,
            post_changed_at: None,
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    for share in &rows {
        repo::insert(conn, share)?;
        if status == ShareStatus::Scheduled {
            queue_publish(conn, state, share)?;
        }
        audit::by_user(
            conn,
            caller,
            "share.created",
            ("share", &share.id),
            serde_json::json!({
                "story_id": share.story_id, "channel": share.channel, "status": share.status,
                "unverified_claims": new_claims,
            }),
        )?;
    }
    let public_url = &state.settings.server.public_url;
    Ok(ShareBatch {
        items: rows
            .into_iter()
            .map(|s| ShareView::of(s, public_url))
            .collect(),
        originality: notes,
    })
}

/// The story's gate, the one rule for every way out: a story that is not publishable now is
/// refused with its authenticity block, as approval refuses it.
pub(super) fn refuse_unpublishable(
    conn: &mut DbConn,
    story: &Story,
    now: NaiveDateTime,
) -> AppResult<()> {
    if story.publishable_at(now) {
        return Ok(());
    }
    let claims = crate::claims::query::of_story(conn, &story.id)?;
    let authenticity = crate::claims::query::assess(story, &claims, now);
    Err(AppError::conflict_with(
        "the story is not publishable: it must be approved, inside its publication window, \
         with every claim verified and nothing against the policy",
        serde_json::json!({ "authenticity": authenticity }),
    ))
}

/// Claims in the ambassador's words that the story has not verified or dismissed (its
/// claims matched by normalised text, as the story's own re-detection matches them). A
/// forbidden term is refused outright.
fn unchecked_claims(
    conn: &mut DbConn,
    story: &Story,
    text: &str,
    policy: &Policy,
) -> AppResult<Vec<String>> {
    let violations = policy.forbidden_in("text", text);
    if let Some(v) = violations.first() {
        return Err(AppError::validation(
            "text",
            format!(
                "`{}` is forbidden by the org's policy",
                v.matched.as_deref().unwrap_or(&v.term)
            ),
        ));
    }
    let now = ids::now();
    let cleared: Vec<String> = crate::claims::query::of_story(conn, &story.id)?
        .into_iter()
        .filter(|c| c.status_at(now).is_clear())
        .map(|c| c.normalized)
        .collect();
    let language = Language::parse(&story.language).unwrap_or(Language::En);
    Ok(
        crate::claims::tuning::detect(conn, &story.org_id, text, language)?
            .into_iter()
            .filter(|found| !cleared.contains(&found.normalized))
            .map(|found| found.text)
            .collect(),
    )
}

/// The org's anti-spam caps over the last 24 hours; a refusal says when sharing is possible.
fn check_caps(
    conn: &mut DbConn,
    caller: &AuthUser,
    story: &Story,
    channels: &[Channel],
    policy: &Policy,
    now: NaiveDateTime,
) -> AppResult<()> {
    let day = Duration::hours(24);
    let refuse = |times: &[NaiveDateTime], cap: usize, asked: usize, what: String| {
        // The moment enough of the window's shares have aged out to make room.
        let free_at = times
            .get((times.len() + asked).saturating_sub(cap + 1))
            .map(|t| *t + day)
            .unwrap_or(now + day);
        AppError::QuotaExceeded {
            detail: format!(
                "{what}; you can share again at {} UTC",
                free_at.format("%Y-%m-%d %H:%M")
            ),
            retry_at: ids::utc(free_at),
        }
    };
    let cap = policy.shares_per_day as usize;
    let recent = repo::created_since(conn, &caller.id, now - day, None)?;
    if recent.len() + channels.len() > cap {
        return Err(refuse(
            &recent,
            cap,
            channels.len(),
            format!("at most {cap} shares a day"),
        ));
    }
    let cap = policy.shares_per_story_channel_per_day as usize;
    for channel in channels {
        let recent = repo::created_since(
            conn,
            &caller.id,
            now - day,
            Some((&story.id, channel.as_str())),
        )?;
        if recent.len() >= cap {
            return Err(refuse(
                &recent,
                cap,
                1,
                format!(
                    "at most {cap} shares of one story to {} a day",
                    channel.as_str()
                ),
            ));
        }
    }
    Ok(())
}

fn tracked_code() -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), 10)
}

/// Queues the share's publishing for its time.
pub(super) fn queue_publish(conn: &mut DbConn, state: &AppState, share: &Share) -> AppResult<()> {
    jobs::enqueue_at(
        conn,
        &state.outbox,
        Some(&share.org_id),
        &PublishShare {
            share_id: share.id.clone(),
        },
        share.scheduled_at,
    )?;
    Ok(())
}
