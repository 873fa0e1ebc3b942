//! Access tokens: HS256 JWTs with the algorithm pinned and `exp`, `iat`, `aud`, `iss` checked.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::config::AuthSettings;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub org: String,
    pub role: String,
    pub iat: i64,
    pub exp: i64,
    pub aud: String,
    pub iss: String,
    /// The session (refresh-token family) the token belongs to: revoking the session
    /// revokes its access tokens at once, not when they expire.
    pub sid: String,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    pub ttl_secs: i64,
}

impl JwtKeys {
    pub fn new(settings: &AuthSettings) -> anyhow::Result<JwtKeys> {
        let secret = settings.jwt_secret.expose_secret().as_bytes();
        if secret.len() < 32 {
            anyhow::bail!("auth.jwt_secret must be at least 32 bytes long");
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[&settings.audience]);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_required_spec_claims(&["exp", "iat", "aud", "iss", "sub"]);
        validation.leeway = 5;
        Ok(JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            ttl_secs: settings.access_ttl_secs,
        })
    }

    pub fn issue(
        &self,
        user_id: &str,
        org_id: &str,
        role: &str,
        session_id: &str,
    ) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            org: org_id.to_string(),
            role: role.to_string(),
            iat: now,
            exp: now + self.ttl_secs,
            aud: self.audience.clone(),
            iss: self.issuer.clone(),
            sid: session_id.to_string(),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// Verifies signature, algorithm and claims; an `iat` in the future is refused too.
    pub fn verify(&self, token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)?;
        let now = chrono::Utc::now().timestamp();
        if data.claims.iat > now + 60 {
            return Err(jsonwebtoken::errors::ErrorKind::ImmatureSignature.into());
        }
        Ok(data.claims)
    }
}
