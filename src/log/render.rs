//! `roa-diff log` output: one line (or one JSON object per line) per commit, and one block (or
//! one JSON object per line) per release. The JSON shape is documented in docs/output.md.

use std::fmt::Write;

use serde_json::{json, Value};

use super::history::{rule_ids, worst_roa, worst_update, AppChange, CommitEntry, Release};
use crate::report::human::sanitize;
use crate::report::UpdateLevel;
use crate::roa::RoaChange;

/// `YYYY-MM-DDTHH:MM:SS+HH:MM` in the given offset (no time zone database needed).
pub fn iso_time(seconds: i64, offset_minutes: i32) -> String {
    let local = seconds + i64::from(offset_minutes) * 60;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let offset = offset_minutes.unsigned_abs();
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        offset / 60,
        offset % 60
    )
}

fn update_text(update: Option<UpdateLevel>) -> &'static str {
    update.map_or("-", UpdateLevel::as_str)
}

fn roa_text(roa: Option<RoaChange>) -> &'static str {
    roa.map_or("-", RoaChange::as_str)
}

fn app_json(app: &AppChange) -> Value {
    json!({
        "path": app.path,
        "old_path": app.old_path,
        "app_id": app.app_id,
        "status": app.status,
        "update": app.summary.update,
        "roa": app.summary.roa,
        "rules": rule_ids(std::slice::from_ref(app)),
    })
}

fn commit_value(entry: &CommitEntry) -> Value {
    json!({
        "commit": entry.id.to_string(),
        "short": entry.short_id(),
        "date": iso_time(entry.time.0, entry.time.1),
        "subject": entry.subject,
        "update": worst_update(&entry.apps),
        "roa": worst_roa(&entry.apps),
        "rules": rule_ids(&entry.apps),
        "apps": entry.apps.iter().map(app_json).collect::<Vec<_>>(),
        "error": entry.error,
    })
}

fn line(value: &Value) -> String {
    let mut text = value.to_string();
    text.push('\n');
    text
}

pub fn commit_json(entry: &CommitEntry) -> String {
    line(&commit_value(entry))
}

fn app_line(app: &AppChange) -> String {
    let what = match app.status {
        crate::report::apps::AppStatus::Removed => "removed".to_string(),
        // An added app reads `first-release first-release [...]`: its summary says so.
        _ => format!(
            "{} {} [{}]",
            update_text(app.summary.update),
            roa_text(app.summary.roa),
            rule_ids(std::slice::from_ref(app)).join(", ")
        ),
    };
    format!("{}: {what}", sanitize(&app.path))
}

/// `short  date  update  roa  subject  [rules]`, and one line per app when several changed.
pub fn commit_human(entry: &CommitEntry) -> String {
    let date = &iso_time(entry.time.0, entry.time.1)[..10];
    let mut out = String::new();
    let subject = sanitize(&entry.subject);
    if let Some(error) = &entry.error {
        let _ = writeln!(
            out,
            "{}  {date}  error  {subject}\n         {}",
            entry.short_id(),
            sanitize(error)
        );
        return out;
    }
    let _ = writeln!(
        out,
        "{}  {date}  {:<5}  {:<16}  {subject}  [{}]",
        entry.short_id(),
        update_text(worst_update(&entry.apps)),
        roa_text(worst_roa(&entry.apps)),
        rule_ids(&entry.apps).join(", ")
    );
    if entry.apps.len() > 1 {
        for app in &entry.apps {
            let _ = writeln!(out, "         {}", app_line(app));
        }
    }
    out
}

fn release_name(release: &Release) -> String {
    release
        .tag
        .clone()
        .unwrap_or_else(|| "next release".to_string())
}

pub fn release_json(release: &Release) -> String {
    let (apps, error) = match &release.verdict {
        Ok(apps) => (apps.as_slice(), None),
        Err(e) => (&[][..], Some(e)),
    };
    line(&json!({
        "release": release.tag,
        "previous": release.previous,
        "commit_count": release.commit_count,
        "update": worst_update(apps),
        "roa": worst_roa(apps),
        "apps": apps.iter().map(app_json).collect::<Vec<_>>(),
        "major_changes": release.major.iter().map(|m| json!({
            "app_path": m.app_path,
            "rule": m.rule,
            "path": m.path,
            "commit": m.commit.as_ref().map(|c| c.id.to_string()),
            "short": m.commit.as_ref().map(CommitEntry::short_id),
            "subject": m.commit.as_ref().map(|c| c.subject.clone()),
        })).collect::<Vec<_>>(),
        "commits": release.commits.iter().map(commit_value).collect::<Vec<_>>(),
        "error": error,
    }))
}

pub fn release_human(release: &Release) -> String {
    let mut out = String::new();
    let since = match &release.previous {
        Some(p) => format!("since {}", sanitize(p)),
        None => "first release".to_string(),
    };
    let _ = writeln!(
        out,
        "== {} ({since}; {} commit{}, {} changing a manifest) ==",
        sanitize(&release_name(release)),
        release.commit_count,
        if release.commit_count == 1 { "" } else { "s" },
        release.commits.len()
    );
    match &release.verdict {
        Err(e) => {
            let _ = writeln!(out, "Verdict: error: {}", sanitize(e));
        }
        Ok(apps) => {
            let update = match worst_update(apps) {
                Some(UpdateLevel::Major) => "MAJOR update",
                Some(UpdateLevel::Minor) => "minor update",
                Some(UpdateLevel::None) | None => "no semantic change",
                Some(UpdateLevel::FirstRelease) => "first release",
            };
            let roa = match worst_roa(apps) {
                Some(RoaChange::Lost) => ", Runs on Atlassian LOST",
                Some(RoaChange::Gained) => ", Runs on Atlassian gained",
                _ => "",
            };
            let _ = writeln!(out, "Verdict: {update}{roa}");
            for app in apps {
                let _ = writeln!(out, "  {}", app_line(app));
            }
        }
    }
    for m in &release.major {
        let by = match &m.commit {
            Some(c) => format!("{} {}", c.short_id(), sanitize(&c.subject)),
            None => "no single commit (several together)".to_string(),
        };
        let _ = writeln!(
            out,
            "  major  {:<28} {} {}  <- {by}",
            m.rule,
            sanitize(&m.app_path),
            sanitize(&m.path)
        );
    }
    if !release.commits.is_empty() {
        let _ = writeln!(out, "Commits:");
        for entry in &release.commits {
            for l in commit_human(entry).lines() {
                let _ = writeln!(out, "  {l}");
            }
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times() {
        assert_eq!(iso_time(0, 0), "1970-01-01T00:00:00+00:00");
        assert_eq!(iso_time(1_700_000_000, 60), "2023-11-14T23:13:20+01:00");
        assert_eq!(iso_time(1_709_164_800, -330), "2024-02-28T18:30:00-05:30");
        assert_eq!(iso_time(951_782_400, 0), "2000-02-29T00:00:00+00:00");
    }
}
