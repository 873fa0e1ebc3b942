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
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_vouch"));
        cmd.args([
            "serve",
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
        let mut child = cmd.spawn().expect("start vouch serve");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        // Keeps draining stderr, as a log collector would.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(event) = serde_json::from_str::<serde_json::Value>(&line) {
                    if event["message"] == "vouch is listening" {
                        let _ = tx.send(event["port"].as_u64().unwrap_or(0) as u16);
                    }
                }
            }
        });
        let port = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(30)))
            .await
            .unwrap()
            .expect("vouch serve logs the port it listens on");
        Served { child, port }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
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
