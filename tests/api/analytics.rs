//! Analytics over HTTP: the networks' figures as reported (none invented for Mastodon), the
//! org's rates as a labelled model, participation, an ambassador's own figures, and CSV.

use serde_json::{json, Value};
use vouch::accounts::Role;

use crate::helpers::world::{eventually, World};
use crate::helpers::{fields, problem};

async fn get(w: &World, path: &str, token: &str) -> Value {
    let res = w.app.get(path, token).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

fn readings(w: &World) -> i64 {
    use diesel::prelude::*;
    use vouch::db::schema::share_metrics;
    let mut conn = w.app.state.pool.get().unwrap();
    share_metrics::table.count().get_result(&mut conn).unwrap()
}

#[tokio::test]
async fn the_comms_team_sees_what_was_reported_per_channel_and_in_csv() {
    let w = World::start_with(|s| {
        s.shares.metrics_after_secs = vec![0];
        // Each person clicks from an address of their own, behind our proxy.
        s.server.trusted_proxies =
            vouch::http::client_ip::TrustedProxies::parse(&["127.0.0.1"]).unwrap();
    })
    .await;
    w.connect("linkedin").await;
    w.connect("mastodon").await;
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    let published = w.share_and_publish(&story, &["linkedin", "mastodon"]).await;
    eventually("both shares were read", 20, || async { readings(&w) == 2 }).await;
    // Three people follow the LinkedIn post's link; a crawler's preview is not a click.
    let linkedin = published
        .iter()
        .find(|s| s["channel"] == "linkedin")
        .unwrap();
    let code = linkedin["tracked_url"]
        .as_str()
        .unwrap()
        .rsplit("/r/")
        .next()
        .unwrap();
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for (person, ua) in [
        BROWSER,
        BROWSER,
        BROWSER,
        "LinkedInBot/1.0 (compatible; Mozilla/5.0)",
    ]
    .into_iter()
    .enumerate()
    {
        let res = no_redirects
            .get(w.app.url(&format!("/r/{code}")))
            .header("user-agent", ua)
            .header("x-forwarded-for", format!("192.0.2.{person}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302);
    }
    let share_path = format!("/api/v1/shares/{}", linkedin["id"].as_str().unwrap());
    eventually("the clicks are stored", 10, || async {
        get(&w, &share_path, &w.amara.token).await["clicks"] == 3
    })
    .await;
    // Someone opted in who did not share, and someone who never opted in.
    let lucas = w.app.member(&w.admin, "lucas", Role::Ambassador).await;
    w.app.consent(&lucas.token).await;
    w.app.member(&w.admin, "ines", Role::Ambassador).await;

    let by_channel = get(&w, "/api/v1/analytics?group_by=channel", &w.camille.token).await;
    let group = |channel: &str| {
        by_channel["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"] == channel)
            .cloned()
            .unwrap()
    };
    let (li, ma) = (group("linkedin"), group("mastodon"));
    assert_eq!(
        (li["shares"].clone(), li["impressions"].clone()),
        (json!(1), json!(120))
    );
    assert_eq!(li["impressions_source"], "reported");
    assert_eq!(li["engagement_rate"], json!(12.0 / 120.0));
    assert_eq!(
        ma["impressions"],
        Value::Null,
        "Mastodon reports none: none invented"
    );
    assert_eq!(ma["impressions_source"], "not_reported");
    assert_eq!(ma["engagement_rate"], Value::Null);
    let total = &by_channel["total"];
    assert_eq!(total["shares"], 2);
    assert_eq!(total["impressions"], 120);
    assert_eq!(total["impressions_source"], "partly_reported");
    assert!(
        total.get("earned_media_value").is_none(),
        "no rates, no value"
    );

    // The org's ad rates turn reach into a value, labelled as a model.
    w.policy(json!({ "disclosure": "#AcmeEmployee", "cpm_rates": { "linkedin": 30 } }))
        .await;
    let valued = get(&w, "/api/v1/analytics?group_by=story", &w.camille.token).await;
    assert_eq!(valued["groups"][0]["label"], story["title"]);
    let value = &valued["total"]["earned_media_value"];
    assert_eq!(
        value["amount"],
        json!(3.6),
        "120 impressions at 30 per 1,000"
    );
    assert!(value["model"].as_str().unwrap().contains("model"));

    // The same as CSV, for a spreadsheet.
    let res = w
        .app
        .client
        .get(w.app.url("/api/v1/analytics?group_by=channel"))
        .bearer_auth(&w.camille.token)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("channel,label,shares,clicks,impressions,impressions_source"));
    assert!(lines.contains(&"linkedin,linkedin,1,3,120,reported,7,3,2,0.1000,3.60,\"a model, not a measurement: reported impressions / 1000 × the channel's CPM + clicks × the channel's CPC, at the rates in the org's policy\""), "{csv}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("mastodon,mastodon,1,0,,not_reported,")),
        "{csv}"
    );
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("total,,2,3,120,partly_reported"),
        "{csv}"
    );

    // Over time, as a chart: one point a day, both series, with their legend.
    let res = w
        .app
        .get(
            "/api/v1/analytics/chart.svg?from=2026-01-01&to=2026-01-10",
            &w.camille.token,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("image/svg+xml"));
    let svg = res.text().await.unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("clicks"), "{svg}");
    assert!(svg.contains("impressions (as reported)"));
    assert!(svg.contains("Clicks and impressions, 2026-01-01 to 2026-01-10"));
    let today = chrono::Utc::now().date_naive();
    let recent = w
        .app
        .get(
            &format!(
                "/api/v1/analytics/chart.svg?from={}&to={today}",
                today - chrono::Duration::days(6)
            ),
            &w.camille.token,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        recent.contains(&today.format("%d %b").to_string()),
        "{recent}"
    );
    // Impressions are drawn in red: in January only their legend's sample, now a line too.
    let red = |svg: &str| svg.matches("#FF0000").count();
    assert_eq!(
        (red(&svg), red(&recent)),
        (1, 2),
        "a January without shares draws no impressions"
    );

    // Who takes part: two opted in, one shared.
    let part = get(&w, "/api/v1/analytics/participation", &w.camille.token).await;
    assert_eq!(
        (part["opted_in"].clone(), part["shared"].clone()),
        (json!(2), json!(1))
    );
    assert_eq!(part["rate"], json!(0.5));

    // An ambassador sees their own figures, not the org's.
    let mine = get(&w, "/api/v1/me/analytics", &w.amara.token).await;
    assert_eq!(mine["total"]["shares"], 2);
    let theirs = get(&w, "/api/v1/me/analytics", &lucas.token).await;
    assert_eq!(theirs["total"]["shares"], 0);
    problem(w.app.get("/api/v1/analytics", &w.amara.token).await, 403).await;
}

#[tokio::test]
async fn a_period_or_grouping_that_makes_no_sense_names_the_field() {
    let w = World::start().await;
    for (query, field) in [
        ("from=2026-03-01&to=2026-02-01", "from"),
        ("from=2024-01-01&to=2026-02-01", "from"),
        ("group_by=planet", "group_by"),
        ("to=yesterday", "to"),
    ] {
        let res = w
            .app
            .get(&format!("/api/v1/analytics?{query}"), &w.camille.token)
            .await;
        assert_eq!(fields(&problem(res, 422).await), [field], "{query}");
    }
    let res = w
        .app
        .client
        .put(w.app.url("/api/v1/org/policy"))
        .bearer_auth(&w.admin.token)
        .json(&json!({ "cpm_rates": { "myspace": 3, "linkedin": -1 } }))
        .send()
        .await
        .unwrap();
    let mut named = fields(&problem(res, 422).await);
    named.sort();
    assert_eq!(named, ["cpm_rates.linkedin", "cpm_rates.myspace"]);
}

async fn patch_me(w: &World, token: &str, body: Value) -> reqwest::Response {
    w.app
        .client
        .patch(w.app.url("/api/v1/me"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_leaderboard_lists_only_who_chose_it_and_the_weekly_report_carries_the_chart() {
    // The upkeep is driven by hand here.
    let w = World::start_with(|s| s.moderation.digest_interval_secs = 3600).await;
    w.connect("mastodon").await;
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    for _ in 0..2 {
        w.share_and_publish(&story, &["mastodon"]).await;
    }
    let lucas = w.app.member(&w.admin, "lucas", Role::Ambassador).await;
    let res = patch_me(&w, &lucas.token, json!({ "leaderboard_opt_in": true })).await;
    assert_eq!(res.status(), 200);

    // Nobody is listed without asking, and nobody who did not share.
    let board = get(&w, "/api/v1/leaderboard", &lucas.token).await;
    assert_eq!(board["items"], json!([]));
    let res = patch_me(&w, &w.amara.token, json!({ "leaderboard_opt_in": true })).await;
    assert_eq!(res.status(), 200);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["preferences"]["leaderboard_opt_in"], true);
    assert_eq!(me["preferences"]["weekly_report_opt_in"], false);
    let name = me["user"]["display_name"].clone();
    let board = get(&w, "/api/v1/leaderboard", &lucas.token).await;
    assert_eq!(
        board["items"],
        json!([{ "rank": 1, "display_name": name, "shares": 2, "clicks": 0 }])
    );
    let res = patch_me(&w, &w.amara.token, json!({ "leaderboard": true })).await;
    assert_eq!(fields(&problem(res, 422).await), ["leaderboard"]);
    let res = patch_me(&w, &w.amara.token, json!({ "leaderboard_opt_in": false })).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        get(&w, "/api/v1/leaderboard", &lucas.token).await["items"],
        json!([])
    );

    // The weekly report, to the comms team members who chose it, once per week.
    let res = patch_me(
        &w,
        &w.camille.token,
        json!({ "weekly_report_opt_in": true }),
    )
    .await;
    assert_eq!(res.status(), 200);
    let next_week = chrono::Utc::now().date_naive() + chrono::Duration::days(7);
    let send = || {
        let state = w.app.state.clone();
        let mut conn = state.pool.get().unwrap();
        vouch::analytics::report::send_due(&mut conn, &state, next_week).unwrap()
    };
    assert_eq!(send(), 1, "Camille chose it; the admin did not");
    assert_eq!(send(), 0, "one report per week");
    let report = || {
        w.app.mail.all().into_iter().find(|m| {
            m.subject.starts_with("Weekly report ")
                && m.to.iter().any(|t| t.contains(&w.camille.email))
        })
    };
    eventually("the report arrives", 10, || async { report().is_some() }).await;
    let mail = report().unwrap();
    assert!(mail.body.contains("2 shares"), "{}", mail.body);
    assert!(
        mail.body.contains(story["title"].as_str().unwrap()),
        "{}",
        mail.body
    );
    let (filename, kind, content) = &mail.attachments[0];
    assert!(filename.ends_with(".svg"), "{filename}");
    assert_eq!(kind, "image/svg+xml");
    assert!(content.contains("<svg") && content.contains("impressions (as reported)"));
}

/// Every read that takes a period, as an ambassador may reach them and as the comms team.
const PERIOD_READS: [&str; 6] = [
    "/api/v1/me/analytics",
    "/api/v1/leaderboard",
    "/api/v1/analytics",
    "/api/v1/analytics/participation",
    "/api/v1/analytics/detector",
    "/api/v1/analytics/chart.svg",
];

#[tokio::test]
async fn a_date_at_the_edge_of_the_calendar_is_refused_naming_it() {
    let w = World::start().await;
    for path in PERIOD_READS {
        for (query, field) in [
            // chrono's own ends: `to - 29 days` and `to + 1 day` overflowed here.
            ("to=-262143-01-01", "to"),
            ("to=%2B262142-12-31", "to"),
            ("from=-262143-01-01&to=2026-01-01", "from"),
            ("from=262142-12-31", "from"),
            ("from=1999-12-31&to=2000-01-05", "from"),
            ("from=2100-12-01&to=2101-01-01", "to"),
            ("to=2026-02-30", "to"),
        ] {
            let res = w
                .app
                .get(&format!("{path}?{query}"), &w.camille.token)
                .await;
            let body = problem(res, 422).await;
            assert_eq!(fields(&body), [field], "{path}?{query}: {body}");
            assert!(
                body["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("2000-01-01"),
                "{body}"
            );
        }
        // The first and the last day of the range are days like any other.
        for query in [
            "from=2000-01-01&to=2000-01-31",
            "from=2100-12-01&to=2100-12-31",
        ] {
            let res = w
                .app
                .get(&format!("{path}?{query}"), &w.camille.token)
                .await;
            assert_eq!(res.status(), 200, "{path}?{query}");
        }
    }
    // The document says so, so that clients and generated tests stay inside.
    let doc: Value = w
        .app
        .client
        .get(w.app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in PERIOD_READS {
        let op = &doc["paths"][path.trim_start_matches("/api/v1")]["get"];
        for name in ["from", "to"] {
            let param = op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == name)
                .unwrap_or_else(|| panic!("{path} has no {name}"));
            let schema = &param["schema"];
            assert_eq!(schema["format"], "date", "{path} {name}: {schema}");
            let pattern = regex::Regex::new(schema["pattern"].as_str().unwrap()).unwrap();
            assert!(pattern.is_match("2000-01-01") && pattern.is_match("2100-12-31"));
            assert!(!pattern.is_match("1999-12-31") && !pattern.is_match("2101-01-01"));
            assert!(!pattern.is_match("-262143-01-01") && !pattern.is_match("+262142-12-31"));
        }
    }
}

/// A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula; names and
/// titles are the people's own, so the CSV writer makes each such cell text (OWASP: a
/// leading `'`, the cell quoted), and JSON keeps them as written.
#[tokio::test]
async fn a_csv_cell_never_starts_a_formula() {
    let w = World::start().await;
    let mut input = crate::helpers::stories::company_story("We ship every week.");
    input["title"] = json!("=HYPERLINK(\"https://evil.example\",\"Open\")");
    input["link_url"] = json!("https://acme.example/jobs");
    let story = w.app.create_story(&w.camille.token, input).await;
    let story = w.app.approve_fully(&w.camille.token, &story).await;
    let other = w
        .app
        .publishable_story(&w.camille.token, "We ship every day.")
        .await;
    let res = w
        .app
        .patch(
            "/api/v1/me",
            &w.amara.token,
            &json!({ "display_name": "@SUM(1+1)*cmd|' /C calc'!A0" }),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    w.share_and_publish(&story, &["careers_page"]).await;
    w.share_and_publish(&other, &["careers_page"]).await;
    let csv_of = |group_by: &'static str| {
        let (client, url, token) = (
            w.app.client.clone(),
            w.app.url(&format!("/api/v1/analytics?group_by={group_by}")),
            w.camille.token.clone(),
        );
        async move {
            let res = client
                .get(url)
                .bearer_auth(token)
                .header("accept", "text/csv")
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            res.text().await.unwrap()
        }
    };
    for (group_by, label) in [
        ("story", "=HYPERLINK(\"https://evil.example\",\"Open\")"),
        ("ambassador", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ] {
        let text = csv_of(group_by).await;
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let cells: Vec<&str> = rows.iter().flat_map(|r| r.iter()).collect();
        for cell in &cells {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{group_by}: {cell:?} in {text}"
            );
        }
        let neutral = format!("'{label}");
        assert!(cells.contains(&neutral.as_str()), "{group_by}: {text}");
        // Quoted in the file, so no reader splits it at its own commas or quotes.
        let quoted = format!("\"'{}\"", label.replace('"', "\"\""));
        assert!(text.contains(&quoted), "{group_by}: {text}");
        // The JSON answer is not a spreadsheet: the label as written.
        let json = get(
            &w,
            &format!("/api/v1/analytics?group_by={group_by}"),
            &w.camille.token,
        )
        .await;
        assert!(
            json["groups"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["label"] == label),
            "{json}"
        );
    }
}
