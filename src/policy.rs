//! The `--fail-on` policy and the exit statuses it leads to, shared by the diff, `check`, the
//! hooks and `roa-diff log`: the layer between the commands and the reports they judge.

use clap::{Args, ValueEnum};

use crate::report::apps::AppsReport;
use crate::report::{roa_lost_unaccepted, unaccepted_update, Report, UpdateLevel};
use crate::rules::Level;

/// Exit status: nothing the policy fails on.
pub const EXIT_OK: i32 = 0;
/// Exit status: the `--fail-on` policy tripped.
pub const EXIT_POLICY: i32 = 1;
/// Exit status: bad arguments, or input that could not be read.
pub const EXIT_ERROR: i32 = 2;

/// What makes the run exit 1.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A major change that no accept entry covers.
    Major,
    /// Runs on Atlassian eligibility is lost, and no `roa: lost` entry accepts it.
    RoaLost,
    /// Any semantic change that no accept entry covers.
    Any,
    /// `forge deploy` would refuse the new manifest (a deploy blocker).
    Blocked,
    /// The new manifest is not eligible for Runs on Atlassian (first releases included).
    Ineligible,
    /// Never fail (report only).
    Never,
}

/// `--fail-on` when not given.
pub const DEFAULT_FAIL_ON: &str = "major,roa-lost,blocked";

/// `--fail-on`, shared by the diff and the hooks.
#[derive(Args, Debug, Clone)]
pub struct Policy {
    /// When to fail (exit 1; in a hook, refuse the commit or push), as a comma list.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = DEFAULT_FAIL_ON
    )]
    pub fail_on: Vec<FailOn>,
}

/// Whether the policy trips on any app of a `--git` report (`any` also trips on a removed app).
pub fn apps_policy_trips(report: &AppsReport, fail_on: &[FailOn]) -> bool {
    report.reports().any(|r| policy_trips(r, fail_on))
        || (fail_on.contains(&FailOn::Any) && report.any_removed())
}

/// Whether the policy trips on this report. Accepted changes (and an accepted loss of Runs on
/// Atlassian) never trip it.
pub fn policy_trips(report: &Report, fail_on: &[FailOn]) -> bool {
    fail_on.iter().any(|f| match f {
        FailOn::Major => unaccepted_update(report) == UpdateLevel::Major,
        FailOn::RoaLost => roa_lost_unaccepted(report),
        // A first release is not an update: no update policy trips on it.
        FailOn::Any => matches!(
            unaccepted_update(report),
            UpdateLevel::Minor | UpdateLevel::Major
        ),
        FailOn::Blocked => !report.blockers.is_empty(),
        FailOn::Ineligible => !report.new.eligible(),
        FailOn::Never => false,
    })
}

/// The `--fail-on` value as typed, for refusal lines.
pub fn fail_on_text(fail_on: &[FailOn]) -> String {
    fail_on
        .iter()
        .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The lowest change level the policy trips on (`None`: no update policy).
pub fn tripping_level(fail_on: &[FailOn]) -> Option<Level> {
    if fail_on.contains(&FailOn::Any) {
        Some(Level::Minor)
    } else if fail_on.contains(&FailOn::Major) {
        Some(Level::Major)
    } else {
        None
    }
}
