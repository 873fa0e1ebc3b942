//! The passwordless flow end to end, through a real SMTP server.

use crate::helpers::{problem, spawn_app, spawn_app_with, token_from, TestApp};
use serde_json::{json, Value};
use vouch::accounts::Role;
use vouch::http::client_ip::TrustedProxies;

#[tokio::test]
async fn a_mailed_link_signs_in_once() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;

    let res = app
        .post(
            "/api/v1/auth/login-link",
            None,
            &json!({ "email": "  AMARA@acme.test " }),
        )
        .await;
    assert_eq!(res.status(), 202);
    let mail = app.mail.wait_for(&amara.email, 1).await;
    assert_eq!(mail.subject, "Your Vouch sign-in link");
    let token = token_from(&mail.body);
    assert_eq!(token.len(), 43, "{}", mail.body);
    assert!(
        mail.body.contains(&format!("/login#token={token}")),
        "{}",
        mail.body
    );

    let res = app
        .post("/api/v1/auth/token", None, &json!({ "token": token }))
        .await;
    assert_eq!(res.status(), 200);
    let pair: Value = res.json().await.unwrap();
    assert_eq!(pair["token_type"], "Bearer");
    assert_eq!(pair["expires_in"], 900);
    assert_eq!(pair["user"]["email"], amara.email);
    assert!(pair["refresh_token"].as_str().unwrap().starts_with("vrt_"));

    let me: Value = app
        .get("/api/v1/me", pair["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["id"], amara.id);
    assert_eq!(me["user"]["role"], "ambassador");
    assert_eq!(me["org"]["slug"], "acme");
    assert!(me["user"]["last_login_at"].as_str().unwrap().ends_with('Z'));

    // Single use.
    let again = app
        .post("/api/v1/auth/token", None, &json!({ "token": token }))
        .await;
    problem(again, 401).await;
}

#[tokio::test]
async fn unknown_addresses_get_the_same_answer_and_no_mail() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let known = app
        .post(
            "/api/v1/auth/login-link",
            None,
            &json!({ "email": admin.email }),
        )
        .await;
    let unknown = app
        .post(
            "/api/v1/auth/login-link",
            None,
            &json!({ "email": "ghost@acme.test" }),
        )
        .await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    app.mail.wait_for(&admin.email, 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(app.mail.count_for("ghost@acme.test"), 0);
}

#[tokio::test]
async fn forged_and_expired_links_are_refused() {
    let app = spawn_app_with(|s| s.auth.login_link_ttl_secs = 0).await;
    let admin = app.org("acme").await;
    problem(
        app.post("/api/v1/auth/token", None, &json!({ "token": "made-up" }))
            .await,
        401,
    )
    .await;
    app.post(
        "/api/v1/auth/login-link",
        None,
        &json!({ "email": admin.email }),
    )
    .await;
    let mail = app.mail.wait_for(&admin.email, 1).await;
    let res = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({ "token": token_from(&mail.body) }),
        )
        .await;
    problem(res, 401).await;
}

#[tokio::test]
async fn login_links_are_rate_limited_per_address() {
    let app = spawn_app_with(|s| s.auth.login_links_per_email_per_hour = 2).await;
    let admin = app.org("acme").await;
    for _ in 0..2 {
        let res = app
            .post(
                "/api/v1/auth/login-link",
                None,
                &json!({ "email": admin.email }),
            )
            .await;
        assert_eq!(res.status(), 202);
    }
    let res = app
        .post(
            "/api/v1/auth/login-link",
            None,
            &json!({ "email": admin.email }),
        )
        .await;
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0);
    problem(res, 429).await;
    // Another address is not held back by this one's limit.
    let res = app
        .post(
            "/api/v1/auth/login-link",
            None,
            &json!({ "email": "other@acme.test" }),
        )
        .await;
    assert_eq!(res.status(), 202);
}

#[tokio::test]
async fn login_links_are_rate_limited_per_ip() {
    let app = spawn_app_with(|s| s.auth.login_links_per_ip_per_hour = 3).await;
    for i in 0..3 {
        let res = app
            .post(
                "/api/v1/auth/login-link",
                None,
                &json!({ "email": format!("p{i}@x.test") }),
            )
            .await;
        assert_eq!(res.status(), 202);
    }
    let res = app
        .post(
            "/api/v1/auth/login-link",
            None,
            &json!({ "email": "p9@x.test" }),
        )
        .await;
    problem(res, 429).await;
}

/// A link request for a fresh address, as forwarded for `client`.
async fn link_request_for(app: &TestApp, i: usize, client: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/login-link"))
        .header("x-forwarded-for", format!("198.51.100.99, {client}"))
        .json(&json!({ "email": format!("xff{i}@x.test") }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_ip_limit() {
    let app = spawn_app_with(|s| {
        s.auth.login_links_per_ip_per_hour = 1;
        s.server.trusted_proxies = TrustedProxies::parse(&["127.0.0.1"]).unwrap();
    })
    .await;
    assert_eq!(link_request_for(&app, 0, "203.0.113.1").await.status(), 202);
    problem(link_request_for(&app, 1, "203.0.113.1").await, 429).await;
    assert_eq!(link_request_for(&app, 2, "203.0.113.2").await.status(), 202);
    // One IPv6 client: its whole /64 counts as one.
    assert_eq!(
        link_request_for(&app, 3, "2001:db8:0:1::1").await.status(),
        202
    );
    problem(link_request_for(&app, 4, "2001:db8:0:1::2").await, 429).await;
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let app = spawn_app_with(|s| s.auth.login_links_per_ip_per_hour = 1).await;
    assert_eq!(link_request_for(&app, 0, "203.0.113.1").await.status(), 202);
    // The header is the client's own word: both requests count against the TCP peer.
    problem(link_request_for(&app, 1, "203.0.113.2").await, 429).await;
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let first = app.login(&admin.email).await;
    let r1 = first["refresh_token"].as_str().unwrap().to_string();

    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({ "refresh_token": r1 }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let second: Value = res.json().await.unwrap();
    let r2 = second["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(r1, r2);
    assert_eq!(
        app.get("/api/v1/me", second["access_token"].as_str().unwrap())
            .await
            .status(),
        200
    );

    // r1 again: a replay. It fails, and so does r2 from now on, and so do the access
    // tokens of the session, at once rather than when they expire.
    let access = second["access_token"].as_str().unwrap().to_string();
    problem(
        app.post(
            "/api/v1/auth/refresh",
            None,
            &json!({ "refresh_token": r1 }),
        )
        .await,
        401,
    )
    .await;
    problem(
        app.post(
            "/api/v1/auth/refresh",
            None,
            &json!({ "refresh_token": r2 }),
        )
        .await,
        401,
    )
    .await;

    problem(app.get("/api/v1/me", &access).await, 401).await;
    problem(
        app.get("/api/v1/me", first["access_token"].as_str().unwrap())
            .await,
        401,
    )
    .await;

    // A separate sign-in is a separate family and still works.
    let other = app.login(&admin.email).await;
    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({ "refresh_token": other["refresh_token"] }),
        )
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let pair = app.login(&admin.email).await;
    let other = app.login(&admin.email).await;
    let access = pair["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/v1/me", access).await.status(), 200);
    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({ "refresh_token": pair["refresh_token"] }),
        )
        .await;
    assert_eq!(res.status(), 204);
    problem(
        app.post(
            "/api/v1/auth/refresh",
            None,
            &json!({ "refresh_token": pair["refresh_token"] }),
        )
        .await,
        401,
    )
    .await;
    // The access token dies with its session; another session of the same user lives on.
    let body = problem(app.get("/api/v1/me", access).await, 401).await;
    assert!(body["detail"].as_str().unwrap().contains("session"));
    let other_access = other["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/v1/me", other_access).await.status(), 200);
    // Logging out twice is fine.
    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({ "refresh_token": pair["refresh_token"] }),
        )
        .await;
    assert_eq!(res.status(), 204);
}

#[tokio::test]
async fn invited_users_sign_in_with_the_invite_mail() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin.token),
            &json!({ "email": "new@acme.test", "role": "moderator", "display_name": "Noor" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let user: Value = res.json().await.unwrap();
    assert_eq!(user["status"], "invited");
    let mail = app.mail.wait_for("new@acme.test", 1).await;
    assert!(mail.subject.contains("invited"), "{}", mail.subject);
    assert!(mail.body.contains("moderator"));
    let res = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({ "token": token_from(&mail.body) }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let pair: Value = res.json().await.unwrap();
    assert_eq!(pair["user"]["status"], "active");
    assert_eq!(pair["user"]["role"], "moderator");
}

#[tokio::test]
async fn links_point_at_the_configured_client() {
    let app =
        spawn_app_with(|s| s.auth.login_url = "https://app.acme.example/signin?src=mail".into())
            .await;
    let admin = app.org("acme").await;
    app.post(
        "/api/v1/auth/login-link",
        None,
        &json!({ "email": admin.email }),
    )
    .await;
    let mail = app.mail.wait_for(&admin.email, 1).await;
    let token = token_from(&mail.body);
    assert!(
        mail.body.contains(&format!(
            "https://app.acme.example/signin?src=mail#token={token}"
        )),
        "{}",
        mail.body
    );
}
