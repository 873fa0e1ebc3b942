//! API keys of the careers page: created and revoked by an org's admins, shown once, stored
//! as a SHA-256 of the key (`auth::secrets`), each with the browser origins allowed to use
//! it and its own rate limit. `careers` reads them on every public request.

pub mod model;
pub mod repo;
pub mod routes;
pub mod service;

pub use model::ApiKey;
