//! `roa-diff accept --reason "..." [the diff's arguments]`: runs the same comparison and appends
//! one entry per current finding (an unaccepted change the policy trips on, or an unaccepted
//! loss of Runs on Atlassian) to the accept file. The file's own text and comments are kept:
//! entries are inserted as text at the end of the `accept:` list, never re-serialized, and the
//! result must parse with exactly the new entries added, or nothing is written.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::accept::{self, Finding, DEFAULT_FILE};
use crate::cli::DiffArgs;
use crate::error::{Error, Result};
use crate::policy::{fail_on_text, EXIT_ERROR, EXIT_OK};

#[derive(Args, Debug, Clone)]
pub struct AcceptArgs {
    /// Why the findings are accepted (required; it is shown wherever they are reported).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    #[command(flatten)]
    pub diff: DiffArgs,
}

/// A YAML scalar that reads back as exactly `text`: a JSON string is a valid YAML
/// double-quoted scalar, so no manifest text (newlines, `#`, `: `) can break out of it.
fn scalar(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// The entry text for one finding, each line indented by `indent` spaces.
fn entry_text(finding: &Finding, reason: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let fields: Vec<(&str, String)> = match finding {
        Finding::Change(c) => vec![
            ("fingerprint", c.fingerprint.clone()),
            ("rule", c.rule.as_str().to_string()),
            ("path", scalar(&c.path)),
            ("reason", scalar(reason)),
        ],
        Finding::RoaLost => vec![("roa", "lost".into()), ("reason", scalar(reason))],
    };
    let mut out = String::new();
    for (i, (key, value)) in fields.iter().enumerate() {
        let lead = if i == 0 { "- " } else { "  " };
        out.push_str(&format!("{pad}{lead}{key}: {value}\n"));
    }
    out
}

/// Whether a line starts a top-level key (not blank, not a comment, not a list item).
fn top_level_key(line: &str) -> bool {
    !line.is_empty() && !line.starts_with([' ', '\t', '#', '-'])
}

/// `text` with `entries` (built by `entry`, given the list's indentation) appended to its
/// top-level `accept:` list, which is created at the end when missing.
fn append_entries(text: &str, name: &str, entry: impl Fn(usize) -> String) -> Result<String> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| {
        l.strip_prefix("accept:")
            .is_some_and(|rest| rest.trim().is_empty() || rest.trim_start().starts_with('#'))
    }) else {
        if lines.iter().any(|l| l.starts_with("accept:")) {
            return Err(Error::new(
                name,
                "`accept:` is not a block list; write its entries one per `- ` line so new ones can be appended",
            ));
        }
        let mut out = text.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("accept:\n");
        out.push_str(&entry(2));
        return Ok(out);
    };
    let end = lines[start + 1..]
        .iter()
        .position(|l| top_level_key(l))
        .map_or(lines.len(), |i| start + 1 + i);
    // After the list's last item line: comments before the next key stay with that key.
    let last = (start + 1..end)
        .rev()
        .find(|&i| {
            let t = lines[i].trim_start();
            !t.is_empty() && !t.starts_with('#')
        })
        .unwrap_or(start);
    let indent = lines[start + 1..end]
        .iter()
        .find_map(|l| {
            let t = l.trim_start();
            t.starts_with('-').then(|| l.len() - t.len())
        })
        .unwrap_or(2);
    let mut out: String = lines[..=last].iter().map(|l| format!("{l}\n")).collect();
    out.push_str(&entry(indent));
    for l in &lines[last + 1..] {
        out.push_str(l);
        out.push('\n');
    }
    Ok(out)
}

pub fn run(args: &AcceptArgs) -> Result<i32> {
    let reason = args.reason.trim();
    if reason.is_empty() {
        return Err(Error::new(
            "--reason",
            "must say why the findings are accepted",
        ));
    }
    // `--accept FILE` names where to write; a file not written yet accepts nothing so far.
    let mut diff = args.diff.clone();
    if diff
        .accept
        .as_deref()
        .is_some_and(|f| f.symlink_metadata().is_err())
    {
        diff.accept = None;
    }
    let Some(outcome) = crate::cli::diff_outcome(&diff)? else {
        return Ok(EXIT_ERROR);
    };
    let findings = accept::findings(outcome.reports(), &args.diff.policy.fail_on);
    let file: PathBuf = args
        .diff
        .accept
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_FILE));
    if findings.is_empty() {
        eprintln!(
            "roa-diff accept: nothing to accept: no unaccepted change or loss of Runs on Atlassian trips --fail-on {}{}",
            fail_on_text(&args.diff.policy.fail_on),
            if outcome.reports().any(|r| !r.blockers.is_empty()) {
                " (deploy blockers cannot be accepted: forge deploy refuses them)"
            } else {
                ""
            }
        );
        return Ok(EXIT_OK);
    }
    write(&file, &findings, reason)?;
    let what: Vec<String> = findings
        .iter()
        .map(|f| match f {
            Finding::Change(c) => format!("{} at {}", c.rule, c.path),
            Finding::RoaLost => "roa: lost".to_string(),
        })
        .collect();
    eprintln!(
        "roa-diff accept: appended {} entr{} to {}: {}; commit it with the change (a run against a base revision reads the base's file: until the base holds these entries, add --accept-from head)",
        findings.len(),
        if findings.len() == 1 { "y" } else { "ies" },
        file.display(),
        crate::error::escape_line(&what.join(", "))
    );
    Ok(EXIT_OK)
}

/// Appends the entries to `file` (created when missing), after checking the result reads as
/// the old entries plus exactly these.
fn write(file: &Path, findings: &[Finding], reason: &str) -> Result<()> {
    let name = file.display().to_string();
    let old = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            "# Changes reviewed and accepted (roa-diff accept; see docs/output.md).\n".to_string()
        }
        Err(e) => return Err(Error::new(&name, format!("cannot read: {e}"))),
    };
    let before = accept::parse_text(&name, &old)?.entries.len();
    let new = append_entries(&old, &name, |indent| {
        findings
            .iter()
            .map(|f| entry_text(f, reason, indent))
            .collect()
    })?;
    let after = accept::parse_text(&name, &new).map_err(|e| {
        Error::new(
            &name,
            format!("appending would break the file ({e}); add the entries by hand"),
        )
    })?;
    if after.entries.len() != before + findings.len() {
        return Err(Error::new(
            &name,
            "appending would not add the entries as expected; add them by hand",
        ));
    }
    std::fs::write(file, new).map_err(|e| Error::new(&name, format!("cannot write: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(indent: usize) -> String {
        format!(
            "{}- roa: lost\n{}  reason: \"x\"\n",
            " ".repeat(indent),
            " ".repeat(indent)
        )
    }

    #[test]
    fn appends_at_the_end_of_the_list_keeping_comments_and_later_keys() {
        let text = "# top\naccept:\n    - rule: scope-added   # why\n      path: p\n      reason: r\n# about env\nenv: [A]\n";
        let out = append_entries(text, "f", entry).unwrap();
        assert_eq!(out, "# top\naccept:\n    - rule: scope-added   # why\n      path: p\n      reason: r\n    - roa: lost\n      reason: \"x\"\n# about env\nenv: [A]\n");
        assert_eq!(accept::parse_text("f", &out).unwrap().entries.len(), 2);
    }

    #[test]
    fn creates_the_list_when_missing_and_refuses_a_flow_list() {
        assert_eq!(
            append_entries("env: [A]", "f", entry).unwrap(),
            "env: [A]\naccept:\n  - roa: lost\n    reason: \"x\"\n"
        );
        let err = append_entries("accept: []\n", "f", entry).unwrap_err();
        assert!(err.to_string().contains("not a block list"), "{err}");
    }

    #[test]
    fn manifest_text_cannot_break_out_of_its_scalar() {
        let tricky = "a\"\n  - roa: lost\n    reason: # x";
        let text = append_entries("", "f", |i| {
            format!(
                "{}- rule: scope-added\n{}  path: {}\n{}  reason: r\n",
                " ".repeat(i),
                " ".repeat(i),
                scalar(tricky),
                " ".repeat(i)
            )
        })
        .unwrap();
        let file = accept::parse_text("f", &text).unwrap();
        assert_eq!(file.entries.len(), 1);
        assert!(
            matches!(&file.entries[0].matcher, accept::Matcher::RulePath { path, .. } if path == tricky)
        );
    }
}
