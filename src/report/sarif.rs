//! `--format sarif`: SARIF 2.1.0 for code scanning. The tool's rules are the whole catalogue
//! (one entry per rule id, read from `rules.rs`), each result points at the manifest line, and
//! accepted changes carry an external suppression with the reason.
//!
//! The log is serialized straight to the output from structs that borrow the reports, and
//! each result is built only while it is written: a `serde_json::Value` tree of a large report
//! took about ten times the memory of the JSON format (docs/performance.md). Every object's
//! fields are declared in sorted order, the order the `Value` tree printed them in, so the
//! text is what it was; `streamed_text_is_the_value_text` keeps them so.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use super::human::{sanitize, value_text};
use super::markdown::MarkdownOptions;
use super::{write_pretty, Lazy, Report};
use crate::blockers::{Blocker, BLOCKER_CODES};
use crate::diff::{Change, Side};
use crate::rules::{Level, RULES};

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Major => "error",
        Level::Minor => "note",
    }
}

/// The whole log: `runs` is a sequence of [`Run`].
#[derive(Serialize)]
pub(super) struct Log<R> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: R,
    version: &'static str,
}

impl<R> Log<R> {
    pub(super) fn new(runs: R) -> Self {
        Log {
            schema: SARIF_SCHEMA,
            runs,
            version: "2.1.0",
        }
    }
}

/// One run: `results` is a sequence of [`SarifResult`], `properties` the format's own.
#[derive(Serialize)]
pub(super) struct Run<'a, R, P> {
    pub properties: P,
    pub results: R,
    pub tool: Tool<'a>,
}

#[derive(Serialize)]
pub(super) struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    information_uri: &'a str,
    name: &'static str,
    rules: &'a [DriverRule],
    semantic_version: &'static str,
}

impl<'a> Tool<'a> {
    pub(super) fn new(options: &'a MarkdownOptions, rules: &'a [DriverRule]) -> Self {
        Tool {
            driver: Driver {
                information_uri: &options.rules_url,
                name: "roa-diff",
                rules,
                semantic_version: env!("CARGO_PKG_VERSION"),
            },
        }
    }
}

#[derive(Serialize)]
pub(super) struct Text<T> {
    pub text: T,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DriverRule {
    default_configuration: Configuration,
    full_description: Text<String>,
    help: Text<String>,
    help_uri: String,
    id: &'static str,
    name: &'static str,
    properties: RuleProperties,
    short_description: Text<&'static str>,
}

/// What kind of rule a driver rule is, as its `properties`.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum RuleProperties {
    Catalogue {
        basis: &'static str,
        level: &'static str,
    },
    Blocker {
        blocker: bool,
    },
    RoaReason {
        #[serde(rename = "roaReason")]
        roa_reason: bool,
    },
}

impl DriverRule {
    /// A rule at level error that is not in the catalogue (a blocker or a reason code).
    pub(super) fn error(
        code: &'static str,
        summary: &'static str,
        full: String,
        help_uri: String,
        help: String,
        properties: RuleProperties,
    ) -> Self {
        DriverRule {
            default_configuration: Configuration { level: "error" },
            full_description: Text { text: full },
            help: Text { text: help },
            help_uri,
            id: code,
            name: code,
            properties,
            short_description: Text { text: summary },
        }
    }
}

fn driver_rules(options: &MarkdownOptions) -> Vec<DriverRule> {
    RULES
        .iter()
        .map(|r| {
            let id = r.id.as_str();
            let full = if r.detail.is_empty() {
                r.summary.to_string()
            } else {
                format!("{} {}", r.summary, r.detail)
            };
            DriverRule {
                default_configuration: Configuration {
                    level: sarif_level(r.level),
                },
                full_description: Text { text: full },
                help: Text {
                    text: format!(
                        "{} update, basis {} ({}). Source: {}",
                        r.level.as_str(),
                        r.basis.as_str(),
                        r.basis.meaning(),
                        r.source
                    ),
                },
                help_uri: format!("{}#{id}", options.rules_url),
                id,
                name: id,
                properties: RuleProperties::Catalogue {
                    basis: r.basis.as_str(),
                    level: r.level.as_str(),
                },
                short_description: Text { text: r.summary },
            }
        })
        .chain(blocker_rules())
        .collect()
}

/// The driver rules of the deploy blocker codes.
pub(super) fn blocker_rules() -> impl Iterator<Item = DriverRule> {
    BLOCKER_CODES.iter().map(|b| {
        DriverRule::error(
            b.code,
            b.summary,
            format!("Deploy blocker: {}", b.summary),
            b.url.to_string(),
            format!(
                "forge deploy refuses this. Source: {} ({})",
                b.url, b.source
            ),
            RuleProperties::Blocker { blocker: true },
        )
    })
}

/// One result; the optional members are left out when absent.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SarifResult<'a> {
    level: &'static str,
    locations: [Location; 1],
    message: Text<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    partial_fingerprints: Option<PartialFingerprints<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties>,
    rule_id: &'a str,
    rule_index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression; 1]>,
}

impl<'a> SarifResult<'a> {
    /// A result located in the new manifest of `report`, with nothing optional; `message` is
    /// the text as written.
    pub(super) fn new(
        report: &Report,
        rule_id: &'a str,
        rule_index: usize,
        level: &'static str,
        message: String,
        line: Option<usize>,
        logical_path: &str,
    ) -> Self {
        SarifResult {
            level,
            locations: [Location {
                logical_locations: [LogicalLocation {
                    fully_qualified_name: sanitize(logical_path),
                }],
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: uri(report.new.file_path()),
                    },
                    region: line.map(|start_line| Region { start_line }),
                },
            }],
            message: Text { text: message },
            partial_fingerprints: None,
            properties: None,
            rule_id,
            rule_index,
            suppressions: None,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    logical_locations: [LogicalLocation; 1],
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
}

#[derive(Serialize)]
struct PartialFingerprints<'a> {
    #[serde(rename = "roaDiffChange/v1")]
    change: &'a str,
}

#[derive(Serialize)]
struct ResultProperties {
    overridden: OverriddenNote,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OverriddenNote {
    entry: String,
    rule_level: &'static str,
}

#[derive(Serialize)]
struct Suppression {
    justification: String,
    kind: &'static str,
    status: &'static str,
}

/// A deploy blocker as a result at level error; the blocker codes' driver rules start at
/// `first_index` (after the catalogue's rules in the diff's log).
pub(super) fn blocker_result<'a>(
    report: &Report,
    b: &'a Blocker,
    first_index: usize,
) -> SarifResult<'a> {
    let index = BLOCKER_CODES
        .iter()
        .position(|c| c.code == b.code)
        .unwrap_or(0);
    SarifResult::new(
        report,
        b.code,
        first_index + index,
        "error",
        // The message quotes the manifest (an analytics host), so links are escaped as in
        // every other message.
        message_text(&format!("Deploy blocked: {}", sanitize(&b.message))),
        b.line,
        &b.path,
    )
}

/// A relative path as a URI reference: `/` kept, anything outside the unreserved set
/// percent-encoded.
pub(super) fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A SARIF plain-text message: `[text](url)` is SARIF's embedded-link syntax (viewers render
/// it as a link), so the manifest's brackets, and the backslash that escapes them, are escaped.
pub(super) fn message_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn result<'a>(report: &Report, change: &'a Change) -> SarifResult<'a> {
    let mut message = sanitize(&change.message);
    if !change.before.is_null() || !change.after.is_null() {
        message.push_str(&format!(
            " ({} -> {})",
            sanitize(&value_text(&change.before)),
            sanitize(&value_text(&change.after))
        ));
    }
    // As in the GitHub format: a removal is located on the manifest as it is now, and its
    // line in the old version goes in the message.
    let line = match (change.side, change.line) {
        (Side::New, line) => line,
        (Side::Old, Some(line)) => {
            message.push_str(&format!(
                " [line {line} of {}]",
                sanitize(&report.old.source)
            ));
            None
        }
        (Side::Old, None) => None,
    };
    let mut result = SarifResult::new(
        report,
        change.rule.as_str(),
        change.rule as usize,
        sarif_level(change.level),
        message_text(&message),
        line,
        &change.path,
    );
    result.partial_fingerprints = Some(PartialFingerprints {
        change: &change.fingerprint,
    });
    result.properties = change.overridden.as_ref().map(|o| ResultProperties {
        overridden: OverriddenNote {
            entry: sanitize(&o.entry),
            rule_level: o.rule_level.as_str(),
        },
    });
    result.suppressions = change.accepted.as_ref().map(|a| {
        [Suppression {
            justification: format!("{} ({})", sanitize(&a.reason), sanitize(&a.entry)),
            kind: "external",
            status: "accepted",
        }]
    });
    result
}

/// The diff's own run properties: the verdict.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DiffProperties<W> {
    roa: &'static str,
    roa_accepted: Option<AcceptedNote>,
    rollout: &'static str,
    update: &'static str,
    warnings: W,
}

#[derive(Serialize)]
struct AcceptedNote {
    entry: String,
    reason: String,
}

/// The warnings of a report, sanitized, as an array written one at a time.
pub(super) fn warnings(report: &Report) -> impl Serialize + '_ {
    Lazy(move || report.warnings.iter().map(|w| sanitize(w)))
}

/// The SARIF log of the diff, one run per report, ready to serialize.
fn log<'a>(
    reports: &'a [&'a Report],
    options: &'a MarkdownOptions,
    rules: &'a [DriverRule],
) -> Log<impl Serialize + 'a> {
    Log::new(Lazy(move || {
        reports.iter().map(move |&report| Run {
            properties: DiffProperties {
                roa: report.roa_change().as_str(),
                roa_accepted: report.roa_accepted.as_ref().map(|a| AcceptedNote {
                    entry: sanitize(&a.entry),
                    reason: sanitize(&a.reason),
                }),
                rollout: report.rollout.as_str(),
                update: report.verdict_update().as_str(),
                warnings: warnings(report),
            },
            results: Lazy(move || {
                report
                    .blockers
                    .iter()
                    .map(move |b| blocker_result(report, b, RULES.len()))
                    .chain(report.changes.iter().map(move |c| result(report, c)))
            }),
            tool: Tool::new(options, rules),
        })
    }))
}

/// Writes the SARIF log of `reports` (one run each) to `out`, pretty-printed with a final
/// newline, without holding the document in memory.
pub fn write(
    out: &mut dyn Write,
    reports: &[&Report],
    options: &MarkdownOptions,
) -> io::Result<()> {
    let rules = driver_rules(options);
    let log = log(reports, options, &rules);
    write_pretty(out, &log)
}

/// The SARIF log as a JSON value, one run per report.
pub fn to_value(reports: &[Report], options: &MarkdownOptions) -> Value {
    let reports: Vec<&Report> = reports.iter().collect();
    let rules = driver_rules(options);
    // Serializing plain data to a Value cannot fail.
    serde_json::to_value(log(&reports, options, &rules)).unwrap_or_default()
}

/// The SARIF log of one report as text.
pub fn render(report: &Report, options: &MarkdownOptions) -> String {
    let mut text = Vec::new();
    // Writing to a Vec cannot fail, and serde_json writes UTF-8.
    let _ = write(&mut text, &[report], options);
    String::from_utf8(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_links_are_escaped() {
        assert_eq!(
            message_text("new remote [click](https://evil.example) a\\b"),
            "new remote \\[click\\](https://evil.example) a\\\\b"
        );
    }

    #[test]
    fn uris_are_percent_encoded_relative_references() {
        assert_eq!(uri("apps/a b/manifest.yml"), "apps/a%20b/manifest.yml");
        assert_eq!(uri("x#y?z"), "x%23y%3Fz");
        assert_eq!(uri("dir\\m.yml"), "dir/m.yml");
    }

    /// The streamed text must be what printing the `Value` tree gives (the text before SARIF
    /// was streamed): a `Value` object sorts its keys, so this holds only while every struct
    /// declares its fields in sorted order. Over every fixture case, with an accepted and an
    /// overridden change and an accepted loss (which no fixture has), and two runs in one log.
    #[test]
    fn streamed_text_is_the_value_text() {
        let options = MarkdownOptions::default();
        let reports = crate::report::fixture_reports();
        let one_run_each = reports.iter().map(std::slice::from_ref);
        for (i, logs) in one_run_each.chain([&reports[..2]]).enumerate() {
            let refs: Vec<&Report> = logs.iter().collect();
            let mut streamed = Vec::new();
            write(&mut streamed, &refs, &options).unwrap();
            let mut tree = serde_json::to_string_pretty(&to_value(logs, &options)).unwrap();
            tree.push('\n');
            let streamed = String::from_utf8(streamed).unwrap();
            let first_difference = streamed.lines().zip(tree.lines()).find(|(s, t)| s != t);
            assert!(
                streamed == tree,
                "report {i}: streamed line {first_difference:?} (streamed, tree)"
            );
        }
    }

    #[test]
    fn one_driver_rule_per_catalogue_rule_in_order() {
        let rules = serde_json::to_value(driver_rules(&MarkdownOptions::default())).unwrap();
        assert_eq!(
            rules.as_array().unwrap().len(),
            RULES.len() + BLOCKER_CODES.len()
        );
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(rules[i]["id"], r.id.as_str());
            assert_eq!(rules[i]["shortDescription"]["text"], r.summary);
        }
        for (i, b) in BLOCKER_CODES.iter().enumerate() {
            assert_eq!(rules[RULES.len() + i]["id"], b.code);
        }
    }
}
