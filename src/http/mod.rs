//! HTTP plumbing shared by every domain: the JSON extractor, pagination, problem fallbacks,
//! request ids, health and metrics endpoints, the OpenAPI document and its viewer.

pub mod client_ip;
pub mod docs;
pub mod health;
pub mod html;
pub mod json;
pub mod login_page;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod preconditions;
pub mod stop;
