//! Cursor pagination: `?cursor=&limit=`; the cursor is the last id of the previous page
//! (ids are time-ordered UUIDv7), so pages stay stable while rows are added.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppError;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// `next_cursor` of the previous page (empty: the first page).
    #[param(
        pattern = r"^([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})?$"
    )]
    pub cursor: Option<String>,
    /// Items per page (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

impl PageParams {
    /// The limit to query with (one more than asked, to learn whether a next page exists)
    /// and the cursor, both checked.
    pub fn checked(&self) -> Result<(Option<String>, i64), AppError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(AppError::validation(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        // Exactly what `next_cursor` holds (and the document's pattern says): a hyphenated id.
        let cursor = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(c) if c.len() == 36 && crate::ids::is_id(c) => Some(c.to_string()),
            Some(_) => {
                return Err(AppError::validation(
                    "cursor",
                    "is not a cursor this API returned",
                ))
            }
        };
        Ok((cursor, limit))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from rows fetched with `limit + 1`; `id_of` gives the cursor of a row.
    pub fn from_rows<R>(
        mut rows: Vec<R>,
        limit: i64,
        id_of: impl Fn(&R) -> String,
        view: impl Fn(R) -> T,
    ) -> Page<T> {
        let has_more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if has_more {
            rows.last().map(&id_of)
        } else {
            None
        };
        Page {
            items: rows.into_iter().map(view).collect(),
            next_cursor,
        }
    }

    /// Turns the page's rows into their views in one go (views are built in batches).
    pub fn try_map<U, E>(self, f: impl FnOnce(Vec<T>) -> Result<Vec<U>, E>) -> Result<Page<U>, E> {
        Ok(Page {
            items: f(self.items)?,
            next_cursor: self.next_cursor,
        })
    }
}
