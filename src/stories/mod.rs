//! Stories: company stories and ambassador testimonials, their captions per network, the
//! ambassadors' feed and the comms team's lists.

pub mod captions;
pub mod command;
pub mod feed_cache;
pub mod input;
pub mod model;
pub mod query;
pub mod repo;
pub mod routes;
pub mod service;
pub mod view;

pub use model::{Story, StoryKind, StoryStatus};
