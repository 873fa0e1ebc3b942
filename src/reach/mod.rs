//! Reach: what a share achieved. The networks' own figures, read on a schedule after
//! publishing (`metrics`); never an estimate presented as a measurement.

pub mod metrics;
pub mod repo;
