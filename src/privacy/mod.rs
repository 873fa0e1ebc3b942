//! The data-protection rights: a user's export of everything Vouch holds about them, and an
//! admin's erasure of a user (personal data replaced; shares kept, anonymised, so the org's
//! totals stay true).

pub mod repo;
pub mod routes;
pub mod service;
