//! The use cases across domains: one file per thing that happens, its locks and its
//! transaction visible there. Handlers, pages, the CLI and the job registry call these;
//! these call the domains (their models, queries, rules and repositories) and the outbox;
//! no domain calls back up here, and no domain calls another's use cases
//! (`tests/layers.rs` reads the imports and keeps it so).
//!
//! Lock order, in every use case that takes more than one: the person's user row (what one
//! person does — consent, erasure, shares — happens one at a time), then the org row (its
//! content version), then a story row, then share rows one by one.

pub mod change_policy;
pub mod create_share;
pub mod decide_share;
pub mod edit_story;
pub mod erase_person;
pub mod housekeeping;
pub mod jobs;
pub mod judge_claim;
pub mod moderate_story;
pub mod queue_admin;
pub mod story_change;
pub mod withdraw_consent;
pub mod withdraw_story;
