//! Integration tests: each starts the real app on a random port with a fresh database
//! (SQLite, or PostgreSQL when VOUCH_TEST_DATABASE_URL is set) and talks HTTP to it.

mod helpers;

mod accounts;
mod analytics;
mod auth_login;
mod auth_tokens;
mod careers;
mod claims;
mod cli;
mod concurrency;
mod consent;
mod consent_races;
mod contract;
mod detector;
mod disguises;
mod errors;
mod faults;
mod feed_cache;
mod hostile;
mod indexes;
mod integrity;
mod links;
mod logs;
mod migrations;
mod moderation;
mod nul;
mod oauth_e2e;
mod outbox;
mod pages;
mod policy;
mod privacy;
mod publishing;
mod service;
mod shares;
mod stories;
mod takedown;
