//! `spawn_app()`: the real application on a random port, a fresh database, a real SMTP
//! server, and an HTTP client; plus shortcuts to set up orgs and users.

pub mod binary;
pub mod db;
pub mod oidc;
pub mod served;
pub mod shares;
pub mod smtp;
pub mod stories;
pub mod world;

use std::path::PathBuf;

use chrono::Duration;
use serde_json::{json, Value};
use vouch::accounts::{self, Email, Role};
use vouch::config::{MailTransport, Settings, SmtpSecurity};
use vouch::state::AppState;
use vouch::Application;

pub use smtp::{token_from, MailCatcher};

pub struct TestApp {
    pub address: String,
    /// The `/metrics` listener when `metrics.bind` is set.
    pub metrics_address: Option<String>,
    pub client: reqwest::Client,
    pub mail: MailCatcher,
    pub state: AppState,
    pub db: db::TestDb,
}

/// Rounds of a race: many on PostgreSQL, where races are real; SQLite serialises writes.
pub fn rounds() -> usize {
    if db::postgres_admin_url().is_some() {
        25
    } else {
        3
    }
}

/// Test settings (default.toml + test.toml) before a test adjusts them.
pub fn test_settings() -> Settings {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config");
    Settings::load_layers(&dir, "test", false).expect("test settings")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = test_settings();
    settings.data_dir = dir.path().join("data");
    let db = db::TestDb::new(dir);
    let mail = MailCatcher::start();
    settings.database.url = db.url().to_string();
    settings.server.host = "127.0.0.1".into();
    settings.server.port = 0;
    settings.server.workers = 1;
    settings.mail.transport = MailTransport::Smtp;
    settings.mail.smtp.host = "127.0.0.1".into();
    settings.mail.smtp.port = mail.port;
    settings.mail.smtp.security = SmtpSecurity::None;
    adjust(&mut settings);
    let app = Application::build(settings).await.expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let metrics_address = app
        .metrics_port()
        .map(|port| format!("http://127.0.0.1:{port}"));
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        address,
        metrics_address,
        client,
        mail,
        state,
        db,
    }
}

/// A member created directly through the services (no HTTP), active and ready for a token.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub token: String,
    /// The session (refresh-token family) the token belongs to.
    pub session: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A new org with an active admin.
    pub async fn org(&self, slug: &str) -> Member {
        let pool = self.state.pool.clone();
        let slug = slug.to_string();
        let admin = tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().unwrap();
            let email = Email::parse(&format!("admin@{slug}.test")).unwrap();
            let invited = accounts::service::create_org(
                &mut conn,
                &format!("Org {slug}"),
                &slug,
                &email,
                Some("Admin"),
                Duration::days(1),
            )
            .unwrap();
            accounts::repo::activate(&mut conn, invited.user, Role::Admin).unwrap()
        })
        .await
        .unwrap();
        self.member_from(admin)
    }

    /// A new active member of `org` with `role`.
    pub async fn member(&self, org: &Member, name: &str, role: Role) -> Member {
        let pool = self.state.pool.clone();
        let org_id = org.org_id.clone();
        let email = format!(
            "{name}@{}.test",
            &org.email
                .split('@')
                .nth(1)
                .unwrap()
                .split('.')
                .next()
                .unwrap()
        );
        let name = name.to_string();
        let user = tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().unwrap();
            let org = accounts::repo::find_org(&mut conn, &org_id)
                .unwrap()
                .unwrap();
            let email = Email::parse(&email).unwrap();
            let invited = accounts::service::add_user(
                &mut conn,
                None,
                org,
                &email,
                role,
                &name,
                Duration::days(1),
            )
            .unwrap();
            accounts::repo::activate(&mut conn, invited.user, role).unwrap()
        })
        .await
        .unwrap();
        self.member_from(user)
    }

    fn member_from(&self, user: accounts::User) -> Member {
        let mut conn = self.state.pool.get().unwrap();
        let token = vouch::auth::service::open_session(&mut conn, &self.state, &user)
            .unwrap()
            .access_token;
        let session = self.state.jwt.verify(&token).unwrap().sid;
        Member {
            id: user.id,
            org_id: user.org_id,
            email: user.email,
            token,
            session,
        }
    }

    /// The audit actions recorded on one object, newest first.
    pub async fn audit_actions(
        &self,
        org_id: &str,
        object_type: &str,
        object_id: &str,
    ) -> Vec<vouch::audit::AuditEvent> {
        let pool = self.state.pool.clone();
        let (org, kind, id) = (
            org_id.to_string(),
            object_type.to_string(),
            object_id.to_string(),
        );
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().unwrap();
            vouch::audit::list(&mut conn, &org, Some((&kind, &id)), None, 50).unwrap()
        })
        .await
        .unwrap()
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> reqwest::Response {
        let mut req = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send().await.unwrap()
    }

    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// The whole passwordless flow: ask for a link, read it from the SMTP server, trade it.
    pub async fn login(&self, email: &str) -> Value {
        let before = self.mail.count_for(email);
        let res = self
            .post("/api/v1/auth/login-link", None, &json!({ "email": email }))
            .await;
        assert_eq!(res.status(), 202);
        let mail = self.mail.wait_for(email, before + 1).await;
        let res = self
            .post(
                "/api/v1/auth/token",
                None,
                &json!({ "token": token_from(&mail.body) }),
            )
            .await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }
}

/// Reads a problem+json answer and checks its shape.
pub async fn problem(res: reqwest::Response, status: u16) -> Value {
    assert_eq!(res.status().as_u16(), status, "status");
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        content_type.starts_with("application/problem+json"),
        "content type {content_type}"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(body["type"]
        .as_str()
        .unwrap()
        .starts_with("urn:vouch:problem:"));
    assert!(body["title"].is_string() && body["detail"].is_string());
    body
}

/// The field names of a validation problem.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}
