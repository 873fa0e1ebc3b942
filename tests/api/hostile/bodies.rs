//! What a network answered is logged, never repeated to the caller; an instance URL names a
//! host, never a path.

use serde_json::json;
use vouch_fakes::{Fault, LEAK_MARKER};

use crate::helpers::served::{events, Served};
use crate::helpers::world::World;
use crate::helpers::{fields, problem};

fn assert_clean(what: &str, text: &str) {
    assert!(
        !text.contains(LEAK_MARKER),
        "{what} repeats the body: {text}"
    );
    assert!(
        !text.contains("<script") && !text.contains('\u{fffd}') && !text.contains('\u{1b}'),
        "{what} carries the body's markup or bytes: {text:?}"
    );
}

#[tokio::test]
async fn a_foreign_body_is_never_repeated_to_the_caller() {
    let w = World::start().await;
    w.mastodon.fail_next("apps", Fault::Html { status: 404 }, 1);
    let res = w
        .app
        .post(
            "/api/v1/me/accounts/mastodon/connect",
            Some(&w.amara.token),
            &json!({ "instance_url": w.mastodon.url() }),
        )
        .await;
    let body = problem(res, 422).await;
    assert_eq!(fields(&body), ["instance_url"], "{body}");
    assert_clean("connect", &body.to_string());
    assert!(body.to_string().contains("404"), "{body}");

    for fault in [Fault::Binary { status: 400 }, Fault::Html { status: 502 }] {
        w.bluesky.fail_next("session", fault.clone(), 1);
        let res = w
            .app
            .post(
                "/api/v1/me/accounts/bluesky/connect",
                Some(&w.amara.token),
                &json!({ "handle": "ada.bsky.social", "app_password": "abcd-efgh-ijkl-mnop",
                         "service_url": w.bluesky.url() }),
            )
            .await;
        assert!(
            res.status().is_client_error(),
            "{fault:?}: {}",
            res.status()
        );
        let text = res.text().await.unwrap();
        assert_clean(&format!("bluesky {fault:?}"), &text);
    }

    w.connect("mastodon").await;
    w.mastodon
        .fail_next("create", Fault::Html { status: 422 }, 1);
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    let id = w.share(&story, &["mastodon"]).await.remove(0);
    let failed = w.app.share_becomes(&w.amara.token, &id, "failed").await;
    assert_clean("the share's error", &failed.to_string());
    assert!(
        failed["error"].as_str().unwrap().contains("422"),
        "{failed}"
    );
}

#[tokio::test]
async fn an_instance_url_with_a_path_cannot_choose_what_is_called() {
    let w = World::start().await;
    for tricky in [
        format!("{}/api/v1/statuses?", w.mastodon.url()),
        format!("{}/api/v1/statuses#", w.mastodon.url()),
        format!("{}/anything/else", w.mastodon.url()),
    ] {
        let res = w
            .app
            .post(
                "/api/v1/me/accounts/mastodon/connect",
                Some(&w.amara.token),
                &json!({ "instance_url": tricky }),
            )
            .await;
        let body = problem(res, 422).await;
        assert_eq!(fields(&body), ["instance_url"], "{tricky}: {body}");
    }
    assert_eq!(w.mastodon.count("create"), 0);
    assert_eq!(w.mastodon.count("apps"), 0);
}

/// What the caller is not told goes to the operator's log: the body, cut short, escaped.
#[tokio::test]
async fn the_foreign_body_is_logged_cut_short_and_escaped() {
    let w = World::start_with(|s| s.worker.enabled = false).await;
    let data = tempfile::tempdir().unwrap();
    let served = Served::start(w.app.db.url(), data.path(), &[]).await;
    w.mastodon
        .fail_next("apps", Fault::Binary { status: 404 }, 1);
    let res = w
        .app
        .client
        .post(served.url("/api/v1/me/accounts/mastodon/connect"))
        .bearer_auth(&w.amara.token)
        .json(&json!({ "instance_url": w.mastodon.url() }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let (_, lines) = served.stop().await;
    let logged: Vec<_> = events(&lines)
        .into_iter()
        .filter(|e| e["message"] == "a network's answer (not shown to the caller)")
        .collect();
    assert_eq!(logged.len(), 1, "{lines:#?}");
    assert_eq!(logged[0]["status"], 404);
    assert_eq!(logged[0]["host"], "127.0.0.1");
    let body = logged[0]["body"].as_str().unwrap();
    assert!(body.contains(LEAK_MARKER), "{body}");
    assert!(
        body.contains("\\0") && !body.chars().any(|c| c.is_control()),
        "the body's bytes are escaped: {body:?}"
    );
}
