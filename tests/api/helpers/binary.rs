//! The real `vouch` binary as a child process, for what only a process shows: a kill, a
//! restart, its logs.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Served {
    child: Child,
    pub port: u16,
}

impl Served {
    /// `vouch serve` on a free port with the test config plus `env`; returns once it listens.
    pub async fn start(env: &[(&str, String)]) -> Served {
        let (child, ready) = launch("serve", "vouch is listening", env).await;
        let port = ready["port"].as_u64().unwrap_or(0) as u16;
        Served { child, port }
    }

    /// `vouch worker` (jobs and upkeep, no HTTP) with the test config plus `env`; returns
    /// once its workers run.
    pub async fn worker(env: &[(&str, String)]) -> Served {
        let (child, _) = launch("worker", "vouch worker is running", env).await;
        Served { child, port: 0 }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// SIGTERM, as an orchestrator stops a process, then waits for it to exit.
    pub async fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let mut child = std::mem::replace(&mut self.child, placeholder());
        tokio::task::spawn_blocking(move || child.wait().unwrap())
            .await
            .unwrap()
    }

    /// SIGKILL: no shutdown, no flush, as a crash or an OOM kill would do.
    pub fn kill_hard(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A child already exited, left in a `Served` whose process was taken.
fn placeholder() -> Child {
    let mut child = Command::new("true").spawn().expect("run true");
    let _ = child.wait();
    child
}

/// Starts `vouch <command>` and waits (at most 30 s) for the JSON log line `ready`.
async fn launch(command: &str, ready: &str, env: &[(&str, String)]) -> (Child, serde_json::Value) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vouch"));
    cmd.args([
        command,
        "--config-dir",
        concat!(env!("CARGO_MANIFEST_DIR"), "/config"),
    ])
    .env("VOUCH_ENV", "test")
    .env("VOUCH__SERVER__PORT", "0")
    .env("VOUCH__LOG__FORMAT", "json")
    .env("VOUCH__LOG__FILTER", "info")
    .env_remove("RUST_LOG")
    .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start vouch");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let ready = ready.to_string();
    // Keeps draining stderr, as a log collector would.
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Ok(event) = serde_json::from_str::<serde_json::Value>(&line) {
                if event["message"] == ready.as_str() {
                    let _ = tx.send(event);
                }
            }
        }
    });
    let event = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(30)))
        .await
        .unwrap()
        .unwrap_or_else(|_| panic!("vouch {command} never logged that it was ready"));
    (child, event)
}
