use super::*;

fn reading(impressions: Option<i64>, reactions: i64) -> Snapshot {
    Snapshot {
        id: "r".into(),
        share_id: "s".into(),
        org_id: "o".into(),
        taken_at: chrono::NaiveDateTime::default(),
        impressions,
        reactions: Some(reactions),
        comments: Some(1),
        reshares: None,
        network_clicks: None,
    }
}

#[test]
fn engagement_counts_only_shares_whose_network_reports_impressions() {
    let (li, ma) = (reading(Some(200), 9), reading(None, 30));
    let figures = add_up(
        [
            Item {
                channel: "linkedin",
                clicks: 4,
                reading: Some(&li),
            },
            Item {
                channel: "mastodon",
                clicks: 6,
                reading: Some(&ma),
            },
            Item {
                channel: "x",
                clicks: 0,
                reading: None,
            },
        ],
        &Rates::default(),
    );
    assert_eq!(figures.shares, 3);
    assert_eq!(figures.clicks, 10);
    assert_eq!(figures.impressions, Some(200));
    assert_eq!(
        figures.impressions_source,
        ImpressionsSource::PartlyReported
    );
    assert_eq!(figures.reactions, 39);
    assert_eq!(
        figures.engagement_rate,
        Some(10.0 / 200.0),
        "LinkedIn's 9 + 1 only"
    );
    assert_eq!(figures.earned_media_value, None, "no rates, no value");
}

#[test]
fn without_reported_impressions_there_is_no_impression_figure_and_no_rate() {
    let ma = reading(None, 3);
    let figures = add_up(
        [Item {
            channel: "mastodon",
            clicks: 2,
            reading: Some(&ma),
        }],
        &Rates::default(),
    );
    assert_eq!(figures.impressions, None);
    assert_eq!(figures.impressions_source, ImpressionsSource::NotReported);
    assert_eq!(figures.engagement_rate, None);
}

#[test]
fn earned_media_value_is_a_labelled_model_at_the_orgs_rates() {
    let li = reading(Some(2000), 0);
    let rates = Rates {
        cpm: [("linkedin".to_string(), 30.0)].into(),
        cpc: [("linkedin".to_string(), 2.5)].into(),
    };
    let figures = add_up(
        [Item {
            channel: "linkedin",
            clicks: 4,
            reading: Some(&li),
        }],
        &rates,
    );
    let value = figures.earned_media_value.unwrap();
    assert_eq!(value.amount, 2.0 * 30.0 + 4.0 * 2.5);
    assert!(value.model.contains("model"));
}
