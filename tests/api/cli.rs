//! The operator commands, run as the real binary against the test database.

use std::process::{Command, Output};

use crate::helpers::served::Served;
use crate::helpers::spawn_app;
use serde_json::Value;

fn vouch(db_url: &str, data: &std::path::Path, args: &[&str]) -> Output {
    vouch_in("test", db_url, data, args)
}

/// `vouch` with `VOUCH_ENV=env`: `development` has no secrets in its config.
fn vouch_in(env: &str, db_url: &str, data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(args)
        .arg("--config-dir")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/config"))
        .env("VOUCH_ENV", env)
        .env("VOUCH__DATABASE__URL", db_url)
        .env("VOUCH__DATA_DIR", data)
        .env("VOUCH__MAIL__TRANSPORT", "file")
        .env("VOUCH__MAIL__DIR", data.join("mail"))
        .env_remove("RUST_LOG")
        .output()
        .expect("run vouch")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

#[tokio::test]
async fn create_org_then_token_then_invite() {
    let app = spawn_app().await;
    let data = tempfile::tempdir().unwrap();
    let url = app.db.url().to_string();

    let out = vouch(
        &url,
        data.path(),
        &[
            "admin",
            "create-org",
            "--name",
            "Globex",
            "--slug",
            "globex",
            "--admin-email",
            "Boss@Globex.test",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("org `globex` created"));
    let invites = std::fs::read_dir(data.path().join("mail")).unwrap().count();
    assert_eq!(invites, 1, "the first admin is mailed an invite");

    let out = vouch(
        &url,
        data.path(),
        &["admin", "token", "--email", "boss@globex.test"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = stdout(&out).lines().last().unwrap().trim().to_string();
    let me: Value = app.get("/api/v1/me", &token).await.json().await.unwrap();
    assert_eq!(me["user"]["role"], "admin");
    assert_eq!(me["org"]["slug"], "globex");

    let out = vouch(
        &url,
        data.path(),
        &[
            "admin",
            "invite",
            "--org",
            "globex",
            "--email",
            "wes@globex.test",
            "--role",
            "moderator",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let users: Value = app
        .get("/api/v1/users?role=moderator", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(users["items"][0]["email"], "wes@globex.test");

    // Mistakes are reported, not panicked over.
    let out = vouch(
        &url,
        data.path(),
        &[
            "admin",
            "invite",
            "--org",
            "globex",
            "--email",
            "x@globex.test",
            "--role",
            "king",
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("unknown role"));
    let out = vouch(
        &url,
        data.path(),
        &[
            "admin",
            "create-org",
            "--name",
            "Again",
            "--slug",
            "globex",
            "--admin-email",
            "a@b.test",
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("exists"));
}

#[tokio::test]
async fn a_refused_command_names_the_field_and_rule_without_a_backtrace() {
    let app = spawn_app().await;
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args([
            "admin",
            "create-org",
            "--name",
            "X",
            "--slug",
            "m",
            "--admin-email",
            "a@b.c",
        ])
        .arg("--config-dir")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/config"))
        .env("VOUCH_ENV", "test")
        .env("VOUCH__DATABASE__URL", app.db.url())
        .env("VOUCH__DATA_DIR", data.path())
        .env("VOUCH__MAIL__TRANSPORT", "file")
        .env("VOUCH__MAIL__DIR", data.path().join("mail"))
        .env_remove("RUST_LOG")
        // anyhow captures a backtrace when this is set; the operator must still not see it.
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(
        matches!(out.status.code(), Some(1) | Some(2)),
        "{:?}",
        out.status
    );
    assert!(
        err.lines()
            .any(|l| l.starts_with("error: slug: ") && l.contains("2 to 48")),
        "the field and its rule, as the API names them:\n{err}"
    );
    assert!(!err.contains("backtrace"), "{err}");
    assert!(!err.contains("src/main.rs"), "{err}");
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
}

#[tokio::test]
async fn a_newcomer_loads_the_demo_in_development_with_secrets_made_on_the_spot() {
    let app = spawn_app().await;
    let data = tempfile::tempdir().unwrap();
    let url = app.db.url().to_string();
    let out = vouch_in("development", &url, data.path(), &["demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for secret in ["jwt_secret", "token_encryption_key"] {
        assert!(
            data.path().join("secrets").join(secret).exists(),
            "{secret}"
        );
    }
    let out = vouch_in(
        "development",
        &url,
        data.path(),
        &["admin", "token", "--email", "amara@acme.example"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).trim().lines().last().unwrap().len() > 20);
}

#[tokio::test]
async fn demo_loads_once() {
    let app = spawn_app().await;
    let data = tempfile::tempdir().unwrap();
    let url = app.db.url().to_string();
    let out = vouch(&url, data.path(), &["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("loaded"));
    let out = vouch(&url, data.path(), &["demo"]);
    assert!(stdout(&out).contains("already loaded"));
    let out = vouch(
        &url,
        data.path(),
        &["admin", "token", "--email", vouch::demo::DEMO_ADMIN],
    );
    let token = stdout(&out).lines().last().unwrap().trim().to_string();
    let users: Value = app.get("/api/v1/users", &token).await.json().await.unwrap();
    assert_eq!(users["items"].as_array().unwrap().len(), 4);

    // One story is out (its claim verified), two wait in review; one is held by a claim.
    let feed: Value = app.get("/api/v1/feed", &token).await.json().await.unwrap();
    assert_eq!(feed["items"].as_array().unwrap().len(), 1, "{feed}");
    // Its title and body both state the award; both were verified.
    assert_eq!(feed["items"][0]["authenticity"]["counts"]["verified"], 2);
    let queue: Value = app
        .get("/api/v1/review-queue", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue["counts"]["in_review"], 2);
    let held = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["story"]["language"] == "fr")
        .unwrap();
    // The title ("La semaine de 4 jours arrive") and the body both promise the 4-day week.
    let blocking = held["story"]["authenticity"]["blocking"]
        .as_array()
        .unwrap();
    let fields: Vec<&str> = blocking
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["body", "title"]);
}

#[tokio::test]
async fn serve_answers_and_stops_cleanly_on_sigterm() {
    let app = spawn_app().await; // only for its fresh database
    let data = tempfile::tempdir().unwrap();
    let served = Served::start(app.db.url(), data.path(), &[]).await;
    let res = app.client.get(served.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let (status, _) = served.stop().await;
    assert!(status.success(), "exit status {status:?}");
}

#[tokio::test]
async fn detector_retrain_queues_a_refit_that_runs_and_names_an_unknown_org() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let data = tempfile::tempdir().unwrap();
    let url = app.db.url().to_string();

    let out = vouch(&url, data.path(), &["detector", "retrain", "--org", "acme"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("queued the detector refit as job"),
        "{}",
        stdout(&out)
    );
    // The command's own drain or the app's worker runs it: the org has its first fit.
    let mut version = Value::Null;
    for _ in 0..200 {
        let res = app.get("/api/v1/analytics/detector", &admin.token).await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        version = body["adjustment"]["version"].clone();
        if version == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(version, 1);

    let out = vouch(&url, data.path(), &["detector", "retrain", "--org", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("org: no org with slug `nope`"),
        "{}",
        stderr(&out)
    );
}

/// Ctrl-C stops `vouch serve` as gently as SIGTERM: it takes no new connection, but a
/// request in flight (here a body still arriving) is answered before the process exits.
#[tokio::test]
async fn a_request_in_flight_is_answered_when_serve_gets_sigint_or_sigterm() {
    use std::io::{Read, Write};
    let app = spawn_app().await; // its fresh database, and an admin whose token both accept
    let admin = app.org("acme").await;
    for signal in ["SIGINT", "SIGTERM"] {
        let data = tempfile::tempdir().unwrap();
        let served = Served::start(
            app.db.url(),
            data.path(),
            &[("VOUCH__WORKER__ENABLED", "false")],
        )
        .await;
        let body = format!(r#"{{"title": "Sent slowly ({signal})", "body": "We ship."}}"#);
        let (first, rest) = body.split_at(body.len() / 2);
        let head = format!(
            "POST /api/v1/stories HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            admin.token,
            body.len()
        );
        let address = served.address.trim_start_matches("http://").to_string();
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(first.as_bytes()).unwrap();
        stream.flush().unwrap();
        // The request is in the server's hands when the signal comes.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let stopping = tokio::spawn(async move {
            match signal {
                "SIGINT" => served.interrupt().await,
                _ => served.stop().await,
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let rest = rest.to_string();
        let answer = tokio::task::spawn_blocking(move || {
            let _ = stream.write_all(rest.as_bytes());
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            answer
        })
        .await
        .unwrap();
        assert!(
            answer.starts_with("HTTP/1.1 201"),
            "{signal}: the request in flight got {answer:?}"
        );
        let (status, _) = stopping.await.unwrap();
        assert!(status.success(), "{signal}: exit status {status:?}");
        // Stopped: nothing listens any more.
        assert!(std::net::TcpStream::connect(&address).is_err(), "{signal}");
    }
    let titles: Vec<String> = app
        .get("/api/v1/stories", &admin.token)
        .await
        .json::<Value>()
        .await
        .unwrap()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
}
