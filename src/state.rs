//! What every handler can reach: the pool, settings, mailer and keys, built once at start.

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::auth::rate_limit::LoginLimiter;
use crate::careers::Careers;
use crate::config::Settings;
use crate::crypto::Sealer;
use crate::db::Pool;
use crate::jobs::Outbox;
use crate::links::Links;
use crate::mail::Mailer;
use crate::networks::Networks;
use crate::stories::feed_cache::FeedCache;
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
    /// Where use cases queue what leaves the process (mails, posts, deletions).
    pub outbox: Outbox,
    /// The social networks' connectors, over one HTTP client.
    pub networks: Arc<Networks>,
    /// Rendered pages of the ambassadors' feed.
    pub feed_cache: Arc<FeedCache>,
    /// Tracked links: the code table and the click counts, in memory.
    pub links: Arc<Links>,
    /// The careers page's keys and testimonials, kept in memory.
    pub careers: Arc<Careers>,
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
        let networks = Networks::new(&settings.networks, settings.security.allow_private_urls)?;
        let feed_cache = FeedCache::new(settings.feed.cache_mb.saturating_mul(1 << 20));
        let careers = Careers::new(
            std::time::Duration::from_millis(settings.careers.recheck_ms),
            settings.careers.unknown_keys_per_ip_per_minute,
            &settings.token_encryption_key()?,
        );
        Ok(AppState {
            careers: Arc::new(careers),
            feed_cache: Arc::new(feed_cache),
            links: Arc::new(Links::new(&settings.links)?),
            check_limiter: Arc::new(check_limiter),
            networks: Arc::new(networks),
            outbox: Outbox {
                max_attempts: settings.worker.max_attempts,
                sealer: sealer.clone(),
                queued_here: None,
            },
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
    ///
    /// The token goes in the fragment (`#token=…`), which browsers never send to a server:
    /// it stays out of access logs, proxies and `Referer` headers, here and at the client.
    pub fn login_link(&self, token: &str) -> String {
        let base = match self.settings.auth.login_url.trim() {
            "" => format!(
                "{}/login",
                self.settings.server.public_url.trim_end_matches('/')
            ),
            url => url.to_string(),
        };
        with_token_fragment(&base, token)
    }
}

fn with_token_fragment(base: &str, token: &str) -> String {
    let separator = match base.split_once('#') {
        None => "#",
        Some((_, "")) => "",
        // A client routing on the fragment (`…/#/signin`) gets the token added to it.
        Some(_) => "&",
    };
    format!("{base}{separator}token={token}")
}

impl crate::jobs::Context for AppState {
    fn pool(&self) -> &Pool {
        &self.pool
    }

    fn worker_settings(&self) -> &crate::config::WorkerSettings {
        &self.settings.worker
    }
}

impl crate::mail::MailContext for AppState {
    fn mailer(&self) -> &Mailer {
        &self.mailer
    }

    fn sealer(&self) -> &Sealer {
        &self.sealer
    }
}

#[cfg(test)]
mod tests {
    use super::with_token_fragment;

    #[test]
    fn the_token_goes_in_the_fragment() {
        for (base, link) in [
            ("http://h/login", "http://h/login#token=t"),
            ("https://app/in?src=mail", "https://app/in?src=mail#token=t"),
            ("https://app/#", "https://app/#token=t"),
            ("https://app/#/signin", "https://app/#/signin&token=t"),
        ] {
            assert_eq!(with_token_fragment(base, "t"), link);
        }
    }
}
