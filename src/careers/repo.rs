//! The one query of the careers page: an org's published careers-page shares of
//! testimonials whose stored verdict is publishable, with their authors, where the author's
//! consent is live.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_builder::QueryFragment;
use diesel::query_dsl::methods::LoadQuery;

use crate::db::schema::{consents, shares, stories, users};
use crate::db::{DbConn, MultiBackend};
use crate::shares::model::{Channel, ShareStatus};
use crate::stories::model::StoryKind;
use crate::stories::Story;

/// What the careers page shows of an author, before their choices are applied.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct Author {
    pub id: String,
    pub display_name: String,
    pub job_title: Option<String>,
    pub photo_url: Option<String>,
    pub team: Option<String>,
    pub location: Option<String>,
    pub show_job_title: bool,
    pub show_photo: bool,
}

/// A story, when one of its careers-page shares was published, and its author.
pub type Row = (Story, Option<NaiveDateTime>, Author);

/// Every row behind the org's careers page (a story shared there twice comes twice; a
/// story whose window has not opened yet comes too, so the caller knows when it will).
pub fn published(conn: &mut DbConn, org_id: &str) -> QueryResult<Vec<Row>> {
    published_query(org_id).load(conn)
}

pub fn published_query(
    org_id: &str,
) -> impl QueryFragment<MultiBackend> + for<'a> LoadQuery<'a, DbConn, Row> + RunQueryDsl<DbConn> {
    shares::table
        .inner_join(stories::table.on(stories::id.eq(shares::story_id)))
        .inner_join(users::table.on(users::id.eq(stories::author_id)))
        .inner_join(
            consents::table.on(consents::user_id
                .eq(stories::author_id)
                .and(consents::withdrawn_at.is_null())),
        )
        .filter(shares::org_id.eq(org_id.to_string()))
        .filter(shares::channel.eq(Channel::CareersPage.as_str()))
        .filter(shares::status.eq(ShareStatus::Published.as_str()))
        .filter(stories::kind.eq(StoryKind::Testimonial.as_str()))
        .filter(stories::publishable.eq(true))
        .filter(users::status.ne("disabled"))
        .select((
            Story::as_select(),
            shares::published_at,
            Author::as_select(),
        ))
}
