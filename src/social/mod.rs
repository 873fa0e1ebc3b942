//! Connected accounts: an ambassador's LinkedIn, X, Mastodon and Bluesky accounts, with their
//! tokens sealed at rest. Connecting (OAuth, Bluesky sessions) is in `connect`; keeping tokens
//! fresh in `tokens`.

pub mod connect;
pub mod model;
pub mod repo;
pub mod revoke;
pub mod routes;
pub mod service;
pub mod tokens;

pub use model::{AccountStatus, SocialAccount};
