//! Queries on consent texts and agreements.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{consent_texts, consents};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::ids;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = consent_texts)]
pub struct ConsentText {
    pub org_id: String,
    pub version: i32,
    pub text: String,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = consents)]
pub struct Consent {
    pub id: String,
    pub user_id: String,
    /// The version of the org's consent text agreed to (as text; see `consent_texts.version`).
    pub text_version: String,
    pub granted_at: NaiveDateTime,
    pub withdrawn_at: Option<NaiveDateTime>,
}

/// The org's current text: the highest version.
pub fn current_text(conn: &mut DbConn, org_id: &str) -> QueryResult<Option<ConsentText>> {
    consent_texts::table
        .filter(consent_texts::org_id.eq(org_id))
        .order(consent_texts::version.desc())
        .first(conn)
        .optional()
}

pub fn insert_text(conn: &mut DbConn, text: &ConsentText) -> QueryResult<()> {
    diesel::insert_into(consent_texts::table)
        .values(text)
        .execute(conn)
        .map(|_| ())
}

/// The user's agreement that is not withdrawn, if any (whatever version it names).
pub fn live(conn: &mut DbConn, user_id: &str) -> QueryResult<Option<Consent>> {
    consents::table
        .filter(consents::user_id.eq(user_id))
        .filter(consents::withdrawn_at.is_null())
        .order(consents::granted_at.desc())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConn, consent: &Consent) -> QueryResult<()> {
    diesel::insert_into(consents::table)
        .values(consent)
        .execute(conn)
        .map(|_| ())
}

/// Ends every live agreement of the user; returns how many there were.
pub fn withdraw_all(conn: &mut DbConn, user_id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        consents::table
            .filter(consents::user_id.eq(user_id))
            .filter(consents::withdrawn_at.is_null()),
    )
    .set(consents::withdrawn_at.eq(at))
    .execute(conn)
}

/// Every agreement of the user, oldest first (the export).
pub fn history(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<Consent>> {
    consents::table
        .filter(consents::user_id.eq(user_id))
        .order(consents::granted_at.asc())
        .load(conn)
}

/// Version 1 of every org's text (the migration seeds existing orgs with the same words).
pub const DEFAULT_TEXT: &str = "I volunteer to share stories of my workplace under my own name. \
I may edit them, and every post I make through Vouch says that I work here. I can withdraw at \
any time: my scheduled posts are then cancelled and my testimonials leave the careers page.";

/// Gives a new org its first text (inside the org's creating transaction).
pub fn seed(conn: &mut DbConn, org_id: &str) -> AppResult<()> {
    insert_text(
        conn,
        &ConsentText {
            org_id: org_id.into(),
            version: 1,
            text: DEFAULT_TEXT.into(),
            created_by: None,
            created_at: ids::now(),
        },
    )?;
    Ok(())
}
