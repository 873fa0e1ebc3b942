//! Account rules: creating an org with its first admin, inviting, changing roles.

use chrono::Duration;
use utoipa::ToSchema;

use super::model::{parse_display_name, parse_slug, Email, Org, Role, User, UserStatus};
use super::preferences::{Preferences, PreferencesChange};
use super::query::{policy_of, user};
use super::repo;
use super::view::{ProfileView, UserView};
use crate::audit;
use crate::auth::access::{create_link, LinkPurpose};
use crate::auth::AuthUser;
use crate::claims::policy::Policy;
use crate::db::{self, is_unique_violation, DbConn};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::mail::{self, templates};
use crate::paging::{Page, PageParams};
use crate::state::AppState;

pub const DEFAULT_DISCLOSURE: &str = "#employee";

/// A new user and the single-use link that lets them sign in the first time.
pub struct Invited {
    pub user: User,
    pub org: Org,
    pub token: String,
}

/// Creates an org and its first admin (CLI and demo). The admin gets an invite link.
pub fn create_org(
    conn: &mut DbConn,
    name: &str,
    slug: &str,
    admin_email: &Email,
    admin_name: Option<&str>,
    invite_ttl: Duration,
) -> AppResult<Invited> {
    let name = parse_display_name(name).map_err(|m| AppError::validation("name", m))?;
    let slug = parse_slug(slug).map_err(|m| AppError::validation("slug", m))?;
    db::transaction(conn, |conn| -> AppResult<_> {
        if repo::find_org_by_slug(conn, &slug)?.is_some() {
            return Err(AppError::conflict(format!(
                "an org with slug `{slug}` exists"
            )));
        }
        let now = ids::now();
        let org = Org {
            id: ids::new_id(),
            name,
            slug,
            disclosure: DEFAULT_DISCLOSURE.into(),
            policy: "{}".into(),
            created_at: now,
            updated_at: now,
            content_version: 0,
        };
        repo::insert_org(conn, &org)?;
        crate::consent::repo::seed(conn, &org.id)?;
        audit::record(
            conn,
            audit::Entry {
                org_id: &org.id,
                actor_id: None,
                action: "org.created",
                object_type: "org",
                object_id: &org.id,
                detail: serde_json::json!({ "slug": org.slug }),
            },
        )?;
        let admin_name = admin_name.unwrap_or(admin_email.local_part());
        add_user(
            conn,
            None,
            org,
            admin_email,
            Role::Admin,
            admin_name,
            invite_ttl,
        )
    })
}

/// Inserts an invited user and their invite link, audited, inside the caller's transaction.
pub fn add_user(
    conn: &mut DbConn,
    actor: Option<&str>,
    org: Org,
    email: &Email,
    role: Role,
    display_name: &str,
    invite_ttl: Duration,
) -> AppResult<Invited> {
    let display_name =
        parse_display_name(display_name).map_err(|m| AppError::validation("display_name", m))?;
    let taken = || AppError::conflict(format!("{email} already has a Vouch account"));
    if repo::find_user_by_email(conn, email.as_str())?.is_some() {
        return Err(taken());
    }
    let user = User {
        id: ids::new_id(),
        org_id: org.id.clone(),
        email: email.as_str().to_string(),
        display_name,
        role: role.as_str().into(),
        status: UserStatus::Invited.as_str().into(),
        created_at: ids::now(),
        last_login_at: None,
        job_title: None,
        photo_url: None,
        team: None,
        location: None,
        show_job_title: false,
        show_photo: false,
    };
    repo::insert_user(conn, &user).map_err(|e| {
        if is_unique_violation(&e) {
            taken()
        } else {
            e.into()
        }
    })?;
    audit::record(
        conn,
        audit::Entry {
            org_id: &org.id,
            actor_id: actor,
            action: "user.invited",
            object_type: "user",
            object_id: &user.id,
            detail: serde_json::json!({ "email": user.email, "role": user.role }),
        },
    )?;
    let token = create_link(conn, &user.id, LinkPurpose::Invite, invite_ttl)?;
    Ok(Invited { user, org, token })
}

/// Queues the invite mail with its sign-in link, in the caller's transaction.
pub fn queue_invite(conn: &mut DbConn, state: &AppState, invited: &Invited) -> AppResult<()> {
    let link = state.login_link(&invited.token);
    mail::queue(
        conn,
        &state.outbox,
        Some(&invited.org.id),
        templates::invite(
            &invited.user.email,
            &invited.org.name,
            &invited.user.role,
            &link,
            state.settings.auth.invite_ttl_hours,
        ),
    )
}

/// Invites someone into an org: returns what does it, to run in the request's transaction.
///
/// One address is one account in one org. An address that already has an account in
/// another org gets the same answer as a new invite, so one org never learns who works at
/// another; nothing is created, and the address's owner is told by mail instead.
pub fn invite(
    state: &AppState,
    actor: Option<AuthUser>,
    org_id: String,
    email: Email,
    role: Role,
    display_name: Option<String>,
) -> impl FnOnce(&mut DbConn) -> AppResult<UserView> {
    let state = state.clone();
    move |conn: &mut DbConn| {
        let ttl = Duration::hours(state.settings.auth.invite_ttl_hours);
        db::transaction(conn, |conn| -> AppResult<_> {
            let org = repo::find_org(conn, &org_id)?.ok_or(AppError::NotFound)?;
            let name = display_name.unwrap_or_else(|| email.local_part().to_string());
            let name =
                parse_display_name(&name).map_err(|m| AppError::validation("display_name", m))?;
            match repo::find_user_by_email(conn, email.as_str())? {
                Some(existing) if existing.org_id == org.id => Err(AppError::conflict(format!(
                    "{email} is already a member of this org"
                ))),
                Some(_) => {
                    mail::queue(
                        conn,
                        &state.outbox,
                        None,
                        templates::invite_elsewhere(email.as_str(), &org.name),
                    )?;
                    Ok(UserView {
                        id: ids::new_id(),
                        email: email.as_str().to_string(),
                        display_name: name,
                        role,
                        status: UserStatus::Invited,
                        created_at: ids::utc(ids::now()),
                        last_login_at: None,
                        profile: ProfileView::default(),
                    })
                }
                None => {
                    let actor_id = actor.as_ref().map(|a| a.id.as_str());
                    let invited = add_user(conn, actor_id, org, &email, role, &name, ttl)?;
                    queue_invite(conn, &state, &invited)?;
                    Ok(invited.user.into())
                }
            }
        })
    }
}

pub async fn policy(state: &AppState, caller: AuthUser) -> AppResult<Policy> {
    db::run(&state.pool, move |conn| policy_of(conn, &caller.org_id)).await
}

pub async fn me(state: &AppState, user: AuthUser) -> AppResult<(User, Org, Preferences)> {
    db::run(&state.pool, move |conn| -> AppResult<_> {
        let row =
            repo::find_user_in_org(conn, &user.org_id, &user.id)?.ok_or(AppError::NotFound)?;
        let org = repo::find_org(conn, &user.org_id)?.ok_or(AppError::NotFound)?;
        let chosen = super::preferences::of(conn, &user.id)?;
        Ok((row, org, chosen))
    })
    .await
}

/// A change to the caller's own profile; absent fields stay, an empty text clears one.
#[derive(Debug, Default, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    /// 1–100 characters.
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: Option<String>,
    /// At most 100 characters; shown on the careers page only with `show_job_title`.
    #[schema(max_length = 100)]
    pub job_title: Option<String>,
    /// An http(s) URL of a public host; shown on the careers page only with `show_photo`.
    #[schema(max_length = 2048)]
    pub photo_url: Option<String>,
    /// At most 60 characters; the careers page filters by it.
    #[schema(max_length = 60)]
    pub team: Option<String>,
    /// At most 60 characters; the careers page filters by it.
    #[schema(max_length = 60)]
    pub location: Option<String>,
    pub show_job_title: Option<bool>,
    pub show_photo: Option<bool>,
    /// Appear on the org's leaderboard.
    pub leaderboard_opt_in: Option<bool>,
    /// Moderators: receive the weekly report mail.
    pub weekly_report_opt_in: Option<bool>,
}

/// Applies a profile change to the user row, checking each field.
fn apply_profile(user: User, patch: ProfilePatch, allow_private: bool) -> AppResult<User> {
    let mut errors = Vec::new();
    let mut user = user;
    if let Some(name) = patch.display_name {
        match parse_display_name(&name) {
            Ok(name) => user.display_name = name,
            Err(m) => errors.push(crate::error::FieldError::new("display_name", m)),
        }
    }
    for (field, value, max, slot) in [
        ("job_title", patch.job_title, 100, &mut user.job_title),
        ("team", patch.team, 60, &mut user.team),
        ("location", patch.location, 60, &mut user.location),
    ] {
        if let Some(value) = value {
            match super::model::parse_profile_text(&value, max) {
                Ok(v) => *slot = v,
                Err(m) => errors.push(crate::error::FieldError::new(field, m)),
            }
        }
    }
    if let Some(url) = patch.photo_url {
        if url.trim().is_empty() {
            user.photo_url = None;
        } else {
            match crate::urls::parse_public_url(&url, allow_private) {
                Ok(url) => user.photo_url = Some(url),
                Err(m) => errors.push(crate::error::FieldError::new("photo_url", m)),
            }
        }
    }
    if let Some(show) = patch.show_job_title {
        user.show_job_title = show;
    }
    if let Some(show) = patch.show_photo {
        user.show_photo = show;
    }
    if errors.is_empty() {
        Ok(user)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Changes the caller's own profile. What the careers page shows of its authors changes
/// with it, so the org's content version is bumped in the same transaction.
pub async fn update_profile(
    state: &AppState,
    caller: AuthUser,
    patch: ProfilePatch,
) -> AppResult<(User, Org, Preferences)> {
    let allow_private = state.settings.security.allow_private_urls;
    let choices = PreferencesChange {
        leaderboard_opt_in: patch.leaderboard_opt_in,
        weekly_report_opt_in: patch.weekly_report_opt_in,
    };
    db::run_atomic(&state.pool, move |conn| -> AppResult<_> {
        repo::bump_content_version(conn, &caller.org_id)?;
        let row = user(conn, &caller.org_id, &caller.id)?;
        let updated = apply_profile(row, patch, allow_private)?;
        let chosen = super::preferences::change(conn, &caller.id, &choices)?;
        repo::save_profile(conn, &updated)?;
        audit::by_user(
            conn,
            &caller,
            "user.profile_updated",
            ("user", &caller.id),
            serde_json::json!({
                "show_job_title": updated.show_job_title,
                "show_photo": updated.show_photo,
            }),
        )?;
        let org = repo::find_org(conn, &caller.org_id)?.ok_or(AppError::NotFound)?;
        Ok((updated, org, chosen))
    })
    .await
}

pub async fn list_users(
    state: &AppState,
    caller: &AuthUser,
    role: Option<Role>,
    page: PageParams,
) -> AppResult<Page<UserView>> {
    let (cursor, limit) = page.checked()?;
    let org_id = caller.org_id.clone();
    let rows = db::run(&state.pool, move |conn| {
        repo::list_users(
            conn,
            &org_id,
            role.map(Role::as_str),
            cursor.as_deref(),
            limit + 1,
        )
    })
    .await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |u| u.id.clone(),
        UserView::from,
    ))
}

pub async fn get_user(state: &AppState, caller: &AuthUser, id: String) -> AppResult<User> {
    if !ids::is_id(&id) {
        return Err(AppError::NotFound);
    }
    let org_id = caller.org_id.clone();
    db::run(&state.pool, move |conn| {
        repo::find_user_in_org(conn, &org_id, &id)
    })
    .await?
    .ok_or(AppError::NotFound)
}

/// Changes a member's role or disables them. Disabling ends their sessions at once; an
/// admin cannot demote or disable themself, so an org always keeps an admin.
pub async fn update_user(
    state: &AppState,
    caller: AuthUser,
    id: String,
    role: Option<Role>,
    status: Option<UserStatus>,
) -> AppResult<User> {
    if !ids::is_id(&id) {
        return Err(AppError::NotFound);
    }
    if id == caller.id && (role.is_some_and(|r| r != Role::Admin) || status.is_some()) {
        return Err(AppError::conflict(
            "you cannot change your own role or status; ask another admin",
        ));
    }
    if status == Some(UserStatus::Invited) {
        return Err(AppError::validation(
            "status",
            "can be set to active or disabled only",
        ));
    }
    db::run(&state.pool, move |conn| -> AppResult<_> {
        db::transaction(conn, |conn| -> AppResult<_> {
            let user =
                repo::find_user_in_org(conn, &caller.org_id, &id)?.ok_or(AppError::NotFound)?;
            let new_role = role.map(Role::as_str).unwrap_or(&user.role).to_string();
            let new_status = status
                .map(UserStatus::as_str)
                .unwrap_or(&user.status)
                .to_string();
            repo::update_role_and_status(conn, &user.id, &new_role, &new_status)?;
            if new_status == UserStatus::Disabled.as_str() {
                crate::auth::access::end_sessions(conn, &user.id)?;
            }
            audit::by_user(
                conn,
                &caller,
                "user.updated",
                ("user", &user.id),
                serde_json::json!({
                    "role": { "from": user.role, "to": new_role },
                    "status": { "from": user.status, "to": new_status },
                }),
            )?;
            repo::find_user(conn, &user.id)?.ok_or(AppError::NotFound)
        })
    })
    .await
}
