//! A job that panics, or that took its worker down with it, must not stop the queue: the
//! real worker loops on a real database (SQLite, or PostgreSQL when
//! `VOUCH_TEST_DATABASE_URL` is set), restarted in the middle as a deploy would.

use std::path::Path;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::repo::{self, JobRow};
use super::worker::{typed, Kind};
use super::{Handle, Job};
use crate::config::{MailTransport, Settings};
use crate::db::schema::jobs;
use crate::mail::Mail;
use crate::state::AppState;
use crate::{db, ids};

/// A handler that panics every time, as one did on a network's absurd `Retry-After`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Poison;

impl Job for Poison {
    const KIND: &'static str = "test.poison";
}

impl Handle<AppState> for Poison {
    async fn run(self, _state: AppState) -> anyhow::Result<()> {
        panic!("a handler that panics");
    }
}

/// The app's registry, and the poison.
fn registry(kind: &str) -> Option<Kind<AppState>> {
    match kind {
        Poison::KIND => Some(typed::<AppState, Poison>()),
        _ => crate::app::jobs::registry(kind),
    }
}

const MAX_ATTEMPTS: i32 = 3;

/// A fresh database: a temp SQLite file, or a new PostgreSQL database dropped on `Drop`.
struct TestDb {
    url: String,
    drop_with: Option<(String, String)>,
}

impl TestDb {
    fn new(dir: &Path) -> TestDb {
        use diesel::connection::SimpleConnection;
        match std::env::var("VOUCH_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())
        {
            Some(admin) => {
                let name = format!("vouch_u_{}", uuid::Uuid::new_v4().simple());
                diesel::PgConnection::establish(&admin)
                    .unwrap()
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .unwrap();
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                TestDb {
                    url: format!("{base}/{name}"),
                    drop_with: Some((admin.clone(), name)),
                }
            }
            None => TestDb {
                url: format!("sqlite://{}", dir.join("vouch.db").display()),
                drop_with: None,
            },
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        use diesel::connection::SimpleConnection;
        if let Some((admin, name)) = &self.drop_with {
            if let Ok(mut conn) = diesel::PgConnection::establish(admin) {
                let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

fn settings(db: &TestDb, dir: &Path) -> Settings {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
    let mut s = Settings::load_layers(&config, "test", false).unwrap();
    s.database.url = db.url.clone();
    s.data_dir = dir.join("data");
    s.mail.transport = MailTransport::File;
    s.mail.dir = dir.join("mail");
    // One loop: if it dies, nothing else runs.
    s.worker.concurrency = 1;
    s.worker.max_attempts = MAX_ATTEMPTS;
    s.worker.retry_base_ms = 200;
    s.worker.poll_interval_ms = 10;
    s.worker.lease_secs = 1;
    s
}

fn mails(dir: &Path, to: &str) -> usize {
    std::fs::read_dir(dir.join("mail"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| {
                    std::fs::read_to_string(e.path())
                        .is_ok_and(|m| m.contains(&format!("To: {to}")))
                })
                .count()
        })
        .unwrap_or(0)
}

fn job(state: &AppState, id: &str) -> Option<JobRow> {
    let mut conn = state.pool.get().unwrap();
    jobs::table.find(id).first(&mut conn).optional().unwrap()
}

fn queue_mail(state: &AppState, to: &str) {
    let mut conn = state.pool.get().unwrap();
    crate::mail::queue(
        &mut conn,
        &state.outbox,
        None,
        Mail {
            to: to.into(),
            subject: "After the poison".into(),
            body: "Still here.".into(),
        },
    )
    .unwrap();
}

fn until(what: &str, secs: u64, mut probe: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !probe() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A process lifetime: a runtime with the worker loops, ended (as a deploy ends it) when
/// `during` returns.
fn run_workers(settings: &Settings, during: impl FnOnce(&AppState)) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let state = {
        let _entered = rt.enter();
        let pool = db::pool(&settings.database.url, 4).unwrap();
        db::migrate(&pool).unwrap();
        let state = AppState::new(settings.clone(), pool).unwrap();
        super::worker::spawn(&state, registry);
        state
    };
    during(&state);
    rt.shutdown_timeout(Duration::from_secs(2));
}

#[test]
fn a_panicking_job_is_parked_after_its_attempts_and_the_queue_goes_on_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let settings = settings(&db, dir.path());
    let mut poison = String::new();
    run_workers(&settings, |state| {
        let mut conn = state.pool.get().unwrap();
        poison = super::enqueue(&mut conn, &state.outbox, None, &Poison).unwrap();
        drop(conn);
        queue_mail(state, "first@vouch.test");
        until("the mail queued after the poison is sent", 10, || {
            mails(dir.path(), "first@vouch.test") == 1
        });
        let row = job(state, &poison).expect("the poisoned job is still there");
        assert!(row.attempts >= 1, "{row:?}");
        assert!(
            row.last_error
                .as_deref()
                .is_some_and(|e| e.contains("panicked")),
            "{row:?}"
        );
    });
    // A new process on the same database: the job panics again and runs out of attempts.
    run_workers(&settings, |state| {
        queue_mail(state, "second@vouch.test");
        until("the poisoned job is parked", 15, || {
            job(state, &poison).is_some_and(|j| j.status == repo::FAILED)
        });
        until("the mail after the restart is sent", 10, || {
            mails(dir.path(), "second@vouch.test") == 1
        });
        let row = job(state, &poison).unwrap();
        assert_eq!(row.attempts, MAX_ATTEMPTS, "{row:?}");
        assert!(row.locked_by.is_none(), "{row:?}");
    });
}

/// A job whose worker died with it each time (an abort, an OOM kill: nothing a panic handler
/// sees) comes back after its lease with one claim more than it may have: it is parked, not
/// run again to take the next worker down.
#[test]
fn a_job_that_took_its_worker_down_every_time_is_parked_when_claimed_once_too_often() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let settings = settings(&db, dir.path());
    let mut deadly = String::new();
    run_workers(&settings, |state| {
        // As the last of its runs left it: every attempt counted, the lease run out. In one
        // transaction, so that no worker sees it before.
        let mut conn = state.pool.get().unwrap();
        deadly = db::transaction(&mut conn, |c| -> crate::error::AppResult<String> {
            crate::mail::queue(
                c,
                &state.outbox,
                None,
                Mail {
                    to: "deadly@vouch.test".into(),
                    subject: "Never sent".into(),
                    body: "This one killed its worker.".into(),
                },
            )?;
            let id: String = jobs::table.select(jobs::id).first(c)?;
            diesel::update(jobs::table.find(&id))
                .set((
                    jobs::attempts.eq(MAX_ATTEMPTS),
                    jobs::locked_by.eq(Some("a-worker-that-died")),
                    jobs::locked_until.eq(Some(ids::now() - chrono::Duration::seconds(5))),
                ))
                .execute(c)?;
            Ok(id)
        })
        .unwrap();
        queue_mail(state, "after@vouch.test");
        until("the deadly job is parked", 10, || {
            job(state, &deadly).is_some_and(|j| j.status == repo::FAILED)
        });
        until("the next mail is sent", 10, || {
            mails(dir.path(), "after@vouch.test") == 1
        });
        assert_eq!(mails(dir.path(), "deadly@vouch.test"), 0, "it ran again");
        let row = job(state, &deadly).unwrap();
        assert!(
            row.last_error
                .as_deref()
                .is_some_and(|e| e.contains("never finished")),
            "{row:?}"
        );
    });
}
