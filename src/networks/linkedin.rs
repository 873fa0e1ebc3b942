//! LinkedIn's Posts API for member posts: commentary in escaped "little text", the new post's
//! id in the `x-restli-id` header, a pinned `LinkedIn-Version`, and a lenient token answer.

use async_trait::async_trait;
use oauth2::basic::BasicTokenType;
use oauth2::{AccessToken, RefreshToken, Scope, TokenResponse};
use reqwest::{Method, RequestBuilder, StatusCode};
use secrecy::ExposeSecret;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;
use url::Url;

use super::http::{classify, send, Answer, Call};
use super::oauth::OAuthApp;
use super::text::{escape_little_text, LITTLE_TEXT_RESERVED};
use super::{
    Account, AppCredentials, Identity, Metrics, Network, NetworkError, NetworkKind, Post,
    Published, RefreshError, TokenSet,
};
use crate::config::LinkedinSettings;

pub struct Linkedin {
    http: reqwest::Client,
    cfg: LinkedinSettings,
}

impl Linkedin {
    pub fn new(http: reqwest::Client, cfg: LinkedinSettings) -> Linkedin {
        Linkedin { http, cfg }
    }

    fn app(&self) -> Result<OAuthApp<'_>, NetworkError> {
        if !self.available() {
            return Err(NetworkError::Unavailable);
        }
        Ok(OAuthApp {
            client_id: &self.cfg.client_id,
            client_secret: self.cfg.client_secret.expose_secret(),
            auth_url: &self.cfg.auth_url,
            token_url: &self.cfg.token_url,
            basic_auth: false,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.cfg.api_url.trim_end_matches('/'))
    }

    /// A versioned Rest.li call: the headers every `/rest/` endpoint requires.
    fn rest(&self, method: Method, url: &str, account: &Account) -> RequestBuilder {
        self.http
            .request(method, url)
            .bearer_auth(&account.tokens.access_token)
            .header("LinkedIn-Version", &self.cfg.version)
            .header("X-Restli-Protocol-Version", "2.0.0")
    }

    /// Statuses only LinkedIn gives meaning to, then the shared rules.
    fn error(&self, call: Call, answer: &Answer) -> NetworkError {
        if answer.status == StatusCode::UPGRADE_REQUIRED {
            return NetworkError::Rejected(format!(
                "LinkedIn-Version {} is retired; set networks.linkedin.version ({})",
                self.cfg.version,
                answer.message()
            ));
        }
        if answer.status == StatusCode::UNPROCESSABLE_ENTITY
            && String::from_utf8_lossy(&answer.body).contains("DUPLICATE_POST")
        {
            return NetworkError::Duplicate(answer.message());
        }
        classify(NetworkKind::Linkedin, call, answer)
    }

    fn person(account: &Account) -> String {
        format!("urn:li:person:{}", account.external_user_id)
    }
}

fn post_url(urn: &str) -> Option<String> {
    super::pages::on_host(
        &format!("https://www.linkedin.com/feed/update/{urn}/"),
        "www.linkedin.com",
    )
}

/// LinkedIn's token answer: `token_type` may be missing and `scope` is comma-separated, both
/// of which the `oauth2` crate's standard answer refuses.
#[derive(Debug, Deserialize, Serialize)]
pub(crate) struct LinkedinToken {
    access_token: AccessToken,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<RefreshToken>,
    #[serde(default, deserialize_with = "scopes")]
    scope: Option<Vec<Scope>>,
}

static BEARER: BasicTokenType = BasicTokenType::Bearer;

fn scopes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Scope>>, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    Ok(raw.map(|s| {
        s.split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| Scope::new(s.to_string()))
            .collect()
    }))
}

impl TokenResponse for LinkedinToken {
    type TokenType = BasicTokenType;
    fn access_token(&self) -> &AccessToken {
        &self.access_token
    }
    fn token_type(&self) -> &BasicTokenType {
        &BEARER
    }
    fn expires_in(&self) -> Option<std::time::Duration> {
        self.expires_in.map(std::time::Duration::from_secs)
    }
    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }
    fn scopes(&self) -> Option<&Vec<Scope>> {
        self.scope.as_ref()
    }
}

/// Commentary as LinkedIn renders it: escapes removed (for finding our link in a listing).
fn unescape(commentary: &str) -> String {
    let mut out = String::with_capacity(commentary.len());
    let mut chars = commentary.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && chars
                .peek()
                .is_some_and(|n| LITTLE_TEXT_RESERVED.contains(n))
        {
            continue;
        }
        out.push(c);
    }
    out
}

#[async_trait]
impl Network for Linkedin {
    fn kind(&self) -> NetworkKind {
        NetworkKind::Linkedin
    }

    fn available(&self) -> bool {
        !self.cfg.client_id.trim().is_empty()
    }

    fn max_len(&self) -> usize {
        super::text::max_len(NetworkKind::Linkedin)
    }

    fn length(&self, text: &str) -> usize {
        super::text::length(NetworkKind::Linkedin, text)
    }

    fn authorize_url(
        &self,
        _app: Option<&AppCredentials>,
        redirect_uri: &str,
        state: &str,
        _pkce_verifier: Option<&str>,
    ) -> Result<Url, NetworkError> {
        // LinkedIn's web flow has no PKCE: a challenge would be ignored, so none is sent.
        self.app()?
            .authorize_url(redirect_uri, state, &self.cfg.scopes, None)
    }

    async fn exchange(
        &self,
        _app: Option<&AppCredentials>,
        code: &str,
        redirect_uri: &str,
        _pkce_verifier: Option<&str>,
    ) -> Result<TokenSet, NetworkError> {
        self.app()?
            .exchange::<LinkedinToken>(&self.http, code, redirect_uri, None)
            .await
    }

    async fn identify(
        &self,
        _base_url: Option<&str>,
        tokens: &TokenSet,
    ) -> Result<Identity, NetworkError> {
        let request = self
            .http
            .get(self.url("/v2/userinfo"))
            .bearer_auth(&tokens.access_token);
        let answer = send(request, Call::Idempotent).await?;
        let json = answer.json().filter(|_| answer.success());
        let Some(sub) = json.as_ref().and_then(|j| j["sub"].as_str()) else {
            return Err(self.error(Call::Idempotent, &answer));
        };
        let name = json
            .as_ref()
            .and_then(|j| j["name"].as_str())
            .unwrap_or(sub);
        Ok(Identity {
            external_user_id: sub.to_string(),
            handle: name.to_string(),
        })
    }

    async fn refresh(&self, account: &Account) -> Result<TokenSet, RefreshError> {
        let app = self
            .app()
            .map_err(|e| RefreshError::Transient(e.to_string()))?;
        app.refresh::<LinkedinToken>(&self.http, &account.tokens)
            .await
    }

    async fn publish(&self, account: &Account, post: &Post<'_>) -> Result<Published, NetworkError> {
        let body = json!({
            "author": Self::person(account),
            "commentary": escape_little_text(post.text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": false,
        });
        let request = self
            .rest(Method::POST, &self.url("/rest/posts"), account)
            .json(&body);
        let answer = send(request, Call::Create).await?;
        if !answer.success() {
            return Err(self.error(Call::Create, &answer));
        }
        match answer
            .headers
            .get("x-restli-id")
            .and_then(|v| v.to_str().ok())
        {
            Some(urn) if !urn.trim().is_empty() => Ok(Published {
                external_id: urn.trim().to_string(),
                external_url: post_url(urn.trim()),
            }),
            // Created, but we cannot name it: `find` will.
            _ => Err(NetworkError::Unknown(
                "LinkedIn created the post without an x-restli-id".into(),
            )),
        }
    }

    async fn find(
        &self,
        account: &Account,
        post: &Post<'_>,
    ) -> Result<Option<Published>, NetworkError> {
        let author = Self::person(account);
        let url = format!(
            "{}?author={}&q=author&count=50&sortBy=LAST_MODIFIED",
            self.url("/rest/posts"),
            urlencoding(&author)
        );
        let answer = send(self.rest(Method::GET, &url, account), Call::Idempotent).await?;
        let json = answer.json().filter(|_| answer.success());
        let Some(elements) = json.as_ref().and_then(|j| j["elements"].as_array()) else {
            return Err(self.error(Call::Idempotent, &answer));
        };
        Ok(elements.iter().find_map(|e| {
            let commentary = unescape(e["commentary"].as_str().unwrap_or_default());
            let source = e["content"]["article"]["source"].as_str();
            let id = e["id"].as_str()?;
            (commentary.contains(post.link) || source == Some(post.link)).then(|| Published {
                external_id: id.to_string(),
                external_url: post_url(id),
            })
        }))
    }

    async fn delete(&self, account: &Account, external_id: &str) -> Result<(), NetworkError> {
        let url = self.url(&format!("/rest/posts/{}", urlencoding(external_id)));
        let answer = send(self.rest(Method::DELETE, &url, account), Call::Idempotent).await?;
        if answer.success() || answer.status == StatusCode::NOT_FOUND {
            return Ok(());
        }
        Err(self.error(Call::Idempotent, &answer))
    }

    async fn revoke(&self, _account: &Account) -> Result<(), NetworkError> {
        Ok(())
    }

    async fn metrics(&self, account: &Account, external_id: &str) -> Result<Metrics, NetworkError> {
        // Rest.li 2.0: the URN is encoded inside the unencoded `(share:…)` structure.
        let entity = if external_id.starts_with("urn:li:ugcPost:") {
            format!("(ugc:{})", urlencoding(external_id))
        } else {
            format!("(share:{})", urlencoding(external_id))
        };
        let mut metrics = Metrics::default();
        for (query, slot) in [
            ("IMPRESSION", &mut metrics.impressions),
            ("REACTION", &mut metrics.reactions),
            ("COMMENT", &mut metrics.comments),
            ("RESHARE", &mut metrics.reshares),
        ] {
            let url = format!(
                "{}?q=entity&entity={entity}&queryType={query}&aggregation=TOTAL",
                self.url("/rest/memberCreatorPostAnalytics")
            );
            let answer = send(self.rest(Method::GET, &url, account), Call::Idempotent).await?;
            let json = answer.json().filter(|_| answer.success());
            let Some(elements) = json.as_ref().and_then(|j| j["elements"].as_array()) else {
                return Err(self.error(Call::Idempotent, &answer));
            };
            *slot = Some(elements.iter().filter_map(|e| e["count"].as_i64()).sum());
        }
        Ok(metrics)
    }
}

/// Percent-encodes everything but unreserved characters (URNs in paths and Rest.li values).
pub(crate) fn urlencoding(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_answer_without_token_type_is_read() {
        let t: LinkedinToken = serde_json::from_str(
            r#"{"access_token":"a","expires_in":5184000,"scope":"openid,profile,w_member_social"}"#,
        )
        .unwrap();
        assert_eq!(t.access_token().secret(), "a");
        assert_eq!(t.scopes().unwrap().len(), 3);
    }

    #[test]
    fn unescape_undoes_escape() {
        let text = "a|b {c} @d [e] (f) <g> #h *i* _j_ ~k~ \\l 1) -- 👋";
        assert_eq!(unescape(&escape_little_text(text)), text);
        assert_eq!(urlencoding("urn:li:share:1"), "urn%3Ali%3Ashare%3A1");
    }
}
