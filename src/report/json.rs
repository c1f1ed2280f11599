//! `--format json`: the contract CI pipelines parse. Its shape is documented in
//! `docs/output.md`; change it only with a `SCHEMA_VERSION` bump.

use std::io::{self, Write};

use serde::ser::{Error as _, SerializeStruct};
use serde::{Serialize, Serializer};

use super::{write_pretty, Lazy};
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

/// Writes what `--format json` prints to `out` as it is serialized: neither a `Value` tree nor
/// the whole text is held (a large report's text is several times the report's memory).
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    write_pretty(out, &json_report(report))
}

/// What `--format json` prints, as one string.
pub fn render(report: &Report) -> String {
    let mut text = Vec::new();
    // Writing to a Vec cannot fail, and serde_json writes UTF-8.
    let _ = write(&mut text, report);
    String::from_utf8(text).unwrap_or_default()
}

/// A value printed as its `serde_json::Value` prints: every object's keys sorted. Meant for the
/// small objects of a report (one change, one blocker), converted one at a time.
struct AsValue<T>(T);

impl<T: Serialize> Serialize for AsValue<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde_json::to_value(&self.0)
            .map_err(S::Error::custom)?
            .serialize(serializer)
    }
}

/// `items` as a JSON array of [`AsValue`]s, each converted only while it is written.
fn each_as_value<T: Serialize>(items: &[T]) -> impl Serialize + '_ {
    Lazy(move || items.iter().map(AsValue))
}

/// The report with every object's keys in sorted order: how `--git --format json` has always
/// printed each app's report (it was a `serde_json::Value`, whose objects sort their keys).
/// Written without that tree: the fields go out in sorted order here, and each change,
/// blocker and reason through its own small `Value`. `apps::tests` compares the text with the
/// tree's.
pub(super) struct SortedKeys<'a>(JsonReport<'a>);

impl<'a> SortedKeys<'a> {
    pub(super) fn new(report: &'a Report) -> Self {
        SortedKeys(json_report(report))
    }
}

impl Serialize for SortedKeys<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Taken apart whole, so a field added to JsonReport fails to compile here.
        let JsonReport {
            schema_version,
            verdict,
            blockers,
            old,
            new,
            changes,
            warnings,
        } = &self.0;
        let mut out = serializer.serialize_struct("JsonReport", 7)?;
        out.serialize_field("blockers", &each_as_value(blockers))?;
        out.serialize_field("changes", &each_as_value(changes))?;
        out.serialize_field("new", &SortedSide(new))?;
        out.serialize_field("old", &SortedSide(old))?;
        out.serialize_field("schema_version", schema_version)?;
        out.serialize_field("verdict", &AsValue(verdict))?;
        out.serialize_field("warnings", warnings)?;
        out.end()
    }
}

/// A side with its keys in sorted order (see [`SortedKeys`]).
struct SortedSide<'s, 'a>(&'s JsonSide<'a>);

impl Serialize for SortedSide<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let JsonSide {
            source,
            exists,
            app_id,
            eligible,
            roa_reasons,
        } = self.0;
        let mut out = serializer.serialize_struct("JsonSide", 5)?;
        out.serialize_field("app_id", app_id)?;
        out.serialize_field("eligible", eligible)?;
        out.serialize_field("exists", exists)?;
        out.serialize_field("roa_reasons", &each_as_value(roa_reasons))?;
        out.serialize_field("source", source)?;
        out.end()
    }
}
