//! What the shares' answers read of their links: clicks and previews counted so far.

use std::collections::HashMap;

use super::repo;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::shares::model::ShareView;

/// Fills `clicks` and `previews` of share answers from what is stored.
pub fn add_reach(conn: &mut DbConn, views: &mut [ShareView]) -> AppResult<()> {
    if views.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = views.iter().map(|v| v.id.clone()).collect();
    let totals: HashMap<String, (i64, i64)> = repo::totals(conn, &ids)?
        .into_iter()
        .map(|(id, c, p)| (id, (c, p)))
        .collect();
    for view in views.iter_mut() {
        if let Some((clicks, previews)) = totals.get(&view.id) {
            view.clicks = *clicks;
            view.previews = *previews;
        }
    }
    Ok(())
}
