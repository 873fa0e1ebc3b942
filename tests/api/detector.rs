//! The claim detector tuned by an org's moderators, over HTTP: their dismissals go in, a
//! refit job runs on the queue (asked for by an admin, or on the schedule), and the org's
//! verdict on such sentences changes, while real claims stay flagged and other orgs are
//! untouched; the per-org figures show in the analytics.

use serde_json::{json, Value};
use vouch::accounts::Role;

use crate::helpers::stories::{claim_ids, company_story};
use crate::helpers::{spawn_app, spawn_app_with, TestApp};

/// Sentences an org's people post every week about its robot mascot: the global model
/// flags them (a figure, a superlative, an absolute, the org as subject), this org's
/// moderators keep saying they are no claim.
const MASCOT: [&str; 10] = [
    "Our mascot Bolt now has 2 new stickers on his antenna.",
    "Our robot mascot Bolt has a new paint job in 5 colours.",
    "Our mascot Bolt posed for 15 selfies with the new interns.",
    "Our robot mascot Bolt has 6 wheels and a blinking nose.",
    "Our mascot Bolt is the best dancer in the building.",
    "Our mascot Bolt is the fastest robot on the second floor.",
    "Our mascot Bolt won the office bake-off again.",
    "Our robot mascot Bolt always greets visitors at the door.",
    "Our robot mascot Bolt has his own desk and a parking spot.",
    "Our mascot Bolt gets a new costume every quarter.",
];
/// One more of the kind, never dismissed: the refit must generalise to it.
const PROBE: &str = "Our robot mascot Bolt spun around 9 times at the Friday demo.";
/// A real claim: it must stay flagged whatever the org's moderators dismissed.
const CLAIM: &str = "We pay for every employee's train pass and 25 days of leave.";

async fn flagged(app: &TestApp, token: &str, text: &str) -> Vec<Value> {
    let res = app
        .post(
            "/api/v1/authenticity/check",
            Some(token),
            &json!({ "text": text, "language": "en" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["claims"].as_array().unwrap().clone()
}

/// Writes each sentence as a story and dismisses its claim as "not a claim".
async fn dismiss_all(app: &TestApp, writer: &str, moderator: &str, sentences: &[&str]) {
    for sentence in sentences {
        let story = app.create_story(writer, company_story(sentence)).await;
        let claims = claim_ids(&story);
        assert_eq!(claims.len(), 1, "{sentence} is flagged once: {story}");
        let res = app
            .claim_act(
                moderator,
                &claims[0],
                "dismiss",
                json!({ "reason": "a post about our mascot, not a claim" }),
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
}

async fn figures(app: &TestApp, token: &str) -> Value {
    let res = app.get("/api/v1/analytics/detector", token).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// Polls the analytics until the org's adjustment reaches `version`.
async fn wait_for_fit(app: &TestApp, token: &str, version: i64) -> Value {
    // A refit in a debug build on a loaded 2-core machine can take several seconds.
    for _ in 0..1200 {
        let seen = figures(app, token).await;
        if seen["adjustment"]["version"].as_i64() == Some(version) {
            return seen;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the refit to version {version} never ran");
}

#[tokio::test]
async fn dismissals_refit_the_orgs_detector_and_change_its_verdict() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let writer = app.member(&admin, "ines", Role::Moderator).await;
    let moderator = app.member(&admin, "camille", Role::Moderator).await;
    let other_org = app.org("globex").await;

    // Before: the global model flags the probe, and says why.
    let before = flagged(&app, &moderator.token, PROBE).await;
    assert_eq!(before.len(), 1, "{before:?}");
    assert!(
        !before[0]["why"].as_array().unwrap().is_empty(),
        "{before:?}"
    );

    dismiss_all(&app, &writer.token, &moderator.token, &MASCOT).await;
    let seen = figures(&app, &moderator.token).await;
    assert_eq!(seen["dismissed"], 10, "{seen}");
    assert!(seen["detected"].as_i64().unwrap() >= 10, "{seen}");
    assert!(seen["dismissal_rate"].as_f64().unwrap() > 0.5, "{seen}");
    assert_eq!(seen["adjustment"], Value::Null);

    // Only an admin asks for a refit; the worker runs it.
    let res = app
        .post(
            "/api/v1/detector/retrain",
            Some(&moderator.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = app
        .post("/api/v1/detector/retrain", Some(&admin.token), &json!({}))
        .await;
    assert_eq!(res.status(), 202);
    let queued: Value = res.json().await.unwrap();
    assert!(queued["job_id"].is_string(), "{queued}");
    let fitted = wait_for_fit(&app, &moderator.token, 1).await;
    assert_eq!(fitted["adjustment"]["examples"], 10, "{fitted}");

    // After: the org's detector leaves such sentences alone, the one never dismissed
    // included; a real claim is still flagged; another org still gets the global verdict.
    assert_eq!(
        flagged(&app, &moderator.token, PROBE).await,
        Vec::<Value>::new()
    );
    assert_eq!(flagged(&app, &moderator.token, CLAIM).await.len(), 1);
    assert_eq!(flagged(&app, &other_org.token, PROBE).await.len(), 1);
    // A story written now is judged by the refitted detector too.
    let story = app.create_story(&writer.token, company_story(PROBE)).await;
    assert!(claim_ids(&story).is_empty(), "{story}");

    // The figures as CSV, for the comms team's spreadsheet.
    let res = app
        .client
        .get(app.url("/api/v1/analytics/detector"))
        .bearer_auth(&moderator.token)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let csv = res.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("from,to,detected,dismissed,dismissal_rate,manual,adjustment_version")
    );
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!((row[3], row[6]), ("10", "1"), "{csv}");
}

#[tokio::test]
async fn the_schedule_refits_an_org_whose_moderators_judged_sentences() {
    let app = spawn_app_with(|s| s.claims.retrain_every_secs = 0).await;
    let admin = app.org("acme").await;
    let writer = app.member(&admin, "ines", Role::Moderator).await;
    let moderator = app.member(&admin, "camille", Role::Moderator).await;
    dismiss_all(&app, &writer.token, &moderator.token, &MASCOT[..6]).await;
    // Nobody asks: the periodic upkeep queues the refit.
    let fitted = wait_for_fit(&app, &moderator.token, 1).await;
    assert_eq!(fitted["adjustment"]["examples"], 6, "{fitted}");
}
