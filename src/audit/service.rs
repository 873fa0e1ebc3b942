//! Reading the audit log: the org's events, newest first, optionally for one object.

use super::routes::AuditFilter;
use super::AuditEventView;
use crate::auth::AuthUser;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::paging::{Page, PageParams};
use crate::state::AppState;

pub async fn page(
    state: &AppState,
    caller: &AuthUser,
    filter: AuditFilter,
    page: PageParams,
) -> AppResult<Page<AuditEventView>> {
    let (cursor, limit) = page.checked()?;
    // Empty is absent, as for the other filters.
    let given = |v: Option<String>| v.filter(|v| !v.is_empty());
    let object = match (given(filter.object_type), given(filter.object_id)) {
        (Some(t), Some(i)) => Some((t, i)),
        (None, None) => None,
        _ => {
            return Err(AppError::validation(
                "object_id",
                "object_type and object_id go together",
            ))
        }
    };
    let org_id = caller.org_id.clone();
    let rows = db::run(&state.pool, move |conn| {
        super::list(
            conn,
            &org_id,
            object.as_ref().map(|(t, i)| (t.as_str(), i.as_str())),
            cursor.as_deref(),
            limit + 1,
        )
    })
    .await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |e| e.id.clone(),
        AuditEventView::from,
    ))
}
