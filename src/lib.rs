//! roa-diff: a semantic diff of two Atlassian Forge `manifest.yml` versions that predicts
//! whether the update is major (site admins must approve it) and whether it keeps the
//! Runs on Atlassian badge. See `docs/rules.md` for the rules.
//!
//! The pipeline: [`load`] reads and parses a manifest, [`model`] normalizes it, [`diff`]
//! classifies the changes with the [`rules`] catalogue, [`roa`] decides eligibility, and
//! [`report`] renders the result.

pub mod accept;
pub mod accept_cmd;
pub mod baseline;
pub mod blockers;
pub mod check;
pub mod cli;
pub mod diff;
pub mod error;
pub mod explain;
pub mod fingerprint;
pub mod git;
/// Fuzzing and regression entry points, not part of the API.
#[doc(hidden)]
pub mod harness;
pub mod hints;
pub mod hook;
pub mod load;
pub mod log;
pub mod model;
pub mod policy;
pub mod reader;
pub mod report;
pub mod roa;
pub mod rollout;
pub mod rules;
pub mod sections;
pub mod trust;

pub use error::{Error, Result};
pub use load::{LoadOptions, Source};
pub use report::{compare, Report, UpdateLevel};
