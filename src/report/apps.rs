//! The report over every app of a repository (`--git`): one core [`Report`] per app, and the
//! worst verdict over all of them. Rendered by reusing the single-app renderers.

use std::fmt::Write;

use serde::Serialize;

use super::human::{self, sanitize, HumanOptions};
use super::{json, markdown, Report, UpdateLevel};
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

#[derive(Serialize)]
struct JsonApps<'a> {
    schema_version: u32,
    base: &'a str,
    head: &'a str,
    verdict: JsonVerdict,
    notes: &'a [String],
    apps: Vec<JsonApp<'a>>,
}

#[derive(Serialize)]
struct JsonVerdict {
    update: UpdateLevel,
    roa_lost: bool,
    blocked: bool,
}

#[derive(Serialize)]
struct JsonApp<'a> {
    path: &'a str,
    old_path: Option<&'a str>,
    app_id: Option<&'a str>,
    status: AppStatus,
    report: Option<serde_json::Value>,
}

/// The multi-app JSON document (documented in docs/output.md).
pub fn to_json_value(report: &AppsReport) -> serde_json::Value {
    let out = JsonApps {
        schema_version: json::SCHEMA_VERSION,
        base: &report.base,
        head: &report.head,
        verdict: JsonVerdict {
            update: report.update(),
            roa_lost: report.roa_lost(),
            blocked: report.blocked(),
        },
        notes: &report.notes,
        apps: report
            .apps
            .iter()
            .map(|a| JsonApp {
                path: &a.path,
                old_path: a.old_path.as_deref(),
                app_id: a.app_id.as_deref(),
                status: a.status,
                report: a.report.as_ref().map(json::to_value),
            })
            .collect(),
    };
    serde_json::to_value(out).unwrap_or_default()
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

pub fn render_json(report: &AppsReport) -> String {
    let mut text = serde_json::to_string_pretty(&to_json_value(report)).unwrap_or_default();
    text.push('\n');
    text
}
