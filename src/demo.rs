//! Demo data, so a newcomer sees something at once: an org, its comms team, ambassadors, and
//! stories in each interesting state (publishable, held by an unverified claim, in review).

use chrono::Duration;
use diesel::RunQueryDsl;

use std::collections::BTreeMap;

use crate::accounts::{self, Email, Role};
use crate::auth::AuthUser;
use crate::claims;
use crate::consent;
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::shares;
use crate::state::AppState;
use crate::stories::captions::Network;
use crate::stories::input::Draft;
use crate::stories::{self, StoryKind};
use crate::versions::IfMatch;

pub const DEMO_SLUG: &str = "acme";
pub const DEMO_ADMIN: &str = "admin@acme.example";

const MEMBERS: &[(&str, &str, Role)] = &[
    ("camille@acme.example", "Camille Martin", Role::Moderator),
    ("amara@acme.example", "Amara Okafor", Role::Ambassador),
    ("lucas@acme.example", "Lucas Bernard", Role::Ambassador),
];

/// What `load` did: created the org, or found it there already.
pub enum Loaded {
    Created,
    AlreadyThere,
}

/// Loads the demo org unless it exists. Users start active so tokens can be issued at once.
pub fn load(state: &AppState) -> anyhow::Result<Loaded> {
    let mut conn = state.pool.get()?;
    if accounts::query::org_by_slug(&mut conn, DEMO_SLUG)?.is_some() {
        return Ok(Loaded::AlreadyThere);
    }
    let admin = Email::parse(DEMO_ADMIN).map_err(anyhow::Error::msg)?;
    db::transaction(&mut conn, |conn| -> Result<(), AppError> {
        let invited = accounts::service::create_org(
            conn,
            "Acme Robotics",
            DEMO_SLUG,
            &admin,
            Some("Nadia Haddad"),
            Duration::days(7),
        )?;
        let org = invited.org;
        let admin = accounts::repo::activate(conn, invited.user, Role::Admin)?;
        let mut members = Vec::new();
        for (email, name, role) in MEMBERS {
            let email = Email::parse(email).map_err(|m| AppError::validation("email", m))?;
            let member = accounts::service::add_user(
                conn,
                Some(&admin.id),
                org.clone(),
                &email,
                *role,
                name,
                Duration::days(7),
            )?;
            let active = accounts::repo::activate(conn, member.user, *role)?;
            members.push(AuthUser::from_user(active));
        }
        let shareable = stories_for(conn, state, &members[0], &members[1])?;
        sharing(conn, state, &members[1], &shareable)
    })
    .map_err(|e| anyhow::Error::new(e).context("loading demo data"))?;
    Ok(Loaded::Created)
}

fn draft(
    title: &str,
    body: &str,
    language: &str,
    topics: &[&str],
    captions: &[(Network, &str)],
) -> Draft {
    Draft {
        title: title.into(),
        body: body.into(),
        link_url: Some("https://acme.example/careers".into()),
        media_urls: vec![],
        topics: topics.iter().map(|t| t.to_string()).collect(),
        language: Some(language.into()),
        captions: captions
            .iter()
            .map(|(n, c)| (*n, c.to_string()))
            .collect::<BTreeMap<_, _>>(),
        publish_from: None,
        expires_at: None,
    }
}

/// Three stories through the real rules: one approved after its claim was verified, one held
/// in review by an unverified claim, one ambassador testimonial waiting for review. Returns
/// the approved one's id.
fn stories_for(
    conn: &mut DbConn,
    state: &AppState,
    moderator: &AuthUser,
    ambassador: &AuthUser,
) -> AppResult<String> {
    let now = ids::now();
    let award = draft(
        "Acme Robotics is a certified Top Employer 2026",
        "Acme Robotics was certified Top Employer France 2026. I am proud of what our teams built this year.",
        "en",
        &["awards", "culture"],
        &[
            (Network::Linkedin, "Proud of our teams! Acme Robotics was certified Top Employer France 2026."),
            (Network::X, "Acme Robotics was certified Top Employer France 2026. Proud of our teams!"),
        ],
    )
    .validate(false, now)?;
    let story = stories::service::insert(conn, moderator, StoryKind::Company, &award)?;
    for claim in claims::query::of_story(conn, &story.id)? {
        let evidence = claims::service::Verdict::verify(
            Some("https://www.top-employers.com/".into()),
            Some("Certificate received on 2026-01-15".into()),
            None,
            false,
        )?;
        crate::app::judge_claim::decide_in(
            conn,
            state,
            moderator,
            &claim.id,
            evidence,
            &IfMatch::any(),
        )?;
    }
    let approved = stories::StoryStatus::Draft.submit()?.approve()?;
    set_status(conn, state, &story, |story| stories::Story {
        status: approved.as_str().into(),
        submitted_at: Some(now),
        review_notified_at: Some(now),
        decided_at: Some(now),
        decided_by: Some(moderator.id.clone()),
        ..story
    })?;

    let four_days = draft(
        "La semaine de 4 jours arrive",
        "Tous nos salariés passeront à la semaine de 4 jours en 2027. Nous avons hâte de vous en dire plus !",
        "fr",
        &["benefits"],
        &[],
    )
    .validate(false, now)?;
    let held = stories::service::insert(conn, moderator, StoryKind::Company, &four_days)?;
    submit(conn, state, held)?;

    let first_year = draft(
        "My first year at Acme",
        "I joined the robotics team a year ago and I learned more than in my whole degree. My mentor made all the difference.",
        "en",
        &["team", "learning"],
        &[],
    )
    .validate(false, now)?;
    let testimonial =
        stories::service::insert(conn, ambassador, StoryKind::Testimonial, &first_year)?;
    submit(conn, state, testimonial)?;
    Ok(story.id)
}

/// The ambassador has agreed to the consent text and shared the approved story to the
/// careers page (the workers publish it), through the same rules as the API.
fn sharing(
    conn: &mut DbConn,
    state: &AppState,
    ambassador: &AuthUser,
    story_id: &str,
) -> AppResult<()> {
    consent::service::agree_in(conn, ambassador, 1)?;
    let share = crate::app::create_share::create(
        state,
        ambassador.clone(),
        shares::service::ShareInput {
            story_id: story_id.to_string(),
            channels: vec!["careers_page".into()],
            text: None,
            scheduled_at: None,
        },
    )?;
    share(conn)?;
    Ok(())
}

fn submit(conn: &mut DbConn, state: &AppState, story: stories::Story) -> AppResult<()> {
    let next = story.status().submit()?;
    let now = ids::now();
    set_status(conn, state, &story, |story| stories::Story {
        status: next.as_str().into(),
        submitted_at: Some(now),
        ..story
    })
}

/// Moves a seeded story through the story's command path, so its stored verdict is right.
fn set_status(
    conn: &mut DbConn,
    state: &AppState,
    story: &stories::Story,
    to: impl FnOnce(stories::Story) -> stories::Story,
) -> AppResult<()> {
    crate::app::story_change::change(
        conn,
        state,
        &story.org_id,
        &story.id,
        &IfMatch::any(),
        None,
        |_, s| Ok((to(s), ())),
    )?;
    Ok(())
}

/// Adds `count` approved, publishable company stories to the org `slug`, written by its
/// first admin, for measuring lists at a realistic size (`vouch admin seed-stories`). Each
/// goes through the story's command path, so topics, claims and the stored verdict are what
/// the service itself would store; all in one transaction.
pub fn seed_stories(conn: &mut DbConn, slug: &str, count: usize) -> AppResult<usize> {
    let org = accounts::query::org_by_slug(conn, slug)?
        .ok_or_else(|| AppError::validation("org", format!("no org with slug `{slug}`")))?;
    let author = accounts::repo::list_users(conn, &org.id, Some(Role::Admin.as_str()), None, 1)?
        .pop()
        .ok_or_else(|| AppError::validation("org", format!("`{slug}` has no admin")))?;
    let topics = ["culture", "learning", "team", "benefits", "awards"];
    db::transaction(conn, |conn| -> AppResult<()> {
        for n in 0..count {
            let now = ids::now();
            // Words, not digits: a number is a claim, and seeded stories must pass the gate.
            let tag = letters(n);
            let clean = draft(
                &format!("Life at {} with team {tag}", org.name),
                "I love my team. We learn from each other, we laugh a lot, and I am proud of \
                 what we build together. My mentor made all the difference for me.",
                if n % 4 == 0 { "fr" } else { "en" },
                &[topics[n % topics.len()], topics[(n + 2) % topics.len()]],
                &[(
                    Network::Linkedin,
                    "Proud of my team, and of what we build together.",
                )],
            )
            .validate(false, now)?;
            let story = stories::Story {
                id: ids::new_id(),
                org_id: org.id.clone(),
                author_id: author.id.clone(),
                kind: StoryKind::Company.as_str().into(),
                status: stories::StoryStatus::Approved.as_str().into(),
                submitted_at: Some(now),
                review_notified_at: Some(now),
                decided_at: Some(now),
                decided_by: Some(author.id.clone()),
                created_at: now,
                updated_at: now,
                ..stories::service::filled(&clean)
            };
            let story = stories::command::create(conn, story, &clean.topics)?;
            if !story.publishable {
                return Err(
                    anyhow::anyhow!("seeded story `{}` is not publishable", story.title).into(),
                );
            }
        }
        Ok(())
    })?;
    Ok(count)
}

/// Refreshes the planner's statistics, so plans are those of tables of this size.
pub fn analyze(conn: &mut DbConn) -> AppResult<()> {
    diesel::sql_query("ANALYZE").execute(conn)?;
    Ok(())
}

/// `n` in base 26 with the letters a–z.
fn letters(mut n: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (n % 26) as u8);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Adds `ambassadors` ambassadors who agreed to the consent text (teams and locations in
/// turn) and `count` testimonials written by them, approved through the story's command path
/// and published on the careers page, to the org `slug`, for measuring the careers page at a
/// realistic size (`vouch admin seed-careers`; see scripts/bench.sh). Returns how
/// many testimonials are on the page.
pub fn seed_careers(
    conn: &mut DbConn,
    slug: &str,
    ambassadors: usize,
    count: usize,
) -> AppResult<usize> {
    use crate::shares::model::{Channel, Share, ShareStatus};
    let org = accounts::query::org_by_slug(conn, slug)?
        .ok_or_else(|| AppError::validation("org", format!("no org with slug `{slug}`")))?;
    let version = consent::repo::current_text(conn, &org.id)?
        .map(|t| t.version)
        .unwrap_or(1);
    let teams = ["Robotics", "Platform", "Design", "Sales", "Support"];
    let places = ["Lyon", "Paris", "Porto", "Berlin"];
    let topics = ["culture", "learning", "team", "benefits", "awards"];
    db::transaction(conn, |conn| -> AppResult<()> {
        let mut authors = Vec::with_capacity(ambassadors);
        for n in 0..ambassadors.max(1) {
            let now = ids::now();
            let tag = letters(n);
            let user = accounts::User {
                id: ids::new_id(),
                org_id: org.id.clone(),
                email: format!("ambassador-{tag}-{}@{slug}.example", &ids::new_id()[..8]),
                display_name: format!("Ambassador {tag}"),
                role: Role::Ambassador.as_str().into(),
                status: "active".into(),
                created_at: now,
                last_login_at: None,
                job_title: Some("Engineer".into()),
                photo_url: None,
                team: Some(teams[n % teams.len()].into()),
                location: Some(places[n % places.len()].into()),
                show_job_title: n % 2 == 0,
                show_photo: false,
            };
            accounts::repo::insert_user(conn, &user)?;
            consent::repo::insert(
                conn,
                &consent::repo::Consent {
                    id: ids::new_id(),
                    user_id: user.id.clone(),
                    text_version: version.to_string(),
                    granted_at: now,
                    withdrawn_at: None,
                },
            )?;
            authors.push(user.id);
        }
        for n in 0..count {
            let now = ids::now();
            let author = &authors[n % authors.len()];
            let tag = letters(n);
            let clean = draft(
                &format!("My year with team {tag}"),
                "I love my team. We learn from each other, we laugh a lot, and I am proud of \
                 what we build together. My mentor made all the difference for me.",
                if n % 4 == 0 { "fr" } else { "en" },
                &[topics[n % topics.len()], topics[(n + 2) % topics.len()]],
                &[],
            )
            .validate(false, now)?;
            let story = stories::Story {
                id: ids::new_id(),
                org_id: org.id.clone(),
                author_id: author.clone(),
                kind: StoryKind::Testimonial.as_str().into(),
                status: stories::StoryStatus::Approved.as_str().into(),
                submitted_at: Some(now),
                review_notified_at: Some(now),
                decided_at: Some(now),
                created_at: now,
                updated_at: now,
                ..stories::service::filled(&clean)
            };
            let story = stories::command::create(conn, story, &clean.topics)?;
            if !story.publishable {
                return Err(
                    anyhow::anyhow!("seeded story `{}` is not publishable", story.title).into(),
                );
            }
            shares::repo::insert(
                conn,
                &Share {
                    id: ids::new_id(),
                    org_id: org.id.clone(),
                    user_id: author.clone(),
                    story_id: story.id.clone(),
                    channel: Channel::CareersPage.as_str().into(),
                    account_id: None,
                    status: ShareStatus::Published.as_str().into(),
                    text: story.body.clone(),
                    tracked_code: crate::auth::secrets::random_token("")[..12].to_string(),
                    scheduled_at: now,
                    published_at: Some(now),
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
                },
            )?;
        }
        accounts::repo::bump_content_version(conn, &org.id)?;
        Ok(())
    })?;
    Ok(count)
}
