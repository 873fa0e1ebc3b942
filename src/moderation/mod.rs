//! Moderation: submitting for review, the comms team's decisions (each with a reason and a
//! mail to the author), the review queue with waiting times, and the batched review digest.

pub mod cascade;
pub mod digest;
pub mod routes;
pub mod service;
