//! The comms team's figures grouped one way, the participation rate, and an ambassador's own
//! figures. Rows are read once per request and added up here (`figures::add_up`).

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::chart::{self, Day};
use super::figures::{add_up, Figures, Item, Rates};
use super::repo::{self, Published};
use crate::accounts;
use crate::auth::AuthUser;
use crate::dates;
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Story,
    Ambassador,
    Channel,
    Topic,
    Day,
    /// ISO weeks, e.g. `2026-W48`.
    Week,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Period {
    /// First day, `YYYY-MM-DD` (UTC), 2000-01-01 to 2100-12-31; default: 29 days before
    /// `to`. Not after `to`, and at most 366 days before it (422 naming `from`).
    #[param(inline)]
    pub from: Option<dates::Day>,
    /// Last day, included, 2000-01-01 to 2100-12-31; default: today.
    #[param(inline)]
    pub to: Option<dates::Day>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Grouping {
    /// Default: `channel`.
    pub group_by: Option<GroupBy>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Group {
    /// What the group is: a story or user id, a channel, a topic, a day or a week.
    pub key: String,
    /// How to show it: a title, a name, or the key again.
    pub label: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Analytics {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub group_by: GroupBy,
    pub groups: Vec<Group>,
    /// Every share of the period once (a share in several topics counts once here).
    pub total: Figures,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Participation {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// Active ambassadors who agreed to share (a consent not withdrawn).
    pub opted_in: i64,
    /// Of them, those who shared in the period.
    pub shared: i64,
    /// `shared / opted_in`; null without anyone opted in.
    pub rate: Option<f64>,
}

impl Period {
    /// `[from, to + 1 day)` as timestamps, checked: at most 366 days, `from` not after `to`.
    pub fn bounds(&self) -> AppResult<(NaiveDate, NaiveDate, NaiveDateTime, NaiveDateTime)> {
        let to = self.to.map_or_else(|| ids::now().date(), dates::Day::date);
        // Days are within 2000–2100 (`Day`), so a month either side is a day too; checked
        // all the same, since a panic here is a request's end.
        let out_of_range = || AppError::validation("to", "is too close to the end of the calendar");
        let from = match self.from {
            Some(day) => day.date(),
            None => to
                .checked_sub_days(Days::new(29))
                .ok_or_else(out_of_range)?,
        };
        let mut errors = Vec::new();
        if from > to {
            errors.push(FieldError::new("from", "is after `to`"));
        } else if (to - from).num_days() > 366 {
            errors.push(FieldError::new("from", "is more than 366 days before `to`"));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let start = from.and_hms_opt(0, 0, 0).unwrap_or_default();
        let end = to
            .succ_opt()
            .ok_or_else(out_of_range)?
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default();
        Ok((from, to, start, end))
    }
}

/// What the period's shares are made of: the rows and what they are grouped under.
struct Rows {
    shares: Vec<Published>,
    readings: HashMap<String, crate::reach::repo::Snapshot>,
    clicks: HashMap<String, i64>,
    rates: Rates,
}

impl Rows {
    fn load(
        conn: &mut DbConn,
        org_id: &str,
        user_id: Option<&str>,
        start: NaiveDateTime,
        end: NaiveDateTime,
    ) -> AppResult<Rows> {
        let shares = repo::published(conn, org_id, user_id, start, end)?;
        let ids: Vec<String> = shares.iter().map(|s| s.id.clone()).collect();
        let readings = repo::latest_readings(conn, &ids)?;
        let mut clicks = HashMap::new();
        for chunk in ids.chunks(500) {
            for (share, people, _previews) in crate::links::repo::totals(conn, chunk)? {
                clicks.insert(share, people);
            }
        }
        let policy = accounts::query::policy_of(conn, org_id)?;
        Ok(Rows {
            shares,
            readings,
            clicks,
            rates: Rates {
                cpm: policy.cpm_rates,
                cpc: policy.cpc_rates,
            },
        })
    }

    fn item<'a>(&'a self, share: &'a Published) -> Item<'a> {
        Item {
            channel: &share.channel,
            clicks: self.clicks.get(&share.id).copied().unwrap_or(0),
            reading: self.readings.get(&share.id),
        }
    }

    fn total(&self) -> Figures {
        add_up(self.shares.iter().map(|s| self.item(s)), &self.rates)
    }

    /// Groups keyed `key → (label, shares)`, in key order (days and weeks in time order).
    fn grouped(&self, keys: impl Fn(&Published) -> Vec<(String, String)>) -> Vec<Group> {
        let mut groups: BTreeMap<String, (String, Vec<&Published>)> = BTreeMap::new();
        for share in &self.shares {
            for (key, label) in keys(share) {
                groups
                    .entry(key)
                    .or_insert_with(|| (label, Vec::new()))
                    .1
                    .push(share);
            }
        }
        groups
            .into_iter()
            .map(|(key, (label, shares))| Group {
                key,
                label,
                figures: add_up(shares.into_iter().map(|s| self.item(s)), &self.rates),
            })
            .collect()
    }
}

/// The org's figures for the period, grouped (moderators and admins).
pub async fn analytics(
    state: &AppState,
    caller: AuthUser,
    period: Period,
    group_by: Option<GroupBy>,
) -> AppResult<Analytics> {
    let bounds = period.bounds()?;
    let group_by = group_by.unwrap_or(GroupBy::Channel);
    db::run(&state.pool, move |conn| {
        analytics_in(conn, &caller.org_id, bounds, group_by)
    })
    .await
}

/// `analytics` on the caller's connection (the weekly report builds on it).
pub fn analytics_in(
    conn: &mut DbConn,
    org_id: &str,
    (from, to, start, end): (NaiveDate, NaiveDate, NaiveDateTime, NaiveDateTime),
    group_by: GroupBy,
) -> AppResult<Analytics> {
    let rows = Rows::load(conn, org_id, None, start, end)?;
    let story_ids: Vec<String> = {
        let mut ids: Vec<String> = rows.shares.iter().map(|s| s.story_id.clone()).collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let groups = match group_by {
        GroupBy::Channel => rows.grouped(|s| vec![(s.channel.clone(), s.channel.clone())]),
        GroupBy::Day => rows.grouped(|s| {
            let day = s.published_at.date().to_string();
            vec![(day.clone(), day)]
        }),
        GroupBy::Week => rows.grouped(|s| {
            let week = s.published_at.date().iso_week();
            let key = format!("{}-W{:02}", week.year(), week.week());
            vec![(key.clone(), key)]
        }),
        GroupBy::Story => {
            let titles = repo::story_titles(conn, &story_ids)?;
            rows.grouped(|s| {
                let title = titles.get(&s.story_id).cloned().unwrap_or_default();
                vec![(s.story_id.clone(), title)]
            })
        }
        GroupBy::Ambassador => {
            let names = repo::member_names(conn, org_id)?;
            rows.grouped(|s| {
                let name = names.get(&s.user_id).cloned().unwrap_or_default();
                vec![(s.user_id.clone(), name)]
            })
        }
        GroupBy::Topic => {
            let topics = repo::story_topics(conn, &story_ids)?;
            rows.grouped(|s| {
                topics
                    .get(&s.story_id)
                    .map(|ts| ts.iter().map(|t| (t.clone(), t.clone())).collect())
                    .unwrap_or_default()
            })
        }
    };
    Ok(Analytics {
        from,
        to,
        group_by,
        total: rows.total(),
        groups,
    })
}

/// An ambassador's own figures, by channel.
pub async fn mine(state: &AppState, caller: AuthUser, period: Period) -> AppResult<Analytics> {
    let (from, to, start, end) = period.bounds()?;
    db::run(&state.pool, move |conn| -> AppResult<Analytics> {
        let rows = Rows::load(conn, &caller.org_id, Some(&caller.id), start, end)?;
        Ok(Analytics {
            from,
            to,
            group_by: GroupBy::Channel,
            total: rows.total(),
            groups: rows.grouped(|s| vec![(s.channel.clone(), s.channel.clone())]),
        })
    })
    .await
}

/// How many opted-in ambassadors shared in the period.
pub async fn participation(
    state: &AppState,
    caller: AuthUser,
    period: Period,
) -> AppResult<Participation> {
    let (from, to, start, end) = period.bounds()?;
    db::run(&state.pool, move |conn| -> AppResult<Participation> {
        let opted_in = repo::opted_in_ambassadors(conn, &caller.org_id)?;
        let shared: std::collections::HashSet<String> =
            repo::published(conn, &caller.org_id, None, start, end)?
                .into_iter()
                .map(|s| s.user_id)
                .collect();
        let took_part = opted_in.iter().filter(|u| shared.contains(*u)).count() as i64;
        let opted = opted_in.len() as i64;
        Ok(Participation {
            from,
            to,
            opted_in: opted,
            shared: took_part,
            rate: (opted > 0).then(|| took_part as f64 / opted as f64),
        })
    })
    .await
}

/// The period's clicks and reported impressions per day, drawn as SVG.
/// The claim detector's figures of the caller's org over the period.
pub async fn detector(
    state: &AppState,
    caller: AuthUser,
    period: Period,
) -> AppResult<crate::claims::tuning::DetectorFigures> {
    let bounds = period.bounds()?;
    db::run(&state.pool, move |conn| {
        crate::claims::tuning::figures_in(conn, &caller.org_id, bounds)
    })
    .await
}

pub async fn chart(state: &AppState, caller: AuthUser, period: Period) -> AppResult<String> {
    let bounds = period.bounds()?;
    db::run(&state.pool, move |conn| {
        chart_in(conn, &caller.org_id, bounds)
    })
    .await
}

/// `chart` on the caller's connection.
pub fn chart_in(
    conn: &mut DbConn,
    org_id: &str,
    bounds: (NaiveDate, NaiveDate, NaiveDateTime, NaiveDateTime),
) -> AppResult<String> {
    let by_day = analytics_in(conn, org_id, bounds, GroupBy::Day)?;
    let days: Vec<Day> = by_day
        .groups
        .iter()
        .filter_map(|g| {
            Some(Day {
                date: g.key.parse().ok()?,
                clicks: g.figures.clicks,
                impressions: g.figures.impressions,
            })
        })
        .collect();
    let title = format!("Clicks and impressions, {} to {}", by_day.from, by_day.to);
    Ok(chart::render(
        &title,
        &chart::fill(by_day.from, by_day.to, &days),
    )?)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeaderboardEntry {
    pub rank: usize,
    pub display_name: String,
    pub shares: i64,
    pub clicks: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Leaderboard {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// Only members who chose to appear (`PATCH /me {"leaderboard_opt_in": true}`) and shared
    /// in the period: never a list of who did not.
    pub items: Vec<LeaderboardEntry>,
}

/// Who shared most in the period, among those who asked to be listed.
pub async fn leaderboard(
    state: &AppState,
    caller: AuthUser,
    period: Period,
) -> AppResult<Leaderboard> {
    let (from, to, start, end) = period.bounds()?;
    db::run(&state.pool, move |conn| -> AppResult<Leaderboard> {
        let listed: std::collections::HashSet<String> =
            accounts::preferences::on_leaderboard(conn, &caller.org_id)?
                .into_iter()
                .collect();
        let rows = Rows::load(conn, &caller.org_id, None, start, end)?;
        let names = repo::member_names(conn, &caller.org_id)?;
        let mut by_user: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        for share in rows.shares.iter().filter(|s| listed.contains(&s.user_id)) {
            let entry = by_user.entry(&share.user_id).or_default();
            entry.0 += 1;
            entry.1 += rows.item(share).clicks;
        }
        let mut ranked: Vec<(String, i64, i64)> = by_user
            .into_iter()
            .map(|(user, (shares, clicks))| {
                (names.get(user).cloned().unwrap_or_default(), shares, clicks)
            })
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        Ok(Leaderboard {
            from,
            to,
            items: ranked
                .into_iter()
                .enumerate()
                .map(|(i, (display_name, shares, clicks))| LeaderboardEntry {
                    rank: i + 1,
                    display_name,
                    shares,
                    clicks,
                })
                .collect(),
        })
    })
    .await
}
