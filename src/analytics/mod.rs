//! What ambassadors' shares achieved, for the comms team (per story, ambassador, channel,
//! topic, day or week), for each ambassador (their own), and who takes part. Figures are
//! what was measured: the networks' reports and our own counts, never an estimate presented
//! as one; earned media value appears only when the org set rates, labelled as a model.

pub mod chart;
pub mod csv;
pub mod figures;
pub mod repo;
pub mod report;
pub mod routes;
pub mod service;
