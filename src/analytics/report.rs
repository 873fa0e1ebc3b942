//! The weekly report: on the first upkeep round of each ISO week, every org's comms team
//! members who chose it get last week's figures, its top stories and the chart (SVG,
//! attached). The row in `weekly_reports` is claimed in the transaction that queues the
//! mails, so several instances send one report per org and week.

use chrono::{Datelike, Days, Duration, NaiveDate};
use diesel::prelude::*;

use super::service::{analytics_in, chart_in, GroupBy, Period};
use crate::accounts::preferences;
use crate::dates::Day;
use crate::db::schema::{orgs, weekly_reports};
use crate::db::{self, is_unique_violation, DbConn};
use crate::error::AppResult;
use crate::ids;
use crate::mail::{self, Attachment, Mail};
use crate::state::AppState;

/// The Monday of the ISO week before the one holding `today`.
pub fn last_week(today: NaiveDate) -> NaiveDate {
    today - Duration::days(today.weekday().num_days_from_monday() as i64 + 7)
}

/// Sends last week's report of every org not sent yet; returns how many mails were queued.
pub fn send_due(conn: &mut DbConn, state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let monday = last_week(today);
    let week = monday.iso_week();
    let key = format!("{}-W{:02}", week.year(), week.week());
    let org_ids: Vec<String> = orgs::table.select(orgs::id).load(conn)?;
    let mut queued = 0;
    for org_id in org_ids {
        queued += db::transaction(conn, |conn| -> AppResult<usize> {
            let claimed = db::transaction(conn, |conn| {
                diesel::insert_into(weekly_reports::table)
                    .values((
                        weekly_reports::org_id.eq(&org_id),
                        weekly_reports::week.eq(&key),
                        weekly_reports::sent_at.eq(ids::now()),
                    ))
                    .execute(conn)
            });
            match claimed {
                Err(e) if is_unique_violation(&e) => return Ok(0),
                other => other?,
            };
            let recipients = preferences::weekly_report_recipients(conn, &org_id)?;
            if recipients.is_empty() {
                return Ok(0);
            }
            let week_days = (
                Day::new(monday),
                monday.checked_add_days(Days::new(6)).and_then(Day::new),
            );
            // A clock outside 2000–2100 has no week to report on.
            let (Some(from), Some(to)) = week_days else {
                return Ok(0);
            };
            let period = Period {
                from: Some(from),
                to: Some(to),
            };
            let bounds = period.bounds()?;
            let by_story = analytics_in(conn, &org_id, bounds, GroupBy::Story)?;
            let svg = chart_in(conn, &org_id, bounds)?;
            let mut top: Vec<_> = by_story.groups.iter().collect();
            top.sort_by(|a, b| {
                (b.figures.clicks, b.figures.shares).cmp(&(a.figures.clicks, a.figures.shares))
            });
            let lines: String = top
                .iter()
                .take(5)
                .map(|g| {
                    format!(
                        "  - {}: {} shares, {} clicks\n",
                        g.label, g.figures.shares, g.figures.clicks
                    )
                })
                .collect();
            let total = &by_story.total;
            let impressions = total
                .impressions
                .map(|i| i.to_string())
                .unwrap_or_else(|| "not reported".into());
            let body = format!(
                "Hello,\n\nThe week of {monday} ({key}): {} shares, {} clicks, impressions {impressions} \
                 (as the networks reported them), {} reactions, {} comments, {} reshares.\n\n\
                 Top stories:\n{}\nThe chart of the week is attached.\n",
                total.shares,
                total.clicks,
                total.reactions,
                total.comments,
                total.reshares,
                if lines.is_empty() { "  (none shared)\n".to_string() } else { lines },
            );
            for to in &recipients {
                mail::queue_with(
                    conn,
                    &state.outbox,
                    Some(&org_id),
                    Mail {
                        to: to.clone(),
                        subject: format!("Weekly report {key}"),
                        body: body.clone(),
                    },
                    vec![Attachment {
                        filename: format!("vouch-{key}.svg"),
                        content_type: "image/svg+xml".into(),
                        content: svg.clone(),
                    }],
                )?;
            }
            Ok(recipients.len())
        })?;
    }
    Ok(queued)
}
