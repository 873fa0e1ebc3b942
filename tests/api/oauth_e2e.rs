//! The OAuth connect flow end to end against a real OAuth 2.0 / OpenID Connect server,
//! `oidc-provider` (tests/oidc/server.mjs, run by Node.js), instead of the fakes: Vouch's
//! authorize URL is opened in a browser of sorts, which signs in and allows (or refuses) on
//! the server's own pages and follows the redirect back to Vouch's callback; Vouch then trades
//! the code at the server's token endpoint for real, so PKCE (X), the client authentication
//! (HTTP Basic for X, the form body for LinkedIn, none for X's public clients; the script
//! holds each client to its method) and the token answers are checked by the server, not by
//! a fake written alongside Vouch. Refreshing goes to the same server, and so does ending a
//! grant (revoking its refresh token there).
//!
//! The connectors' identify step calls the network's profile API with the new access token.
//! The fakes (vouch-fakes) only accept tokens they issued themselves, and a profile answer that
//! ignored the token would prove nothing, so `api_url` points at the same server: LinkedIn's
//! `/v2/userinfo` is oidc-provider's own userinfo endpoint (LinkedIn's is OIDC userinfo), and
//! X's `/2/users/me` is served by the script, which looks the token up in oidc-provider and
//! checks its `users.read` scope. The identity stored therefore comes from the token issued.

use diesel::prelude::*;
use secrecy::SecretString;
use serde_json::{json, Value};
use url::Url;
use vouch::accounts::Role;
use vouch::db::schema::oauth_states;
use vouch::networks::new_pkce_verifier;
use vouch::social::tokens::{self, Refreshed};
use vouch::social::{repo, SocialAccount};

use crate::helpers::oidc::{form_action, Browser, OidcServer};
use crate::helpers::{fields, problem, spawn_app_with, Member, TestApp};

// The server's user and clients (tests/oidc/server.mjs).
const LOGIN: &str = "ada";
const PASSWORD: &str = "correct horse";
const SUB: &str = "ada-1815";

struct World {
    app: TestApp,
    oidc: OidcServer,
    amara: Member,
}

/// How Vouch's X app is registered at the server.
#[derive(Clone, Copy, PartialEq)]
enum XClient {
    /// `vouch-x`: a secret, sent with HTTP Basic, and PKCE.
    Confidential,
    /// `vouch-x-public`: no secret, PKCE alone.
    Public,
}

#[derive(Clone, Copy, PartialEq)]
enum Answer {
    Allow,
    Refuse,
}

async fn world() -> World {
    world_with(XClient::Confidential).await
}

async fn world_with(x_client: XClient) -> World {
    // Each needs the other's address first: the server's clients redirect to Vouch, and Vouch's
    // config names the server's endpoints. So Vouch's port is reserved, the server started and
    // discovered, then the port handed to Vouch.
    let reserved = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = reserved.local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let oidc = OidcServer::start(&base).await;
    let authorize = oidc.endpoint("authorization_endpoint");
    let token = oidc.endpoint("token_endpoint");
    let api = oidc.issuer.clone();
    drop(reserved);
    let app = spawn_app_with(|s| {
        s.server.port = port;
        s.server.public_url = base.clone();
        s.networks.x.auth_url = authorize.clone();
        s.networks.x.token_url = token.clone();
        s.networks.x.api_url = api.clone();
        (s.networks.x.client_id, s.networks.x.client_secret) = match x_client {
            XClient::Confidential => ("vouch-x".into(), SecretString::from("vouch-x-secret")),
            XClient::Public => ("vouch-x-public".into(), SecretString::from("")),
        };
        s.networks.linkedin.auth_url = authorize;
        s.networks.linkedin.token_url = token;
        s.networks.linkedin.api_url = api;
        s.networks.linkedin.client_id = "vouch-linkedin".into();
        s.networks.linkedin.client_secret = SecretString::from("vouch-linkedin-secret");
        s.networks.request_timeout_ms = 5000;
    })
    .await;
    assert_eq!(app.address, base);
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    app.consent(&amara.token).await;
    World { app, oidc, amara }
}

impl World {
    /// `POST /me/accounts/{network}/connect`: the authorize URL, at the server's discovered
    /// authorization endpoint.
    async fn authorize_url(&self, network: &str) -> Url {
        let res = self
            .app
            .post(
                &format!("/api/v1/me/accounts/{network}/connect"),
                Some(&self.amara.token),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let answer: Value = res.json().await.unwrap();
        let url = Url::parse(answer["authorize_url"].as_str().unwrap()).unwrap();
        assert!(
            url.as_str()
                .starts_with(&self.oidc.endpoint("authorization_endpoint")),
            "{url}"
        );
        url
    }

    /// Through the server's pages as the user: sign in, then allow or refuse. Returns where the
    /// server sends the browser back: Vouch's callback, with the code (or the error) and state.
    async fn sign_in(&self, network: &str, answer: Answer) -> Url {
        let authorize = self.authorize_url(network).await;
        let callback = format!("{}/oauth/callback/{network}?", self.app.address);
        let mut browser = Browser::default();
        let mut page = browser.get(&authorize).await;
        for _ in 0..12 {
            if let Some(next) = page.location.clone() {
                if next.as_str().starts_with(&callback) {
                    return next;
                }
                assert!(
                    next.as_str().starts_with(&self.oidc.issuer),
                    "sent to {next}\n{}",
                    self.oidc.log()
                );
                page = browser.get(&next).await;
                continue;
            }
            assert_eq!(page.status, 200, "{page:?}\n{}", self.oidc.log());
            page = if let Some(login) = form_action(&page, "login") {
                browser
                    .post_form(&login, &[("login", LOGIN), ("password", PASSWORD)])
                    .await
            } else if let Some(allow) = form_action(&page, "consent") {
                let target = match answer {
                    Answer::Allow => allow,
                    Answer::Refuse => form_action(&page, "abort").unwrap(),
                };
                browser.post_form(&target, &[]).await
            } else {
                panic!("a page with nothing to do: {page:?}");
            };
        }
        panic!("the server never sent the browser back: {page:?}");
    }

    async fn callback(&self, url: &Url) -> reqwest::Response {
        self.app.client.get(url.clone()).send().await.unwrap()
    }

    fn account(&self, network: &str) -> SocialAccount {
        let mut conn = self.app.state.pool.get().unwrap();
        repo::by_network(&mut conn, &self.amara.id, network)
            .unwrap()
            .unwrap_or_else(|| panic!("no {network} account"))
    }

    /// The account's tokens as Vouch holds them: sealed at rest, opened here.
    fn tokens(&self, row: &SocialAccount) -> (String, Option<String>) {
        let sealed = row.access_token.as_deref().expect("an access token");
        let access = self.app.state.sealer.open(sealed).unwrap();
        assert!(!sealed.contains(&access), "the access token is sealed");
        let refresh = row.refresh_token.as_deref().map(|sealed| {
            let refresh = self.app.state.sealer.open(sealed).unwrap();
            assert!(!sealed.contains(&refresh), "the refresh token is sealed");
            refresh
        });
        (access, refresh)
    }

    /// The server's answer to its profile endpoint at `path` with this access token.
    async fn profile(&self, path: &str, access: &str) -> (u16, Value) {
        let res = self
            .app
            .client
            .get(format!("{}{path}", self.oidc.issuer))
            .bearer_auth(access)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn listed(&self) -> Vec<Value> {
        let list: Value = self
            .app
            .get("/api/v1/me/accounts", &self.amara.token)
            .await
            .json()
            .await
            .unwrap();
        list["items"].as_array().unwrap().clone()
    }

    /// Refreshes the account's tokens the way publishing does after a 401, at the server's
    /// token endpoint; checks the new tokens are stored, sealed, and the access token accepted.
    /// `rotates`: the server answers a new refresh token (X), or keeps the one it gave.
    async fn refresh(&self, network: &str, profile_path: &str, rotates: bool) {
        let before = self.account(network);
        let (old_access, old_refresh) = self.tokens(&before);
        assert!(old_refresh.is_some(), "the server issued a refresh token");
        let outcome = tokens::refresh(&self.app.state, &before.id, before.token_generation)
            .await
            .unwrap();
        match outcome {
            Refreshed::Fresh => {}
            Refreshed::Rejected(why) | Refreshed::Later(why) => {
                panic!("refresh failed: {why}\n{}", self.oidc.log())
            }
            Refreshed::Busy => panic!("nobody else holds the refresh lease here"),
        }
        let after = self.account(network);
        assert_eq!(after.token_generation, before.token_generation + 1);
        assert_eq!(after.status, "connected");
        let (access, refresh) = self.tokens(&after);
        assert_ne!(access, old_access, "a new access token");
        assert!(refresh.is_some());
        assert_eq!(
            refresh != old_refresh,
            rotates,
            "a new refresh token: {rotates}"
        );
        assert!(after.token_expires_at.unwrap() > chrono::Utc::now().naive_utc());
        let (status, _) = self.profile(profile_path, &access).await;
        assert_eq!(status, 200, "the refreshed token is accepted");
    }
}

#[tokio::test]
async fn x_connects_through_a_real_oauth_server_with_pkce_and_basic_auth_then_refreshes() {
    connects_x_then_refreshes(world().await).await;
}

#[tokio::test]
async fn x_as_a_public_client_connects_with_pkce_alone_then_refreshes() {
    connects_x_then_refreshes(world_with(XClient::Public).await).await;
}

async fn connects_x(w: &World) {
    let back = w.sign_in("x", Answer::Allow).await;
    let query: std::collections::HashMap<_, _> = back.query_pairs().into_owned().collect();
    assert!(
        query.contains_key("code") && query.contains_key("state"),
        "{back}"
    );
    let res = w.callback(&back).await;
    assert_eq!(
        res.status(),
        200,
        "{}\n{}",
        res.text().await.unwrap(),
        w.oidc.log()
    );
    assert!(res.text().await.unwrap().contains("ada_lovelace"));

    let listed = w.listed().await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["network"], "x");
    assert_eq!(listed[0]["status"], "connected");
    assert_eq!(listed[0]["handle"], "ada_lovelace");

    let row = w.account("x");
    assert_eq!(row.external_user_id, SUB);
    let scope = row.scope.clone().unwrap_or_default();
    for s in ["tweet.read", "tweet.write", "users.read", "offline.access"] {
        assert!(scope.split(' ').any(|g| g == s), "{s} granted: {scope}");
    }
    let (access, refresh) = w.tokens(&row);
    assert!(refresh.is_some(), "offline.access brings a refresh token");
    let (status, me) = w.profile("/2/users/me", &access).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["data"]["id"], SUB);
}

async fn connects_x_then_refreshes(w: World) {
    connects_x(&w).await;
    w.refresh("x", "/2/users/me", true).await;
}

#[tokio::test]
async fn a_grant_the_server_ended_makes_the_account_need_reconnecting_and_tells_its_owner() {
    let w = world().await;
    connects_x(&w).await;
    let row = w.account("x");
    let (_, refresh) = w.tokens(&row);
    // The user (or the network) ends Vouch's access at the server.
    let res = w
        .app
        .client
        .post(w.oidc.endpoint("revocation_endpoint"))
        .basic_auth("vouch-x", Some("vouch-x-secret"))
        .form(&[
            ("token", refresh.unwrap().as_str()),
            ("token_type_hint", "refresh_token"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    let mails = w.app.mail.count_for(&w.amara.email);
    let outcome = tokens::refresh(&w.app.state, &row.id, row.token_generation)
        .await
        .unwrap();
    let Refreshed::Rejected(why) = outcome else {
        panic!("the refresh should be refused for good\n{}", w.oidc.log());
    };
    assert!(why.contains("invalid_grant"), "{why}");
    let listed = w.listed().await;
    assert_eq!(listed[0]["status"], "needs_reconnect", "{listed:?}");
    let mail = w.app.mail.wait_for(&w.amara.email, mails + 1).await;
    assert!(
        mail.subject.contains("Reconnect your x account"),
        "{mail:?}"
    );
}

#[tokio::test]
async fn linkedin_connects_through_a_real_oauth_server_with_the_secret_in_the_body_then_refreshes()
{
    let w = world().await;
    let back = w.sign_in("linkedin", Answer::Allow).await;
    let res = w.callback(&back).await;
    assert_eq!(
        res.status(),
        200,
        "{}\n{}",
        res.text().await.unwrap(),
        w.oidc.log()
    );

    let listed = w.listed().await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["network"], "linkedin");
    assert_eq!(listed[0]["status"], "connected");
    assert_eq!(listed[0]["handle"], "Ada Lovelace");

    let row = w.account("linkedin");
    assert_eq!(row.external_user_id, SUB);
    let (access, _) = w.tokens(&row);
    let (status, info) = w.profile("/v2/userinfo", &access).await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["sub"], SUB);

    w.refresh("linkedin", "/v2/userinfo", false).await;
}

#[tokio::test]
async fn the_authorize_urls_ask_pkce_of_x_and_not_of_linkedin() {
    let w = world().await;
    let x = w.authorize_url("x").await;
    let x: std::collections::HashMap<_, _> = x.query_pairs().into_owned().collect();
    assert_eq!(x["code_challenge_method"], "S256");
    assert!(x["scope"].contains("offline.access"));
    let li = w.authorize_url("linkedin").await;
    assert!(
        !li.query_pairs()
            .any(|(k, _)| k.starts_with("code_challenge")),
        "{li}"
    );
}

#[tokio::test]
async fn the_server_refuses_an_x_code_redeemed_with_another_pkce_verifier() {
    let w = world().await;
    let back = w.sign_in("x", Answer::Allow).await;
    // As if the code had been intercepted and redeemed by someone without the verifier.
    let other = w.app.state.sealer.seal(&new_pkce_verifier()).unwrap();
    {
        let mut conn = w.app.state.pool.get().unwrap();
        diesel::update(oauth_states::table)
            .set(oauth_states::pkce_verifier.eq(Some(other)))
            .execute(&mut conn)
            .unwrap();
    }
    let body = problem(w.callback(&back).await, 422).await;
    assert_eq!(fields(&body), ["code"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("invalid_grant"),
        "{body}"
    );
    assert!(
        w.oidc.logs("PKCE verification failed").await,
        "{}",
        w.oidc.log()
    );
    assert!(w.listed().await.is_empty());
}

#[tokio::test]
async fn a_refusal_a_reused_state_and_an_unknown_state_are_each_a_clear_422() {
    let w = world().await;

    // The user refuses on the server's consent page: it sends back `error=access_denied`.
    let refused = w.sign_in("x", Answer::Refuse).await;
    assert!(
        refused
            .query_pairs()
            .any(|(k, v)| k == "error" && v == "access_denied"),
        "{refused}"
    );
    let body = problem(w.callback(&refused).await, 422).await;
    assert_eq!(fields(&body), ["error"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("access_denied"),
        "{body}"
    );
    assert!(w.listed().await.is_empty());

    // Allowed this time; then the same callback again (a reload, a replay).
    let back = w.sign_in("x", Answer::Allow).await;
    assert_eq!(w.callback(&back).await.status(), 200);
    let body = problem(w.callback(&back).await, 422).await;
    assert_eq!(fields(&body), ["state"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("used already"),
        "{body}"
    );

    // A state Vouch never issued, with the code of a real authorization.
    let mut forged = w.sign_in("x", Answer::Allow).await;
    let code = forged
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    forged.set_query(Some(&format!("code={code}&state=vst_not-one-of-ours")));
    let body = problem(w.callback(&forged).await, 422).await;
    assert_eq!(fields(&body), ["state"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown"),
        "{body}"
    );
    assert_eq!(w.listed().await.len(), 1);
}
