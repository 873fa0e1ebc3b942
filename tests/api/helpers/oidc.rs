//! A real OAuth 2.0 / OpenID Connect server for the connect-flow tests: `tests/oidc/server.mjs`
//! (the npm package `oidc-provider`) run by Node.js as a child process, and a browser of
//! sorts to go through its pages.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::Value;
use url::Url;

const HOW_TO_INSTALL: &str = "the OAuth end-to-end tests (tests/api/oauth_e2e.rs) run the \
     npm package oidc-provider with Node.js 18 or later: install Node.js and npm (Debian: \
     `apt-get install nodejs npm`), then `npm ci --prefix tests/oidc` once (`.ci/run` does both)";

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

/// Node.js is there, and so is `oidc-provider` under `tests/oidc/node_modules`: installed
/// here with `npm ci` (from the committed lock file) when missing, so that `cargo test` works
/// on a fresh machine that has Node.js. Any failure is the test's failure, with how to fix it.
fn ensure_installed() {
    static READY: OnceLock<Result<(), String>> = OnceLock::new();
    let ready = READY.get_or_init(|| {
        match Command::new("node").arg("--version").output() {
            Ok(out) if out.status.success() => {}
            Ok(out) => return Err(format!("`node --version` failed: {out:?}")),
            Err(e) => return Err(format!("`node` cannot be run ({e})")),
        }
        if dir()
            .join("node_modules/oidc-provider/package.json")
            .exists()
        {
            return Ok(());
        }
        let out = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(dir())
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("`npm` cannot be run ({e})"))?;
        if !out.status.success() {
            return Err(format!(
                "`npm ci --prefix tests/oidc` failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    });
    if let Err(why) = ready {
        panic!("{why}: {HOW_TO_INSTALL}");
    }
}

/// The running server; stopped when dropped.
pub struct OidcServer {
    child: Child,
    /// Held open: the server stops by itself when it closes (if this process dies first).
    _stdin: ChildStdin,
    pub issuer: String,
    /// From `/.well-known/openid-configuration`.
    pub discovery: Value,
    stderr: Arc<Mutex<String>>,
}

impl OidcServer {
    /// Starts it on a free loopback port, its clients redirecting to `{redirect_base}/oauth/
    /// callback/{network}`, and returns once it serves its discovery document.
    pub async fn start(redirect_base: &str) -> OidcServer {
        ensure_installed();
        let mut child = Command::new("node")
            .arg(dir().join("server.mjs"))
            .args([
                "--port",
                "0",
                "--exit-with-stdin",
                "--redirect-base",
                redirect_base,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting node ({e}): {HOW_TO_INSTALL}"));
        let stdin = child.stdin.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let (mut pipe, sink) = (child.stderr.take().unwrap(), stderr.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    sink.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(issuer) = line.strip_prefix("ready ") {
                    let _ = tx.send(issuer.trim().to_string());
                }
            }
        });
        let issuer = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(30)))
            .await
            .unwrap();
        let mut server = OidcServer {
            child,
            _stdin: stdin,
            issuer: String::new(),
            discovery: Value::Null,
            stderr,
        };
        server.issuer = match issuer {
            Ok(issuer) => issuer,
            Err(_) => panic!(
                "oidc-provider did not start: {}\n({HOW_TO_INSTALL})",
                server.log()
            ),
        };
        let discovery = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .get(format!(
                "{}/.well-known/openid-configuration",
                server.issuer
            ))
            .send()
            .await
            .expect("discovery document");
        assert_eq!(discovery.status(), 200);
        server.discovery = discovery.json().await.unwrap();
        server
    }

    /// An endpoint from the discovery document, e.g. `authorization_endpoint`.
    pub fn endpoint(&self, name: &str) -> String {
        self.discovery[name]
            .as_str()
            .unwrap_or_else(|| panic!("no {name} in {}", self.discovery))
            .to_string()
    }

    /// What the server wrote on stderr so far (its warnings and errors).
    pub fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Whether the server writes `needle` on stderr within a few seconds (a line written just
    /// before an answer may reach us after it).
    pub async fn logs(&self, needle: &str) -> bool {
        for _ in 0..100 {
            if self.log().contains(needle) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }
}

impl Drop for OidcServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser of sorts: follows nothing by itself, keeps cookies (name, value, path; the
/// server's own `Set-Cookie`s, deletions included) and sends them where their path matches.
/// Hand-written rather than reqwest's `cookies` feature, which would change the build of the
/// application's own reqwest for the sake of one test file.
pub struct Browser {
    client: reqwest::Client,
    cookies: Vec<(String, String, String)>,
}

impl Default for Browser {
    fn default() -> Self {
        Browser {
            client: reqwest::Client::builder()
                .no_proxy()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Vec::new(),
        }
    }
}

/// What a page answered: its status, where it sends the browser, its body.
#[derive(Debug)]
pub struct Page {
    pub url: Url,
    pub status: u16,
    pub location: Option<Url>,
    pub body: String,
}

impl Browser {
    pub async fn get(&mut self, url: &Url) -> Page {
        let request = self.client.get(url.clone());
        self.send(url, request).await
    }

    pub async fn post_form(&mut self, url: &Url, fields: &[(&str, &str)]) -> Page {
        let request = self.client.post(url.clone()).form(fields);
        self.send(url, request).await
    }

    async fn send(&mut self, url: &Url, request: reqwest::RequestBuilder) -> Page {
        let cookie = self
            .cookies
            .iter()
            .filter(|(_, _, path)| url.path().starts_with(path.as_str()))
            .map(|(name, value, _)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ");
        let request = if cookie.is_empty() {
            request
        } else {
            request.header("cookie", cookie)
        };
        let res = request.send().await.unwrap();
        for set in res.headers().get_all("set-cookie") {
            self.keep(set.to_str().unwrap());
        }
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .map(|l| url.join(l.to_str().unwrap()).unwrap());
        Page {
            url: url.clone(),
            status,
            location,
            body: res.text().await.unwrap(),
        }
    }

    fn keep(&mut self, set_cookie: &str) {
        let mut parts = set_cookie.split(';').map(str::trim);
        let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
            return;
        };
        let mut path = "/".to_string();
        let mut gone = value.is_empty();
        for attr in parts {
            let (key, val) = attr.split_once('=').unwrap_or((attr, ""));
            match key.to_ascii_lowercase().as_str() {
                "path" => path = val.to_string(),
                "max-age" => gone |= val.parse::<i64>().is_ok_and(|s| s <= 0),
                "expires" => gone |= val.contains("1970"),
                _ => {}
            }
        }
        self.cookies.retain(|(n, _, p)| !(n == name && *p == path));
        if !gone {
            self.cookies
                .push((name.to_string(), value.to_string(), path));
        }
    }
}

/// The `action` of the form with this `id` on a page, resolved against the page's URL.
pub fn form_action(page: &Page, id: &str) -> Option<Url> {
    let start = page.body.find(&format!("id=\"{id}\""))?;
    let rest = &page.body[start..];
    let end = rest.find('>')?;
    let tag = &rest[..end];
    let action = tag.split("action=\"").nth(1)?.split('"').next()?;
    page.url.join(action).ok()
}
