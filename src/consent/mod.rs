//! Consent: ambassadors are volunteers. Each org has a versioned consent text; an ambassador
//! shares only while they have agreed to its current version, and withdrawing undoes what
//! sharing set in motion (scheduled shares, connected accounts, public testimonials).

pub mod query;
pub mod repo;
pub mod routes;
pub mod service;
