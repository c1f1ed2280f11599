//! The report over every app of a repository (`--git`): one core [`Report`] per app, and the
//! worst verdict over all of them. Rendered by reusing the single-app renderers.

use std::fmt::Write;

use serde::Serialize;

use super::human::{self, sanitize, HumanOptions};
use super::json::SortedKeys;
use super::{json, markdown, Report, UpdateLevel};
use super::{write_pretty, Lazy};
use crate::roa::RoaChange;

/// What happened to one app's manifest between the two revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AppStatus {
    /// Only in HEAD: a first release, compared with an empty manifest.
    Added,
    /// Only in BASE.
    Removed,
    /// At another path, paired by `app.id`.
    Moved,
    Modified,
    /// Byte-for-byte the same text.
    Unchanged,
}

impl AppStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AppStatus::Added => "added",
            AppStatus::Removed => "removed",
            AppStatus::Moved => "moved",
            AppStatus::Modified => "modified",
            AppStatus::Unchanged => "unchanged",
        }
    }
}

#[derive(Debug, Clone)]
pub struct AppReport {
    /// The manifest's path in HEAD (in BASE for a removed app).
    pub path: String,
    /// Its path in BASE, when it existed there.
    pub old_path: Option<String>,
    pub app_id: Option<String>,
    pub status: AppStatus,
    /// `None` for a removed app: there is no new version to judge.
    pub report: Option<Report>,
}

#[derive(Debug, Clone)]
pub struct AppsReport {
    /// What the two sides are called (`v1.2.0`, `(working tree)`, ...).
    pub base: String,
    pub head: String,
    /// Things the reader should know about how BASE was chosen.
    pub notes: Vec<String>,
    pub apps: Vec<AppReport>,
}

impl AppsReport {
    /// The worst update level over all apps.
    pub fn update(&self) -> UpdateLevel {
        self.reports()
            .map(|r| r.verdict_update())
            .max()
            .unwrap_or(UpdateLevel::None)
    }

    /// Whether any app loses Runs on Atlassian (a first release never does).
    pub fn roa_lost(&self) -> bool {
        self.reports().any(|r| r.roa_change() == RoaChange::Lost)
    }

    /// Whether `forge deploy` would refuse any app.
    pub fn blocked(&self) -> bool {
        self.reports().any(|r| !r.blockers.is_empty())
    }

    pub fn reports(&self) -> impl Iterator<Item = &Report> {
        self.apps.iter().filter_map(|a| a.report.as_ref())
    }

    pub fn any_removed(&self) -> bool {
        self.apps.iter().any(|a| a.status == AppStatus::Removed)
    }
}

/// Each app's core report under a header naming its path, then one overall verdict line.
pub fn render_human(report: &AppsReport, options: &HumanOptions) -> String {
    let mut out = String::new();
    for note in &report.notes {
        let _ = writeln!(out, "Note: {}", sanitize(note));
    }
    for app in &report.apps {
        let id = app.app_id.as_deref().unwrap_or("no app id");
        let moved = match (&app.old_path, app.status) {
            (Some(old), AppStatus::Moved) => format!(", moved from {}", sanitize(old)),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "=== {} ({}: {}{moved}) ===",
            sanitize(&app.path),
            app.status.as_str(),
            sanitize(id)
        );
        match &app.report {
            Some(r) => out.push_str(&human::render(r, options)),
            None => {
                let _ = writeln!(
                    out,
                    "Removed: the manifest is in {} but not in {}; nothing to deploy for this app.",
                    sanitize(&report.base),
                    sanitize(&report.head)
                );
            }
        }
        out.push('\n');
    }
    let worst = |pred: &dyn Fn(&Report) -> bool| -> Vec<String> {
        report
            .apps
            .iter()
            .filter(|a| a.report.as_ref().is_some_and(pred))
            .map(|a| sanitize(&a.path))
            .collect()
    };
    let update = report.update();
    let mut line = format!(
        "Overall ({} app{}, {} -> {}): {}",
        report.apps.len(),
        if report.apps.len() == 1 { "" } else { "s" },
        sanitize(&report.base),
        sanitize(&report.head),
        match update {
            UpdateLevel::Major => "MAJOR update",
            UpdateLevel::Minor => "minor update",
            UpdateLevel::None => "no semantic change",
            UpdateLevel::FirstRelease => "first release",
        }
    );
    if update != UpdateLevel::None {
        let _ = write!(
            line,
            " ({})",
            worst(&|r: &Report| r.verdict_update() == update).join(", ")
        );
    }
    let first: Vec<String> = worst(&|r: &Report| r.first_release);
    if update != UpdateLevel::FirstRelease && !first.is_empty() {
        let _ = write!(line, "; first release ({})", first.join(", "));
    }
    if report.blocked() {
        let _ = write!(
            line,
            "; DEPLOY BLOCKED ({})",
            worst(&|r: &Report| !r.blockers.is_empty()).join(", ")
        );
    }
    if report.roa_lost() {
        let _ = write!(
            line,
            "; Runs on Atlassian LOST ({})",
            worst(&|r: &Report| r.roa_change() == RoaChange::Lost).join(", ")
        );
    }
    let removed: Vec<&str> = report
        .apps
        .iter()
        .filter(|a| a.status == AppStatus::Removed)
        .map(|a| a.path.as_str())
        .collect();
    if !removed.is_empty() {
        let _ = write!(line, "; removed: {}", sanitize(&removed.join(", ")));
    }
    let _ = writeln!(out, "{line}.");
    out
}

/// The multi-app JSON document (documented in docs/output.md). Its text has always been that of
/// a `serde_json::Value`, whose objects sort their keys, so every struct here declares its
/// fields in sorted order; `apps` is a sequence of [`JsonApp`].
#[derive(Serialize)]
struct JsonApps<'a, A> {
    apps: A,
    base: &'a str,
    head: &'a str,
    notes: &'a [String],
    schema_version: u32,
    verdict: JsonVerdict,
}

#[derive(Serialize)]
struct JsonVerdict {
    blocked: bool,
    roa_lost: bool,
    update: UpdateLevel,
}

/// One app; `report` is its report as a `Value` ([`to_json_value`]) or as [`SortedKeys`]
/// ([`write_json`]).
#[derive(Serialize)]
struct JsonApp<'a, R> {
    app_id: Option<&'a str>,
    old_path: Option<&'a str>,
    path: &'a str,
    report: Option<R>,
    status: AppStatus,
}

fn json_apps<A>(report: &AppsReport, apps: A) -> JsonApps<'_, A> {
    JsonApps {
        apps,
        base: &report.base,
        head: &report.head,
        notes: &report.notes,
        schema_version: json::SCHEMA_VERSION,
        verdict: JsonVerdict {
            blocked: report.blocked(),
            roa_lost: report.roa_lost(),
            update: report.update(),
        },
    }
}

fn json_app<'a, R>(app: &'a AppReport, report: impl FnOnce(&'a Report) -> R) -> JsonApp<'a, R> {
    JsonApp {
        app_id: app.app_id.as_deref(),
        old_path: app.old_path.as_deref(),
        path: &app.path,
        report: app.report.as_ref().map(report),
        status: app.status,
    }
}

/// The multi-app JSON document as a JSON value.
pub fn to_json_value(report: &AppsReport) -> serde_json::Value {
    let apps: Vec<_> = report
        .apps
        .iter()
        .map(|a| json_app(a, json::to_value))
        .collect();
    // Serializing plain data to a Value cannot fail.
    serde_json::to_value(json_apps(report, apps)).unwrap_or_default()
}

/// The PR comment for every app: each app's markdown report under a heading with its path.
pub fn render_markdown(report: &AppsReport, options: &markdown::MarkdownOptions) -> String {
    let apps: Vec<(String, Option<&Report>)> = report
        .apps
        .iter()
        .map(|a| {
            let heading = format!("{} ({})", a.path, a.status.as_str());
            (heading, a.report.as_ref())
        })
        .collect();
    markdown::render_apps(&report.notes, &apps, options)
}

/// Writes `--git --format json` to `out` as it is serialized: each app's report is written
/// from the report itself, never held as a `Value` tree (which took several times the memory of
/// the reports), and the text is the tree's ([`to_json_value`]), byte for byte.
pub fn write_json(out: &mut dyn std::io::Write, report: &AppsReport) -> std::io::Result<()> {
    let apps = Lazy(|| report.apps.iter().map(|a| json_app(a, SortedKeys::new)));
    write_pretty(out, &json_apps(report, apps))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The streamed `--git` JSON must be the text the `Value` tree printed: every fixture
    /// report (one with accepted and overridden changes) as an app, in apps of every status,
    /// a removed one with no report, and notes; several apps to a document.
    #[test]
    fn streamed_json_is_the_value_text() {
        let statuses = [
            AppStatus::Added,
            AppStatus::Modified,
            AppStatus::Removed,
            AppStatus::Moved,
            AppStatus::Unchanged,
        ];
        let mut apps: Vec<AppReport> = crate::report::fixture_reports()
            .into_iter()
            .zip(statuses.iter().cycle())
            .enumerate()
            .map(|(i, (report, &status))| AppReport {
                path: format!("apps/{i}/manifest.yml"),
                old_path: (status != AppStatus::Added).then(|| format!("old/{i}/manifest.yml")),
                app_id: report.new.app_id.clone(),
                status,
                report: (status != AppStatus::Removed).then_some(report),
            })
            .collect();
        let mut documents = 0;
        while !apps.is_empty() {
            let rest = apps.split_off(apps.len().min(7));
            let report = AppsReport {
                base: "v1.2.0".into(),
                head: "(working tree)".into(),
                notes: vec![format!("note {documents}"), "a \"quoted\" note".into()],
                apps: std::mem::replace(&mut apps, rest),
            };
            let mut streamed = Vec::new();
            write_json(&mut streamed, &report).unwrap();
            let streamed = String::from_utf8(streamed).unwrap();
            let mut tree = serde_json::to_string_pretty(&to_json_value(&report)).unwrap();
            tree.push('\n');
            let first_difference = streamed.lines().zip(tree.lines()).find(|(s, t)| s != t);
            assert!(
                streamed == tree,
                "document {documents}: streamed line {first_difference:?} (streamed, tree)"
            );
            documents += 1;
        }
        assert!(documents > 20, "{documents} documents");
    }
}
