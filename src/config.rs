//! Typed settings, layered: `config/default.toml`, then `config/{VOUCH_ENV}.toml`, then
//! `VOUCH__SECTION__KEY` environment variables. Secrets stay wrapped so they never print.

use std::path::{Path, PathBuf};

use anyhow::Context;
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::proxies::TrustedProxies;

const DEFAULTS: &str = include_str!("../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub env: String,
    pub data_dir: PathBuf,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub log: LogSettings,
    pub mail: MailSettings,
    pub auth: AuthSettings,
    pub security: SecuritySettings,
    pub moderation: ModerationSettings,
    pub worker: WorkerSettings,
    pub claims: ClaimSettings,
    pub feed: FeedSettings,
    pub links: LinksSettings,
    pub careers: CareersSettings,
    pub shares: ShareSettings,
    pub metrics: MetricsSettings,
    pub networks: NetworksSettings,
}

/// The job workers (`jobs::worker`): inside `vouch serve` when enabled, alone in `vouch worker`.
#[derive(Debug, Clone, Deserialize)]
pub struct WorkerSettings {
    /// Run workers and periodic tasks in `vouch serve` (off when `vouch worker` runs apart).
    pub enabled: bool,
    pub concurrency: usize,
    /// Attempts before a job is parked as failed.
    pub max_attempts: i32,
    pub poll_interval_ms: u64,
    /// How long a claimed job stays held without renewal: after a crash, the delay before
    /// another worker takes it.
    pub lease_secs: u64,
    /// The first retry's delay; each next one doubles (with jitter), at most an hour.
    pub retry_base_ms: u64,
}

/// The social networks (`networks::Networks`): endpoints from config so tests point them at
/// local fakes; a network without a client id is reported unavailable, never a 500.
#[derive(Debug, Clone, Deserialize)]
pub struct NetworksSettings {
    /// Where the browser goes after connecting an account (the client app); empty: none.
    pub connect_return_url: String,
    /// Every call to a network gives up after this long (an unknown outcome on a create).
    pub request_timeout_ms: u64,
    pub linkedin: LinkedinSettings,
    pub x: XSettings,
    pub mastodon: MastodonSettings,
    pub bluesky: BlueskySettings,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LinkedinSettings {
    pub auth_url: String,
    pub token_url: String,
    pub api_url: String,
    pub client_id: String,
    pub client_secret: SecretString,
    /// `LinkedIn-Version` (YYYYMM); LinkedIn retires versions after about a year (426).
    pub version: String,
    pub scopes: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct XSettings {
    pub auth_url: String,
    pub token_url: String,
    pub api_url: String,
    pub client_id: String,
    /// Empty for a public client (PKCE only); set, it is sent with HTTP Basic.
    pub client_secret: SecretString,
    pub scopes: String,
}

/// Mastodon apps are registered per instance with these details.
#[derive(Debug, Clone, Deserialize)]
pub struct MastodonSettings {
    pub client_name: String,
    pub scopes: String,
    pub website: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BlueskySettings {
    /// The service an account signs in to when the user names none.
    pub default_service_url: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ShareSettings {
    /// Word-shingle similarity (0–1) from which a text counts as nearly another's.
    pub similarity_threshold: f64,
    /// When, after publishing, the network's figures for a share are read (seconds).
    pub metrics_after_secs: Vec<u64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ClaimSettings {
    /// Free-text checks (`POST /authenticity/check`) allowed per user per minute.
    pub checks_per_minute: u32,
    /// The periodic refit of an org's detector adjustment: at most this often, and only when
    /// its moderators judged a sentence since the last fit.
    pub retrain_every_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FeedSettings {
    /// Memory for rendered feed pages, in MiB (0: none kept; see `stories::feed_cache`).
    pub cache_mb: usize,
}

/// Tracked links (`links::service`).
#[derive(Debug, Clone, Deserialize)]
pub struct LinksSettings {
    /// Clicks counted in memory are written at most this far apart.
    pub flush_interval_ms: u64,
    /// How often the in-memory link table reads what other processes changed.
    pub sync_interval_ms: u64,
    /// A client is one click per link within this window.
    pub repeat_window_secs: u64,
    /// Referrer hosts stored per share; further hosts count as `(other)`.
    pub referrer_hosts_per_share: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CareersSettings {
    /// `Cache-Control: max-age` of the public testimonials: how long a browser or a CDN may
    /// show an answer without asking again (a retraction reaches visitors within it).
    pub max_age_secs: u32,
    /// How long a process trusts what it read of a key and of its org's content version
    /// before reading them again; changes made through the process itself show at once.
    pub recheck_ms: u64,
    /// Keys not known to the process (guesses, revoked keys) one client may try per minute.
    pub unknown_keys_per_ip_per_minute: u32,
}

/// Who may read `/metrics`: it names every route and the pool's load, not for the public.
#[derive(Debug, Clone, Deserialize)]
pub struct MetricsSettings {
    /// A listener of its own (`127.0.0.1:9100`), off the API's; empty: none.
    pub bind: String,
    /// The bearer token a scraper must send; on the API's listener `/metrics` is served only
    /// with one. Empty: none asked (on a listener of its own).
    pub token: SecretString,
}

impl MetricsSettings {
    pub fn token_is_empty(&self) -> bool {
        use secrecy::ExposeSecret;
        self.token.expose_secret().trim().is_empty()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ModerationSettings {
    /// How often moderators get the digest of new submissions.
    pub digest_interval_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub public_url: String,
    pub workers: usize,
    pub shutdown_timeout_secs: u64,
    /// Reverse proxies whose `X-Forwarded-For` names the client (addresses or CIDR blocks).
    #[serde(default)]
    pub trusted_proxies: TrustedProxies,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_size: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub format: LogFormat,
    pub filter: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MailSettings {
    pub transport: MailTransport,
    pub dir: PathBuf,
    pub from: String,
    pub smtp: SmtpSettings,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MailTransport {
    File,
    Smtp,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: String,
    pub password: SecretString,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    Starttls,
    Tls,
    None,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    /// Where mailed sign-in links point (the client app); empty: the server's `/login` page.
    pub login_url: String,
    pub jwt_secret: SecretString,
    pub token_encryption_key: SecretString,
    pub issuer: String,
    pub audience: String,
    pub access_ttl_secs: i64,
    pub refresh_ttl_days: i64,
    pub login_link_ttl_secs: i64,
    pub invite_ttl_hours: i64,
    pub login_links_per_email_per_hour: u32,
    pub login_links_per_ip_per_hour: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SecuritySettings {
    pub allow_private_urls: bool,
}

impl Settings {
    /// Loads the layers from `config_dir` for `VOUCH_ENV` (default `development`).
    pub fn load(config_dir: &Path) -> anyhow::Result<Settings> {
        let env = std::env::var("VOUCH_ENV").unwrap_or_else(|_| "development".into());
        Self::load_layers(config_dir, &env, true)
    }

    /// The layers for a named environment; `with_env_vars` is off in tests so parallel tests
    /// never read each other's process environment.
    pub fn load_layers(
        config_dir: &Path,
        env: &str,
        with_env_vars: bool,
    ) -> anyhow::Result<Settings> {
        // The defaults are compiled in, so the binary also starts where no config/ folder is.
        let mut builder = config::Config::builder()
            .add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml))
            .add_source(config::File::from(config_dir.join("default.toml")).required(false))
            .add_source(config::File::from(config_dir.join(format!("{env}.toml"))).required(false))
            .set_override("env", env)?;
        if with_env_vars {
            builder = builder.add_source(
                config::Environment::with_prefix("VOUCH")
                    .prefix_separator("__")
                    .separator("__"),
            );
        }
        let settings: Settings = builder
            .build()
            .context("reading configuration")?
            .try_deserialize()
            .context("configuration has a wrong or missing value")?;
        Ok(settings)
    }

    /// Production unless explicitly `development` or `test`: a staging box, a typo or a new
    /// stage name fails closed (secrets required) instead of generating throwaway keys.
    pub fn is_production(&self) -> bool {
        !matches!(self.env.as_str(), "development" | "test")
    }

    /// Fills empty secrets: generated once and kept in `data_dir` in development and test,
    /// a start-up error in every other environment.
    pub fn resolve_secrets(&mut self) -> anyhow::Result<()> {
        let production = self.is_production();
        let data_dir = self.data_dir.clone();
        for (name, secret) in [
            ("jwt_secret", &mut self.auth.jwt_secret),
            ("token_encryption_key", &mut self.auth.token_encryption_key),
        ] {
            if !secret.expose_secret().trim().is_empty() {
                continue;
            }
            if production {
                anyhow::bail!(
                    "auth.{name} is not set: outside development and test (VOUCH_ENV is `{}`) \
                     set VOUCH__AUTH__{}",
                    self.env,
                    name.to_uppercase()
                );
            }
            *secret = SecretString::from(stored_or_generated(&data_dir, name)?);
        }
        // A malformed key should stop the start, not the first token it has to encrypt.
        self.token_encryption_key()?;
        Ok(())
    }

    /// The 32-byte AEAD key for social-account tokens (base64 in config).
    pub fn token_encryption_key(&self) -> anyhow::Result<[u8; 32]> {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(self.auth.token_encryption_key.expose_secret().trim())
            .context("auth.token_encryption_key is not valid base64")?;
        raw.try_into()
            .map_err(|_| anyhow::anyhow!("auth.token_encryption_key must decode to 32 bytes"))
    }
}

fn stored_or_generated(data_dir: &Path, name: &str) -> anyhow::Result<String> {
    use rand::RngCore;
    let path = data_dir.join("secrets").join(name);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        if !existing.trim().is_empty() {
            return Ok(existing.trim().to_string());
        }
    }
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let value = base64::engine::general_purpose::STANDARD.encode(bytes);
    let dir = data_dir.join("secrets");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    write_private(&path, &value).with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(secret = name, path = %path.display(), "generated a development secret");
    Ok(value)
}

#[cfg(unix)]
fn write_private(path: &Path, value: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(value.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, value: &str) -> std::io::Result<()> {
    std::fs::write(path, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(env: &str, data_dir: &Path) -> Settings {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        let mut s = Settings::load_layers(&dir, env, false).unwrap();
        s.data_dir = data_dir.to_path_buf();
        s.auth.jwt_secret = SecretString::from("");
        s.auth.token_encryption_key = SecretString::from("");
        s
    }

    #[test]
    fn production_refuses_to_start_without_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let err = settings("production", dir.path())
            .resolve_secrets()
            .unwrap_err();
        assert!(err.to_string().contains("VOUCH__AUTH__JWT_SECRET"), "{err}");
        assert!(
            !dir.path().join("secrets").exists(),
            "nothing generated in production"
        );
    }

    #[test]
    fn any_environment_but_development_and_test_needs_its_secrets() {
        // A typo or a new stage name must not quietly get generated secrets.
        for env in ["staging", "prod", "Production", ""] {
            let dir = tempfile::tempdir().unwrap();
            let err = settings(env, dir.path()).resolve_secrets().unwrap_err();
            assert!(
                err.to_string().contains("VOUCH__AUTH__JWT_SECRET"),
                "{env}: {err}"
            );
            assert!(!dir.path().join("secrets").exists(), "{env}");
        }
    }

    #[test]
    fn a_malformed_token_key_stops_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = settings("production", dir.path());
        s.auth.jwt_secret = SecretString::from("x".repeat(40));
        s.auth.token_encryption_key = SecretString::from("c2hvcnQ=");
        let err = s.resolve_secrets().unwrap_err();
        assert!(err.to_string().contains("32 bytes"), "{err}");
    }

    #[test]
    fn trusted_proxies_come_as_a_list_or_a_comma_separated_variable() {
        let dir = tempfile::tempdir().unwrap();
        assert!(settings("test", dir.path())
            .server
            .trusted_proxies
            .is_empty());
        let load = |value: config::Value| {
            config::Config::builder()
                .add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml))
                .set_override("server.trusted_proxies", value)
                .unwrap()
                .build()
                .unwrap()
                .try_deserialize::<Settings>()
        };
        let from_env = load("10.0.0.1, 10.1.0.0/16".into()).unwrap();
        let from_file = load(vec!["10.0.0.1", "10.1.0.0/16"].into()).unwrap();
        assert_eq!(
            from_env.server.trusted_proxies,
            from_file.server.trusted_proxies
        );
        assert!(!from_env.server.trusted_proxies.is_empty());
        assert!(load("10.0.0.0/33".into()).is_err());
    }

    #[test]
    fn development_generates_secrets_once_and_keeps_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = settings("development", dir.path());
        first.resolve_secrets().unwrap();
        let mut second = settings("development", dir.path());
        second.resolve_secrets().unwrap();
        assert_eq!(
            first.auth.jwt_secret.expose_secret(),
            second.auth.jwt_secret.expose_secret()
        );
        assert_eq!(second.token_encryption_key().unwrap().len(), 32);
    }
}
