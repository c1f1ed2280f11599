//! `--format github`: GitHub Actions workflow commands, so changes show as annotations on the
//! manifest in the pull request. Major changes are errors, minor ones notices, accepted ones
//! notices that say so; warnings are warnings. With `GITHUB_STEP_SUMMARY` set, the markdown
//! report is appended to the job summary as well.
//!
//! Manifest text is escaped as GitHub's own toolkit does (`@actions/core` `command.ts`): `%`,
//! CR and LF in the message; also `:` and `,` in properties. Other control characters (escape
//! sequences, which the log viewer renders) are shown as `\u{..}` first.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use super::human::{sanitize, value_text};
use super::Report;
use crate::diff::Acceptance;
use crate::diff::{Change, Side};
use crate::error::{Error, Result};
use crate::report::roa_lost_unaccepted;
use crate::rules::Level;

/// Escapes a workflow command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command property value (`file`, `title`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub(super) fn command(kind: &str, properties: &[(&str, String)], message: &str) -> String {
    let props: Vec<String> = properties
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    let sep = if props.is_empty() { "" } else { " " };
    format!(
        "::{kind}{sep}{}::{}\n",
        props.join(","),
        escape_data(message)
    )
}

fn push_acceptance(message: &mut String, acceptance: Option<&Acceptance>) {
    if let Some(a) = acceptance {
        let _ = write!(
            message,
            "\nAccepted ({}): {}",
            sanitize(&a.entry),
            sanitize(&a.reason)
        );
    }
}

fn change_command(report: &Report, change: &Change) -> String {
    let rule = change.rule.rule();
    let kind = match (change.level, &change.accepted) {
        (Level::Major, None) => "error",
        _ => "notice",
    };
    let mut message = sanitize(&change.message);
    if !change.before.is_null() || !change.after.is_null() {
        let _ = write!(
            message,
            "\n{} -> {}",
            sanitize(&value_text(&change.before)),
            sanitize(&value_text(&change.after))
        );
    }
    let _ = write!(message, "\nWhy: {}", rule.summary);
    // A removal's line is in the old version; the annotation goes on the manifest as it is now,
    // so it names the old line instead of pointing at an unrelated new one.
    let mut properties = vec![("file", sanitize(report.new.file_path()))];
    match (change.side, change.line) {
        (Side::New, Some(line)) => properties.push(("line", line.to_string())),
        (Side::Old, Some(line)) => {
            let _ = write!(
                message,
                "\n(line {line} of {})",
                sanitize(&report.old.source)
            );
        }
        (_, None) => {}
    }
    push_acceptance(&mut message, change.accepted.as_ref());
    let _ = write!(message, "\nfingerprint {}", change.fingerprint);
    let accepted = if change.accepted.is_some() {
        ", accepted"
    } else {
        ""
    };
    let overridden = match &change.overridden {
        Some(o) => {
            let _ = write!(
                message,
                "\nLevel overridden ({}): {} in the rule book",
                sanitize(&o.entry),
                o.rule_level.as_str()
            );
            ", overridden"
        }
        None => "",
    };
    properties.push((
        "title",
        format!(
            "roa-diff: {} ({}{overridden}{accepted})",
            change.rule.as_str(),
            change.level.as_str()
        ),
    ));
    command(kind, &properties, &message)
}

/// A deploy blocker as an error annotation on its line of the new manifest.
pub(super) fn blocker_command(report: &Report, b: &crate::blockers::Blocker) -> String {
    let mut properties = vec![("file", sanitize(report.new.file_path()))];
    if let Some(line) = b.line {
        properties.push(("line", line.to_string()));
    }
    properties.push(("title", format!("roa-diff: deploy blocked ({})", b.code)));
    command(
        "error",
        &properties,
        &format!(
            "{} at {}: {}",
            b.code,
            sanitize(&b.path),
            sanitize(&b.message)
        ),
    )
}

/// The workflow commands for one report.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    // Deploy blockers first, as errors: forge deploy would refuse the manifest.
    for b in &report.blockers {
        out.push_str(&blocker_command(report, b));
    }
    for change in &report.changes {
        out.push_str(&change_command(report, change));
    }
    if report.roa_change() == crate::roa::RoaChange::Lost {
        let kind = if roa_lost_unaccepted(report) {
            "error"
        } else {
            "notice"
        };
        let mut message =
            String::from("This version is not eligible for Runs on Atlassian; the old one was.");
        for reason in &report.new.reasons {
            let _ = write!(message, "\n{} at {}", reason.code, sanitize(&reason.path));
        }
        push_acceptance(&mut message, report.roa_accepted.as_ref());
        out.push_str(&command(
            kind,
            &[
                ("file", sanitize(report.new.file_path())),
                ("title", "roa-diff: Runs on Atlassian lost".to_string()),
            ],
            &message,
        ));
    }
    for warning in &report.warnings {
        out.push_str(&command(
            "warning",
            &[("title", "roa-diff".to_string())],
            &sanitize(warning),
        ));
    }
    let _ = writeln!(
        out,
        "roa-diff: {} update, Runs on Atlassian {}, rollout {}, {} change(s), {} deploy blocker(s)",
        report.verdict_update().as_str(),
        report.roa_change().as_str(),
        report.rollout.as_str(),
        report.changes.len(),
        report.blockers.len()
    );
    out
}

/// Appends the markdown report to the job summary file (`$GITHUB_STEP_SUMMARY`).
pub fn append_step_summary(path: &Path, markdown: &str) -> Result<()> {
    let fail = |e: std::io::Error| {
        Error::new(
            path.display().to_string(),
            format!("cannot append the job summary (GITHUB_STEP_SUMMARY): {e}"),
        )
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(fail)?;
    file.write_all(markdown.as_bytes()).map_err(fail)?;
    file.write_all(b"\n").map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_actions_toolkit() {
        assert_eq!(escape_data("100% a\r\nb"), "100%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(
            command(
                "error",
                &[("file", "x,y.yml".into()), ("line", "3".into())],
                "m::n\n::error::x"
            ),
            "::error file=x%2Cy.yml,line=3::m::n%0A::error::x\n"
        );
        assert_eq!(command("warning", &[], "w"), "::warning::w\n");
    }
}
