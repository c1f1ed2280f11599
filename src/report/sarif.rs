//! `--format sarif`: SARIF 2.1.0 for code scanning. The tool's rules are the whole catalogue
//! (one entry per rule id, read from `rules.rs`), each result points at the manifest line, and
//! accepted changes carry an external suppression with the reason.

use serde_json::{json, Value};

use super::human::{sanitize, value_text};
use super::markdown::MarkdownOptions;
use super::Report;
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

fn driver_rules(options: &MarkdownOptions) -> Vec<Value> {
    RULES
        .iter()
        .map(|r| {
            let id = r.id.as_str();
            let full = if r.detail.is_empty() {
                r.summary.to_string()
            } else {
                format!("{} {}", r.summary, r.detail)
            };
            json!({
                "id": id,
                "name": id,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": full},
                "helpUri": format!("{}#{id}", options.rules_url),
                "help": {"text": format!("{} update, basis {} ({}). Source: {}", r.level.as_str(), r.basis.as_str(), r.basis.meaning(), r.source)},
                "defaultConfiguration": {"level": sarif_level(r.level)},
                "properties": {"level": r.level.as_str(), "basis": r.basis.as_str()}
            })
        })
        .chain(blocker_rules())
        .collect()
}

/// The driver rules of the deploy blocker codes.
pub(super) fn blocker_rules() -> impl Iterator<Item = Value> {
    BLOCKER_CODES.iter().map(|b| {
            json!({
                "id": b.code,
                "name": b.code,
                "shortDescription": {"text": b.summary},
                "fullDescription": {"text": format!("Deploy blocker: {}", b.summary)},
                "helpUri": b.url,
                "help": {"text": format!("forge deploy refuses this. Source: {} ({})", b.url, b.source)},
                "defaultConfiguration": {"level": "error"},
                "properties": {"blocker": true}
            })
        })
}

/// A deploy blocker as a result at level error; the blocker codes' driver rules start at
/// `first_index` (after the catalogue's rules in the diff's log).
pub(super) fn blocker_result(report: &Report, b: &Blocker, first_index: usize) -> Value {
    let mut physical = json!({"artifactLocation": {"uri": uri(report.new.file_path())}});
    if let Some(line) = b.line {
        physical["region"] = json!({"startLine": line});
    }
    let index = BLOCKER_CODES
        .iter()
        .position(|c| c.code == b.code)
        .unwrap_or(0);
    json!({
        "ruleId": b.code,
        "ruleIndex": first_index + index,
        "level": "error",
        "message": {"text": format!("Deploy blocked: {}", sanitize(&b.message))},
        "locations": [{
            "physicalLocation": physical,
            "logicalLocations": [{"fullyQualifiedName": sanitize(&b.path)}]
        }],
    })
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

fn result(report: &Report, change: &Change) -> Value {
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
    let mut physical = json!({"artifactLocation": {"uri": uri(report.new.file_path())}});
    match (change.side, change.line) {
        (Side::New, Some(line)) => physical["region"] = json!({"startLine": line}),
        (Side::Old, Some(line)) => message.push_str(&format!(
            " [line {line} of {}]",
            sanitize(&report.old.source)
        )),
        (_, None) => {}
    }
    let mut result = json!({
        "ruleId": change.rule.as_str(),
        "ruleIndex": change.rule as usize,
        "level": sarif_level(change.level),
        "message": {"text": message_text(&message)},
        "locations": [{
            "physicalLocation": physical,
            "logicalLocations": [{"fullyQualifiedName": sanitize(&change.path)}]
        }],
        "partialFingerprints": {"roaDiffChange/v1": change.fingerprint},
    });
    if let Some(o) = &change.overridden {
        result["properties"] = json!({"overridden": {
            "ruleLevel": o.rule_level.as_str(),
            "entry": sanitize(&o.entry),
        }});
    }
    if let Some(a) = &change.accepted {
        result["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": format!("{} ({})", sanitize(&a.reason), sanitize(&a.entry)),
        }]);
    }
    result
}

/// The SARIF log as a JSON value, one run per report.
pub fn to_value(reports: &[Report], options: &MarkdownOptions) -> Value {
    let runs: Vec<Value> = reports
        .iter()
        .map(|report| {
            json!({
                "tool": {"driver": {
                    "name": "roa-diff",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": options.rules_url,
                    "rules": driver_rules(options),
                }},
                "results": report
                    .blockers
                    .iter()
                    .map(|b| blocker_result(report, b, RULES.len()))
                    .chain(report.changes.iter().map(|c| result(report, c)))
                    .collect::<Vec<_>>(),
                "properties": {
                    "update": report.verdict_update().as_str(),
                    "roa": report.roa_change().as_str(),
                    "rollout": report.rollout.as_str(),
                    "roaAccepted": report.roa_accepted.as_ref().map(|a| json!({
                        "reason": sanitize(&a.reason),
                        "entry": sanitize(&a.entry),
                    })),
                    "warnings": report.warnings.iter().map(|w| sanitize(w)).collect::<Vec<_>>(),
                },
            })
        })
        .collect();
    json!({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": runs})
}

pub fn render(report: &Report, options: &MarkdownOptions) -> String {
    render_all(std::slice::from_ref(report), options)
}

pub fn render_all(reports: &[Report], options: &MarkdownOptions) -> String {
    let mut text = serde_json::to_string_pretty(&to_value(reports, options)).unwrap_or_default();
    text.push('\n');
    text
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

    #[test]
    fn one_driver_rule_per_catalogue_rule_in_order() {
        let rules = driver_rules(&MarkdownOptions::default());
        assert_eq!(rules.len(), RULES.len() + BLOCKER_CODES.len());
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(rules[i]["id"], r.id.as_str());
            assert_eq!(rules[i]["shortDescription"]["text"], r.summary);
        }
        for (i, b) in BLOCKER_CODES.iter().enumerate() {
            assert_eq!(rules[RULES.len() + i]["id"], b.code);
        }
    }
}
