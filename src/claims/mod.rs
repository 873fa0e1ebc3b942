//! Claims: the factual statements inside stories, how they are found, verified or dismissed,
//! and the gate that keeps unverified ones from going out under an employee's name.

pub mod detector;
pub mod gate;
pub mod model;
pub mod policy;
pub mod query;
pub mod repo;
pub mod routes;
pub mod service;
pub mod sync;
pub mod tuning;

pub use model::{Claim, ClaimStatus};
