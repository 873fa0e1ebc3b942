//! The one place roles are checked: `AuthUser` for any signed-in member, `Authorized<R>` for
//! a minimum role. The user is re-read on every request so a disabled account or a changed
//! role takes effect at once, not when the token expires.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};

use crate::accounts::{Role, User};
use crate::auth::service;
use crate::db;
use crate::error::AppError;
use crate::state::AppState;

/// The caller, authenticated; `org_id` scopes every query the handler makes.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: String,
    pub org_id: String,
    pub role: Role,
    pub email: String,
    pub display_name: String,
    /// The org's content version read with the user at the start of the request; `None`
    /// when the caller was not read from the database then (CLI, demo data).
    pub content_version: Option<i64>,
}

impl AuthUser {
    pub fn from_user(user: User) -> AuthUser {
        AuthUser {
            role: user.role(),
            id: user.id,
            org_id: user.org_id,
            email: user.email,
            display_name: user.display_name,
            content_version: None,
        }
    }

    pub fn is_at_least(&self, role: Role) -> bool {
        self.role >= role
    }
}

fn bearer(req: &HttpRequest) -> Result<String, AppError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| AppError::unauthorized("sign in: send `Authorization: Bearer <token>`"))?;
    let value = value
        .to_str()
        .map_err(|_| AppError::unauthorized("the Authorization header is not valid text"))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim().to_string())
        }
        _ => Err(AppError::unauthorized(
            "the Authorization header must be `Bearer <token>`",
        )),
    }
}

impl FromRequest for AuthUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| anyhow::anyhow!("app state missing"))?;
            let claims = state.jwt.verify(&token?).map_err(|e| {
                tracing::debug!(error = %e, "access token refused");
                AppError::unauthorized("the access token is invalid or expired")
            })?;
            let found = db::run(&state.pool, move |conn| service::caller(conn, &claims)).await?;
            let (user, version, alive) = found
                .filter(|(user, _, _)| user.may_sign_in())
                .ok_or_else(|| {
                    AppError::unauthorized("the account no longer exists or is disabled")
                })?;
            if !alive {
                return Err(AppError::unauthorized(
                    "this session has ended (logged out or revoked); sign in again",
                ));
            }
            Ok(AuthUser {
                content_version: Some(version),
                ..AuthUser::from_user(user)
            })
        })
    }
}

/// Marker types for the minimum role of an endpoint.
pub mod role {
    use crate::accounts::Role;

    pub trait MinRole {
        const ROLE: Role;
    }
    pub struct Moderator;
    impl MinRole for Moderator {
        const ROLE: Role = Role::Moderator;
    }
    pub struct Admin;
    impl MinRole for Admin {
        const ROLE: Role = Role::Admin;
    }
}

/// A signed-in user holding at least role `R` (403 otherwise).
pub struct Authorized<R: role::MinRole> {
    pub user: AuthUser,
    _role: PhantomData<R>,
}

impl<R: role::MinRole> std::ops::Deref for Authorized<R> {
    type Target = AuthUser;
    fn deref(&self) -> &AuthUser {
        &self.user
    }
}

impl<R: role::MinRole + 'static> FromRequest for Authorized<R> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = AuthUser::from_request(req, payload);
        Box::pin(async move {
            let user = user.await?;
            if !user.is_at_least(R::ROLE) {
                return Err(AppError::forbidden(format!(
                    "this needs the {} role",
                    R::ROLE
                )));
            }
            Ok(Authorized {
                user,
                _role: PhantomData,
            })
        })
    }
}
