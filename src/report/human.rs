//! The default output: the verdict first, in words a release manager reads, then each change,
//! then the Runs on Atlassian reasons of each side.

use std::fmt::Write;

use similar::ChangeTag;

use super::context::LineDiff;
use super::{Report, SideReport, UpdateLevel};
use crate::diff::Side;
use crate::roa::RoaChange;
use crate::rules::Level;

#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    pub color: bool,
    /// Lines of text diff to show around each change (0: none).
    pub context: usize,
    /// Show the fingerprint of each unaccepted change at this level or above (the changes
    /// the policy trips on), so it can be accepted.
    pub fingerprints: Option<Level>,
    /// Print the Runs on Atlassian reasons of both sides even when eligibility did not change.
    pub verbose: bool,
}

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn red(&self, t: &str) -> String {
        self.paint("1;31", t)
    }
    fn yellow(&self, t: &str) -> String {
        self.paint("33", t)
    }
    fn green(&self, t: &str) -> String {
        self.paint("32", t)
    }
    fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
    fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
}

/// Makes text from a manifest safe for a terminal: control characters (escape sequences,
/// carriage returns, bidi overrides) are shown as `\u{..}` instead of acting on the terminal.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}');
        if (c.is_control() && c != '\t') || bidi {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

fn headline(report: &Report, s: &Style) -> String {
    match report.verdict_update() {
        UpdateLevel::Major => format!(
            "{} site admins must approve it by hand; {}.",
            s.red("MAJOR update:"),
            report.rollout.words()
        ),
        UpdateLevel::Minor => format!(
            "{} no approval needed; {}.",
            s.yellow("Minor update:"),
            report.rollout.words()
        ),
        UpdateLevel::None => format!(
            "{} nothing that needs site admins' consent changed; {}.",
            s.green("No semantic change:"),
            report.rollout.words()
        ),
        UpdateLevel::FirstRelease => format!(
            "{} not an update, so no site admin approves it; the changes below are what the app requests.",
            s.bold("First release:")
        ),
    }
}

/// One line per deploy blocker, shown above the verdict.
fn blocker_lines(report: &Report, s: &Style) -> String {
    let mut out = String::new();
    for b in &report.blockers {
        let _ = writeln!(
            out,
            "{} {} at {} ({}): {}",
            s.red("Deploy blocked:"),
            b.code,
            sanitize(&b.path),
            sanitize(&location(&report.new, b.line)),
            sanitize(&b.message)
        );
    }
    out
}

fn roa_line(report: &Report, s: &Style) -> String {
    let text = match report.roa_change() {
        RoaChange::FirstRelease if report.new.eligible() => s.green("eligible (first release)"),
        RoaChange::FirstRelease => "not eligible (first release)".to_string(),
        RoaChange::Kept => s.green("kept (eligible before and after)"),
        RoaChange::Lost => s.red("LOST (eligible before, not after)"),
        RoaChange::Gained => s.green("gained (not eligible before, eligible after)"),
        RoaChange::StillIneligible => "still ineligible (not eligible before or after)".to_string(),
    };
    match &report.roa_accepted {
        Some(a) => format!(
            "Runs on Atlassian: {text}, accepted ({}: {})",
            sanitize(&a.entry),
            sanitize(&a.reason)
        ),
        None => format!("Runs on Atlassian: {text}"),
    }
}

/// `file:line`, or the file alone when the line is unknown.
pub fn location(side: &SideReport, line: Option<usize>) -> String {
    match line {
        Some(l) => format!("{}:{l}", side.source),
        None => side.source.clone(),
    }
}

/// What site admins are asked to approve, in plain words (release notes, as `oasdiff
/// changelog` writes them): one line per major change, accepted ones included (accepting a
/// change does not spare the admins). Empty unless the update is major.
pub fn admin_summary(report: &Report) -> Vec<&str> {
    if report.verdict_update() != UpdateLevel::Major {
        return Vec::new();
    }
    report
        .changes
        .iter()
        .filter(|c| c.level == Level::Major)
        .map(|c| c.message.as_str())
        .collect()
}

/// A value for the human report: a region map (an object of strings) compact as
/// `default=URL, EU=URL`; anything else as [`value_text`].
fn compact_value(v: &serde_json::Value) -> String {
    match v.as_object() {
        Some(map) if map.values().all(|x| x.is_string()) => map
            .iter()
            .map(|(k, x)| format!("{k}={}", value_text(x)))
            .collect::<Vec<_>>()
            .join(", "),
        _ => value_text(v),
    }
}

/// A before/after value as one line of text: strings bare, absent as `(none)`.
pub fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "(none)".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn render(report: &Report, options: &HumanOptions) -> String {
    let s = Style { on: options.color };
    let mut out = blocker_lines(report, &s);
    let _ = writeln!(out, "{}", headline(report, &s));
    let _ = writeln!(out, "{}", roa_line(report, &s));
    if report.first_release {
        let _ = writeln!(
            out,
            "{}",
            s.dim("(first release: compared with an empty manifest)")
        );
    }
    let summary = admin_summary(report);
    if !summary.is_empty() {
        let _ = writeln!(out, "\n{}", s.bold("Admins will be asked to approve:"));
        for line in summary {
            let _ = writeln!(out, "  - {}", sanitize(line));
        }
    }
    let line_diff = (options.context > 0 && !report.changes.is_empty())
        .then(|| LineDiff::new(&report.old.text, &report.new.text));

    if !report.changes.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            s.bold(&format!("Changes ({}):", report.changes.len()))
        );
    }
    for change in &report.changes {
        let level = match change.level {
            Level::Major => s.red("major"),
            Level::Minor => s.yellow("minor"),
        };
        let side = report.side(change.side);
        let _ = writeln!(
            out,
            "  {level}  {:<28} {}",
            change.rule.as_str(),
            sanitize(&change.path)
        );
        if let Some(o) = &change.overridden {
            let _ = writeln!(
                out,
                "         overridden ({}): {} in the rule book",
                sanitize(&o.entry),
                o.rule_level.as_str()
            );
        }
        if let Some(a) = &change.accepted {
            let _ = writeln!(
                out,
                "         {} ({}): {}",
                s.green("accepted"),
                sanitize(&a.entry),
                sanitize(&a.reason)
            );
        }
        let _ = writeln!(
            out,
            "         {}  {}",
            s.dim(&sanitize(&location(side, change.line))),
            sanitize(&change.message)
        );
        let trips = options
            .fingerprints
            .is_some_and(|level| change.level >= level);
        if trips && change.accepted.is_none() && !report.first_release {
            let _ = writeln!(out, "         fingerprint {}", change.fingerprint);
        }
        // An entry added or removed whole is said by its message, and so is a value the
        // message already names: show values only where they add something.
        let whole_entry = (change.before.is_null() && change.after.is_object())
            || (change.after.is_null() && change.before.is_object());
        let (before, after) = (compact_value(&change.before), compact_value(&change.after));
        let said = |v: &serde_json::Value, text: &str| v.is_null() || change.message.contains(text);
        let repeated = said(&change.before, &before) && said(&change.after, &after);
        if !whole_entry && !repeated {
            let _ = writeln!(
                out,
                "         {} -> {}",
                sanitize(&before),
                sanitize(&after)
            );
        }
        if let (Some(diff), Some(line)) = (&line_diff, change.line) {
            for row in diff.around(change.side, line, options.context) {
                // Numbers from one file, the one the change's line is in: a row only in the
                // other file has none.
                let number = match change.side {
                    Side::Old => row.old_line,
                    Side::New => row.new_line,
                };
                let (mark, text) = match row.tag {
                    ChangeTag::Delete => ('-', s.red(&sanitize(&row.text))),
                    ChangeTag::Insert => ('+', s.green(&sanitize(&row.text))),
                    ChangeTag::Equal => (' ', sanitize(&row.text)),
                };
                let number = number.map(|n| n.to_string()).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "         {} {mark} {text}",
                    s.dim(&format!("{number:>5}"))
                );
            }
        }
    }

    // Reasons only where eligibility changes, and only the side that is not eligible (all of
    // them with --verbose; JSON always has them).
    let sides: Vec<&SideReport> = match report.roa_change() {
        _ if options.verbose => vec![&report.old, &report.new],
        RoaChange::Lost => vec![&report.new],
        RoaChange::Gained => vec![&report.old],
        RoaChange::FirstRelease if !report.new.eligible() => vec![&report.new],
        _ => Vec::new(),
    };
    if !sides.is_empty() {
        let _ = writeln!(out, "\n{}", s.bold("Runs on Atlassian reasons:"));
    }
    for side in sides {
        if !side.exists {
            continue;
        }
        if side.eligible() {
            let _ = writeln!(out, "  {}: eligible", sanitize(&side.source));
            continue;
        }
        let _ = writeln!(out, "  {}: not eligible", sanitize(&side.source));
        for reason in &side.reasons {
            let _ = writeln!(
                out,
                "    {:<34} {} {}",
                reason.code,
                sanitize(&reason.path),
                s.dim(
                    &reason
                        .line
                        .map(|l| format!("(line {l})"))
                        .unwrap_or_default()
                )
            );
        }
    }
    if !report.warnings.is_empty() {
        let _ = writeln!(out, "\n{}", s.bold("Warnings:"));
        for w in &report.warnings {
            let _ = writeln!(out, "  {}", s.yellow(&sanitize(w)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_neutralizes_terminal_controls() {
        assert_eq!(sanitize("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(sanitize("x\ry\n"), "x\\u{d}y\\u{a}");
        assert_eq!(sanitize("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(sanitize("plain: text"), "plain: text");
    }

    #[test]
    fn region_maps_are_compact() {
        let map =
            serde_json::json!({"default": "https://a.example.com", "EU": "https://eu.example.com"});
        assert_eq!(
            compact_value(&map),
            "EU=https://eu.example.com, default=https://a.example.com"
        );
        assert_eq!(compact_value(&serde_json::json!({"a": 1})), "{\"a\":1}");
        assert_eq!(compact_value(&serde_json::Value::Null), "(none)");
    }
}
