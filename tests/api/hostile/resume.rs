//! After a restart mid-publish, a look-up that fails is not the network refusing the post.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use vouch::db::schema::{jobs, shares};
use vouch_fakes::Fault;

use super::share_view;
use crate::helpers::world::{eventually, World};

/// A create whose answer never came, then a restart: the look-up that follows fails (an
/// instance without the endpoint answers 404, a slow one times out). Within Mastodon's
/// idempotency hour the create is repeated with the same key, and the instance answers the
/// status it made the first time.
#[tokio::test]
async fn a_failed_look_up_within_the_hour_falls_back_to_the_idempotent_create() {
    for look_up in [Fault::Status { status: 404 }, Fault::Delay { ms: 3000 }] {
        let w = World::start().await;
        w.connect("mastodon").await;
        // The answer comes after the client's timeout (2 s): the outcome is unknown.
        w.mastodon.fail_next("create", Fault::Late { ms: 3000 }, 1);
        w.mastodon.fail_next("find", look_up.clone(), 1);
        let story = w
            .app
            .publishable_story(&w.camille.token, "We ship every week.")
            .await;
        let id = w.share(&story, &["mastodon"]).await.remove(0);
        eventually("the share is out of publishing", 30, || async {
            let status = share_view(&w, &id).await["status"].clone();
            status != "publishing" && status != "scheduled"
        })
        .await;
        let share = share_view(&w, &id).await;
        assert_eq!(share["status"], "published", "{look_up:?}: {share}");
        let posts = w.mastodon.posts();
        assert_eq!(posts.len(), 1, "{look_up:?}: {posts:?}");
        assert_eq!(share["external_id"], posts[0].id.as_str());
        assert!(w.mastodon.count("find") >= 1, "it looked first");
    }
}

/// Past the hour the key no longer protects a repeat: a failed look-up is tried again later,
/// and the share stays `publishing` (its post may be out) until the look-up answers.
#[tokio::test]
async fn a_failed_look_up_past_the_hour_is_retried_never_a_refusal() {
    let w = World::start_with(|s| s.worker.retry_base_ms = 5000).await;
    w.connect("mastodon").await;
    w.mastodon.fail_next("create", Fault::Late { ms: 3000 }, 1);
    w.mastodon
        .fail_next("find", Fault::Status { status: 404 }, 2);
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    let id = w.share(&story, &["mastodon"]).await.remove(0);
    eventually("the first create timed out", 10, || async {
        share_view(&w, &id).await["status"] == "publishing"
            && jobs_attempts(&w) >= 1
            && !job_locked(&w)
    })
    .await;
    {
        // As if the share had gone out two hours ago.
        let mut conn = w.app.state.pool.get().unwrap();
        diesel::update(shares::table.find(&id))
            .set(shares::scheduled_at.eq(Utc::now().naive_utc() - Duration::hours(2)))
            .execute(&mut conn)
            .unwrap();
    }
    for _ in 0..2 {
        let before = w.mastodon.count("find");
        w.app.skip_waits();
        eventually("the look-up was tried again", 10, || async {
            w.mastodon.count("find") > before && !job_locked(&w)
        })
        .await;
        let share = share_view(&w, &id).await;
        assert_eq!(share["status"], "publishing", "{share}");
    }
    w.app.skip_waits();
    let published = w.app.share_becomes(&w.amara.token, &id, "published").await;
    let posts = w.mastodon.posts();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(published["external_id"], posts[0].id.as_str());
    assert_eq!(w.mastodon.count("create"), 1, "never a blind create");
}

fn jobs_attempts(w: &World) -> i32 {
    let mut conn = w.app.state.pool.get().unwrap();
    jobs::table
        .filter(jobs::kind.eq("share.publish"))
        .select(jobs::attempts)
        .first(&mut conn)
        .unwrap_or(0)
}

fn job_locked(w: &World) -> bool {
    let mut conn = w.app.state.pool.get().unwrap();
    jobs::table
        .filter(jobs::kind.eq("share.publish"))
        .select(jobs::locked_by)
        .first::<Option<String>>(&mut conn)
        .ok()
        .flatten()
        .is_some()
}

/// LinkedIn has no idempotency key: a look-up refused for the rate limit must be followed by
/// another look-up after the wait, not by a second post (which LinkedIn refuses as a
/// duplicate, failing a share whose post is live).
#[tokio::test]
async fn a_rate_limited_look_up_is_looked_again_after_the_wait_not_posted_again() {
    let w = World::start().await;
    w.connect("linkedin").await;
    w.linkedin.fail_next("create", Fault::Late { ms: 3000 }, 1);
    w.linkedin.fail_next("find", Fault::RateLimit, 1);
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    let id = w.share(&story, &["linkedin"]).await.remove(0);
    eventually("the look-up was refused for the rate limit", 15, || async {
        w.linkedin.count("find") >= 1 && !job_locked(&w)
    })
    .await;
    let share = share_view(&w, &id).await;
    assert_eq!(share["status"], "publishing", "{share}");
    w.app.skip_waits();
    let published = w.app.share_becomes(&w.amara.token, &id, "published").await;
    let posts = w.linkedin.posts();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(published["external_id"], posts[0].id.as_str());
    assert_eq!(w.linkedin.count("create"), 1, "never a blind create");
    assert_eq!(w.linkedin.count("find"), 2);
}
