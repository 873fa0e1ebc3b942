//! The OpenAPI 3.1 document, generated from the handlers' annotations so it cannot drift.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{accounts, auth, error};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vouch API",
        description = "Employer-brand ambassador platform: approved stories, verified claims, tracked shares. \
                       Errors are application/problem+json (RFC 9457).",
    ),
    servers((url = "/api/v1")),
    paths(
        auth::routes::login_link,
        auth::routes::token,
        auth::routes::refresh,
        auth::routes::logout,
        accounts::routes::me,
        accounts::routes::list_users,
        accounts::routes::invite_user,
        accounts::routes::get_user,
        accounts::routes::update_user,
    ),
    components(schemas(error::Problem, error::FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Passwordless sign-in and sessions"),
        (name = "accounts", description = "The signed-in user, the org and its members"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}
