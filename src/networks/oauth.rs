//! Authorization code (+ PKCE) and refresh through the `oauth2` crate, over our own reqwest
//! client so timeouts and statuses are classified like every other call. Shared by LinkedIn,
//! X and Mastodon; LinkedIn plugs in a token response that tolerates a missing `token_type`.

use std::borrow::Cow;
use std::time::Duration;

use chrono::Utc;
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken,
    EndpointNotSet, EndpointSet, HttpRequest, HttpResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardRevocableToken, TokenResponse,
    TokenUrl,
};
use url::Url;

use super::{NetworkError, RefreshError, TokenSet};

/// A fresh PKCE verifier (43+ URL-safe chars) to keep with the OAuth state until the callback.
pub fn new_pkce_verifier() -> String {
    PkceCodeChallenge::new_random_sha256().1.secret().clone()
}

/// One OAuth client: its endpoints and credentials.
pub(crate) struct OAuthApp<'a> {
    pub client_id: &'a str,
    /// Empty for a public client (X with PKCE only).
    pub client_secret: &'a str,
    pub auth_url: &'a str,
    pub token_url: &'a str,
    /// HTTP Basic (X, confidential clients) or the form body (LinkedIn, Mastodon).
    pub basic_auth: bool,
}

type FullClient<TR> = Client<
    BasicErrorResponse,
    TR,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

impl OAuthApp<'_> {
    fn client<TR: TokenResponse>(&self) -> Result<FullClient<TR>, String> {
        let auth = AuthUrl::new(self.auth_url.to_string()).map_err(|e| format!("auth_url: {e}"))?;
        let token =
            TokenUrl::new(self.token_url.to_string()).map_err(|e| format!("token_url: {e}"))?;
        let mut client = Client::new(ClientId::new(self.client_id.to_string()))
            .set_auth_uri(auth)
            .set_token_uri(token)
            .set_auth_type(if self.basic_auth {
                AuthType::BasicAuth
            } else {
                AuthType::RequestBody
            });
        if !self.client_secret.is_empty() {
            client = client.set_client_secret(ClientSecret::new(self.client_secret.to_string()));
        }
        Ok(client)
    }

    pub fn authorize_url(
        &self,
        redirect_uri: &str,
        state: &str,
        scopes: &str,
        pkce_verifier: Option<&str>,
    ) -> Result<Url, NetworkError> {
        let client = self
            .client::<oauth2::basic::BasicTokenResponse>()
            .map_err(NetworkError::Rejected)?;
        let redirect = redirect_url(redirect_uri)?;
        let state = state.to_string();
        let mut request = client
            .authorize_url(move || CsrfToken::new(state))
            .set_redirect_uri(Cow::Owned(redirect))
            .add_scopes(scopes.split_whitespace().map(|s| Scope::new(s.into())));
        if let Some(verifier) = pkce_verifier {
            let verifier = PkceCodeVerifier::new(verifier.to_string());
            request =
                request.set_pkce_challenge(PkceCodeChallenge::from_code_verifier_sha256(&verifier));
        }
        Ok(request.url().0)
    }

    pub async fn exchange<TR: TokenResponse>(
        &self,
        http: &reqwest::Client,
        code: &str,
        redirect_uri: &str,
        pkce_verifier: Option<&str>,
    ) -> Result<TokenSet, NetworkError> {
        let client = self.client::<TR>().map_err(NetworkError::Rejected)?;
        let mut request = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .set_redirect_uri(Cow::Owned(redirect_url(redirect_uri)?));
        if let Some(verifier) = pkce_verifier {
            request = request.set_pkce_verifier(PkceCodeVerifier::new(verifier.to_string()));
        }
        let caller = caller(http);
        match request.request_async(&caller).await {
            Ok(answer) => Ok(token_set(&answer, None)),
            Err(RequestTokenError::ServerResponse(e)) => Err(NetworkError::Rejected(describe(&e))),
            Err(e) => Err(NetworkError::Transient(failure(&e))),
        }
    }

    pub async fn refresh<TR: TokenResponse>(
        &self,
        http: &reqwest::Client,
        tokens: &TokenSet,
    ) -> Result<TokenSet, RefreshError> {
        let Some(refresh_token) = tokens.refresh_token.as_deref() else {
            return Err(RefreshError::Rejected("no refresh token was issued".into()));
        };
        let client = self.client::<TR>().map_err(RefreshError::Transient)?;
        let refresh_token = RefreshToken::new(refresh_token.to_string());
        let caller = caller(http);
        match client
            .exchange_refresh_token(&refresh_token)
            .request_async(&caller)
            .await
        {
            Ok(answer) => Ok(token_set(&answer, tokens.refresh_token.as_deref())),
            // Only an explicit refusal of the grant ends the connection; anything else (a bad
            // client configuration included) is for a later try.
            Err(RequestTokenError::ServerResponse(e))
                if *e.error() == BasicErrorResponseType::InvalidGrant =>
            {
                Err(RefreshError::Rejected(describe(&e)))
            }
            Err(RequestTokenError::ServerResponse(e)) => Err(RefreshError::Transient(describe(&e))),
            Err(e) => Err(RefreshError::Transient(failure(&e))),
        }
    }
}

fn redirect_url(raw: &str) -> Result<RedirectUrl, NetworkError> {
    RedirectUrl::new(raw.to_string())
        .map_err(|e| NetworkError::Rejected(format!("redirect_uri: {e}")))
}

/// The OAuth error code, which RFC 6749 makes a closed list (or a code of the server's
/// own); its description is the server's prose, logged and never passed on (see
/// `Answer::message`).
fn describe(e: &BasicErrorResponse) -> String {
    let code = e.error().to_string();
    let description: String = e
        .error_description()
        .map(|d| d.chars().take(500).collect())
        .unwrap_or_default();
    tracing::info!(
        error = %code.escape_debug(),
        description = %description.escape_debug(),
        "a token endpoint refused (the description is not shown to the caller)"
    );
    if super::http::is_code(&code) {
        format!("the token endpoint answered {code}")
    } else {
        "the token endpoint refused".into()
    }
}

fn failure(e: &RequestTokenError<HttpFailure, BasicErrorResponse>) -> String {
    match e {
        RequestTokenError::Request(f) => f.to_string(),
        // The parse error quotes the body: logged, not passed on.
        RequestTokenError::Parse(p, _) => {
            tracing::info!(error = %p.to_string().escape_debug(), "an unreadable token answer");
            "unreadable token answer".into()
        }
        RequestTokenError::Other(o) => o.clone(),
        RequestTokenError::ServerResponse(s) => describe(s),
    }
}

/// The token set from a token answer; `previous_refresh` survives an answer without one.
pub(crate) fn token_set<TR: TokenResponse>(
    answer: &TR,
    previous_refresh: Option<&str>,
) -> TokenSet {
    TokenSet {
        access_token: answer.access_token().secret().clone(),
        refresh_token: answer
            .refresh_token()
            .map(|r| r.secret().clone())
            .or_else(|| previous_refresh.map(str::to_string)),
        expires_at: answer.expires_in().and_then(expiry),
        scope: answer
            .scopes()
            .map(|s| s.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")),
    }
}

fn expiry(lifetime: Duration) -> Option<chrono::NaiveDateTime> {
    super::times::token_expiry(Utc::now(), lifetime.as_secs())
}

/// Why a token call failed before an OAuth error body could be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HttpFailure {
    #[error("token endpoint: {0}")]
    Transport(String),
    /// 429 and 5xx: the server is busy or broken, not refusing the grant.
    #[error("token endpoint answered {0}")]
    Status(u16),
}

/// The `oauth2` crate's HTTP client: our reqwest client, with 429 and 5xx turned into
/// request failures so they never read as a refusal.
fn caller(
    http: &reqwest::Client,
) -> impl Fn(
    HttpRequest,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<HttpResponse, HttpFailure>> + Send>,
> {
    let http = http.clone();
    move |request: HttpRequest| {
        let http = http.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let response = http
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers)
                .body(body)
                .send()
                .await
                .map_err(|e| HttpFailure::Transport(transport_text(&e)))?;
            let status = response.status();
            if status.as_u16() == 429 || status.is_server_error() {
                return Err(HttpFailure::Status(status.as_u16()));
            }
            let mut builder = oauth2::http::Response::builder().status(status);
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let bytes = response
                .bytes()
                .await
                .map_err(|e| HttpFailure::Transport(transport_text(&e)))?;
            builder
                .body(bytes.to_vec())
                .map_err(|e| HttpFailure::Transport(e.to_string()))
        })
    }
}

fn transport_text(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "could not connect".into()
    } else {
        "connection failed".into()
    }
}
