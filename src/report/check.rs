//! `roa-diff check` in every format: each manifest's Runs on Atlassian reasons with the way to
//! qualify (once per reason code, read from its declaration in [`crate::roa`]), its deploy
//! blockers and its warnings. The report of a manifest is a first release's: only its new side,
//! blockers and warnings are shown, never the changes (there is nothing it is compared with).

use std::fmt::Write;

use serde::Serialize;
use serde_json::Value;

use super::human::{location, sanitize, HumanOptions};
use super::markdown::{code, MarkdownOptions};
use super::{github, json::SCHEMA_VERSION, sarif, Report};
use crate::blockers::Blocker;
use crate::roa::{reason_code, Reason, REASON_CODES};

/// The hidden marker that starts the markdown check report (a bot finds its comment by it).
pub const MARKER: &str = "<!-- roa-diff:check -->";

/// What `check` found, one report per manifest.
pub struct CheckReport {
    pub reports: Vec<Report>,
    /// Per report: whether `--fail-on` trips on it.
    pub failing: Vec<bool>,
    /// `--fail-on` as typed, for the refusal line.
    pub fail_on: String,
}

impl CheckReport {
    pub fn fails(&self) -> bool {
        self.failing.iter().any(|f| *f)
    }

    fn each(&self) -> impl Iterator<Item = (&Report, bool)> {
        self.reports.iter().zip(self.failing.iter().copied())
    }
}

/// The way to qualify for a reason code, from its declaration.
fn qualify(code: &str) -> &'static str {
    reason_code(code).map(|c| c.qualify).unwrap_or_default()
}

/// The reasons grouped by code, in report order: the way to qualify is said once per code.
fn by_code(reasons: &[Reason]) -> Vec<(&'static str, Vec<&Reason>)> {
    REASON_CODES
        .iter()
        .map(|c| {
            (
                c.code,
                reasons.iter().filter(|r| r.code == c.code).collect(),
            )
        })
        .filter(|(_, rs): &(_, Vec<_>)| !rs.is_empty())
        .collect()
}

/// The one line at the end of a refused run, saying how to go on.
fn way_forward(check: &CheckReport) -> String {
    format!(
        "roa-diff check: refused by --fail-on {}: change the manifest as shown above (roa-diff explain CODE tells more), or report without failing with --fail-on never",
        check.fail_on
    )
}

pub fn human(check: &CheckReport, options: &HumanOptions) -> String {
    let paint = |code: &str, text: &str| {
        if options.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    for (i, report) in check.reports.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let side = &report.new;
        let app = side
            .app_id
            .as_deref()
            .map(|id| format!(" (app {})", sanitize(id)))
            .unwrap_or_default();
        let _ = writeln!(out, "{}{app}", paint("1", &sanitize(&side.source)));
        for b in &report.blockers {
            let _ = writeln!(
                out,
                "  {} {} at {} ({}): {}",
                paint("1;31", "Deploy blocked:"),
                b.code,
                sanitize(&b.path),
                sanitize(&location(side, b.line)),
                sanitize(&b.message)
            );
        }
        if report.blockers.is_empty() {
            let _ = writeln!(out, "  Deploy: nothing forge deploy would refuse");
        }
        if side.eligible() {
            let _ = writeln!(out, "  Runs on Atlassian: {}", paint("32", "eligible"));
        } else {
            let _ = writeln!(
                out,
                "  Runs on Atlassian: {} ({} reason{})",
                paint("1;31", "NOT eligible"),
                side.reasons.len(),
                if side.reasons.len() == 1 { "" } else { "s" }
            );
        }
        for (code, reasons) in by_code(&side.reasons) {
            for r in reasons {
                let _ = writeln!(
                    out,
                    "    {code:<34} {}  {}",
                    sanitize(&r.path),
                    paint("2", &sanitize(&location(side, r.line)))
                );
            }
            let _ = writeln!(out, "      to qualify: {}", qualify(code));
        }
        if !report.warnings.is_empty() {
            let _ = writeln!(out, "  Warnings:");
            for w in &report.warnings {
                let _ = writeln!(out, "    {}", paint("33", &sanitize(w)));
            }
        }
    }
    let count = |f: fn(&Report) -> bool| check.reports.iter().filter(|r| f(r)).count();
    let _ = writeln!(
        out,
        "\n{} manifest{} checked: {} not eligible for Runs on Atlassian, {} blocked from deploy.",
        check.reports.len(),
        if check.reports.len() == 1 { "" } else { "s" },
        count(|r| !r.new.eligible()),
        count(|r| !r.blockers.is_empty()),
    );
    if check.fails() {
        let _ = writeln!(out, "{}", way_forward(check));
    }
    out
}

#[derive(Serialize)]
struct JsonReason<'a> {
    code: &'a str,
    path: &'a str,
    line: Option<usize>,
    how_to_qualify: &'static str,
}

#[derive(Serialize)]
struct JsonManifest<'a> {
    source: &'a str,
    app_id: Option<&'a str>,
    eligible: bool,
    blocked: bool,
    /// Whether `--fail-on` trips on this manifest.
    fails: bool,
    roa_reasons: Vec<JsonReason<'a>>,
    blockers: &'a [Blocker],
    warnings: &'a [String],
}

#[derive(Serialize)]
struct JsonCheck<'a> {
    schema_version: u32,
    command: &'static str,
    /// Whether the run exits 1.
    fails: bool,
    manifests: Vec<JsonManifest<'a>>,
}

pub fn to_json_value(check: &CheckReport) -> Value {
    serde_json::to_value(json_check(check)).unwrap_or_default()
}

fn json_check(check: &CheckReport) -> JsonCheck<'_> {
    JsonCheck {
        schema_version: SCHEMA_VERSION,
        command: "check",
        fails: check.fails(),
        manifests: check
            .each()
            .map(|(r, fails)| JsonManifest {
                source: &r.new.source,
                app_id: r.new.app_id.as_deref(),
                eligible: r.new.eligible(),
                blocked: !r.blockers.is_empty(),
                fails,
                roa_reasons: r
                    .new
                    .reasons
                    .iter()
                    .map(|reason| JsonReason {
                        code: reason.code,
                        path: &reason.path,
                        line: reason.line,
                        how_to_qualify: qualify(reason.code),
                    })
                    .collect(),
                blockers: &r.blockers,
                warnings: &r.warnings,
            })
            .collect(),
    }
}

/// Writes `roa-diff check --format json` to `out` as it is serialized, without holding the text.
pub fn write_json(out: &mut dyn std::io::Write, check: &CheckReport) -> std::io::Result<()> {
    super::write_pretty(out, &json_check(check))
}

/// The markdown report: manifest text only inside code spans (see [`code`]); the ways to
/// qualify are roa-diff's own text.
pub fn markdown(check: &CheckReport) -> String {
    let mut out = format!("{MARKER}\n");
    for (report, fails) in check.each() {
        let side = &report.new;
        let icon = if fails { "🔴" } else { "🟢" };
        let eligibility = if side.eligible() {
            "eligible for Runs on Atlassian"
        } else {
            "**not eligible** for Runs on Atlassian"
        };
        let blocked = if report.blockers.is_empty() {
            ""
        } else {
            ", **deploy blocked**"
        };
        let _ = writeln!(
            out,
            "### {icon} roa-diff check: {}\n\n{eligibility}{blocked}\n",
            code(&side.source, false)
        );
        for b in &report.blockers {
            let _ = writeln!(
                out,
                "- **Deploy blocked** `{}` at {} ({}): {}",
                b.code,
                code(&b.path, false),
                code(&location(side, b.line), false),
                code(&b.message, false)
            );
        }
        if !report.blockers.is_empty() {
            out.push('\n');
        }
        if !side.reasons.is_empty() {
            out.push_str("| reason | where | line |\n|---|---|---|\n");
            for r in &side.reasons {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} |",
                    r.code,
                    code(&r.path, true),
                    r.line.map(|l| l.to_string()).unwrap_or_default()
                );
            }
            out.push_str("\n**To qualify:**\n\n");
            for (c, _) in by_code(&side.reasons) {
                let _ = writeln!(out, "- `{c}`: {}", qualify(c));
            }
            out.push('\n');
        }
        if !report.warnings.is_empty() {
            out.push_str("<details><summary>Warnings</summary>\n\n");
            for w in &report.warnings {
                let _ = writeln!(out, "- {}", code(w, false));
            }
            out.push_str("\n</details>\n\n");
        }
    }
    if check.fails() {
        let _ = writeln!(out, "{}", way_forward(check));
    }
    out
}

/// GitHub annotations: blockers as errors, each reason on its line (an error when the policy
/// fails on it, else a warning) with the way to qualify, then the warnings.
pub fn github(check: &CheckReport) -> String {
    let mut out = String::new();
    for (report, fails) in check.each() {
        for b in &report.blockers {
            out.push_str(&github::blocker_command(report, b));
        }
        let kind = if fails && !report.new.eligible() {
            "error"
        } else {
            "warning"
        };
        for r in &report.new.reasons {
            let mut properties = vec![("file", sanitize(report.new.file_path()))];
            if let Some(line) = r.line {
                properties.push(("line", line.to_string()));
            }
            properties.push((
                "title",
                format!("roa-diff: not eligible for Runs on Atlassian ({})", r.code),
            ));
            out.push_str(&github::command(
                kind,
                &properties,
                &format!(
                    "{} at {}\nTo qualify: {}",
                    r.code,
                    sanitize(&r.path),
                    qualify(r.code)
                ),
            ));
        }
        for w in &report.warnings {
            out.push_str(&github::command(
                "warning",
                &[("title", "roa-diff".to_string())],
                &sanitize(w),
            ));
        }
        let _ = writeln!(
            out,
            "roa-diff check: {}: Runs on Atlassian {}, {} deploy blocker(s)",
            sanitize(&report.new.source),
            if report.new.eligible() {
                "eligible"
            } else {
                "not eligible"
            },
            report.blockers.len()
        );
    }
    if check.fails() {
        let _ = writeln!(out, "{}", way_forward(check));
    }
    out
}

/// SARIF: one run per manifest; the driver's rules are the blocker codes, then the reason
/// codes (with the way to qualify as their help). Written to `out` as it is built, like the
/// diff's (`sarif::write`).
pub fn write_sarif(
    out: &mut dyn std::io::Write,
    check: &CheckReport,
    options: &MarkdownOptions,
) -> std::io::Result<()> {
    let blocker_count = crate::blockers::BLOCKER_CODES.len();
    let rules: Vec<sarif::DriverRule> = sarif::blocker_rules()
        .chain(REASON_CODES.iter().map(|c| {
            sarif::DriverRule::error(
                c.code,
                c.summary,
                format!("Not eligible for Runs on Atlassian: {}", c.summary),
                format!("{}#runs-on-atlassian-reasons", options.rules_url),
                format!("To qualify: {} Source: {} ({})", c.qualify, c.url, c.source),
                sarif::RuleProperties::RoaReason { roa_reason: true },
            )
        }))
        .collect();
    let rules = &rules;
    let log = sarif::Log::new(super::Lazy(|| {
        check.each().map(move |(report, fails)| {
            let level = if fails && !report.new.eligible() {
                "error"
            } else {
                "warning"
            };
            let reasons = move || {
                report.new.reasons.iter().map(move |r| {
                    sarif::SarifResult::new(
                        report,
                        r.code,
                        blocker_count
                            + REASON_CODES
                                .iter()
                                .position(|c| c.code == r.code)
                                .unwrap_or(0),
                        level,
                        sarif::message_text(&format!(
                            "Not eligible for Runs on Atlassian: {} at {}. To qualify: {}",
                            r.code,
                            sanitize(&r.path),
                            qualify(r.code)
                        )),
                        r.line,
                        &r.path,
                    )
                })
            };
            sarif::Run {
                properties: CheckProperties {
                    command: "check",
                    eligible: report.new.eligible(),
                    fails,
                    warnings: sarif::warnings(report),
                },
                results: super::Lazy(move || {
                    report
                        .blockers
                        .iter()
                        .map(move |b| sarif::blocker_result(report, b, 0))
                        .chain(reasons())
                }),
                tool: sarif::Tool::new(options, rules),
            }
        })
    }));
    super::write_pretty(out, &log)
}

/// The check's own run properties.
#[derive(Serialize)]
struct CheckProperties<W> {
    command: &'static str,
    eligible: bool,
    fails: bool,
    warnings: W,
}
