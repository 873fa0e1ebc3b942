//! The real `vouch serve` binary as a child process, its stdout and stderr (JSON logs at
//! `info`) kept line by line: for tests that read what an operator's log pipeline reads.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

pub struct Served {
    pub address: String,
    pub mail_dir: PathBuf,
    /// Taken by `stop`; a test that panics before leaves it to `Drop`.
    child: Option<Child>,
    output: Arc<Mutex<Vec<String>>>,
    readers: Vec<JoinHandle<()>>,
}

impl Served {
    /// Starts `vouch serve` on the database at `db_url`, on a port the OS picks, with mail
    /// written as files under `data`; `env` adds or overrides variables.
    pub async fn start(db_url: &str, data: &Path, env: &[(&str, &str)]) -> Served {
        let mail_dir = data.join("mail");
        let mut command = Command::new(env!("CARGO_BIN_EXE_vouch"));
        command
            .args([
                "serve",
                "--config-dir",
                concat!(env!("CARGO_MANIFEST_DIR"), "/config"),
            ])
            .env("VOUCH_ENV", "test")
            .env("VOUCH__DATABASE__URL", db_url)
            .env("VOUCH__DATA_DIR", data)
            .env("VOUCH__MAIL__TRANSPORT", "file")
            .env("VOUCH__MAIL__DIR", &mail_dir)
            .env("VOUCH__SERVER__PORT", "0")
            .env("VOUCH__SERVER__WORKERS", "1")
            .env("VOUCH__LOG__FORMAT", "json")
            .env("VOUCH__LOG__FILTER", "info")
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("vouch serve starts");
        let output = Arc::new(Mutex::new(Vec::new()));
        // The port is chosen by the OS; the start-up log line says which. The readers keep
        // draining both pipes afterwards, as a log collector would.
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let readers = vec![
            collect(stderr, output.clone(), Some(tx)),
            collect(stdout, output.clone(), None),
        ];
        let port = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(30)))
            .await
            .unwrap()
            .unwrap_or_else(|_| panic!("vouch serve logs the port it listens on: {output:?}"));
        Served {
            address: format!("http://127.0.0.1:{port}"),
            mail_dir,
            child: Some(child),
            output,
            readers,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// The decoded body of the `n`-th mail (1-based) the server wrote, waiting up to 10 s.
    pub async fn wait_for_mail(&self, n: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&self.mail_dir)
                .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
            if let Some(file) = files.get(n - 1) {
                let raw = std::fs::read(file).unwrap();
                // As a mail client reads it: quoted-printable undone.
                return mailparse::parse_mail(&raw).unwrap().get_body().unwrap();
            }
            assert!(Instant::now() < deadline, "no mail #{n} within 10 s");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGTERM, then everything the process wrote on stdout and stderr once it has exited.
    pub async fn stop(self) -> (ExitStatus, Vec<String>) {
        self.stop_with("-TERM").await
    }

    /// SIGINT (Ctrl-C in the terminal that runs it), then what `stop` returns.
    pub async fn interrupt(self) -> (ExitStatus, Vec<String>) {
        self.stop_with("-INT").await
    }

    async fn stop_with(mut self, signal: &str) -> (ExitStatus, Vec<String>) {
        let mut child = self.child.take().unwrap();
        let pid = child.id().to_string();
        assert!(Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap()
            .success());
        let readers = std::mem::take(&mut self.readers);
        let status = tokio::task::spawn_blocking(move || {
            let status = child.wait().unwrap();
            for reader in readers {
                reader.join().unwrap();
            }
            status
        })
        .await
        .unwrap();
        let lines = self.output.lock().unwrap().clone();
        (status, lines)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn collect(
    pipe: impl Read + Send + 'static,
    output: Arc<Mutex<Vec<String>>>,
    port: Option<mpsc::Sender<u64>>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if let (Some(tx), Ok(event)) = (&port, serde_json::from_str::<Value>(&line)) {
                if event["message"] == "vouch is listening" {
                    let _ = tx.send(event["port"].as_u64().unwrap());
                }
            }
            output.lock().unwrap().push(line);
        }
    })
}

/// The JSON log events among `lines` (other lines are skipped).
pub fn events(lines: &[String]) -> Vec<Value> {
    lines
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}
