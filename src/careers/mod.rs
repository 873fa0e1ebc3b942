//! The careers page: `GET /public/v1/testimonials` for a site holding an API key, and
//! `GET /widget.js`, the script such a site embeds to show them.
//!
//! A testimonial is on the careers page while it is shared there (a `published` share to
//! `careers_page`), its story is publishable by the verdict the gate stored with it
//! (`Story::publishable_at`, the feed's own test), and its author's consent is live. Each
//! process keeps every org's list in memory (`projection`), with the org's content version
//! it was read under: the stories' command path, consent, erasure, profile changes and
//! careers-page publications bump that version, so the next request rebuilds it.

pub mod cors;
pub mod projection;
pub mod repo;
pub mod routes;
pub mod widget;

pub use projection::Careers;
