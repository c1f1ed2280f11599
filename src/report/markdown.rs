//! `--format markdown`: a pull-request comment. The verdict as a headline, a table of changes,
//! the Runs on Atlassian reasons of each side, a short "why" per rule linking to docs/rules.md,
//! and a hidden marker a bot uses to find and update its own comment.
//!
//! Every string that comes from a manifest (paths, values, file names, accept reasons,
//! warnings) is written inside a code span or a fenced block, never as markdown: there it cannot
//! open a link, an image, HTML or a new table cell, and GitHub and GitLab do not autolink it.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::human::{location, sanitize, value_text};
use super::{Report, SideReport, UpdateLevel};
use crate::diff::Change;
use crate::report::{roa_lost_unaccepted, unaccepted_update};
use crate::roa::RoaChange;
use crate::rules::{Level, RuleId};

/// The hidden marker that starts every report, so a bot can find its comment and edit it.
pub const MARKER: &str = "<!-- roa-diff:report -->";

#[derive(Debug, Clone)]
pub struct MarkdownOptions {
    /// Where docs/rules.md is published; rule ids link to `{rules_url}#{id}`.
    pub rules_url: String,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions {
            rules_url: default_rules_url(),
        }
    }
}

/// docs/rules.md at this binary's own version tag in the repository Cargo.toml names: an
/// absolute URL, so rule links in PR comments, SARIF and annotations resolve anywhere.
pub fn default_rules_url() -> String {
    format!(
        "{}/blob/v{}/docs/rules.md",
        env!("CARGO_PKG_REPOSITORY").trim_end_matches('/'),
        env!("CARGO_PKG_VERSION")
    )
}

/// Manifest text as an inline code span: control characters shown as `\u{..}` (so no line
/// break can end the span), a backtick fence longer than any run inside, and in a table cell
/// `|` escaped (GFM splits cells before it parses code spans).
pub fn code(text: &str, in_table: bool) -> String {
    let mut text = sanitize(text);
    if text.is_empty() {
        return "*(empty)*".to_string();
    }
    if in_table {
        text = text.replace('|', "\\|");
    }
    let fence = "`".repeat(longest_run(&text, '`') + 1);
    // A space on both sides is stripped by the parser; needed when the text itself starts or
    // ends with a backtick or a space.
    let pad = if text.starts_with(['`', ' ']) || text.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Manifest text as a fenced block (for warnings, which may be long).
fn fenced(lines: &[String]) -> String {
    let body: Vec<String> = lines.iter().map(|l| sanitize(l)).collect();
    let longest = body.iter().map(|l| longest_run(l, '`')).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}text\n{}\n{fence}\n", body.join("\n"))
}

fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

fn rule_link(rule: RuleId, options: &MarkdownOptions) -> String {
    format!("[`{0}`]({1}#{0})", rule.as_str(), options.rules_url)
}

fn headline(report: &Report) -> String {
    let pending = unaccepted_update(report);
    let rollout = format!(
        "Rollout: **{}**, {}.",
        report.rollout.as_str(),
        report.rollout.words()
    );
    match report.verdict_update() {
        UpdateLevel::Major if pending != UpdateLevel::Major => format!("### 🟠 roa-diff: major update, every major change accepted\n\nSite admins must still approve it by hand; this team has accepted that (reasons below). {rollout}"),
        UpdateLevel::Major => format!("### 🔴 roa-diff: major update\n\nSite admins must approve it by hand. {rollout}"),
        UpdateLevel::Minor => format!("### 🟡 roa-diff: minor update\n\nNo approval needed. {rollout}"),
        UpdateLevel::None => format!("### 🟢 roa-diff: no semantic change\n\nNothing that needs site admins' consent changed. {rollout}"),
        UpdateLevel::FirstRelease => "### 🔵 roa-diff: first release\n\nNot an update: no site admin approves it. The changes below are what the app requests.".to_string(),
    }
}

fn roa_text(report: &Report) -> String {
    let text = match report.roa_change() {
        RoaChange::FirstRelease if report.new.eligible() => "eligible (first release)",
        RoaChange::FirstRelease => "**not eligible** (first release)",
        RoaChange::Kept => "kept (eligible before and after)",
        RoaChange::Lost if roa_lost_unaccepted(report) => "**lost** (eligible before, not after)",
        RoaChange::Lost => "**lost** (eligible before, not after), accepted",
        RoaChange::Gained => "gained (not eligible before, eligible after)",
        RoaChange::StillIneligible => "still ineligible (not eligible before or after)",
    };
    format!("**Runs on Atlassian:** {text}")
}

fn level_cell(change: &Change) -> String {
    let level = match change.level {
        Level::Major => "**major**",
        Level::Minor => "minor",
    };
    let overridden = match &change.overridden {
        Some(o) => format!(" (overridden: {} in the rule book)", o.rule_level.as_str()),
        None => String::new(),
    };
    let accepted = if change.accepted.is_some() {
        " (accepted)"
    } else {
        ""
    };
    format!("{level}{overridden}{accepted}")
}

fn change_row(report: &Report, change: &Change, options: &MarkdownOptions) -> String {
    let side = report.side(change.side);
    let values = if change.before.is_null() && change.after.is_null() {
        String::new()
    } else {
        format!(
            "{} → {}",
            code(&value_text(&change.before), true),
            code(&value_text(&change.after), true)
        )
    };
    format!(
        "| {} | {} | {} | {} | {} | {} |",
        level_cell(change),
        rule_link(change.rule, options),
        code(&change.path, true),
        code(&location(side, change.line), true),
        values,
        code(&change.fingerprint, true),
    )
}

fn side_reasons(out: &mut String, side: &SideReport, label: &str) {
    if !side.exists {
        return;
    }
    if side.eligible() {
        let _ = writeln!(out, "- {label} {}: eligible", code(&side.source, false));
        return;
    }
    let _ = writeln!(out, "- {label} {}: not eligible", code(&side.source, false));
    for reason in &side.reasons {
        let line = reason
            .line
            .map(|l| format!(" (line {l})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  - `{}` at {}{line}",
            reason.code,
            code(&reason.path, false)
        );
    }
}

/// One report as a complete comment (marker included).
pub fn render(report: &Report, options: &MarkdownOptions) -> String {
    format!("{MARKER}\n{}", render_section(report, options))
}

/// Several reports (one per app) as one comment under one marker.
pub fn render_all(reports: &[Report], options: &MarkdownOptions) -> String {
    let mut out = format!("{MARKER}\n");
    for (i, report) in reports.iter().enumerate() {
        if i > 0 {
            out.push_str("\n---\n\n");
        }
        out.push_str(&render_section(report, options));
    }
    out
}

/// `--git`: one comment for every app of a repository. Each app gets a heading naming its path
/// (and status); a removed app has no report, only its heading and a line.
pub fn render_apps(
    notes: &[String],
    apps: &[(String, Option<&Report>)],
    options: &MarkdownOptions,
) -> String {
    let mut out = format!("{MARKER}\n");
    for note in notes {
        let _ = writeln!(out, "> Note: {}\n", code(note, false));
    }
    for (i, (heading, report)) in apps.iter().enumerate() {
        if i > 0 {
            out.push_str("\n---\n\n");
        }
        let _ = writeln!(out, "## {}\n", code(heading, false));
        match report {
            Some(r) => out.push_str(&render_section(r, options)),
            None => out.push_str("Removed in this revision: nothing to deploy for this app.\n"),
        }
    }
    out
}

/// Deploy blockers, first: as a GitHub "caution" alert, one line each.
fn blockers(report: &Report) -> String {
    let mut out = String::new();
    if report.blockers.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "> [!CAUTION]\n> **Deploy blocked:** `forge deploy` would refuse this manifest."
    );
    for b in &report.blockers {
        let _ = writeln!(
            out,
            "> - **error** `{}` at {} ({}): {}",
            b.code,
            code(&b.path, false),
            code(&location(&report.new, b.line), false),
            code(&b.message, false)
        );
    }
    out.push('\n');
    out
}

fn render_section(report: &Report, options: &MarkdownOptions) -> String {
    let mut out = blockers(report);
    let _ = writeln!(out, "{}\n", headline(report));
    let _ = writeln!(out, "{}\n", roa_text(report));
    let _ = writeln!(
        out,
        "Compared {} (old) with {} (new).{}\n",
        code(&report.old.source, false),
        code(&report.new.source, false),
        if report.first_release {
            " First release: compared with an empty manifest."
        } else {
            ""
        }
    );

    let summary = super::human::admin_summary(report);
    if !summary.is_empty() {
        out.push_str("**Admins will be asked to approve:**\n\n");
        for line in summary {
            let _ = writeln!(out, "- {}", code(line, false));
        }
        out.push('\n');
    }

    if !report.changes.is_empty() {
        let _ = writeln!(
            out,
            "| level | rule | path | line | before → after | fingerprint |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for change in &report.changes {
            let _ = writeln!(out, "{}", change_row(report, change, options));
        }
        out.push('\n');
    }

    let accepted: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| c.accepted.is_some())
        .collect();
    if !accepted.is_empty() || report.roa_accepted.is_some() {
        let _ = writeln!(out, "#### Accepted\n");
        for change in accepted {
            if let Some(a) = &change.accepted {
                let _ = writeln!(
                    out,
                    "- `{}` at {}: {} ({})",
                    change.rule.as_str(),
                    code(&change.path, false),
                    code(&a.reason, false),
                    code(&a.entry, false)
                );
            }
        }
        if let Some(a) = &report.roa_accepted {
            let _ = writeln!(
                out,
                "- losing Runs on Atlassian: {} ({})",
                code(&a.reason, false),
                code(&a.entry, false)
            );
        }
        out.push('\n');
    }

    if report.old.exists && !report.old.eligible() || !report.new.eligible() {
        let _ = writeln!(
            out,
            "#### Runs on Atlassian [reasons]({}#runs-on-atlassian-reasons)\n",
            options.rules_url
        );
        side_reasons(&mut out, &report.old, "old");
        side_reasons(&mut out, &report.new, "new");
        out.push('\n');
    }

    let rules: BTreeSet<RuleId> = report.changes.iter().map(|c| c.rule).collect();
    if !rules.is_empty() {
        let _ = writeln!(out, "#### Why\n");
        for rule in rules {
            let r = rule.rule();
            let _ = writeln!(
                out,
                "- {} ({}, basis {}): {}",
                rule_link(rule, options),
                r.level.as_str(),
                r.basis.as_str(),
                r.summary
            );
        }
        out.push('\n');
    }

    if !report.warnings.is_empty() {
        let _ = writeln!(out, "#### Warnings\n\n{}", fenced(&report.warnings));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_backticks_pipes_and_line_breaks() {
        assert_eq!(code("plain", true), "`plain`");
        assert_eq!(code("a`b", false), "``a`b``");
        assert_eq!(code("`x", false), "`` `x ``");
        assert_eq!(code("a|b", true), "`a\\|b`");
        assert_eq!(code("a|b", false), "`a|b`");
        assert_eq!(code("a\nb\r", false), "`a\\u{a}b\\u{d}`");
        assert_eq!(code("", true), "*(empty)*");
    }

    #[test]
    fn fenced_block_outlasts_backtick_runs() {
        let block = fenced(&["x ```` y".to_string()]);
        assert!(block.starts_with("`````text\n"), "{block}");
        assert!(block.ends_with("\n`````\n"), "{block}");
    }
}
