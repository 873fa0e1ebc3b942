//! Adding up shares into figures: pure, so the arithmetic is tested on its own.

use serde::Serialize;
use utoipa::ToSchema;

use crate::reach::repo::Snapshot;

/// Where `impressions` comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImpressionsSource {
    /// Every network of these shares reported impressions.
    Reported,
    /// Some did (LinkedIn, X); the others (Mastodon, Bluesky, the careers page) report none.
    PartlyReported,
    /// None of these shares' networks reports impressions: `impressions` is null.
    NotReported,
}

/// Earned media value: what the same reach would have cost as ads, at the org's rates.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct EarnedMedia {
    pub amount: f64,
    /// Always present: this is a model, not a measurement.
    pub model: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Figures {
    /// Shares that went out.
    pub shares: i64,
    /// People who followed a tracked link (crawlers and previews excluded).
    pub clicks: i64,
    /// The networks' reported impressions; null where none was reported.
    pub impressions: Option<i64>,
    pub impressions_source: ImpressionsSource,
    pub reactions: i64,
    pub comments: i64,
    pub reshares: i64,
    /// (reactions + comments + reshares) / impressions, over the shares whose network reports
    /// impressions; null without any.
    pub engagement_rate: Option<f64>,
    /// Only when the org set CPM/CPC rates in its policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earned_media_value: Option<EarnedMedia>,
}

/// The org's ad rates per channel (policy `cpm_rates`, `cpc_rates`), for earned media value.
#[derive(Debug, Clone, Default)]
pub struct Rates {
    pub cpm: std::collections::BTreeMap<String, f64>,
    pub cpc: std::collections::BTreeMap<String, f64>,
}

impl Rates {
    pub fn is_set(&self) -> bool {
        !self.cpm.is_empty() || !self.cpc.is_empty()
    }
}

/// One share's contribution.
pub struct Item<'a> {
    pub channel: &'a str,
    pub clicks: i64,
    pub reading: Option<&'a Snapshot>,
}

#[derive(Default)]
struct Sum {
    shares: i64,
    clicks: i64,
    impressions: i64,
    reported: i64,
    reactions: i64,
    comments: i64,
    reshares: i64,
    engaged_where_reported: i64,
    value: f64,
}

pub fn add_up<'a>(items: impl IntoIterator<Item = Item<'a>>, rates: &Rates) -> Figures {
    let mut sum = Sum::default();
    for item in items {
        sum.shares += 1;
        sum.clicks += item.clicks;
        let reading = item.reading;
        let get = |f: fn(&Snapshot) -> Option<i64>| reading.and_then(f).unwrap_or(0);
        let engaged = get(|r| r.reactions) + get(|r| r.comments) + get(|r| r.reshares);
        sum.reactions += get(|r| r.reactions);
        sum.comments += get(|r| r.comments);
        sum.reshares += get(|r| r.reshares);
        if let Some(impressions) = reading.and_then(|r| r.impressions) {
            sum.impressions += impressions;
            sum.reported += 1;
            sum.engaged_where_reported += engaged;
            if let Some(cpm) = rates.cpm.get(item.channel) {
                sum.value += impressions as f64 / 1000.0 * cpm;
            }
        }
        if let Some(cpc) = rates.cpc.get(item.channel) {
            sum.value += item.clicks as f64 * cpc;
        }
    }
    let source = match sum.reported {
        0 => ImpressionsSource::NotReported,
        n if n == sum.shares => ImpressionsSource::Reported,
        _ => ImpressionsSource::PartlyReported,
    };
    let impressions = (sum.reported > 0).then_some(sum.impressions);
    Figures {
        shares: sum.shares,
        clicks: sum.clicks,
        impressions,
        impressions_source: source,
        reactions: sum.reactions,
        comments: sum.comments,
        reshares: sum.reshares,
        engagement_rate: impressions
            .filter(|i| *i > 0)
            .map(|i| sum.engaged_where_reported as f64 / i as f64),
        earned_media_value: rates.is_set().then(|| EarnedMedia {
            amount: (sum.value * 100.0).round() / 100.0,
            model: "a model, not a measurement: reported impressions / 1000 × the channel's CPM \
                    + clicks × the channel's CPC, at the rates in the org's policy"
                .into(),
        }),
    }
}

#[cfg(test)]
#[path = "figures_tests.rs"]
mod tests;
