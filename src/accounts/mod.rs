//! Orgs (tenants) and their users: roles, invites, the profile behind `/me`.

pub mod model;
pub mod preferences;
pub mod query;
pub mod repo;
pub mod routes;
pub mod service;
pub mod view;

pub use model::{Email, Org, Role, User, UserStatus};
