//! Publishing over real HTTP to the contract fakes: connect accounts (OAuth through the
//! fakes, Bluesky by app password), share, and check what each network received.

use serde_json::{json, Value};
use vouch_fakes::Fault;

use crate::helpers::world::{eventually, World};
use crate::helpers::{fields, problem};

#[tokio::test]
async fn an_ambassador_connects_mastodon_and_linkedin_and_each_network_gets_one_post() {
    let w = World::start().await;
    let res = w
        .connect_oauth("mastodon", json!({ "instance_url": w.mastodon.url() }))
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = w.connect_oauth("linkedin", json!({})).await;
    assert_eq!(res.status(), 200);
    let accounts: Value = w
        .app
        .get("/api/v1/me/accounts", &w.amara.token)
        .await
        .json()
        .await
        .unwrap();
    let mut networks: Vec<(String, String)> = accounts["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["network"].as_str().unwrap().into(),
                a["status"].as_str().unwrap().into(),
            )
        })
        .collect();
    networks.sort();
    assert_eq!(
        networks,
        [
            ("linkedin".into(), "connected".into()),
            ("mastodon".into(), "connected".into())
        ]
    );

    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    let res = w
        .app
        .share(&w.amara.token, json!({ "story_id": story["id"], "channels": ["mastodon", "linkedin"],
                                       "text": "Shipping weekly keeps me sharp: https://acme.example/jobs" }))
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let batch: Value = res.json().await.unwrap();
    for share in batch["items"].as_array().unwrap() {
        let id = share["id"].as_str().unwrap();
        let published = w.app.share_becomes(&w.amara.token, id, "published").await;
        assert!(published["external_id"].is_string(), "{published}");
        let tracked = published["tracked_url"].as_str().unwrap();
        let fake = if share["channel"] == "mastodon" {
            &w.mastodon
        } else {
            &w.linkedin
        };
        let posts = fake.posts();
        assert_eq!(posts.len(), 1, "{:?}", posts);
        assert!(posts[0].text.contains(tracked), "{}", posts[0].text);
        assert!(posts[0].text.contains("#AcmeEmployee"), "{}", posts[0].text);
        assert!(
            !posts[0].text.contains("https://acme.example/jobs"),
            "the story link is tracked"
        );
    }
}

#[tokio::test]
async fn bluesky_connects_with_an_app_password_and_keeps_its_session() {
    let w = World::start().await;
    let user = w.bluesky.user().clone();
    let res = w
        .app
        .post(
            "/api/v1/me/accounts/bluesky/connect",
            Some(&w.amara.token),
            &json!({ "handle": user.handle, "app_password": "wrong", "service_url": w.bluesky.url() }),
        )
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["app_password"]);
    let res = w
        .app
        .post(
            "/api/v1/me/accounts/bluesky/connect",
            Some(&w.amara.token),
            &json!({ "handle": user.handle, "app_password": user.password, "service_url": w.bluesky.url() }),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    for _ in 0..2 {
        w.share_and_publish(&story, &["bluesky"]).await;
    }
    assert_eq!(w.bluesky.posts().len(), 2);
    assert_eq!(
        w.bluesky.count("create_session"),
        2,
        "one failed sign-in, one session for both posts"
    );
}

#[tokio::test]
async fn a_network_that_answers_429_is_waited_out_not_hammered() {
    let w = World::start().await;
    w.connect_oauth("mastodon", json!({ "instance_url": w.mastodon.url() }))
        .await;
    w.mastodon.fail_next("create", Fault::RateLimit, 1);
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    let res = w
        .app
        .share(
            &w.amara.token,
            json!({ "story_id": story["id"], "channels": ["mastodon"] }),
        )
        .await;
    let batch: Value = res.json().await.unwrap();
    let id = batch["items"][0]["id"].as_str().unwrap();
    // Refused once: the account waits for Mastodon's reset (five minutes), it is not retried.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(w.mastodon.count("create"), 1);
    let waiting: Value = w
        .app
        .get(&format!("/api/v1/shares/{id}"), &w.amara.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(waiting["status"], "scheduled");
    let runs = w.app.publish_job_times();
    assert_eq!(runs.len(), 1);
    assert!(
        runs[0] > chrono::Utc::now().naive_utc() + chrono::Duration::minutes(4),
        "{runs:?}"
    );
    // The reset comes (time moves on): it goes out, once.
    w.app.skip_waits();
    w.app.share_becomes(&w.amara.token, id, "published").await;
    assert_eq!(w.mastodon.posts().len(), 1);
    assert_eq!(w.mastodon.count("create"), 2);
}

#[tokio::test]
async fn oauth_callbacks_with_a_bad_state_or_an_error_are_clear_4xx() {
    let w = World::start_with(|s| s.networks.x.client_id = String::new()).await;
    let res = w.callback("linkedin", "code=abc&state=forged").await;
    assert_eq!(fields(&problem(res, 422).await), ["state"]);
    let res = w.callback("linkedin", "code=abc").await;
    assert_eq!(fields(&problem(res, 422).await), ["state"]);
    // A real state, refused by the user at the network.
    let res = w
        .app
        .post(
            "/api/v1/me/accounts/linkedin/connect",
            Some(&w.amara.token),
            &json!({}),
        )
        .await;
    let answer: Value = res.json().await.unwrap();
    let url = url::Url::parse(answer["authorize_url"].as_str().unwrap()).unwrap();
    let state = url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let res = w
        .callback("linkedin", &format!("error=access_denied&state={state}"))
        .await;
    let refused = problem(res, 422).await;
    assert!(refused["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("access_denied"));
    // Spent: a second use is refused.
    let res = w
        .callback("linkedin", &format!("code=abc&state={state}"))
        .await;
    assert!(problem(res, 422).await["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("used"));
    let res = w
        .app
        .post(
            "/api/v1/me/accounts/myspace/connect",
            Some(&w.amara.token),
            &json!({}),
        )
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["network"]);
    let res = w
        .app
        .post(
            "/api/v1/me/accounts/x/connect",
            Some(&w.amara.token),
            &json!({}),
        )
        .await;
    assert_eq!(
        fields(&problem(res, 422).await),
        ["network"],
        "X has no credentials in this test"
    );
    let res = w
        .app
        .post(
            "/api/v1/me/accounts/mastodon/connect",
            Some(&w.amara.token),
            &json!({ "instance_url": "ftp://example.com" }),
        )
        .await;
    assert_eq!(fields(&problem(res, 422).await), ["instance_url"]);
}

#[tokio::test]
async fn retracting_a_story_deletes_its_published_posts_at_the_network() {
    let w = World::start().await;
    w.connect_oauth("mastodon", json!({ "instance_url": w.mastodon.url() }))
        .await;
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    let published = w.share_and_publish(&story, &["mastodon"]).await;
    let id = published[0]["id"].as_str().unwrap();
    let res = w
        .app
        .story_act(
            &w.camille.token,
            story["id"].as_str().unwrap(),
            "retract",
            json!({ "reason": "the team moved" }),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    w.app.share_becomes(&w.amara.token, id, "retracted").await;
    assert!(w.mastodon.posts()[0].deleted);
}

#[tokio::test]
async fn disconnecting_and_withdrawing_revoke_the_tokens_at_the_network_even_when_it_is_down() {
    let w = World::start().await;
    w.connect("mastodon").await;
    let user = w.bluesky.user().clone();
    let res = w
        .app
        .post(
            "/api/v1/me/accounts/bluesky/connect",
            Some(&w.amara.token),
            &json!({ "handle": user.handle, "app_password": user.password, "service_url": w.bluesky.url() }),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let bluesky_id = res.json::<Value>().await.unwrap()["account"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Disconnecting Bluesky deletes its session there.
    let res = w
        .app
        .client
        .delete(w.app.url(&format!("/api/v1/me/accounts/{bluesky_id}")))
        .bearer_auth(&w.amara.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    eventually("Bluesky's session is deleted", 10, || async {
        w.bluesky.count("revoke") == 1
    })
    .await;

    // Withdrawing consent while Mastodon is down: the revocation waits for it to come back.
    w.mastodon
        .fail_next("revoke", Fault::Status { status: 503 }, 2);
    let res = w
        .app
        .client
        .delete(w.app.url("/api/v1/me/consent"))
        .bearer_auth(&w.amara.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    eventually("Mastodon revoked the token", 20, || async {
        w.app.skip_waits();
        w.mastodon.count("revoked") == 1
    })
    .await;
    assert_eq!(w.mastodon.count("revoke"), 3, "two refusals, then done");
    let accounts: Value = w
        .app
        .get("/api/v1/me/accounts", &w.amara.token)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        accounts["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["status"] == "revoked"),
        "{accounts}"
    );
}

#[tokio::test]
async fn a_linkedin_token_that_cannot_be_refreshed_warns_its_owner_a_week_ahead_once() {
    // The upkeep is driven by hand here.
    let w = World::start_with(|s| s.moderation.digest_interval_secs = 3600).await;
    w.linkedin.set_flag("member_app", true);
    w.connect("linkedin").await;
    let warn = || {
        let state = w.app.state.clone();
        let mut conn = state.pool.get().unwrap();
        vouch::social::tokens::warn_expiring(&mut conn, &state).unwrap()
    };
    assert_eq!(warn(), 0, "sixty days left: nothing to say yet");
    let before = w.app.mail.count_for(&w.amara.email);
    // Fifty-four days later.
    {
        use diesel::prelude::*;
        use vouch::db::schema::social_accounts;
        let mut conn = w.app.state.pool.get().unwrap();
        let soon = chrono::Utc::now().naive_utc() + chrono::Duration::days(6);
        diesel::update(social_accounts::table)
            .set(social_accounts::token_expires_at.eq(Some(soon)))
            .execute(&mut conn)
            .unwrap();
    }
    assert_eq!(warn(), 1);
    assert_eq!(warn(), 0, "one warning per connection");
    let mail = w.app.mail.wait_for(&w.amara.email, before + 1).await;
    assert!(
        mail.subject.contains("linkedin connection ends"),
        "{}",
        mail.subject
    );
    assert!(
        mail.body.contains("Connect the account again"),
        "{}",
        mail.body
    );
    // Reconnecting starts a new connection, warned about in its own time.
    w.connect("linkedin").await;
    assert_eq!(warn(), 0);
}

/// Every metrics snapshot read so far for `share_id`, oldest first.
fn snapshots(w: &World, share_id: &str) -> Vec<vouch::reach::repo::Snapshot> {
    use diesel::prelude::*;
    use vouch::db::schema::share_metrics;
    let mut conn = w.app.state.pool.get().unwrap();
    share_metrics::table
        .filter(share_metrics::share_id.eq(share_id))
        .order(share_metrics::taken_at.asc())
        .select(vouch::reach::repo::Snapshot::as_select())
        .load(&mut conn)
        .unwrap()
}

#[tokio::test]
async fn the_networks_figures_are_read_on_schedule_and_never_invented() {
    // Readings right after publishing and an hour later (made due by hand).
    let w = World::start_with(|s| s.shares.metrics_after_secs = vec![0, 3600]).await;
    w.connect("linkedin").await;
    w.connect("mastodon").await;
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    // Mastodon refuses the first reading (429): the reading waits for its reset.
    w.mastodon.fail_next("metrics", Fault::RateLimit, 1);
    let published = w.share_and_publish(&story, &["linkedin", "mastodon"]).await;
    let id = |channel: &str| {
        published.iter().find(|s| s["channel"] == channel).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (linkedin, mastodon) = (id("linkedin"), id("mastodon"));
    eventually("both readings of both shares", 20, || async {
        w.app.skip_waits();
        snapshots(&w, &linkedin).len() == 2 && snapshots(&w, &mastodon).len() == 2
    })
    .await;
    let li = snapshots(&w, &linkedin).pop().unwrap();
    assert_eq!(
        (li.impressions, li.reactions, li.comments, li.reshares),
        (Some(120), Some(7), Some(3), Some(2)),
        "LinkedIn's own figures"
    );
    let ma = snapshots(&w, &mastodon).pop().unwrap();
    assert_eq!(
        ma.impressions, None,
        "Mastodon reports no impressions: none invented"
    );
    assert!(ma.reactions.is_some());
    assert_eq!(w.mastodon.count("metrics"), 3, "one 429, then two readings");

    // A share taken down is not read again.
    let res = w
        .app
        .story_act(
            &w.camille.token,
            story["id"].as_str().unwrap(),
            "retract",
            json!({ "reason": "the team moved" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    w.app
        .share_becomes(&w.amara.token, &mastodon, "retracted")
        .await;
    let before = w.mastodon.count("metrics");
    {
        // Queue readings as publishing did; the jobs find the share retracted.
        let state = w.app.state.clone();
        let mut conn = state.pool.get().unwrap();
        let share = vouch::shares::repo::find(&mut conn, &mastodon)
            .unwrap()
            .unwrap();
        vouch::reach::metrics::schedule(&mut conn, &state, &share).unwrap();
    }
    assert_eq!(metrics_jobs(&w), 2);
    eventually("the queued readings ran", 20, || async {
        w.app.skip_waits();
        metrics_jobs(&w) == 0
    })
    .await;
    assert_eq!(w.mastodon.count("metrics"), before);
}

fn metrics_jobs(w: &World) -> i64 {
    use diesel::prelude::*;
    use vouch::db::schema::jobs;
    let mut conn = w.app.state.pool.get().unwrap();
    jobs::table
        .filter(jobs::kind.eq("share.metrics"))
        .filter(jobs::status.eq("queued"))
        .count()
        .get_result(&mut conn)
        .unwrap()
}
