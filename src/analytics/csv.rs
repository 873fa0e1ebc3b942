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

/// The one writer every export goes through: RFC 4180 quoting, a record a line.
fn write(header: Vec<String>, rows: Vec<Vec<String>>) -> anyhow::Result<String> {
    let mut out = String::new();
    for record in std::iter::once(header).chain(rows) {
        for (i, cell) in record.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            field(&mut out, cell);
        }
        out.push('\n');
    }
    Ok(out)
}

/// What a spreadsheet reads as the start of a formula (or, for tab and CR, hides one
/// behind): names and titles are whatever people typed, e.g. `=HYPERLINK(…)`.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One cell. As OWASP advises against CSV injection, a cell that would start a formula is
/// made text: a leading `'` (which spreadsheets show as nothing but read as "text") and the
/// whole cell quoted. Other cells are quoted only when they hold a separator or a quote.
fn field(out: &mut String, cell: &str) {
    let formula = cell.starts_with(FORMULA_STARTS);
    if formula || cell.contains([',', '"', '\n', '\r']) {
        out.push('"');
        if formula {
            out.push('\'');
        }
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
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

#[cfg(test)]
mod tests {
    use super::write;

    fn one(cell: &str) -> String {
        let text = write(vec!["h".into()], vec![vec![cell.into()]]).unwrap();
        text.strip_prefix("h\n")
            .and_then(|t| t.strip_suffix('\n'))
            .unwrap()
            .to_string()
    }

    #[test]
    fn a_cell_that_would_start_a_formula_is_quoted_text() {
        assert_eq!(one("=1+1"), "\"'=1+1\"");
        assert_eq!(one("+33 6"), "\"'+33 6\"");
        assert_eq!(one("-2"), "\"'-2\"");
        assert_eq!(one("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(one("\t=1"), "\"'\t=1\"");
        assert_eq!(one("\r=1"), "\"'\r=1\"");
        assert_eq!(
            one("=HYPERLINK(\"https://x.example\",\"a\")"),
            "\"'=HYPERLINK(\"\"https://x.example\"\",\"\"a\"\")\""
        );
    }

    #[test]
    fn other_cells_are_quoted_only_when_they_must_be() {
        assert_eq!(one("Life at Acme"), "Life at Acme");
        assert_eq!(one("0.1000"), "0.1000");
        assert_eq!(one("a, b"), "\"a, b\"");
        assert_eq!(one("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(one("a = b"), "a = b");
        assert_eq!(one(""), "");
    }
}
