//! The queries only the export and the erasure need.

use diesel::prelude::*;

use crate::audit::AuditEvent;
use crate::db::schema::{
    audit_events, claims, login_links, shares, social_accounts, stories, users,
};
use crate::db::DbConn;
use crate::stories::Story;

pub fn stories_by(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<Story>> {
    stories::table
        .filter(stories::author_id.eq(user_id))
        .order(stories::id.asc())
        .load(conn)
}

pub fn events_by(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<AuditEvent>> {
    audit_events::table
        .filter(audit_events::actor_id.eq(user_id))
        .order(audit_events::id.asc())
        .load(conn)
}

/// Replaces the user's identifying fields and disables the account.
pub fn anonymise_user(conn: &mut DbConn, user_id: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set((
            users::email.eq(format!("erased-{user_id}@erased.invalid")),
            users::display_name.eq("Erased user"),
            users::job_title.eq(None::<String>),
            users::photo_url.eq(None::<String>),
            users::team.eq(None::<String>),
            users::location.eq(None::<String>),
            users::show_job_title.eq(false),
            users::show_photo.eq(false),
            users::status.eq("disabled"),
        ))
        .execute(conn)
}

pub fn delete_login_links(conn: &mut DbConn, user_id: &str) -> QueryResult<usize> {
    diesel::delete(login_links::table.filter(login_links::user_id.eq(user_id))).execute(conn)
}

/// Share texts are the user's words: emptied; channel, status and times stay for the totals.
pub fn anonymise_shares(conn: &mut DbConn, user_id: &str) -> QueryResult<usize> {
    diesel::update(shares::table.filter(shares::user_id.eq(user_id)))
        .set((
            shares::text.eq(""),
            shares::review_reason.eq(None::<String>),
        ))
        .execute(conn)
}

pub fn anonymise_accounts(conn: &mut DbConn, user_id: &str) -> QueryResult<usize> {
    diesel::update(social_accounts::table.filter(social_accounts::user_id.eq(user_id)))
        .set((
            social_accounts::handle.eq("erased"),
            social_accounts::external_user_id.eq("erased"),
        ))
        .execute(conn)
}

/// A testimonial is the user's own words: emptied and archived, its claims gone.
pub fn erase_testimonials(conn: &mut DbConn, user_id: &str) -> QueryResult<usize> {
    let ids: Vec<String> = stories::table
        .filter(stories::author_id.eq(user_id))
        .filter(stories::kind.eq("testimonial"))
        .select(stories::id)
        .load(conn)?;
    diesel::delete(claims::table.filter(claims::story_id.eq_any(&ids))).execute(conn)?;
    diesel::update(stories::table.filter(stories::id.eq_any(&ids)))
        .set((
            stories::title.eq("Erased testimonial"),
            stories::body.eq(""),
            stories::captions.eq("{}"),
            stories::link_url.eq(None::<String>),
            stories::media_urls.eq("[]"),
            stories::search_text.eq(""),
            stories::status.eq("archived"),
            stories::publishable.eq(false),
            stories::version.eq(stories::version + 1),
        ))
        .execute(conn)
}
