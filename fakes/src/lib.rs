//! Local fakes of LinkedIn, X, Mastodon and Bluesky that follow the contracts in
//! `networks.md`, awkward parts included, for Vouch's tests, benchmarks and scripts.
//!
//! Each `start()` (inside a Tokio runtime) serves one network on a random loopback port and
//! returns a [`Fake`]: its `url()`, the default user, and the controls — `posts()`,
//! `fail_next(endpoint, Fault, times)`, `count(counter)`, `expire_tokens()`,
//! `revoke_refresh_tokens()`, `set_flag(flag, on)`, `issue_tokens()`. The same controls are
//! served over HTTP under `/_fake/` (`GET posts`, `GET user`, `POST faults`, `GET counters`,
//! `POST expire_tokens`, `POST flags`, `POST tokens`). Answers are immediate unless a
//! `Fault::Delay` is queued.
//!
//! Endpoint names for faults and counters: `authorize`, `token` (code and refresh grants),
//! `me`, `create`, `find`, `delete`, `metrics`; Mastodon adds `apps` and `revoke`; Bluesky
//! uses `session` (createSession), `refresh` (refreshSession) and `revoke` (deleteSession).
//! Counters besides those: `refresh` (every refresh attempt) and `create_session`.
//!
//! The hostile network is a set of faults and flags: a `Retry-After` of 300 million years
//! (`Fault::AbsurdRetryAfter`), HTML or binary bodies carrying [`LEAK_MARKER`]
//! (`Fault::Html`, `Fault::Binary`), redirects to loopback or metadata addresses
//! (`Fault::Redirect`), and Mastodon statuses whose `url` is `javascript:…` or on another
//! host (flags `javascript_urls`, `foreign_urls`).

// Handlers return the answer to give as their error: a fake's failure *is* an HTTP answer.
#![allow(clippy::result_large_err)]

pub mod bluesky;
mod common;
mod helpers;
pub mod linkedin;
pub mod mastodon;
pub mod x;

pub use common::{Fake, FakePost, FakeUser, Fault, Shared, LEAK_MARKER};
