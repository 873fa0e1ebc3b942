//! Where publishing breaks in other schedulers, each tried here against the contract fakes:
//! a crash in the middle of publishing, two worker processes, a step after the post that
//! fails, a cancel at the due time, two jobs that find the same expired single-use token.

use std::collections::HashMap;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::{json, Value};
use vouch::db::schema::shares;
use vouch::db::DbConn;
use vouch_fakes::{Fake, Fault};

use crate::helpers::binary::Served;
use crate::helpers::world::{eventually, World};
use crate::helpers::TestApp;

/// Status → count over every share of the database.
fn share_counts(app: &TestApp) -> HashMap<String, i64> {
    let mut conn = app.state.pool.get().unwrap();
    shares::table
        .group_by(shares::status)
        .select((shares::status, diesel::dsl::count_star()))
        .load::<(String, i64)>(&mut conn)
        .unwrap()
        .into_iter()
        .collect()
}

/// (id, channel, tracked code, external id) of every share.
fn share_rows(app: &TestApp) -> Vec<(String, String, String, Option<String>)> {
    let mut conn = app.state.pool.get().unwrap();
    shares::table
        .select((
            shares::id,
            shares::channel,
            shares::tracked_code,
            shares::external_id,
        ))
        .load(&mut conn)
        .unwrap()
}

/// Each share is on its network exactly once, as the post its external id names.
fn assert_each_share_posted_once(w: &World) {
    let rows = share_rows(&w.app);
    for (id, channel, code, external) in &rows {
        let fake: &Fake = match channel.as_str() {
            "linkedin" => &w.linkedin,
            "mastodon" => &w.mastodon,
            "x" => &w.x,
            other => panic!("unexpected channel {other}"),
        };
        let link = format!("/r/{code}");
        let posts: Vec<_> = fake
            .posts()
            .into_iter()
            .filter(|p| !p.deleted && p.text.contains(&link))
            .collect();
        assert_eq!(posts.len(), 1, "share {id} on {channel}: {posts:?}");
        assert_eq!(
            external.as_deref(),
            Some(posts[0].id.as_str()),
            "share {id}"
        );
    }
}

async fn many_shares(w: &World, count: usize) {
    w.policy(
        json!({ "disclosure": "#AcmeEmployee", "shares_per_day": 1000,
                     "shares_per_story_channel_per_day": 1000 }),
    )
    .await;
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    for _ in 0..count / 2 {
        w.share(&story, &["linkedin", "mastodon"]).await;
    }
}

#[tokio::test]
async fn a_server_killed_while_publishing_200_shares_publishes_each_exactly_once() {
    // The in-process app only makes the shares; the real binary publishes them.
    let w = World::start_with(|s| s.worker.enabled = false).await;
    w.connect("linkedin").await;
    w.connect("mastodon").await;
    many_shares(&w, 200).await;
    // Every post is accepted, then answered late: the kill lands between a post the network
    // has and the answer Vouch never got. LinkedIn has no idempotency key: only looking
    // before posting again saves it from a duplicate.
    for fake in [&w.linkedin, &w.mastodon] {
        fake.fail_next("create", Fault::Late { ms: 150 }, 1000);
    }
    let mut env = w.env();
    env.push(("VOUCH__WORKER__CONCURRENCY", "8".into()));
    let data = tempfile::tempdir().unwrap();
    env.push(("VOUCH__DATA_DIR", data.path().display().to_string()));
    let server = Served::start(&env).await;
    let posted = || w.linkedin.posts().len() + w.mastodon.posts().len();
    eventually("a third of the posts are out", 60, || async {
        posted() >= 60
    })
    .await;
    server.kill_hard();
    let at_kill = share_counts(&w.app);
    assert!(
        at_kill.get("publishing").copied().unwrap_or(0) > 0,
        "the kill caught posts in flight: {at_kill:?}"
    );
    assert!(posted() < 200, "the kill came before the end");

    let _restarted = Served::start(&env).await;
    eventually("every share is published", 90, || async {
        share_counts(&w.app).get("published").copied() == Some(200)
    })
    .await;
    assert_each_share_posted_once(&w);
    assert_eq!(w.linkedin.posts().len(), 100);
    assert_eq!(w.mastodon.posts().len(), 100);
    assert!(
        w.linkedin.count("find") > 0,
        "a LinkedIn share found in flight was looked for before any new post"
    );
}

#[tokio::test]
async fn two_worker_processes_publish_500_shares_with_no_duplicate() {
    let w = World::start_with(|s| s.worker.enabled = false).await;
    w.connect("linkedin").await;
    w.connect("mastodon").await;
    many_shares(&w, 500).await;
    let mut env = w.env();
    env.push(("VOUCH__WORKER__CONCURRENCY", "4".into()));
    let data = tempfile::tempdir().unwrap();
    env.push(("VOUCH__DATA_DIR", data.path().display().to_string()));
    let _one = Served::worker(&env).await;
    let _two = Served::worker(&env).await;
    eventually("every share is published", 120, || async {
        share_counts(&w.app).get("published").copied() == Some(500)
    })
    .await;
    assert_each_share_posted_once(&w);
    assert_eq!(w.linkedin.posts().len(), 250);
    assert_eq!(w.mastodon.posts().len(), 250);
    assert_eq!(w.linkedin.count("create"), 250, "no post was tried twice");
}

/// Makes recording a share as published fail, as a full disk or a lost connection would.
fn break_recording(app: &TestApp, broken: bool) {
    let mut conn = app.state.pool.get().unwrap();
    let sql = match (&mut *conn, broken) {
        (DbConn::Sqlite(_), true) => {
            "CREATE TRIGGER no_publish BEFORE UPDATE OF status ON shares \
             WHEN NEW.status = 'published' BEGIN SELECT RAISE(ABORT, 'disk full'); END;"
        }
        (DbConn::Sqlite(_), false) => "DROP TRIGGER no_publish;",
        (DbConn::Postgresql(_), true) => {
            "CREATE FUNCTION no_publish() RETURNS trigger AS $$ \
             BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER no_publish BEFORE UPDATE ON shares FOR EACH ROW \
             WHEN (NEW.status = 'published') EXECUTE FUNCTION no_publish();"
        }
        (DbConn::Postgresql(_), false) => "DROP TRIGGER no_publish ON shares;",
    };
    conn.batch_execute(sql).unwrap();
}

#[tokio::test]
async fn a_step_after_a_successful_post_that_fails_never_posts_again() {
    let w = World::start().await;
    w.connect("linkedin").await;
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    break_recording(&w.app, true);
    let id = w.share(&story, &["linkedin"]).await.remove(0);
    // The post went out; recording it failed, and the retries fail too for a while.
    eventually(
        "the post went out and recording it failed twice",
        30,
        || async {
            w.app.skip_waits();
            w.linkedin.count("find") >= 2
        },
    )
    .await;
    assert_eq!(w.linkedin.posts().len(), 1);
    let waiting: Value = w
        .app
        .get(&format!("/api/v1/shares/{id}"), &w.amara.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(waiting["status"], "publishing", "{waiting}");
    // Recording works again: the next retry finds the post and records it.
    break_recording(&w.app, false);
    w.app.skip_waits();
    let published = w.app.share_becomes(&w.amara.token, &id, "published").await;
    assert_eq!(w.linkedin.count("create"), 1, "never posted again");
    assert_eq!(
        published["external_id"].as_str(),
        Some(w.linkedin.posts()[0].id.as_str())
    );
}

#[tokio::test]
async fn a_cancel_at_the_due_time_either_stops_the_post_or_is_refused() {
    let w = World::start().await;
    w.connect("mastodon").await;
    w.policy(
        json!({ "disclosure": "#AcmeEmployee", "shares_per_day": 1000,
                     "shares_per_story_channel_per_day": 1000 }),
    )
    .await;
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    let (mut stopped, mut refused) = (0, 0);
    for round in 0..crate::helpers::rounds() {
        let due = chrono::Utc::now() + chrono::Duration::milliseconds(300);
        let res = w
            .app
            .share(
                &w.amara.token,
                json!({ "story_id": story["id"], "channels": ["mastodon"], "scheduled_at": due }),
            )
            .await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let share: Value = res.json().await.unwrap();
        let id = share["items"][0]["id"].as_str().unwrap().to_string();
        let code = share["items"][0]["tracked_url"]
            .as_str()
            .unwrap()
            .to_string();
        // Around the due time, early or late by a few milliseconds.
        let wait = (due - chrono::Utc::now()).num_milliseconds() + (round as i64 % 7) * 15 - 60;
        tokio::time::sleep(std::time::Duration::from_millis(wait.max(0) as u64)).await;
        let cancel = w
            .app
            .post(
                &format!("/api/v1/shares/{id}/cancel"),
                Some(&w.amara.token),
                &json!({}),
            )
            .await;
        let on_network = || {
            w.mastodon
                .posts()
                .iter()
                .filter(|p| p.text.contains(&code))
                .count()
        };
        match cancel.status().as_u16() {
            200 => {
                // Give a worker that claimed the job every chance to (wrongly) post.
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                assert_eq!(on_network(), 0, "round {round}: a cancelled share went out");
                stopped += 1;
            }
            409 => {
                w.app.share_becomes(&w.amara.token, &id, "published").await;
                assert_eq!(on_network(), 1, "round {round}");
                refused += 1;
            }
            other => panic!("round {round}: cancel answered {other}"),
        }
    }
    assert!(
        stopped > 0,
        "some cancels came in time ({refused} too late)"
    );
}

#[tokio::test]
async fn two_jobs_that_find_the_same_expired_x_token_refresh_it_once() {
    let w = World::start().await;
    w.connect("x").await;
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    w.policy(
        json!({ "disclosure": "#AcmeEmployee", "shares_per_day": 1000,
                     "shares_per_story_channel_per_day": 1000 }),
    )
    .await;
    // X's refresh tokens are single use: a second refresh with the same one is refused
    // (`invalid_grant`) and would cost the ambassador the connection.
    w.x.expire_tokens();
    w.x.fail_next("token", Fault::Delay { ms: 300 }, 1);
    let due = chrono::Utc::now() + chrono::Duration::milliseconds(500);
    let mut ids = Vec::new();
    for text in ["Shipping weekly keeps me sharp", "Proud of the Lyon team"] {
        let res = w
            .app
            .share(
                &w.amara.token,
                json!({ "story_id": story["id"], "channels": ["x"], "text": text, "scheduled_at": due }),
            )
            .await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let batch: Value = res.json().await.unwrap();
        ids.push(batch["items"][0]["id"].as_str().unwrap().to_string());
    }
    for id in &ids {
        w.app.share_becomes(&w.amara.token, id, "published").await;
    }
    assert_eq!(w.x.count("refresh"), 1, "one refresh for both jobs");
    assert!(
        w.x.count("create") >= 3,
        "both jobs met the expired token first"
    );
    let accounts: Value = w
        .app
        .get("/api/v1/me/accounts", &w.amara.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(accounts["items"][0]["status"], "connected");
}

#[tokio::test]
async fn a_token_about_to_end_is_refreshed_before_the_post_not_after_a_refusal() {
    let w = World::start().await;
    w.connect("x").await;
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    {
        // Two hours later: the access token's end is past by our clock.
        use vouch::db::schema::social_accounts;
        let mut conn = w.app.state.pool.get().unwrap();
        let past = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1);
        diesel::update(social_accounts::table)
            .set(social_accounts::token_expires_at.eq(Some(past)))
            .execute(&mut conn)
            .unwrap();
    }
    w.share_and_publish(&story, &["x"]).await;
    assert_eq!(w.x.count("refresh"), 1);
    assert_eq!(
        w.x.count("create"),
        1,
        "no post was tried with the old token"
    );
}
