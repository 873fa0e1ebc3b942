//! The analytics answers as CSV (`Accept: text/csv`), for spreadsheets: one row per group and
//! a last row `total`; empty cells where a figure is null.

use super::figures::Figures;
use super::service::{Analytics, Participation};

const FIGURES: [&str; 10] = [
    "shares",
    "clicks",
    "impressions",
    "impressions_source",
    "reactions",
    "comments",
    "reshares",
    "engagement_rate",
    "earned_media_value",
    "earned_media_value_model",
];

fn cells(f: &Figures) -> Vec<String> {
    let source = serde_json::to_value(f.impressions_source)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let opt = |v: Option<String>| v.unwrap_or_default();
    vec![
        f.shares.to_string(),
        f.clicks.to_string(),
        opt(f.impressions.map(|i| i.to_string())),
        source,
        f.reactions.to_string(),
        f.comments.to_string(),
        f.reshares.to_string(),
        opt(f.engagement_rate.map(|r| format!("{r:.4}"))),
        opt(f
            .earned_media_value
            .as_ref()
            .map(|v| format!("{:.2}", v.amount))),
        opt(f.earned_media_value.as_ref().map(|v| v.model.clone())),
    ]
}

fn write(header: Vec<String>, rows: Vec<Vec<String>>) -> anyhow::Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&header)?;
    for row in rows {
        out.write_record(&row)?;
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

pub fn analytics(a: &Analytics) -> anyhow::Result<String> {
    let group_by = serde_json::to_value(a.group_by)?
        .as_str()
        .unwrap_or("group")
        .to_string();
    let mut header = vec![group_by, "label".to_string()];
    header.extend(FIGURES.iter().map(|h| h.to_string()));
    let mut rows: Vec<Vec<String>> = a
        .groups
        .iter()
        .map(|g| {
            let mut row = vec![g.key.clone(), g.label.clone()];
            row.extend(cells(&g.figures));
            row
        })
        .collect();
    let mut total = vec!["total".to_string(), String::new()];
    total.extend(cells(&a.total));
    rows.push(total);
    write(header, rows)
}

pub fn participation(p: &Participation) -> anyhow::Result<String> {
    write(
        ["from", "to", "opted_in", "shared", "rate"]
            .map(String::from)
            .to_vec(),
        vec![vec![
            p.from.to_string(),
            p.to.to_string(),
            p.opted_in.to_string(),
            p.shared.to_string(),
            p.rate.map(|r| format!("{r:.4}")).unwrap_or_default(),
        ]],
    )
}

pub fn detector(d: &crate::claims::tuning::DetectorFigures) -> anyhow::Result<String> {
    write(
        [
            "from",
            "to",
            "detected",
            "dismissed",
            "dismissal_rate",
            "manual",
            "adjustment_version",
        ]
        .map(String::from)
        .to_vec(),
        vec![vec![
            d.from.to_string(),
            d.to.to_string(),
            d.detected.to_string(),
            d.dismissed.to_string(),
            d.dismissal_rate
                .map(|r| format!("{r:.4}"))
                .unwrap_or_default(),
            d.manual.to_string(),
            d.adjustment
                .as_ref()
                .map(|a| a.version.to_string())
                .unwrap_or_default(),
        ]],
    )
}
