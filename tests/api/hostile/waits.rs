//! A network asking to wait for ever pauses one account for a day, and stops nothing else.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;
use vouch::db::schema::social_accounts;
use vouch_fakes::Fault;

use super::share_view;
use crate::helpers::world::{eventually, World};

#[tokio::test]
async fn an_instance_asking_to_wait_for_ever_pauses_its_account_a_day_and_stops_no_mail() {
    let w = World::start().await;
    w.connect("mastodon").await;
    w.policy(
        json!({ "disclosure": "#AcmeEmployee", "shares_per_day": 100,
                    "shares_per_story_channel_per_day": 100 }),
    )
    .await;
    // More hostile answers than workers: each one used to end the worker loop that ran it.
    w.mastodon.fail_next("create", Fault::AbsurdRetryAfter, 4);
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.extend(w.share(&story, &["mastodon"]).await);
    }
    eventually("the instance was asked", 10, || async {
        w.mastodon.count("create") >= 1
    })
    .await;
    // Mail still flows: a sign-in link is delivered after the hostile answers.
    w.app.login(&w.amara.email).await;

    let day = Utc::now().naive_utc() + Duration::hours(24);
    let paused: Vec<Option<NaiveDateTime>> = {
        let mut conn = w.app.state.pool.get().unwrap();
        social_accounts::table
            .select(social_accounts::rate_limited_until)
            .load(&mut conn)
            .unwrap()
    };
    assert_eq!(paused.len(), 1);
    let until = paused[0].expect("the account is paused");
    assert!(
        until > day - Duration::hours(1) && until <= day,
        "paused until {until}, not about a day"
    );
    for id in &ids {
        assert_eq!(share_view(&w, id).await["status"], "scheduled", "{id}");
    }
    for run_at in w.app.publish_job_times() {
        assert!(run_at <= day, "a job waits until {run_at}");
    }
}
