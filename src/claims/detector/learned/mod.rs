//! The learned half of the claim detector: a logistic regression over readable features
//! (the rules' hits among them), trained on the labelled corpus, with an optional
//! per-organisation adjustment fitted on moderators' decisions.
//!
//! `features` turns a sentence into feature names, `train` fits and writes `weights.tsv`,
//! `model` embeds it and scores/explains sentences, `adjust` fits an organisation's delta,
//! `corpus` reads the labelled files.

pub mod adjust;
pub mod corpus;
pub mod features;
pub mod model;
pub mod structure;
pub mod train;

#[cfg(test)]
mod tests;

pub use adjust::{refit, Adjustment, RECALL_FLOOR};
pub use features::features;
pub use model::{assess, score, score_with, threshold, Assessment};
