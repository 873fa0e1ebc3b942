//! The audit log: who did what to which object, and when. Events are written in the same
//! transaction as the change they describe, so the log cannot miss or invent one.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::audit_events;
use crate::db::{DbConn, MultiBackend};
use crate::ids;

pub mod routes;
pub mod service;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    pub id: String,
    pub org_id: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub detail: String,
    pub created_at: NaiveDateTime,
}

/// What is being recorded; `detail` is free-form JSON (a reason, the old and new status …).
pub struct Entry<'a> {
    pub org_id: &'a str,
    pub actor_id: Option<&'a str>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: &'a str,
    pub detail: serde_json::Value,
}

pub fn record(conn: &mut DbConn, entry: Entry<'_>) -> QueryResult<()> {
    let event = AuditEvent {
        id: ids::new_id(),
        org_id: entry.org_id.to_string(),
        actor_id: entry.actor_id.map(str::to_string),
        action: entry.action.to_string(),
        object_type: entry.object_type.to_string(),
        object_id: entry.object_id.to_string(),
        detail: entry.detail.to_string(),
        created_at: ids::now(),
    };
    diesel::insert_into(audit_events::table)
        .values(&event)
        .execute(conn)
        .map(|_| ())
}

/// Records what a signed-in user did to an object of their org.
pub fn by_user(
    conn: &mut DbConn,
    actor: &crate::auth::AuthUser,
    action: &str,
    object: (&str, &str),
    detail: serde_json::Value,
) -> QueryResult<()> {
    record(
        conn,
        Entry {
            org_id: &actor.org_id,
            actor_id: Some(&actor.id),
            action,
            object_type: object.0,
            object_id: object.1,
            detail,
        },
    )
}

/// Newest first, for the admin's audit view; `object` narrows to one object.
pub fn list(
    conn: &mut DbConn,
    org_id: &str,
    object: Option<(&str, &str)>,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<AuditEvent>> {
    list_query(org_id, object, before, limit).load(conn)
}

pub fn list_query(
    org_id: &str,
    object: Option<(&str, &str)>,
    before: Option<&str>,
    limit: i64,
) -> audit_events::BoxedQuery<'static, MultiBackend> {
    let mut query = audit_events::table
        .filter(audit_events::org_id.eq(org_id.to_string()))
        .order(audit_events::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some((object_type, object_id)) = object {
        query = query
            .filter(audit_events::object_type.eq(object_type.to_string()))
            .filter(audit_events::object_id.eq(object_id.to_string()));
    }
    if let Some(before) = before {
        query = query.filter(audit_events::id.lt(before.to_string()));
    }
    query
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    pub id: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<AuditEvent> for AuditEventView {
    fn from(e: AuditEvent) -> Self {
        AuditEventView {
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
            id: e.id,
            actor_id: e.actor_id,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            created_at: ids::utc(e.created_at),
        }
    }
}
