//! What every handler can reach: the pool, settings, mailer and keys, built once at start.

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::auth::rate_limit::LoginLimiter;
use crate::config::Settings;
use crate::crypto::Sealer;
use crate::db::Pool;
use crate::mail::Mailer;
use crate::throttle::PerUser;

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub mailer: Mailer,
    pub jwt: Arc<JwtKeys>,
    pub login_limiter: Arc<LoginLimiter>,
    pub check_limiter: Arc<PerUser>,
    /// Seals secrets stored at rest (queued mail bodies, social tokens).
    pub sealer: Sealer,
}

impl AppState {
    pub fn new(settings: Settings, pool: Pool) -> anyhow::Result<AppState> {
        let mailer = Mailer::from_settings(&settings.mail)?;
        let jwt = JwtKeys::new(&settings.auth)?;
        let login_limiter = LoginLimiter::new(
            settings.auth.login_links_per_email_per_hour,
            settings.auth.login_links_per_ip_per_hour,
        );
        let sealer = Sealer::new(&settings.token_encryption_key()?);
        let check_limiter = PerUser::per_minute(settings.claims.checks_per_minute);
        Ok(AppState {
            check_limiter: Arc::new(check_limiter),
            sealer,
            pool,
            settings: Arc::new(settings),
            mailer,
            jwt: Arc::new(jwt),
            login_limiter: Arc::new(login_limiter),
        })
    }

    /// The sign-in link mailed for `token`: the client app's page when configured
    /// (`auth.login_url`), else the server's own `/login` page.
    pub fn login_link(&self, token: &str) -> String {
        let base = match self.settings.auth.login_url.trim() {
            "" => format!(
                "{}/login",
                self.settings.server.public_url.trim_end_matches('/')
            ),
            url => url.to_string(),
        };
        let separator = if base.contains('?') { '&' } else { '?' };
        format!("{base}{separator}token={token}")
    }
}
