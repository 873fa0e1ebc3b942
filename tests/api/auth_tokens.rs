//! Access tokens that must be refused: forged, expired, for another audience or issuer,
//! unsigned (`alg: none`), signed with another algorithm, or for a disabled account.

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::helpers::{problem, spawn_app, test_settings};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Claims of a token for a live session (`sid`), so each refusal below has its one reason.
fn claims(sub: &str, org: &str, sid: &str, overrides: Value) -> Value {
    let now = chrono::Utc::now().timestamp();
    let mut c = json!({
        "sub": sub, "org": org, "role": "admin",
        "iat": now, "exp": now + 600, "aud": "vouch-api", "iss": "vouch", "sid": sid,
    });
    for (k, v) in overrides.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

fn sign(claims: &Value, secret: &[u8], alg: Algorithm) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).unwrap()
}

fn real_secret() -> Vec<u8> {
    use secrecy::ExposeSecret;
    test_settings()
        .auth
        .jwt_secret
        .expose_secret()
        .as_bytes()
        .to_vec()
}

#[tokio::test]
async fn a_well_formed_token_with_our_secret_is_accepted() {
    // The control case: without it the refusals below could pass for the wrong reason.
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let token = sign(
        &claims(&admin.id, &admin.org_id, &admin.session, json!({})),
        &real_secret(),
        Algorithm::HS256,
    );
    assert_eq!(app.get("/api/v1/me", &token).await.status(), 200);
}

#[tokio::test]
async fn bad_tokens_are_refused() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let secret = real_secret();
    let (sub, org, sid) = (
        admin.id.as_str(),
        admin.org_id.as_str(),
        admin.session.as_str(),
    );
    let now = chrono::Utc::now().timestamp();
    let cases = [
        (
            "forged",
            sign(
                &claims(sub, org, sid, json!({})),
                b"another-secret-of-sufficient-length-000",
                Algorithm::HS256,
            ),
        ),
        (
            "expired",
            sign(
                &claims(
                    sub,
                    org,
                    sid,
                    json!({ "iat": now - 7200, "exp": now - 3600 }),
                ),
                &secret,
                Algorithm::HS256,
            ),
        ),
        (
            "wrong audience",
            sign(
                &claims(sub, org, sid, json!({ "aud": "careers-page" })),
                &secret,
                Algorithm::HS256,
            ),
        ),
        (
            "wrong issuer",
            sign(
                &claims(sub, org, sid, json!({ "iss": "someone-else" })),
                &secret,
                Algorithm::HS256,
            ),
        ),
        (
            "other algorithm",
            sign(&claims(sub, org, sid, json!({})), &secret, Algorithm::HS512),
        ),
        (
            "issued in the future",
            sign(
                &claims(
                    sub,
                    org,
                    sid,
                    json!({ "iat": now + 3600, "exp": now + 7200 }),
                ),
                &secret,
                Algorithm::HS256,
            ),
        ),
        (
            "another org",
            sign(
                &claims(sub, &uuid::Uuid::now_v7().to_string(), sid, json!({})),
                &secret,
                Algorithm::HS256,
            ),
        ),
        (
            "no such user",
            sign(
                &claims(&uuid::Uuid::now_v7().to_string(), org, sid, json!({})),
                &secret,
                Algorithm::HS256,
            ),
        ),
        ("garbage", "not.a.jwt".to_string()),
    ];
    for (name, token) in cases {
        let res = app.get("/api/v1/me", &token).await;
        assert_eq!(res.status(), 401, "{name} token was not refused");
        problem(res, 401).await;
    }
}

#[tokio::test]
async fn unsigned_alg_none_tokens_are_refused() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let header = B64.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = B64.encode(claims(&admin.id, &admin.org_id, &admin.session, json!({})).to_string());
    for token in [format!("{header}.{body}."), format!("{header}.{body}")] {
        problem(app.get("/api/v1/me", &token).await, 401).await;
    }
}

#[tokio::test]
async fn missing_or_malformed_authorization_is_refused() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    problem(res, 401).await;
    let res = app
        .client
        .get(app.url("/api/v1/me"))
        .header("authorization", "Basic YTpi")
        .send()
        .await
        .unwrap();
    problem(res, 401).await;
}

#[tokio::test]
async fn a_disabled_account_loses_access_at_once() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let amara = app
        .member(&admin, "amara", vouch::accounts::Role::Ambassador)
        .await;
    let session = app.login(&amara.email).await;
    assert_eq!(app.get("/api/v1/me", &amara.token).await.status(), 200);

    let res = app
        .patch(
            &format!("/api/v1/users/{}", amara.id),
            &admin.token,
            &json!({ "status": "disabled" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    problem(app.get("/api/v1/me", &amara.token).await, 401).await;
    problem(
        app.post(
            "/api/v1/auth/refresh",
            None,
            &json!({ "refresh_token": session["refresh_token"] }),
        )
        .await,
        401,
    )
    .await;
    // And no new link is mailed to a disabled account.
    let before = app.mail.count_for(&amara.email);
    app.post(
        "/api/v1/auth/login-link",
        None,
        &json!({ "email": amara.email }),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.mail.count_for(&amara.email), before);
}
