//! Mastodon, any instance: an app registered per instance, tokens without expiry or refresh,
//! `Idempotency-Key` on create, and an ISO 8601 `X-RateLimit-Reset`.

use async_trait::async_trait;
use oauth2::basic::BasicTokenResponse;
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use url::Url;

use super::http::{classify, send, Call};
use super::oauth::OAuthApp;
use super::pages;
use super::{
    Account, AppCredentials, Identity, Metrics, Network, NetworkError, NetworkKind, Post,
    Published, RefreshError, TokenSet,
};
use crate::config::MastodonSettings;

pub struct Mastodon {
    http: reqwest::Client,
    cfg: MastodonSettings,
    allow_private_urls: bool,
}

impl Mastodon {
    pub fn new(http: reqwest::Client, cfg: MastodonSettings, allow_private_urls: bool) -> Mastodon {
        Mastodon {
            http,
            cfg,
            allow_private_urls,
        }
    }

    /// Registers Vouch on `instance_url` (validated as a public URL); keep the answer per
    /// instance and reuse it for every account there.
    pub async fn register_app(
        &self,
        instance_url: &str,
        redirect_uri: &str,
    ) -> Result<AppCredentials, NetworkError> {
        let instance = crate::urls::parse_origin(instance_url, self.allow_private_urls)
            .map_err(|e| NetworkError::Rejected(format!("instance URL {e}")))?;
        let mut body = json!({
            "client_name": self.cfg.client_name,
            "redirect_uris": redirect_uri,
            "scopes": self.cfg.scopes,
        });
        if !self.cfg.website.trim().is_empty() {
            body["website"] = json!(self.cfg.website);
        }
        let request = self
            .http
            .post(self.at(&instance, "/api/v1/apps")?)
            .json(&body);
        let answer = send(request, Call::Idempotent).await?;
        let json = answer.json().filter(|_| answer.success());
        let creds = json
            .as_ref()
            .and_then(|j| Some((j["client_id"].as_str()?, j["client_secret"].as_str()?)));
        match creds {
            Some((id, secret)) => Ok(AppCredentials {
                client_id: id.to_string(),
                client_secret: SecretString::from(secret.to_string()),
                base_url: Some(instance),
            }),
            None => Err(classify(NetworkKind::Mastodon, Call::Idempotent, &answer)),
        }
    }

    fn oauth<'a>(
        app: Option<&'a AppCredentials>,
        urls: &'a (String, String),
    ) -> Result<OAuthApp<'a>, NetworkError> {
        let app = app.ok_or_else(|| {
            NetworkError::Rejected("Mastodon needs the instance's registered app".into())
        })?;
        Ok(OAuthApp {
            client_id: &app.client_id,
            client_secret: app.client_secret.expose_secret(),
            auth_url: &urls.0,
            token_url: &urls.1,
            basic_auth: false,
        })
    }

    /// `path` on a user-given instance; a literal private address is refused here, a name
    /// for one when the client connects.
    fn at(&self, instance: &str, path: &str) -> Result<String, NetworkError> {
        let base = super::egress::base(instance, self.allow_private_urls)?;
        Ok(format!("{base}{path}"))
    }

    fn endpoints(&self, app: Option<&AppCredentials>) -> Result<(String, String), NetworkError> {
        let instance = app
            .and_then(|a| a.base_url.as_deref())
            .ok_or_else(|| NetworkError::Rejected("the app names no Mastodon instance".into()))?;
        Ok((
            self.at(instance, "/oauth/authorize")?,
            self.at(instance, "/oauth/token")?,
        ))
    }

    fn api(&self, account: &Account, path: &str) -> Result<String, NetworkError> {
        let instance = account
            .base_url
            .as_deref()
            .ok_or_else(|| NetworkError::Rejected("the account names no instance".into()))?;
        self.at(instance, path)
    }

    /// The status as published; its page only where it is on the account's instance.
    fn published(account: &Account, status: &serde_json::Value) -> Option<Published> {
        let host = account.base_url.as_deref().and_then(pages::host_of);
        Some(Published {
            external_id: status["id"].as_str()?.to_string(),
            external_url: status["url"]
                .as_str()
                .zip(host)
                .and_then(|(url, host)| pages::on_host(url, &host)),
        })
    }
}

#[async_trait]
impl Network for Mastodon {
    fn kind(&self) -> NetworkKind {
        NetworkKind::Mastodon
    }

    /// Apps are registered per instance, so nothing needs configuring.
    fn available(&self) -> bool {
        true
    }

    fn max_len(&self) -> usize {
        super::text::max_len(NetworkKind::Mastodon)
    }

    fn length(&self, text: &str) -> usize {
        super::text::length(NetworkKind::Mastodon, text)
    }

    fn authorize_url(
        &self,
        app: Option<&AppCredentials>,
        redirect_uri: &str,
        state: &str,
        pkce_verifier: Option<&str>,
    ) -> Result<Url, NetworkError> {
        let urls = self.endpoints(app)?;
        Self::oauth(app, &urls)?.authorize_url(redirect_uri, state, &self.cfg.scopes, pkce_verifier)
    }

    async fn exchange(
        &self,
        app: Option<&AppCredentials>,
        code: &str,
        redirect_uri: &str,
        pkce_verifier: Option<&str>,
    ) -> Result<TokenSet, NetworkError> {
        let urls = self.endpoints(app)?;
        Self::oauth(app, &urls)?
            .exchange::<BasicTokenResponse>(&self.http, code, redirect_uri, pkce_verifier)
            .await
    }

    async fn identify(
        &self,
        base_url: Option<&str>,
        tokens: &TokenSet,
    ) -> Result<Identity, NetworkError> {
        let instance =
            base_url.ok_or_else(|| NetworkError::Rejected("no Mastodon instance given".into()))?;
        let request = self
            .http
            .get(self.at(instance, "/api/v1/accounts/verify_credentials")?)
            .bearer_auth(&tokens.access_token);
        let answer = send(request, Call::Idempotent).await?;
        let json = answer.json().filter(|_| answer.success());
        let who = json
            .as_ref()
            .and_then(|j| Some((j["id"].as_str()?, j["username"].as_str()?)));
        let Some((id, username)) = who else {
            return Err(classify(NetworkKind::Mastodon, Call::Idempotent, &answer));
        };
        let host = Url::parse(instance)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        Ok(Identity {
            external_user_id: id.to_string(),
            handle: format!("@{username}@{host}"),
        })
    }

    /// Mastodon tokens do not expire and come without a refresh token: a rejected token was
    /// revoked, and only reconnecting helps.
    async fn refresh(&self, _account: &Account) -> Result<TokenSet, RefreshError> {
        Err(RefreshError::Rejected(
            "Mastodon tokens cannot be refreshed; the account must reconnect".into(),
        ))
    }

    async fn publish(&self, account: &Account, post: &Post<'_>) -> Result<Published, NetworkError> {
        let mut body = json!({ "status": post.text, "visibility": "public" });
        if let Some(language) = post.language {
            body["language"] = json!(language);
        }
        let request = self
            .http
            .post(self.api(account, "/api/v1/statuses")?)
            .bearer_auth(&account.tokens.access_token)
            // A repeat within the hour answers the first status instead of posting again.
            .header("Idempotency-Key", post.key)
            .json(&body);
        let answer = send(request, Call::Create).await?;
        let json = answer.json().filter(|_| answer.success());
        match json.as_ref().and_then(|j| Self::published(account, j)) {
            Some(published) => Ok(published),
            None => Err(classify(NetworkKind::Mastodon, Call::Create, &answer)),
        }
    }

    /// Mastodon keeps an `Idempotency-Key` for an hour; ten minutes less leaves room for the
    /// clocks and for the time the first attempt took.
    fn repeat_is_safe_for(&self) -> Option<chrono::TimeDelta> {
        Some(chrono::TimeDelta::minutes(50))
    }

    /// The account's recent statuses, looking for the share's tracked link (past the hour in
    /// which `Idempotency-Key` protects a retry).
    async fn find(
        &self,
        account: &Account,
        post: &Post<'_>,
    ) -> Result<Option<Published>, NetworkError> {
        let path = format!(
            "/api/v1/accounts/{}/statuses?limit=40",
            account.external_user_id
        );
        let request = self
            .http
            .get(self.api(account, &path)?)
            .bearer_auth(&account.tokens.access_token);
        let answer = send(request, Call::Idempotent).await?;
        let json = answer.json().filter(|_| answer.success());
        let Some(statuses) = json.as_ref().and_then(|j| j.as_array()) else {
            return Err(classify(NetworkKind::Mastodon, Call::Idempotent, &answer));
        };
        // `content` is HTML: the link appears with `&` escaped.
        let escaped = post.link.replace('&', "&amp;");
        Ok(statuses.iter().find_map(|s| {
            let content = s["content"].as_str().unwrap_or_default();
            (content.contains(post.link) || content.contains(&escaped))
                .then(|| Self::published(account, s))
                .flatten()
        }))
    }

    async fn delete(&self, account: &Account, external_id: &str) -> Result<(), NetworkError> {
        let request = self
            .http
            .delete(self.api(account, &format!("/api/v1/statuses/{external_id}"))?)
            .bearer_auth(&account.tokens.access_token);
        let answer = send(request, Call::Idempotent).await?;
        if answer.success() || answer.status == StatusCode::NOT_FOUND {
            return Ok(());
        }
        Err(classify(NetworkKind::Mastodon, Call::Idempotent, &answer))
    }

    async fn revoke(&self, account: &Account) -> Result<(), NetworkError> {
        let Some(app) = &account.app else {
            return Err(NetworkError::Rejected(
                "revoking needs the instance's registered app".into(),
            ));
        };
        let request = self.http.post(self.api(account, "/oauth/revoke")?).form(&[
            ("client_id", app.client_id.as_str()),
            ("client_secret", app.client_secret.expose_secret()),
            ("token", account.tokens.access_token.as_str()),
        ]);
        let answer = send(request, Call::Idempotent).await?;
        // Revoking a token the instance no longer knows is done already.
        if answer.success() || answer.status == StatusCode::UNAUTHORIZED {
            return Ok(());
        }
        Err(classify(NetworkKind::Mastodon, Call::Idempotent, &answer))
    }

    async fn metrics(&self, account: &Account, external_id: &str) -> Result<Metrics, NetworkError> {
        let request = self
            .http
            .get(self.api(account, &format!("/api/v1/statuses/{external_id}"))?)
            .bearer_auth(&account.tokens.access_token);
        let answer = send(request, Call::Idempotent).await?;
        let json = answer.json().filter(|_| answer.success());
        let Some(status) = json.filter(|j| j["id"].is_string()) else {
            return Err(classify(NetworkKind::Mastodon, Call::Idempotent, &answer));
        };
        Ok(Metrics {
            impressions: None,
            reactions: status["favourites_count"].as_i64(),
            comments: status["replies_count"].as_i64(),
            reshares: status["reblogs_count"].as_i64(),
            clicks: None,
        })
    }
}
