//! The days and instants clients send, held to 2000-01-01 … 2100-12-31.
//!
//! chrono parses years from -262143 to +262142, and arithmetic at either end panics
//! (`NaiveDate - TimeDelta overflowed`); no figure, schedule or expiry of this service lies
//! outside this century anyway. Parsed here, a date out of range is a 422 naming its field
//! like any other invalid value, and everything downstream can add a year without checking.
//! The OpenAPI document states the range as a `pattern` beside the `format`.

use std::fmt;
use std::ops::Deref;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{de, Deserialize, Deserializer, Serialize};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// The first day a client may name.
pub const FIRST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(day) => day,
    None => panic!("2000-01-01 is a day"),
};
/// The last day a client may name.
pub const LAST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2100, 12, 31) {
    Some(day) => day,
    None => panic!("2100-12-31 is a day"),
};

/// Years 2000 to 2100, as the document's `pattern`: unanchored at the end so that it also
/// fits an RFC 3339 date-time.
const YEARS: &str = "^(20[0-9]{2}|2100)-";

fn range() -> String {
    format!("from {FIRST_DAY} to {LAST_DAY}")
}

/// A calendar day (`YYYY-MM-DD`, UTC) within the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Day(NaiveDate);

impl Day {
    /// `day` when it lies within the range.
    pub fn new(day: NaiveDate) -> Option<Day> {
        (FIRST_DAY..=LAST_DAY).contains(&day).then_some(Day(day))
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }

    /// Midnight at the start of the day.
    pub fn start(self) -> NaiveDateTime {
        self.0.and_time(NaiveTime::MIN)
    }
}

impl Deref for Day {
    type Target = NaiveDate;
    fn deref(&self) -> &NaiveDate {
        &self.0
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for Day {
    type Err = String;

    fn from_str(raw: &str) -> Result<Day, String> {
        // Exactly `YYYY-MM-DD`: chrono alone also reads `+262142-12-31` and `2026-1-5`.
        let shaped = raw.len() == 10
            && raw.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        shaped
            .then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
            .flatten()
            .and_then(Day::new)
            .ok_or_else(|| format!("`{raw}` is not a day {} (YYYY-MM-DD)", range()))
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        let raw = std::borrow::Cow::<str>::deserialize(d)?;
        raw.parse().map_err(de::Error::custom)
    }
}

impl PartialSchema for Day {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .pattern(Some(format!("{YEARS}[0-9]{{2}}-[0-9]{{2}}$")))
            .description(Some(format!("A day {} (UTC).", range())))
            .into()
    }
}

impl ToSchema for Day {}

/// An instant (RFC 3339) within the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Instant(DateTime<Utc>);

impl Instant {
    /// `at` when the day it is written on lies within the range (as the document's
    /// pattern reads it, whatever the offset).
    pub fn new(at: DateTime<FixedOffset>) -> Option<Instant> {
        Day::new(at.date_naive()).map(|_| Instant(at.to_utc()))
    }

    pub fn utc(self) -> DateTime<Utc> {
        self.0
    }
}

impl Deref for Instant {
    type Target = DateTime<Utc>;
    fn deref(&self) -> &DateTime<Utc> {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Instant, D::Error> {
        let at = DateTime::<FixedOffset>::deserialize(d)?;
        Instant::new(at).ok_or_else(|| {
            de::Error::custom(format!(
                "`{}` is not an instant {} (UTC)",
                at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
                range()
            ))
        })
    }
}

impl PartialSchema for Instant {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .pattern(Some(YEARS))
            .description(Some(format!("An RFC 3339 instant {} (UTC).", range())))
            .into()
    }
}

impl ToSchema for Instant {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_exactly_yyyy_mm_dd_within_the_range() {
        for ok in ["2000-01-01", "2026-02-28", "2100-12-31", "2024-02-29"] {
            assert_eq!(ok.parse::<Day>().unwrap().to_string(), ok);
        }
        for bad in [
            "1999-12-31",
            "2101-01-01",
            "-262143-01-01",
            "+262142-12-31",
            "262142-12-31",
            "2026-1-05",
            "2026-02-30",
            "2026-02-3a",
            "",
            "yesterday",
        ] {
            let err = bad.parse::<Day>().unwrap_err();
            assert!(err.contains("2000-01-01"), "{bad}: {err}");
        }
    }

    #[test]
    fn an_instant_lies_within_the_range() {
        let parse = |s: &str| serde_json::from_value::<Instant>(serde_json::json!(s));
        assert!(parse("2000-01-01T00:00:00Z").is_ok());
        assert!(parse("2100-12-31T23:59:59.999Z").is_ok());
        // The day as written counts, as the document's pattern reads it.
        assert_eq!(
            parse("2100-12-31T23:30:00-01:00").unwrap().to_rfc3339(),
            "2101-01-01T00:30:00+00:00"
        );
        for bad in [
            "1999-12-31T23:59:59Z",
            "2101-01-01T00:00:00Z",
            "2101-01-01T00:30:00+01:00",
            "9999-12-31T00:00:00Z",
        ] {
            let err = parse(bad).unwrap_err().to_string();
            assert!(err.contains("2100-12-31"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_document_pattern_agrees_with_the_parser() {
        let pattern = |schema: RefOr<Schema>| match schema {
            RefOr::T(Schema::Object(o)) => regex::Regex::new(&o.pattern.unwrap()).unwrap(),
            _ => panic!("a string schema"),
        };
        let day = pattern(Day::schema());
        for s in ["2000-01-01", "2100-12-31"] {
            assert!(day.is_match(s) && s.parse::<Day>().is_ok());
        }
        for s in ["1999-12-31", "2101-01-01", "+262142-12-31", "-262143-01-01"] {
            assert!(!day.is_match(s) && s.parse::<Day>().is_err());
        }
        let instant = pattern(Instant::schema());
        assert!(instant.is_match("2026-12-04T10:00:00Z"));
        assert!(!instant.is_match("9999-12-04T10:00:00Z"));
    }
}
