//! Network connectors against local fakes.
