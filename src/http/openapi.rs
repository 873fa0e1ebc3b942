//! The OpenAPI 3.1 document, generated from the handlers' annotations so it cannot drift.

use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Header, Ref, RefOr, Response, Schema};
use utoipa::{Modify, OpenApi};

use crate::error::PROBLEM_JSON;
use crate::{
    accounts, analytics, api_keys, audit, auth, claims, consent, error, jobs, moderation, privacy,
    shares, social, stories,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vouch API",
        description = "Employer-brand ambassador platform: approved stories, verified claims, tracked shares. \
                       Errors are application/problem+json (RFC 9457). No string, object key or \
                       query parameter may contain NUL (U+0000): such a request is answered 422.",
    ),
    servers((url = "/api/v1")),
    paths(
        auth::routes::login_link,
        auth::routes::token,
        auth::routes::refresh,
        auth::routes::logout,
        accounts::routes::me,
        accounts::routes::update_me,
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
        moderation::routes::take_down,
        moderation::routes::review_queue,
        claims::routes::check,
        claims::routes::add_claim,
        claims::routes::verify,
        claims::routes::dismiss,
        claims::routes::dispute,
        claims::routes::refute,
        claims::routes::retrain,
        audit::routes::list_audit,
        consent::routes::get_text,
        consent::routes::put_text,
        consent::routes::my_consent,
        consent::routes::agree,
        consent::routes::withdraw,
        social::routes::list_accounts,
        social::routes::disconnect,
        social::routes::connect_account,
        analytics::routes::analytics,
        analytics::routes::participation,
        analytics::routes::detector,
        analytics::routes::chart,
        analytics::routes::leaderboard,
        analytics::routes::my_analytics,
        shares::routes::create_shares,
        shares::routes::list_shares,
        shares::routes::get_share,
        shares::routes::cancel_share,
        shares::routes::approve_share,
        shares::routes::reject_share,
        privacy::routes::export,
        privacy::routes::erase,
        jobs::routes::list_jobs,
        jobs::routes::retry_job,
        api_keys::routes::create_key,
        api_keys::routes::list_keys,
        api_keys::routes::revoke_key,
    ),
    components(schemas(error::Problem, error::FieldError)),
    modifiers(&BearerAuth, &ProblemResponses),
    tags(
        (name = "auth", description = "Passwordless sign-in and sessions"),
        (name = "accounts", description = "The signed-in user, the org, its members and policy"),
        (name = "stories", description = "Company stories, testimonials and the ambassadors' feed"),
        (name = "moderation", description = "Review, decisions with reasons, the review queue"),
        (name = "claims", description = "Claim detection, verification and the authenticity gate"),
        (name = "consent", description = "The org's consent text and the ambassadors' agreement"),
        (name = "shares", description = "Sharing approved stories to networks and the careers page"),
        (name = "analytics", description = "What shares achieved: clicks, the networks' figures, participation"),
        (name = "admin", description = "The org's job queue"),
        (name = "careers", description = "API keys of the careers page, which reads GET /public/v1/testimonials with one (outside this document's /api/v1: see the README)"),
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

/// Every operation's error answers, as the server gives them: problem+json, and the statuses
/// its shared machinery answers whatever the handler, so no annotation can forget them.
///
/// - any 4xx/5xx an annotation lists is `application/problem+json` with the `Problem` schema;
/// - a secured operation: 401 (no, a bad or an expired token; a revoked session), and 403
///   when its security requirement names roles (`("bearer" = ["moderator"])`);
/// - a JSON body (`ApiJson`, `MaybeJson`): 400 (not JSON, unreadable), 413 (over
///   `JSON_LIMIT`), 415 (not sent as JSON) and 422 (a field of the wrong type or shape);
/// - query or header parameters: 422 (`QueryConfig`, `If-Match`, `Idempotency-Key`, NUL);
/// - a path parameter: 404 (no such object in the caller's org, or not an id at all);
/// - `If-Match`: 412; `Idempotency-Key`: 409 (the same key is still being answered);
/// - and no parameter or body is ever `null`: an optional one is left out, not sent as
///   `null` (utoipa makes every `Option` nullable).
struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for op in operations(item) {
                problems_of(op);
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.options.as_mut(),
        item.head.as_mut(),
        item.patch.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// The roles an operation's security requirements name (the field is private in utoipa).
fn security(op: &Operation) -> Option<Vec<String>> {
    let requirements = op.security.as_ref()?;
    let value = serde_json::to_value(requirements).ok()?;
    let roles = value
        .as_array()?
        .iter()
        .filter_map(|r| r.as_object())
        .flat_map(|r| r.values())
        .filter_map(|scopes| scopes.as_array())
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect();
    Some(roles)
}

fn problems_of(op: &mut Operation) {
    let params = op.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn| params.iter().any(|p| p.parameter_in == place);
    let named = |name: &str| {
        params
            .iter()
            .any(|p| p.name.eq_ignore_ascii_case(name) && p.parameter_in == ParameterIn::Header)
    };
    let (path, query, header) = (
        has(ParameterIn::Path),
        has(ParameterIn::Query),
        has(ParameterIn::Header),
    );
    let (if_match, idempotent) = (named("If-Match"), named("Idempotency-Key"));
    let body = op.request_body.is_some();
    let roles = security(op);
    never_null(op);

    let mut add = Vec::new();
    if let Some(roles) = roles {
        add.push((
            401,
            "Not signed in: no bearer token, an invalid or expired one, or its session ended",
        ));
        if !roles.is_empty() {
            add.push((403, "The caller's role may not do this"));
        }
    }
    if body {
        add.push((400, "The body is not JSON, or could not be read"));
        add.push((413, "The body is larger than 256 KiB"));
        add.push((415, "The body was not sent as `application/json`"));
    }
    if body || query || header {
        add.push((422, "Invalid fields; `errors` names each one"));
    }
    if path {
        add.push((
            404,
            "No such object in the caller's org (or not an id at all)",
        ));
    }
    if if_match {
        add.push((412, "`If-Match` names another version than the current one"));
    }
    if idempotent {
        add.push((
            409,
            "A request with this `Idempotency-Key` is still being answered",
        ));
    }

    let responses = &mut op.responses.responses;
    for (status, description) in add {
        responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(Response::new(description)));
    }
    for (status, response) in responses.iter_mut() {
        let is_error = status.starts_with('4') || status.starts_with('5');
        if let (true, RefOr::T(response)) = (is_error, response) {
            as_problem(status, response);
        }
    }
}

/// A header or query parameter cannot carry JSON's `null`, and an optional body that is
/// `null` is refused (422): it is optional by being absent.
fn never_null(op: &mut Operation) {
    for param in op.parameters.iter_mut().flatten() {
        if let Some(schema) = param.schema.take() {
            param.schema = Some(without_null(schema));
        }
    }
    for content in op
        .request_body
        .iter_mut()
        .flat_map(|body| body.content.values_mut())
    {
        if let Some(schema) = content.schema.take() {
            content.schema = Some(without_null(schema));
        }
    }
}

/// `["string", "null"]` → `"string"`; `oneOf: [{type: null}, X]` → `X`.
fn without_null(schema: RefOr<Schema>) -> RefOr<Schema> {
    let Ok(mut value) = serde_json::to_value(&schema) else {
        return schema;
    };
    let is_null = |v: &serde_json::Value| v.get("type").and_then(|t| t.as_str()) == Some("null");
    if let Some(one_of) = value.get("oneOf").and_then(|v| v.as_array()) {
        let rest: Vec<_> = one_of.iter().filter(|v| !is_null(v)).cloned().collect();
        if rest.len() == 1 && one_of.len() == 2 {
            value = rest.into_iter().next().unwrap_or_default();
        }
    }
    if let Some(types) = value.get("type").and_then(|v| v.as_array()) {
        let rest: Vec<_> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .cloned()
            .collect();
        value["type"] = match rest.len() {
            1 => rest[0].clone(),
            _ => serde_json::Value::Array(rest),
        };
    }
    serde_json::from_value(value).unwrap_or(schema)
}

/// Answers an error response as problem+json, with the headers the server adds to it.
fn as_problem(status: &str, response: &mut Response) {
    let schema = response
        .content
        .shift_remove("application/json")
        .and_then(|c| c.schema)
        .unwrap_or_else(|| RefOr::Ref(Ref::from_schema_name("Problem")));
    response.content.clear();
    response.content.insert(
        PROBLEM_JSON.to_string(),
        ContentBuilder::new().schema(Some(schema)).build(),
    );
    let header = |description: &str| {
        let mut h = Header::default();
        h.description = Some(description.to_string());
        h
    };
    match status {
        "401" => {
            response
                .headers
                .entry("WWW-Authenticate".into())
                .or_insert_with(|| header("`Bearer`"));
        }
        "429" => {
            response
                .headers
                .entry("Retry-After".into())
                .or_insert_with(|| header("Seconds to wait before trying again"));
        }
        _ => {}
    }
}
