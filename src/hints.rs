//! What roa-diff says when an argument is almost right: the usage line, "did you mean", a
//! revision given where a file was expected, and a YAML file that is no Forge manifest.

use std::path::Path;

use git2::Repository;

use crate::error::Error;
use crate::report::Report;

/// The one line bare `roa-diff` prints outside a repository (and with one manifest only).
pub const USAGE: &str = "usage: roa-diff OLD NEW, roa-diff --git [BASE [HEAD]], or roa-diff alone inside a git repository (every manifest against the last release); see roa-diff --help";

/// Edit distance (insertions, deletions, substitutions, and swapping two neighbours).
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// The candidate closest to `word` (case-insensitively), if it is close enough to be a typo:
/// at most a third of the word's length apart, at least two edits, and never as many edits as
/// the word has characters.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    let length = word.chars().count();
    let limit = (length / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (distance(&word, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit && *d < length)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Every branch, remote branch and tag name, as a user would type it.
fn reference_names(repo: &Repository) -> Vec<String> {
    let Ok(refs) = repo.references() else {
        return vec!["HEAD".into()];
    };
    // `HEAD` is no reference of the list but the revision most often typed (`HED:manifest.yml`).
    let names = refs
        .flatten()
        .filter_map(|r| r.shorthand().ok().map(str::to_string));
    std::iter::once("HEAD".to_string()).chain(names).collect()
}

/// Adds "did you mean" to an unknown-revision error (`crate::git::unknown_revision`) when a
/// reference of the repository is a likely typo of it; any other error passes unchanged.
pub fn with_revision_hint(mut e: Error) -> Error {
    const START: &str = "unknown revision `";
    let Some(rev) = e
        .message
        .strip_prefix(START)
        .and_then(|rest| rest.split_once('`'))
        .map(|(rev, _)| rev.to_string())
    else {
        return e;
    };
    let Ok(repo) = Repository::open_from_env() else {
        return e;
    };
    let names = reference_names(&repo);
    if let Some(name) = did_you_mean(&rev, names.iter().map(String::as_str)) {
        let at = START.len() + rev.len() + 1;
        e.message
            .insert_str(at, &format!(" (did you mean `{name}`?)"));
    }
    e
}

/// `roa-diff v1.0.0 manifest.yml`: OLD is no file but names a revision. The error suggests the
/// `REV:PATH` form; `None` when `old` is a file, a `REV:PATH`, or no revision.
pub fn revision_given_as_file(old: &Path, new: &Path) -> Option<Error> {
    let text = old.to_str()?;
    if text == "-" || text.contains(':') || old.symlink_metadata().is_ok() {
        return None;
    }
    let repo = Repository::open_from_env().ok()?;
    if repo.revparse_single(text).is_err() {
        // No file and no revision: a typo of a tag or branch gets the REV:PATH form too.
        let names = reference_names(&repo);
        let close = did_you_mean(text, names.iter().map(String::as_str))?;
        return Some(Error::new(
            text,
            format!("no such file (did you mean the revision `{close}`? then write {close}:PATH)"),
        ));
    }
    repo.revparse_single(text).ok()?.peel_to_tree().ok()?;
    let new_text = new.to_string_lossy();
    let path = match new_text.split_once(':') {
        // `roa-diff v1.0.0 HEAD:manifest.yml`: the same path in the other revision.
        Some((_, path)) => path.to_string(),
        None => {
            let at_root = repo
                .workdir()
                .zip(std::env::current_dir().ok())
                .is_some_and(|(root, cwd)| root.canonicalize().ok() == cwd.canonicalize().ok());
            if at_root || new_text.starts_with("./") || new_text.starts_with("../") {
                new_text.into_owned()
            } else {
                format!("./{new_text}")
            }
        }
    };
    Some(Error::new(
        text,
        format!("is a git revision, not a file: to compare the manifest of {text}, write {text}:{path} (roa-diff {text}:{path} {})", new.display()),
    ))
}

/// Warns for each side that has neither `app` nor `modules` at its root: a YAML file, but no
/// Forge manifest (a wrong file passed by mistake, whose "no change" would mean nothing).
/// An empty file stays silent: roa-diff reads it as the empty manifest on purpose.
pub fn warn_not_a_manifest(report: &mut Report) {
    for side in [&report.old, &report.new] {
        if !side.exists || looks_like_manifest(&side.text) {
            continue;
        }
        report.warnings.push(format!(
            "{}: has neither `app` nor `modules` at its root: it does not look like a Forge manifest",
            side.source
        ));
    }
}

fn looks_like_manifest(text: &str) -> bool {
    // The common case, decided without a second parse: a block mapping with either key.
    if text
        .lines()
        .any(|l| l.starts_with("app:") || l.starts_with("modules:"))
    {
        return true;
    }
    // The text loaded already, within the limits it was read with: reading it again costs what
    // that did, so no tighter node limit is needed here (a tighter one could refuse it).
    match crate::reader::read(text, u64::MAX, false).map(|(value, _)| value) {
        Ok(yaml_serde::Value::Mapping(map)) => {
            map.contains_key("app") || map.contains_key("modules")
        }
        Ok(yaml_serde::Value::Null) => true,
        _ => false,
    }
}

/// The man page. clap_mangen's own SUBCOMMANDS section refers to `roa-diff-log(1)` and the
/// like, pages nobody installs; this one lists the subcommands by the command line that runs
/// them, and points at their --help.
pub fn man_page(cmd: clap::Command, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let escape = |text: &str| text.replace('\\', "\\\\").replace('-', "\\-");
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    writeln!(out, ".SH SUBCOMMANDS")?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        writeln!(
            out,
            ".TP\n\\fB{} {}\\fR\n{}",
            escape(cmd.get_name()),
            escape(sub.get_name()),
            escape(&about)
        )?;
    }
    writeln!(
        out,
        ".PP\nEach subcommand's options: \\fBroa\\-diff SUBCOMMAND \\-\\-help\\fR."
    )?;
    man.render_extra_section(out)?;
    man.render_version_section(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_matched_and_strangers_are_not() {
        let ids = ["egress-added", "scope-added", "HAS_REMOTES"];
        assert_eq!(did_you_mean("egres-added", ids), Some("egress-added"));
        assert_eq!(did_you_mean("scope-adedd", ids), Some("scope-added"));
        assert_eq!(did_you_mean("has_remotes", ids), Some("HAS_REMOTES"));
        assert_eq!(did_you_mean("license", ids), None);
        assert_eq!(did_you_mean("v1.0", ["v1.0.0", "v2.0.0"]), Some("v1.0.0"));
        assert_eq!(did_you_mean("x", ["main"]), None);
        assert_eq!(did_you_mean("ab", ["cd"]), None);
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn manifests_are_told_from_other_yaml() {
        assert!(looks_like_manifest("app:\n  id: x\n"));
        assert!(looks_like_manifest("# c\nmodules: {}\n"));
        assert!(looks_like_manifest("{app: {id: x}}\n"));
        assert!(looks_like_manifest("# only a comment\n"));
        assert!(!looks_like_manifest("name: my-chart\nversion: 1\n"));
        assert!(!looks_like_manifest("- a\n- b\n"));
        assert!(!looks_like_manifest("services:\n  app:\n    x: 1\n"));
    }
}
