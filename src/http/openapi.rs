//! The OpenAPI 3.1 document, generated from the handlers' annotations so it cannot drift.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{
    accounts, audit, auth, claims, consent, error, moderation, privacy, shares, social, stories,
};

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
        accounts::routes::get_policy,
        accounts::routes::put_policy,
        stories::routes::create_story,
        stories::routes::list_stories,
        stories::routes::feed,
        stories::routes::get_story,
        stories::routes::update_story,
        moderation::routes::submit,
        moderation::routes::approve,
        moderation::routes::reject,
        moderation::routes::request_changes,
        moderation::routes::archive,
        moderation::routes::retract,
        moderation::routes::review_queue,
        claims::routes::check,
        claims::routes::add_claim,
        claims::routes::verify,
        claims::routes::dismiss,
        claims::routes::dispute,
        claims::routes::refute,
        audit::routes::list_audit,
        consent::routes::get_text,
        consent::routes::put_text,
        consent::routes::my_consent,
        consent::routes::agree,
        consent::routes::withdraw,
        social::routes::list_accounts,
        social::routes::disconnect,
        social::routes::connect_account,
        shares::routes::create_shares,
        shares::routes::list_shares,
        shares::routes::get_share,
        shares::routes::cancel_share,
        shares::routes::approve_share,
        shares::routes::reject_share,
        privacy::routes::export,
        privacy::routes::erase,
    ),
    components(schemas(error::Problem, error::FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Passwordless sign-in and sessions"),
        (name = "accounts", description = "The signed-in user, the org, its members and policy"),
        (name = "stories", description = "Company stories, testimonials and the ambassadors' feed"),
        (name = "moderation", description = "Review, decisions with reasons, the review queue"),
        (name = "claims", description = "Claim detection, verification and the authenticity gate"),
        (name = "consent", description = "The org's consent text and the ambassadors' agreement"),
        (name = "shares", description = "Sharing approved stories to networks and the careers page"),
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
