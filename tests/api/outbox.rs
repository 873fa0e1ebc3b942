//! Mail goes through the job queue (the outbox): an SMTP outage or a killed process delays
//! mail, never loses it; jobs that run out of attempts stay visible to admins.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use vouch::accounts::Role;

use crate::helpers::binary::Served;
use crate::helpers::smtp::DeadRelay;
use crate::helpers::stories::FEELING;
use crate::helpers::{problem, spawn_app_with, Member, TestApp};

async fn jobs(app: &TestApp, admin: &Member, status: &str) -> Vec<Value> {
    let page: Value = app
        .get(&format!("/api/v1/admin/jobs?status={status}"), &admin.token)
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

/// Polls `probe` until it holds, for up to 15 s.
async fn eventually<F, Fut>(what: &str, mut probe: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(15);
    while !probe().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_decision_mail_waits_out_an_smtp_outage() {
    let relay = DeadRelay::start();
    let port = relay.port;
    let app = spawn_app_with(move |s| s.mail.smtp.port = port).await;
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    let story = app
        .create_story(
            &amara.token,
            json!({ "title": "My first year", "body": FEELING }),
        )
        .await;
    let id = story["id"].as_str().unwrap();
    let res = app.story_act(&amara.token, id, "submit", json!({})).await;
    assert_eq!(res.status(), 200);
    let res = app
        .story_act(
            &admin.token,
            id,
            "reject",
            json!({ "reason": "say more about the team" }),
        )
        .await;
    assert_eq!(
        res.status(),
        200,
        "the decision does not wait for the relay"
    );

    // The relay is down: the mail is tried again and again, with the error on record.
    eventually("the mail job has failed twice", || async {
        jobs(&app, &admin, "queued").await.iter().any(|j| {
            j["kind"] == "mail.send"
                && j["attempts"].as_i64() >= Some(2)
                && j["last_error"].is_string()
        })
    })
    .await;
    assert_eq!(app.mail.count_for(&amara.email), 0);

    // The relay comes back where it was: the mail arrives, once.
    let relay_back = relay.revive();
    let mail = relay_back.wait_for(&amara.email, 1).await;
    assert!(mail.subject.contains("rejected"), "{}", mail.subject);
    assert!(mail.body.contains("say more about the team"));
    eventually("the queue is empty", || async {
        jobs(&app, &admin, "queued").await.is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(relay_back.count_for(&amara.email), 1);
}

#[tokio::test]
async fn jobs_out_of_attempts_stay_visible_and_an_admin_can_retry_them() {
    let relay = DeadRelay::start();
    let port = relay.port;
    let app = spawn_app_with(move |s| {
        s.mail.smtp.port = port;
        s.worker.max_attempts = 2;
    })
    .await;
    let admin = app.org("acme").await;
    let other = app.org("globex").await;
    let ambassador = app.member(&admin, "amara", Role::Ambassador).await;
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin.token),
            &json!({ "email": "wes@acme.test", "role": "ambassador" }),
        )
        .await;
    assert_eq!(res.status(), 201);

    eventually("the invite's mail job gave up", || async {
        !jobs(&app, &admin, "failed").await.is_empty()
    })
    .await;
    let failed = jobs(&app, &admin, "failed").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["kind"], "mail.send");
    assert_eq!(failed[0]["attempts"], 2);
    assert!(
        failed[0]["last_error"].as_str().unwrap().contains("SMTP"),
        "{}",
        failed[0]
    );
    assert!(
        failed[0].get("payload").is_none(),
        "a mail's body stays private"
    );
    let job = failed[0]["id"].as_str().unwrap().to_string();

    // Only the org's admins see or retry it.
    problem(app.get("/api/v1/admin/jobs", &ambassador.token).await, 403).await;
    let path = format!("/api/v1/admin/jobs/{job}/retry");
    problem(app.post(&path, Some(&other.token), &json!({})).await, 404).await;
    assert!(jobs(&app, &other, "failed").await.is_empty());

    let relay_back = relay.revive();
    let res = app.post(&path, Some(&admin.token), &json!({})).await;
    assert_eq!(res.status(), 200);
    let retried: Value = res.json().await.unwrap();
    assert_eq!(retried["status"], "queued");
    assert_eq!(retried["attempts"], 0);
    let mail = relay_back.wait_for("wes@acme.test", 1).await;
    assert!(mail.subject.contains("invited"), "{}", mail.subject);
    // A job that is not failed cannot be retried.
    eventually("the retried job is done", || async {
        app.post(&path, Some(&admin.token), &json!({}))
            .await
            .status()
            == 404
    })
    .await;
    let actions: Vec<String> = app
        .audit_actions(&admin.org_id, "job", &job)
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["job.retried"]);
}

#[tokio::test]
async fn a_killed_server_loses_no_queued_mail() {
    // The in-process app only provides the database and its members; the real binary works.
    let app = spawn_app_with(|s| s.worker.enabled = false).await;
    let admin = app.org("acme").await;
    let mut people = vec![admin.email.clone()];
    for name in ["amara", "lucas", "ines"] {
        people.push(app.member(&admin, name, Role::Ambassador).await.email);
    }
    let relay = DeadRelay::start();
    let data = tempfile::tempdir().unwrap();
    let env = vec![
        ("VOUCH__DATABASE__URL", app.db.url().to_string()),
        ("VOUCH__DATA_DIR", data.path().display().to_string()),
        ("VOUCH__MAIL__TRANSPORT", "smtp".to_string()),
        ("VOUCH__MAIL__SMTP__HOST", "127.0.0.1".to_string()),
        ("VOUCH__MAIL__SMTP__PORT", relay.port.to_string()),
        ("VOUCH__MAIL__SMTP__SECURITY", "none".to_string()),
    ];
    let server = Served::start(&env).await;
    for email in &people {
        let res = app
            .client
            .post(server.url("/api/v1/auth/login-link"))
            .json(&json!({ "email": email }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 202);
    }
    // Every mail is queued and being tried (some held under a worker's lease) when the
    // process dies without a chance to clean up.
    eventually("every mail was tried at least once", || async {
        jobs(&app, &admin, "queued")
            .await
            .iter()
            .filter(|j| j["attempts"].as_i64() >= Some(1))
            .count()
            == people.len()
    })
    .await;
    server.kill_hard();

    let relay_back = relay.revive();
    let _restarted = Served::start(&env).await;
    for email in &people {
        let mail = relay_back.wait_for(email, 1).await;
        assert!(mail.subject.contains("sign-in link"), "{}", mail.subject);
    }
    eventually("the queue is empty", || async {
        jobs(&app, &admin, "queued").await.is_empty()
    })
    .await;
    for email in &people {
        assert_eq!(relay_back.count_for(email), 1, "{email}");
    }
}
