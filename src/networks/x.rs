//! X's API v2: OAuth 2.0 with mandatory PKCE, text with the link inline (weighted length,
//! URLs 23), duplicate text refused with a 403, `x-rate-limit-reset` on 429.

use async_trait::async_trait;
use oauth2::basic::BasicTokenResponse;
use reqwest::{RequestBuilder, StatusCode};
use secrecy::ExposeSecret;
use serde_json::json;
use url::Url;

use super::http::{classify, send, Answer, Call};
use super::oauth::OAuthApp;
use super::{
    Account, AppCredentials, Identity, Metrics, Network, NetworkError, NetworkKind, Post,
    Published, RefreshError, TokenSet,
};
use crate::config::XSettings;

pub struct X {
    http: reqwest::Client,
    cfg: XSettings,
}

impl X {
    pub fn new(http: reqwest::Client, cfg: XSettings) -> X {
        X { http, cfg }
    }

    fn app(&self) -> Result<OAuthApp<'_>, NetworkError> {
        if !self.available() {
            return Err(NetworkError::Unavailable);
        }
        let secret = self.cfg.client_secret.expose_secret();
        Ok(OAuthApp {
            client_id: &self.cfg.client_id,
            client_secret: secret,
            auth_url: &self.cfg.auth_url,
            token_url: &self.cfg.token_url,
            // Confidential clients authenticate with HTTP Basic; public ones send client_id.
            basic_auth: !secret.is_empty(),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.cfg.api_url.trim_end_matches('/'))
    }

    fn get(&self, path: &str, token: &str) -> RequestBuilder {
        self.http.get(self.url(path)).bearer_auth(token)
    }

    fn error(call: Call, answer: &Answer) -> NetworkError {
        if answer.status == StatusCode::FORBIDDEN
            && answer.text().to_lowercase().contains("duplicate")
        {
            return NetworkError::Duplicate(answer.message());
        }
        classify(NetworkKind::X, call, answer)
    }

    fn published(account: &Account, id: &str) -> Published {
        Published {
            external_id: id.to_string(),
            external_url: super::pages::on_host(
                &format!("https://x.com/{}/status/{id}", account.handle),
                "x.com",
            ),
        }
    }
}

#[async_trait]
impl Network for X {
    fn kind(&self) -> NetworkKind {
        NetworkKind::X
    }

    fn available(&self) -> bool {
        !self.cfg.client_id.trim().is_empty()
    }

    fn max_len(&self) -> usize {
        super::text::max_len(NetworkKind::X)
    }

    fn length(&self, text: &str) -> usize {
        super::text::length(NetworkKind::X, text)
    }

    fn authorize_url(
        &self,
        _app: Option<&AppCredentials>,
        redirect_uri: &str,
        state: &str,
        pkce_verifier: Option<&str>,
    ) -> Result<Url, NetworkError> {
        let verifier = pkce_verifier
            .ok_or_else(|| NetworkError::Rejected("X requires PKCE: no verifier given".into()))?;
        self.app()?
            .authorize_url(redirect_uri, state, &self.cfg.scopes, Some(verifier))
    }

    async fn exchange(
        &self,
        _app: Option<&AppCredentials>,
        code: &str,
        redirect_uri: &str,
        pkce_verifier: Option<&str>,
    ) -> Result<TokenSet, NetworkError> {
        let verifier = pkce_verifier
            .ok_or_else(|| NetworkError::Rejected("X requires PKCE: no verifier given".into()))?;
        self.app()?
            .exchange::<BasicTokenResponse>(&self.http, code, redirect_uri, Some(verifier))
            .await
    }

    async fn identify(
        &self,
        _base_url: Option<&str>,
        tokens: &TokenSet,
    ) -> Result<Identity, NetworkError> {
        let answer = send(
            self.get("/2/users/me", &tokens.access_token),
            Call::Idempotent,
        )
        .await?;
        let json = answer.json().filter(|_| answer.success());
        let data = json.as_ref().map(|j| &j["data"]);
        match data.and_then(|d| Some((d["id"].as_str()?, d["username"].as_str()?))) {
            Some((id, username)) => Ok(Identity {
                external_user_id: id.to_string(),
                handle: username.to_string(),
            }),
            None => Err(Self::error(Call::Idempotent, &answer)),
        }
    }

    async fn refresh(&self, account: &Account) -> Result<TokenSet, RefreshError> {
        let app = self
            .app()
            .map_err(|e| RefreshError::Transient(e.to_string()))?;
        app.refresh::<BasicTokenResponse>(&self.http, &account.tokens)
            .await
    }

    async fn publish(&self, account: &Account, post: &Post<'_>) -> Result<Published, NetworkError> {
        let request = self
            .http
            .post(self.url("/2/tweets"))
            .bearer_auth(&account.tokens.access_token)
            .json(&json!({ "text": post.text }));
        let answer = send(request, Call::Create).await?;
        let json = answer.json().filter(|_| answer.success());
        match json.as_ref().and_then(|j| j["data"]["id"].as_str()) {
            Some(id) => Ok(Self::published(account, id)),
            None => Err(Self::error(Call::Create, &answer)),
        }
    }

    async fn find(
        &self,
        account: &Account,
        post: &Post<'_>,
    ) -> Result<Option<Published>, NetworkError> {
        let path = format!(
            "/2/users/{}/tweets?max_results=20&tweet.fields=entities",
            account.external_user_id
        );
        let answer = send(
            self.get(&path, &account.tokens.access_token),
            Call::Idempotent,
        )
        .await?;
        let json = answer.json().filter(|_| answer.success());
        let Some(json) = json else {
            return Err(Self::error(Call::Idempotent, &answer));
        };
        // No posts: `data` is absent. X shortens links to t.co in `text`; the original is in
        // `entities.urls[].expanded_url`.
        let tweets = json["data"].as_array().cloned().unwrap_or_default();
        Ok(tweets.iter().find_map(|t| {
            let in_text = t["text"].as_str().is_some_and(|s| s.contains(post.link));
            let in_urls = t["entities"]["urls"].as_array().is_some_and(|urls| {
                urls.iter().any(|u| {
                    u["expanded_url"].as_str() == Some(post.link)
                        || u["unwound_url"].as_str() == Some(post.link)
                })
            });
            let id = t["id"].as_str()?;
            (in_text || in_urls).then(|| Self::published(account, id))
        }))
    }

    async fn delete(&self, account: &Account, external_id: &str) -> Result<(), NetworkError> {
        let request = self
            .http
            .delete(self.url(&format!("/2/tweets/{external_id}")))
            .bearer_auth(&account.tokens.access_token);
        let answer = send(request, Call::Idempotent).await?;
        if answer.success() || answer.status == StatusCode::NOT_FOUND {
            return Ok(());
        }
        Err(Self::error(Call::Idempotent, &answer))
    }

    async fn revoke(&self, _account: &Account) -> Result<(), NetworkError> {
        Ok(())
    }

    async fn metrics(&self, account: &Account, external_id: &str) -> Result<Metrics, NetworkError> {
        let path =
            format!("/2/tweets/{external_id}?tweet.fields=public_metrics,non_public_metrics");
        let answer = send(
            self.get(&path, &account.tokens.access_token),
            Call::Idempotent,
        )
        .await?;
        let json = answer.json().filter(|_| answer.success());
        let Some(data) = json.as_ref().map(|j| &j["data"]).filter(|d| d.is_object()) else {
            return Err(Self::error(Call::Idempotent, &answer));
        };
        let public = &data["public_metrics"];
        let private = &data["non_public_metrics"];
        let sum = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
        };
        Ok(Metrics {
            impressions: private["impression_count"]
                .as_i64()
                .or(public["impression_count"].as_i64()),
            reactions: public["like_count"].as_i64(),
            comments: public["reply_count"].as_i64(),
            reshares: sum(
                public["retweet_count"].as_i64(),
                public["quote_count"].as_i64(),
            ),
            clicks: private["url_link_clicks"].as_i64(),
        })
    }
}
