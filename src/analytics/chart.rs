//! The clicks and reported impressions of a period, day by day, as an SVG line chart
//! (`plotters`). Text is measured with DejaVu Sans, embedded so the layout is the same on
//! every machine; the SVG names the family and viewers draw it with their own copy.

use std::sync::Once;

use chrono::{Duration, NaiveDate};
use plotters::prelude::*;

/// One day of the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    pub clicks: i64,
    /// `None`: no network reported impressions for that day's shares.
    pub impressions: Option<i64>,
}

static FONT: Once = Once::new();

fn register_font() {
    FONT.call_once(|| {
        let bytes: &'static [u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
        if plotters::style::register_font("sans-serif", FontStyle::Normal, bytes).is_err() {
            tracing::error!("the chart font did not load");
        }
    });
}

/// Every day from `from` to `to`, with zeros where `days` has none.
pub fn fill(from: NaiveDate, to: NaiveDate, days: &[Day]) -> Vec<Day> {
    let mut out = Vec::new();
    let mut date = from;
    while date <= to {
        out.push(
            days.iter()
                .find(|d| d.date == date)
                .copied()
                .unwrap_or(Day {
                    date,
                    clicks: 0,
                    impressions: None,
                }),
        );
        date += Duration::days(1);
    }
    out
}

pub fn render(title: &str, days: &[Day]) -> anyhow::Result<String> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 400)).into_drawing_area();
        root.fill(&WHITE)?;
        let top = days
            .iter()
            .map(|d| d.clicks.max(d.impressions.unwrap_or(0)))
            .max()
            .unwrap_or(0)
            .max(1);
        let span = days.len().max(2) as i32 - 1;
        let label = |i: &i32| {
            days.get(*i as usize)
                .map(|d| d.date.format("%d %b").to_string())
                .unwrap_or_default()
        };
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(16)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(0..span, 0..(top + top / 10 + 1))?;
        chart
            .configure_mesh()
            .x_labels(8)
            .x_label_formatter(&label)
            .y_desc("per day")
            .draw()?;
        let clicks = BLUE.stroke_width(2);
        chart
            .draw_series(LineSeries::new(
                days.iter().enumerate().map(|(i, d)| (i as i32, d.clicks)),
                clicks,
            ))?
            .label("clicks")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], clicks));
        let impressions = RED.stroke_width(2);
        chart
            .draw_series(LineSeries::new(
                days.iter()
                    .enumerate()
                    .filter_map(|(i, d)| d.impressions.map(|n| (i as i32, n))),
                impressions,
            ))?
            .label("impressions (as reported)")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], impressions));
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
    }
    Ok(svg)
}
