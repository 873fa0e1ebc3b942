//! Demo data, so a newcomer sees something at once: an org, its comms team and ambassadors.

use chrono::Duration;

use crate::accounts::{self, Email, Role};
use crate::db::{self, Pool};
use crate::error::AppError;

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
pub fn load(pool: &Pool) -> anyhow::Result<Loaded> {
    let mut conn = pool.get()?;
    if accounts::repo::find_org_by_slug(&mut conn, DEMO_SLUG)?.is_some() {
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
        activate(conn, &invited.user.id, Role::Admin)?;
        for (email, name, role) in MEMBERS {
            let email = Email::parse(email).map_err(|m| AppError::validation("email", m))?;
            let member = accounts::service::add_user(
                conn,
                Some(&invited.user.id),
                org.clone(),
                &email,
                *role,
                name,
                Duration::days(7),
            )?;
            activate(conn, &member.user.id, *role)?;
        }
        Ok(())
    })
    .map_err(|e| anyhow::Error::new(e).context("loading demo data"))?;
    Ok(Loaded::Created)
}

fn activate(conn: &mut db::DbConn, user_id: &str, role: Role) -> diesel::QueryResult<()> {
    accounts::repo::update_role_and_status(conn, user_id, role.as_str(), "active")
}
