//! Passwordless sign-in (mailed single-use links), short access JWTs with rotating refresh
//! tokens, the role-checking extractor, and the rate limit on link requests.

pub mod access;
pub mod extractor;
pub mod jwt;
pub mod rate_limit;
pub mod repo;
pub mod routes;
pub mod secrets;
pub mod service;

pub use extractor::{role, AuthUser, Authorized};
