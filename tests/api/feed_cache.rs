//! The feed's pages are kept rendered in each process; every change that can alter them,
//! made in any process, and every moment at which one stops being true on its own, shows in
//! the next answer. Each test reads the feed first (so the page is kept), then changes
//! something, then reads again.

use serde_json::json;
use vouch::accounts::Role;

use crate::helpers::stories::{claim_ids, company_story, AWARD, FEELING};
use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn a_change_made_by_another_process_shows_in_the_next_feed() {
    let one = spawn_app().await;
    let url = one.db.url().to_string();
    // A second `vouch serve` on the same database; tokens are signed with the same key.
    let two = spawn_app_with(move |s| s.database.url = url).await;
    let admin = one.org("acme").await;
    let amara = one.member(&admin, "amara", Role::Ambassador).await;

    let story = one.create_story(&admin.token, company_story(AWARD)).await;
    let story = one.approve_fully(&admin.token, &story).await;
    let id = story["id"].as_str().unwrap().to_string();
    assert_eq!(
        one.feed_ids(&amara.token, "").await,
        std::slice::from_ref(&id)
    );
    assert_eq!(
        two.feed_ids(&amara.token, "").await,
        std::slice::from_ref(&id)
    );

    // Disputed through the second process: out of the first one's feed at once.
    let claim = claim_ids(&story)[0].clone();
    let res = two
        .claim_act(
            &admin.token,
            &claim,
            "dispute",
            json!({ "reason": "HR cannot find it" }),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert!(one.feed_ids(&amara.token, "").await.is_empty());

    // A story approved through the first process shows in the second one's feed.
    let other = one.create_story(&admin.token, company_story(FEELING)).await;
    let other = one.approve_fully(&admin.token, &other).await;
    assert_eq!(
        two.feed_ids(&amara.token, "").await,
        [other["id"].as_str().unwrap().to_string()]
    );
}

#[tokio::test]
async fn a_scheduled_story_enters_a_kept_feed_page_on_time() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    let now_story = app.create_story(&admin.token, company_story(FEELING)).await;
    let now_id = app.approve_fully(&admin.token, &now_story).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let later = app
        .create_story(
            &admin.token,
            json!({ "title": "Open day", "body": FEELING, "publish_from": soon }),
        )
        .await;
    let later_id = app.approve_fully(&admin.token, &later).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Nothing is written when its window opens: the kept page itself must lapse.
    assert_eq!(
        app.feed_ids(&amara.token, "").await,
        std::slice::from_ref(&now_id)
    );
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(app.feed_ids(&amara.token, "").await, [later_id, now_id]);
}

#[tokio::test]
async fn a_policy_change_takes_a_breaching_story_out_of_a_kept_feed_page() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    let story = app
        .create_story(
            &admin.token,
            json!({ "title": "Our rockstar team", "body": FEELING }),
        )
        .await;
    let id = app.approve_fully(&admin.token, &story).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(app.feed_ids(&amara.token, "").await, [id]);
    let res = app
        .client
        .put(app.url("/api/v1/org/policy"))
        .bearer_auth(&admin.token)
        .json(&json!({ "forbidden": ["rockstar"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert!(app.feed_ids(&amara.token, "").await.is_empty());
}

#[tokio::test]
async fn erasing_an_author_takes_their_testimonial_out_of_a_kept_feed_page() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    let lucas = app.member(&admin, "lucas", Role::Ambassador).await;
    let testimonial = app
        .create_story(
            &amara.token,
            json!({ "title": "My first year", "body": FEELING }),
        )
        .await;
    let id = testimonial["id"].as_str().unwrap().to_string();
    let res = app.story_act(&amara.token, &id, "submit", json!({})).await;
    assert_eq!(res.status(), 200);
    let submitted: serde_json::Value = res.json().await.unwrap();
    app.approve_fully(&admin.token, &submitted).await;
    assert_eq!(app.feed_ids(&lucas.token, "").await, [id]);

    let res = app
        .post(
            &format!("/api/v1/users/{}/erase", amara.id),
            Some(&admin.token),
            &json!({}),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    assert!(app.feed_ids(&lucas.token, "").await.is_empty());
}
