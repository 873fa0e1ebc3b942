//! Bluesky over the AT Protocol: an app-password session kept and refreshed (never one per
//! post), records with a key derived from the share, link facets in UTF-8 byte offsets.

use async_trait::async_trait;
use base64::Engine;
use chrono::Utc;
use reqwest::StatusCode;
use serde_json::json;
use url::Url;

use super::http::{classify, send, Answer, Call};
use super::text::{facets, rkey_for};
use super::{
    Account, AppCredentials, Identity, Metrics, Network, NetworkError, NetworkKind, Post,
    Published, RefreshError, TokenSet,
};
use crate::config::BlueskySettings;

const COLLECTION: &str = "app.bsky.feed.post";

pub struct Bluesky {
    http: reqwest::Client,
    cfg: BlueskySettings,
    allow_private_urls: bool,
}

impl Bluesky {
    pub fn new(http: reqwest::Client, cfg: BlueskySettings, allow_private_urls: bool) -> Bluesky {
        Bluesky {
            http,
            cfg,
            allow_private_urls,
        }
    }

    /// The service a user signs in to when they name none (`https://bsky.social`).
    pub fn default_service_url(&self) -> &str {
        &self.cfg.default_service_url
    }

    /// Signs in with an app password, once per connection: keep the session and refresh it.
    /// `service_url` is validated as a public URL (the default service when `None`).
    pub async fn create_session(
        &self,
        service_url: Option<&str>,
        handle: &str,
        app_password: &str,
    ) -> Result<(Identity, TokenSet), NetworkError> {
        let service = service_url.unwrap_or(&self.cfg.default_service_url);
        let service = crate::urls::parse_origin(service, self.allow_private_urls)
            .map_err(|e| NetworkError::Rejected(format!("service URL {e}")))?;
        let request = self
            .http
            .post(self.at(&service, "com.atproto.server.createSession")?)
            .json(&json!({ "identifier": handle.trim().trim_start_matches('@'), "password": app_password }));
        let answer = send(request, Call::Idempotent).await?;
        match session(&answer, None) {
            Some(found) => Ok(found),
            // A wrong password is a 401 here, not an expired token: say so plainly.
            None if answer.status == StatusCode::UNAUTHORIZED => Err(NetworkError::Rejected(
                format!("handle or app password refused ({})", answer.message()),
            )),
            None => Err(Self::error(Call::Idempotent, &answer)),
        }
    }

    /// XRPC `method` on a user-given service; a literal private address is refused here, a
    /// name for one when the client connects.
    fn at(&self, service: &str, method: &str) -> Result<String, NetworkError> {
        let base = super::egress::base(service, self.allow_private_urls)?;
        Ok(format!("{base}/xrpc/{method}"))
    }

    /// `method` on the account's service (the default one when it names none).
    fn xrpc(&self, account: &Account, method: &str) -> Result<String, NetworkError> {
        let service = account
            .base_url
            .as_deref()
            .unwrap_or(&self.cfg.default_service_url);
        self.at(service, method)
    }

    /// `400 {"error":"ExpiredToken"}` (and `InvalidToken`) is an access token to refresh.
    fn error(call: Call, answer: &Answer) -> NetworkError {
        if answer.status == StatusCode::BAD_REQUEST && token_problem(answer) {
            return NetworkError::Unauthorized(answer.message());
        }
        classify(NetworkKind::Bluesky, call, answer)
    }

    async fn get_record(
        &self,
        account: &Account,
        rkey: &str,
    ) -> Result<Option<Published>, NetworkError> {
        let request = self
            .http
            .get(self.xrpc(account, "com.atproto.repo.getRecord")?)
            .query(&[
                ("repo", account.external_user_id.as_str()),
                ("collection", COLLECTION),
                ("rkey", rkey),
            ])
            .bearer_auth(&account.tokens.access_token);
        let answer = send(request, Call::Idempotent).await?;
        if answer.success() {
            if let Some(uri) = answer
                .json()
                .and_then(|j| j["uri"].as_str().map(str::to_string))
            {
                return Ok(Some(published(account, &uri)));
            }
        }
        let not_found = answer.status == StatusCode::NOT_FOUND
            || answer
                .json()
                .is_some_and(|j| j["error"].as_str() == Some("RecordNotFound"));
        if not_found {
            return Ok(None);
        }
        Err(Self::error(Call::Idempotent, &answer))
    }
}

fn token_problem(answer: &Answer) -> bool {
    answer
        .json()
        .and_then(|j| j["error"].as_str().map(str::to_string))
        .is_some_and(|e| e == "ExpiredToken" || e == "InvalidToken")
}

/// A session answer (createSession, refreshSession) as identity and tokens.
fn session(answer: &Answer, previous_refresh: Option<&str>) -> Option<(Identity, TokenSet)> {
    let json = answer.json().filter(|_| answer.success())?;
    let access = json["accessJwt"].as_str()?;
    let identity = Identity {
        external_user_id: json["did"].as_str()?.to_string(),
        handle: json["handle"].as_str().unwrap_or_default().to_string(),
    };
    let tokens = TokenSet {
        access_token: access.to_string(),
        refresh_token: json["refreshJwt"]
            .as_str()
            .or(previous_refresh)
            .map(str::to_string),
        expires_at: jwt_expiry(access),
        scope: None,
    };
    Some((identity, tokens))
}

/// The `exp` claim of a JWT, read without verifying (the service verifies; we only schedule).
fn jwt_expiry(jwt: &str) -> Option<chrono::NaiveDateTime> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    super::times::expiry_claim(Utc::now(), claims["exp"].as_i64()?)
}

fn rkey_of(uri: &str) -> &str {
    uri.rsplit('/').next().unwrap_or(uri)
}

fn published(account: &Account, uri: &str) -> Published {
    Published {
        external_id: uri.to_string(),
        external_url: super::pages::on_host(
            &format!(
                "https://bsky.app/profile/{}/post/{}",
                account.external_user_id,
                rkey_of(uri)
            ),
            "bsky.app",
        ),
    }
}

#[async_trait]
impl Network for Bluesky {
    fn kind(&self) -> NetworkKind {
        NetworkKind::Bluesky
    }

    /// App passwords need no client registration.
    fn available(&self) -> bool {
        true
    }

    fn max_len(&self) -> usize {
        super::text::max_len(NetworkKind::Bluesky)
    }

    fn length(&self, text: &str) -> usize {
        super::text::length(NetworkKind::Bluesky, text)
    }

    fn authorize_url(
        &self,
        _app: Option<&AppCredentials>,
        _redirect_uri: &str,
        _state: &str,
        _pkce_verifier: Option<&str>,
    ) -> Result<Url, NetworkError> {
        Err(NetworkError::Rejected(
            "Bluesky connects with an app password (create_session), not OAuth".into(),
        ))
    }

    async fn exchange(
        &self,
        _app: Option<&AppCredentials>,
        _code: &str,
        _redirect_uri: &str,
        _pkce_verifier: Option<&str>,
    ) -> Result<TokenSet, NetworkError> {
        Err(NetworkError::Rejected(
            "Bluesky connects with an app password (create_session), not OAuth".into(),
        ))
    }

    async fn identify(
        &self,
        base_url: Option<&str>,
        tokens: &TokenSet,
    ) -> Result<Identity, NetworkError> {
        let base = base_url.unwrap_or(&self.cfg.default_service_url);
        let request = self
            .http
            .get(self.at(base, "com.atproto.server.getSession")?)
            .bearer_auth(&tokens.access_token);
        let answer = send(request, Call::Idempotent).await?;
        let json = answer.json().filter(|_| answer.success());
        let who = json
            .as_ref()
            .and_then(|j| Some((j["did"].as_str()?, j["handle"].as_str()?)));
        match who {
            Some((did, handle)) => Ok(Identity {
                external_user_id: did.to_string(),
                handle: handle.to_string(),
            }),
            None => Err(Self::error(Call::Idempotent, &answer)),
        }
    }

    async fn refresh(&self, account: &Account) -> Result<TokenSet, RefreshError> {
        let Some(refresh) = account.tokens.refresh_token.as_deref() else {
            return Err(RefreshError::Rejected("no refresh token".into()));
        };
        // A service that is not public never will be: only reconnecting elsewhere helps.
        let refused = |e: NetworkError| match e {
            NetworkError::Rejected(m) => RefreshError::Rejected(m),
            other => RefreshError::Transient(other.to_string()),
        };
        let url = self
            .xrpc(account, "com.atproto.server.refreshSession")
            .map_err(refused)?;
        let request = self.http.post(url).bearer_auth(refresh);
        let answer = send(request, Call::Idempotent).await.map_err(refused)?;
        if let Some((_, tokens)) = session(&answer, Some(refresh)) {
            return Ok(tokens);
        }
        // An expired, revoked or unknown refresh token: only a new sign-in helps.
        if (answer.status == StatusCode::BAD_REQUEST && token_problem(&answer))
            || answer.status == StatusCode::UNAUTHORIZED
        {
            return Err(RefreshError::Rejected(answer.message()));
        }
        Err(RefreshError::Transient(answer.message()))
    }

    async fn publish(&self, account: &Account, post: &Post<'_>) -> Result<Published, NetworkError> {
        let rkey = rkey_for(post.key);
        let mut record = json!({
            "$type": COLLECTION,
            "text": post.text,
            "createdAt": Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        });
        let facets: Vec<_> = facets(post.text).iter().map(|f| f.to_json()).collect();
        if !facets.is_empty() {
            record["facets"] = json!(facets);
        }
        if let Some(language) = post.language {
            record["langs"] = json!([language]);
        }
        let request = self
            .http
            .post(self.xrpc(account, "com.atproto.repo.createRecord")?)
            .bearer_auth(&account.tokens.access_token)
            .json(&json!({
                "repo": account.external_user_id,
                "collection": COLLECTION,
                "rkey": rkey,
                "record": record,
            }));
        let answer = send(request, Call::Create).await?;
        if let Some(uri) = answer
            .json()
            .filter(|_| answer.success())
            .and_then(|j| j["uri"].as_str().map(str::to_string))
        {
            return Ok(published(account, &uri));
        }
        let error = Self::error(Call::Create, &answer);
        // The same key makes the same rkey: a refused create may be a retry colliding with
        // the record the first attempt made. If that record is there, it is ours.
        if matches!(error, NetworkError::Rejected(_)) {
            if let Some(existing) = self.get_record(account, &rkey).await? {
                return Ok(existing);
            }
        }
        Err(error)
    }

    /// The record key comes from the share: a repeat collides with the first record, which
    /// `publish` then answers.
    fn repeat_is_safe_for(&self) -> Option<chrono::TimeDelta> {
        Some(chrono::TimeDelta::MAX)
    }

    async fn find(
        &self,
        account: &Account,
        post: &Post<'_>,
    ) -> Result<Option<Published>, NetworkError> {
        self.get_record(account, &rkey_for(post.key)).await
    }

    async fn delete(&self, account: &Account, external_id: &str) -> Result<(), NetworkError> {
        let request = self
            .http
            .post(self.xrpc(account, "com.atproto.repo.deleteRecord")?)
            .bearer_auth(&account.tokens.access_token)
            .json(&json!({
                "repo": account.external_user_id,
                "collection": COLLECTION,
                "rkey": rkey_of(external_id),
            }));
        let answer = send(request, Call::Idempotent).await?;
        if answer.success() {
            return Ok(());
        }
        Err(Self::error(Call::Idempotent, &answer))
    }

    /// Ends the session at the service (deleteSession with the refresh token).
    async fn revoke(&self, account: &Account) -> Result<(), NetworkError> {
        let Some(refresh) = account.tokens.refresh_token.as_deref() else {
            return Ok(());
        };
        let request = self
            .http
            .post(self.xrpc(account, "com.atproto.server.deleteSession")?)
            .bearer_auth(refresh);
        let answer = send(request, Call::Idempotent).await?;
        // A session already expired or gone is as good as deleted.
        if answer.success() || answer.status == StatusCode::UNAUTHORIZED || token_problem(&answer) {
            return Ok(());
        }
        Err(Self::error(Call::Idempotent, &answer))
    }

    async fn metrics(&self, account: &Account, external_id: &str) -> Result<Metrics, NetworkError> {
        let request = self
            .http
            .get(self.xrpc(account, "app.bsky.feed.getPosts")?)
            .query(&[("uris", external_id)])
            .bearer_auth(&account.tokens.access_token);
        let answer = send(request, Call::Idempotent).await?;
        let json = answer.json().filter(|_| answer.success());
        let Some(posts) = json.as_ref().and_then(|j| j["posts"].as_array()) else {
            return Err(Self::error(Call::Idempotent, &answer));
        };
        let Some(post) = posts
            .iter()
            .find(|p| p["uri"].as_str() == Some(external_id))
        else {
            return Err(NetworkError::Rejected(format!(
                "{external_id} is not there"
            )));
        };
        let sum = |a: &str, b: &str| Some(post[a].as_i64()? + post[b].as_i64().unwrap_or(0));
        Ok(Metrics {
            impressions: None,
            reactions: post["likeCount"].as_i64(),
            comments: post["replyCount"].as_i64(),
            reshares: sum("repostCount", "quoteCount"),
            clicks: None,
        })
    }
}
