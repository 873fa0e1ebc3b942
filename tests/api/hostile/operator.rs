//! An operator's command runs the jobs it queued, and no other org's.

use diesel::prelude::*;
use serde_json::json;
use vouch::db::schema::jobs;

use crate::helpers::spawn_app_with;

/// `vouch admin …` delivers what it queued (the invite) from the operator's shell; a due job
/// of another org (here a sign-in mail, elsewhere a post to a user-given host) is left to
/// the workers.
#[tokio::test]
async fn an_operator_command_runs_only_the_jobs_it_queued() {
    let app = spawn_app_with(|s| s.worker.enabled = false).await;
    app.org("acme").await;
    let other = app.org("globex").await;
    let res = app
        .post(
            "/api/v1/auth/login-link",
            None,
            &json!({ "email": other.email }),
        )
        .await;
    assert_eq!(res.status(), 202);
    let queued_for = |org: &str| -> i64 {
        let mut conn = app.state.pool.get().unwrap();
        jobs::table
            .filter(jobs::org_id.eq(org))
            .filter(jobs::status.eq("queued"))
            .count()
            .get_result(&mut conn)
            .unwrap()
    };
    assert_eq!(queued_for(&other.org_id), 1);

    let data = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args([
            "admin",
            "invite",
            "--org",
            "acme",
            "--email",
            "wes@acme.test",
        ])
        .args(["--role", "ambassador", "--config-dir"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/config"))
        .env("VOUCH_ENV", "test")
        .env("VOUCH__DATABASE__URL", app.db.url())
        .env("VOUCH__DATA_DIR", data.path())
        .env("VOUCH__MAIL__TRANSPORT", "file")
        .env("VOUCH__MAIL__DIR", data.path().join("mail"))
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mails: Vec<String> = std::fs::read_dir(data.path().join("mail"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].contains("wes@acme.test"), "{}", mails[0]);
    assert_eq!(queued_for(&other.org_id), 1, "another org's job was run");
}
