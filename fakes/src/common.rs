//! What every fake shares: the server, its tokens and posts, and the control surface tests and
//! scripts use (fault injection, counters, flags), in process and under `/_fake/…` over HTTP.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::http::StatusCode;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use rand::Rng;

pub use crate::helpers::{basic_auth, bearer, fields, redirect_with_code, s256};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// What the next call(s) to an endpoint do instead of answering normally.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// 429 with this network's rate-limit headers and body.
    RateLimit,
    /// This status with a JSON error body.
    Status { status: u16 },
    /// Wait this long, then answer normally.
    Delay { ms: u64 },
    /// 200 with an HTML body no client can read.
    Garbage,
    /// Do the work (the post exists), then answer only after this wait: a client that times
    /// out or dies meanwhile cannot know the outcome. Only where a handler offers it
    /// (`create`); elsewhere it is ignored.
    Late { ms: u64 },
    /// Hostile: 429 whose `Retry-After` (and every reset header) asks for about 300 million
    /// years, as a hostile instance can.
    AbsurdRetryAfter,
    /// Hostile: this status with an HTML page carrying [`LEAK_MARKER`], as a web server or a
    /// service that is not the API answers; nothing of it may reach Vouch's callers.
    Html { status: u16 },
    /// Hostile: this status with bytes that are not text (NUL, invalid UTF-8, a terminal
    /// escape) around [`LEAK_MARKER`].
    Binary { status: u16 },
    /// Hostile: a 302 to `location` (a loopback or cloud-metadata address), which a client
    /// that follows redirects would fetch for the instance.
    Redirect { location: String },
}

/// What a hostile answer carries that must never be shown to Vouch's callers.
pub const LEAK_MARKER: &str = "internal-secret-7f3a";

/// The account every fake knows from the start (each network names its fields its own way).
#[derive(Clone, Debug, Serialize)]
pub struct FakeUser {
    /// LinkedIn `sub`, X user id, Mastodon account id, Bluesky DID.
    pub id: String,
    pub handle: String,
    /// Bluesky's app password; empty elsewhere.
    pub password: String,
}

/// A post as the fake received it.
#[derive(Clone, Debug, Serialize)]
pub struct FakePost {
    pub id: String,
    pub author: String,
    /// The text as the network would show it (LinkedIn: little text rendered).
    pub text: String,
    /// The request body as sent.
    pub raw: serde_json::Value,
    pub deleted: bool,
}

/// A grant waiting for its code to be exchanged.
#[derive(Clone, Debug)]
pub struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    pub challenge: Option<String>,
    pub scope: String,
}

#[derive(Default)]
pub struct Tokens {
    /// access token → (user id, expired)
    access: HashMap<String, (String, bool)>,
    /// refresh token → user id
    refresh: HashMap<String, String>,
}

pub enum TokenCheck {
    Valid(String),
    Expired,
    Unknown,
}

pub fn random_token(prefix: &str) -> String {
    let n: u128 = rand::thread_rng().gen();
    format!("{prefix}{n:032x}")
}

impl Tokens {
    pub fn issue(&mut self, user: &str, access: String) -> (String, String) {
        let refresh = random_token("rt-");
        self.access
            .insert(access.clone(), (user.to_string(), false));
        self.refresh.insert(refresh.clone(), user.to_string());
        (access, refresh)
    }

    pub fn check(&self, access: &str) -> TokenCheck {
        match self.access.get(access) {
            Some((user, false)) => TokenCheck::Valid(user.clone()),
            Some((_, true)) => TokenCheck::Expired,
            None => TokenCheck::Unknown,
        }
    }

    /// Consumes a refresh token (they rotate); `None` when unknown.
    pub fn take_refresh(&mut self, refresh: &str) -> Option<String> {
        self.refresh.remove(refresh)
    }

    pub fn revoke(&mut self, access: &str) {
        self.access.remove(access);
    }

    pub fn expire_all(&mut self) {
        for (_, expired) in self.access.values_mut() {
            *expired = true;
        }
    }

    pub fn forget_refresh_tokens(&mut self) {
        self.refresh.clear();
    }
}

/// One fake's state. Handlers lock one field at a time, briefly.
pub struct Shared {
    pub user: FakeUser,
    pub tokens: Mutex<Tokens>,
    pub posts: Mutex<Vec<FakePost>>,
    pub codes: Mutex<HashMap<String, CodeGrant>>,
    faults: Mutex<HashMap<String, VecDeque<Fault>>>,
    counters: Mutex<HashMap<String, u64>>,
    flags: Mutex<HashSet<String>>,
    rate_limited: fn() -> HttpResponse,
    /// Makes an access token for a user (Bluesky's are JWTs).
    new_access: fn(&str) -> String,
}

pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub fn new(
        user: FakeUser,
        rate_limited: fn() -> HttpResponse,
        new_access: fn(&str) -> String,
    ) -> Shared {
        Shared {
            user,
            tokens: Mutex::default(),
            posts: Mutex::default(),
            codes: Mutex::default(),
            faults: Mutex::default(),
            counters: Mutex::default(),
            flags: Mutex::default(),
            rate_limited,
            new_access,
        }
    }

    /// Runs `handler` and, when the next fault queued for `endpoint` is `Late`, holds its
    /// answer back for that long after the work is done.
    pub async fn answer_late(
        &self,
        endpoint: &str,
        handler: impl std::future::Future<Output = HttpResponse>,
    ) -> HttpResponse {
        let late = {
            let mut faults = lock(&self.faults);
            let queue = faults.get_mut(endpoint);
            match queue {
                Some(q) if matches!(q.front(), Some(Fault::Late { .. })) => match q.pop_front() {
                    Some(Fault::Late { ms }) => Some(ms),
                    _ => None,
                },
                _ => None,
            }
        };
        let answer = handler.await;
        if let Some(ms) = late {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        answer
    }

    /// Counts the call and applies the next fault queued for `endpoint`, if any: `Some` is
    /// the answer to give instead of the normal one.
    pub async fn gate(&self, endpoint: &str) -> Option<HttpResponse> {
        self.bump(endpoint);
        let fault = lock(&self.faults)
            .get_mut(endpoint)
            .and_then(|q| q.pop_front());
        match fault? {
            Fault::Delay { ms } => {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                None
            }
            Fault::RateLimit => Some((self.rate_limited)()),
            Fault::Status { status } => {
                let status = status_or_bad_gateway(status);
                Some(HttpResponse::build(status).json(json!({
                    "error": "FakeFailure",
                    "message": format!("injected {}", status.as_u16()),
                    "status": status.as_u16(),
                })))
            }
            Fault::Late { .. } => None,
            Fault::Garbage => Some(
                HttpResponse::Ok()
                    .content_type("text/html")
                    .body("<html><body>Service temporarily garbled</body></html>"),
            ),
            Fault::AbsurdRetryAfter => Some(
                HttpResponse::TooManyRequests()
                    .insert_header(("Retry-After", "9300000000000000"))
                    .insert_header(("X-RateLimit-Reset", "+275760-09-13T00:00:00.000Z"))
                    .insert_header(("x-rate-limit-reset", "9300000000000000"))
                    .insert_header(("RateLimit-Reset", "1e300"))
                    .json(json!({"error": "Too many requests"})),
            ),
            Fault::Html { status } => Some(
                HttpResponse::build(status_or_bad_gateway(status))
                    .content_type("text/html")
                    .body(format!(
                        "<html><body><h1>Not here</h1><script>alert(1)</script>\
                         <p>{LEAK_MARKER}: admin console at http://10.0.0.5/</p></body></html>"
                    )),
            ),
            Fault::Binary { status } => {
                let mut body = b"\x00\x1b[31m\xff\xfe".to_vec();
                body.extend_from_slice(LEAK_MARKER.as_bytes());
                body.extend_from_slice(b"\x00\x07\xc3\x28");
                Some(
                    HttpResponse::build(status_or_bad_gateway(status))
                        .content_type("application/octet-stream")
                        .body(body),
                )
            }
            Fault::Redirect { location } => Some(
                HttpResponse::Found()
                    .insert_header(("location", location))
                    .finish(),
            ),
        }
    }

    pub fn bump(&self, counter: &str) {
        *lock(&self.counters).entry(counter.to_string()).or_default() += 1;
    }

    pub fn flag(&self, name: &str) -> bool {
        lock(&self.flags).contains(name)
    }

    /// Issues a fresh access token (and refresh token) for `user`.
    pub fn grant(&self, user: &str) -> (String, String) {
        let access = (self.new_access)(user);
        lock(&self.tokens).issue(user, access)
    }

    /// The user behind the request's bearer token.
    pub fn authed(&self, req: &HttpRequest) -> TokenCheck {
        match bearer(req) {
            Some(token) => lock(&self.tokens).check(&token),
            None => TokenCheck::Unknown,
        }
    }
}

fn status_or_bad_gateway(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY)
}

/// A running fake; its control surface is [`Shared`]'s (through `Deref`).
#[derive(Clone)]
pub struct Fake {
    pub addr: SocketAddr,
    pub shared: Arc<Shared>,
    handle: ServerHandle,
}

impl std::ops::Deref for Fake {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.shared
    }
}

impl Fake {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn stop(&self) {
        self.handle.stop(false).await;
    }
}

impl Shared {
    pub fn user(&self) -> &FakeUser {
        &self.user
    }

    /// Every post received, deleted ones included (marked).
    pub fn posts(&self) -> Vec<FakePost> {
        lock(&self.posts).clone()
    }

    /// The next `times` calls to `endpoint` meet `fault`.
    pub fn fail_next(&self, endpoint: &str, fault: Fault, times: usize) {
        let mut faults = lock(&self.faults);
        let queue = faults.entry(endpoint.to_string()).or_default();
        queue.extend(std::iter::repeat_n(fault, times));
    }

    /// Calls counted so far: endpoint names, plus `refresh` (refresh grants and
    /// refreshSession) and `create_session`.
    pub fn count(&self, counter: &str) -> u64 {
        lock(&self.counters).get(counter).copied().unwrap_or(0)
    }

    /// Every access token issued so far now answers as expired.
    pub fn expire_tokens(&self) {
        lock(&self.tokens).expire_all();
    }

    /// Every refresh token issued so far is forgotten: refreshing is refused.
    pub fn revoke_refresh_tokens(&self) {
        lock(&self.tokens).forget_refresh_tokens();
    }

    /// Switches a behaviour: `omit_token_type` (LinkedIn), `omit_refresh_token` (token
    /// answers to a refresh carry no new refresh token); hostile ones: `javascript_urls` and
    /// `foreign_urls` (Mastodon statuses whose `url` is `javascript:…` or on another host).
    pub fn set_flag(&self, flag: &str, on: bool) {
        let mut flags = lock(&self.flags);
        if on {
            flags.insert(flag.to_string());
        } else {
            flags.remove(flag);
        }
    }

    /// Access and refresh tokens for the default user, as if it had just connected.
    pub fn issue_tokens(&self) -> (String, String) {
        let access = (self.new_access)(&self.user.id);
        lock(&self.tokens).issue(&self.user.id, access)
    }
}

#[derive(Deserialize)]
struct FaultRequest {
    endpoint: String,
    fault: Fault,
    #[serde(default = "one")]
    times: usize,
}

fn one() -> usize {
    1
}

#[derive(Deserialize)]
struct FlagRequest {
    flag: String,
    on: bool,
}

/// The `/_fake/…` control endpoints, the same on every fake.
fn control_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/_fake")
            .route(
                "/posts",
                web::get().to(|fake: web::Data<Arc<Shared>>| async move {
                    HttpResponse::Ok().json(fake.posts())
                }),
            )
            .route(
                "/user",
                web::get().to(|fake: web::Data<Arc<Shared>>| async move {
                    HttpResponse::Ok().json(fake.user())
                }),
            )
            .route(
                "/faults",
                web::post().to(
                    |fake: web::Data<Arc<Shared>>, body: web::Json<FaultRequest>| async move {
                        fake.fail_next(&body.endpoint, body.fault.clone(), body.times);
                        HttpResponse::NoContent().finish()
                    },
                ),
            )
            .route(
                "/counters",
                web::get().to(|fake: web::Data<Arc<Shared>>| async move {
                    HttpResponse::Ok().json(lock(&fake.counters).clone())
                }),
            )
            .route(
                "/expire_tokens",
                web::post().to(|fake: web::Data<Arc<Shared>>| async move {
                    fake.expire_tokens();
                    HttpResponse::NoContent().finish()
                }),
            )
            .route(
                "/flags",
                web::post().to(
                    |fake: web::Data<Arc<Shared>>, body: web::Json<FlagRequest>| async move {
                        fake.set_flag(&body.flag, body.on);
                        HttpResponse::NoContent().finish()
                    },
                ),
            )
            .route(
                "/tokens",
                web::post().to(|fake: web::Data<Arc<Shared>>| async move {
                    let (access, refresh) = fake.issue_tokens();
                    HttpResponse::Ok().json(json!({
                        "access_token": access,
                        "refresh_token": refresh,
                        "user": fake.user(),
                    }))
                }),
            ),
    );
}

/// Starts a fake on `port` of 127.0.0.1 (0: any free port). Call inside a Tokio runtime.
/// `extra` is state of the network's own, shared by every worker (as `web::Data<T>`).
pub fn serve<T: Send + Sync + 'static>(
    port: u16,
    shared: Shared,
    extra: T,
    routes: fn(&mut web::ServiceConfig),
) -> io::Result<Fake> {
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    let addr = listener.local_addr()?;
    let shared = Arc::new(shared);
    let data = web::Data::new(shared.clone());
    let extra = web::Data::new(extra);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(extra.clone())
            .configure(control_routes)
            .configure(routes)
    })
    .workers(2)
    .disable_signals()
    .listen(listener)?
    .run();
    let fake = Fake {
        addr,
        shared,
        handle: server.handle(),
    };
    tokio::spawn(server);
    Ok(fake)
}
