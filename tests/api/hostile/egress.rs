//! A Mastodon instance is called only at public addresses, whatever its URL's text says.

use diesel::prelude::*;
use serde_json::json;
use vouch::db::schema::social_accounts;

use crate::helpers::binary::Served;
use crate::helpers::world::World;
use crate::helpers::{fields, problem, spawn_app_with};

/// The production default (no private addresses) in a worker process, on the database of an
/// app whose Mastodon account was connected while its instance's name was public, and now
/// resolves to loopback (a DNS rebind): the worker never calls it.
#[tokio::test]
async fn an_instance_whose_name_now_resolves_to_loopback_is_never_called() {
    let w = World::start_with(|s| s.worker.enabled = false).await;
    w.connect("mastodon").await;
    {
        let mut conn = w.app.state.pool.get().unwrap();
        let port = w.mastodon.addr.port();
        diesel::update(social_accounts::table)
            .set(social_accounts::base_url.eq(format!("http://localhost:{port}")))
            .execute(&mut conn)
            .unwrap();
    }
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    let id = w.share(&story, &["mastodon"]).await.remove(0);
    let mut env = w.env();
    env.push(("VOUCH__SECURITY__ALLOW_PRIVATE_URLS", "false".into()));
    let data = tempfile::tempdir().unwrap();
    env.push(("VOUCH__DATA_DIR", data.path().display().to_string()));
    let _worker = Served::worker(&env).await;
    let failed = w.app.share_becomes(&w.amara.token, &id, "failed").await;
    assert!(
        failed["error"].as_str().unwrap().contains("public"),
        "{failed}"
    );
    assert_eq!(w.mastodon.count("create"), 0, "the instance was called");
    assert_eq!(w.mastodon.count("find"), 0, "the instance was called");
}

#[tokio::test]
async fn reserved_addresses_in_disguise_are_refused_as_instances() {
    let app = spawn_app_with(|s| s.security.allow_private_urls = false).await;
    let admin = app.org("acme").await;
    app.consent(&admin.token).await;
    for instance in [
        "http://[::127.0.0.1]:8080",
        "http://[::ffff:10.0.0.1]",
        "http://[64:ff9b::7f00:1]",
        "http://[2002:a9fe:a9fe::1]",
        "http://[fec0::1]",
        "http://[ff02::1]",
        "http://0.1.2.3",
        "http://198.18.0.1",
        "http://240.0.0.1",
        "http://224.0.0.1",
        "http://100.64.0.1",
    ] {
        let res = app
            .post(
                "/api/v1/me/accounts/mastodon/connect",
                Some(&admin.token),
                &json!({ "instance_url": instance }),
            )
            .await;
        let body = problem(res, 422).await;
        assert_eq!(fields(&body), ["instance_url"], "{instance}: {body}");
    }
}
