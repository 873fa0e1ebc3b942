//! Shares: one ambassador publishing one approved story to one channel, in their own words,
//! with the org's disclosure and a tracked link. Creating one is `service`; composing its
//! text is `compose`; publishing it is a job on the durable queue (`publish`).

pub mod compose;
pub mod model;
pub mod originality;
pub mod post;
pub mod publish;
pub mod repo;
pub mod retract;
pub mod routes;
pub mod service;

pub use model::{Channel, PostState, Share, ShareStatus};
