//! `/docs`: Swagger UI over the OpenAPI document. Its files are compiled into the binary
//! (utoipa-swagger-ui, vendored), so the viewer works with no internet access and no CDN.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use utoipa_swagger_ui::Config;

use crate::error::AppError;

const DOCUMENT: &str = "/api/v1/openapi.json";

pub fn configure(cfg: &mut web::ServiceConfig) {
    // "none": the viewer would otherwise post the document to swagger.io's validator.
    let config = Config::from(DOCUMENT).validator_url("none");
    cfg.app_data(web::Data::new(config))
        .route("/docs", web::get().to(to_folder))
        .route("/docs/{file:.*}", web::get().to(file));
}

/// The page's files are addressed relative to it (`./swagger-ui.css`), so it must be
/// served from `/docs/`. A relative Location keeps working behind a path-prefixing proxy.
async fn to_folder() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "docs/"))
        .finish()
}

async fn file(
    name: web::Path<String>,
    config: web::Data<Config<'static>>,
) -> Result<HttpResponse, AppError> {
    let found = utoipa_swagger_ui::serve(&name, config.into_inner())
        .map_err(|e| anyhow::anyhow!("serving the docs viewer's {name}: {e}"))?
        .ok_or(AppError::NotFound)?;
    let mut res = HttpResponse::Ok();
    if found.content_type.starts_with("text/html") {
        res.insert_header((header::CONTENT_SECURITY_POLICY, crate::http::html::DOCS));
    }
    Ok(res
        .content_type(found.content_type)
        .body(found.bytes.into_owned()))
}
