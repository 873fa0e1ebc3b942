//! Ids and clocks: ids are UUIDv7 text made by the app (time-ordered, so they double as a
//! stable cursor); times are UTC without zone, the type both databases share.

use chrono::{DateTime, NaiveDateTime, Utc};

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Whether `s` looks like an id we issued; anything else cannot name a row, so callers can
/// answer 404 without a query.
pub fn is_id(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok()
}

/// A stored time as the API shows it: RFC 3339 with `Z`, so clients never guess the zone.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}
