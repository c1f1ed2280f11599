//! `--format json`: the contract CI pipelines parse. Its shape is documented in
//! `docs/output.md`; change it only with a `SCHEMA_VERSION` bump.

use serde::Serialize;

use super::{Report, SideReport, UpdateLevel};
use crate::blockers::Blocker;
use crate::diff::Acceptance;
use crate::diff::Change;
use crate::report::unaccepted_update;
use crate::roa::{Reason, RoaChange};
use crate::rollout::Rollout;

/// Bumped whenever the shape of the JSON output changes.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    verdict: Verdict<'a>,
    /// What `forge deploy` would refuse; first, as in every format.
    blockers: &'a [Blocker],
    old: JsonSide<'a>,
    new: JsonSide<'a>,
    changes: &'a [Change],
    warnings: &'a [String],
}

#[derive(Serialize)]
struct Verdict<'a> {
    update: UpdateLevel,
    /// The update level counting only changes no accept entry covers.
    unaccepted_update: UpdateLevel,
    rollout: Rollout,
    roa: RoaVerdict<'a>,
}

#[derive(Serialize)]
struct RoaVerdict<'a> {
    /// `null` on a first release (there is no old version).
    before: Option<bool>,
    after: bool,
    change: RoaChange,
    accepted: Option<&'a Acceptance>,
}

#[derive(Serialize)]
struct JsonSide<'a> {
    source: &'a str,
    exists: bool,
    app_id: Option<&'a str>,
    eligible: bool,
    roa_reasons: &'a [Reason],
}

impl<'a> From<&'a SideReport> for JsonSide<'a> {
    fn from(side: &'a SideReport) -> Self {
        JsonSide {
            source: &side.source,
            exists: side.exists,
            app_id: side.app_id.as_deref(),
            eligible: side.eligible(),
            roa_reasons: &side.reasons,
        }
    }
}

fn json_report(report: &Report) -> JsonReport<'_> {
    JsonReport {
        schema_version: SCHEMA_VERSION,
        verdict: Verdict {
            update: report.verdict_update(),
            unaccepted_update: unaccepted_update(report),
            rollout: report.rollout,
            roa: RoaVerdict {
                // A first release has no old side to be eligible.
                before: (!report.first_release).then(|| report.old.eligible()),
                after: report.new.eligible(),
                change: report.roa_change(),
                accepted: report.roa_accepted.as_ref(),
            },
        },
        blockers: &report.blockers,
        old: (&report.old).into(),
        new: (&report.new).into(),
        changes: &report.changes,
        warnings: &report.warnings,
    }
}

/// The report as a JSON value.
pub fn to_value(report: &Report) -> serde_json::Value {
    // Serializing plain data to a Value cannot fail.
    serde_json::to_value(json_report(report)).unwrap_or_default()
}

/// What `--format json` prints: serialized straight to text, since a `Value` tree of a large
/// report takes several times the memory of the text.
pub fn render(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(&json_report(report)).unwrap_or_default();
    text.push('\n');
    text
}
