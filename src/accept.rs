//! Accepted changes: a checked-in `.roa-diff.yml` (or `--accept FILE`) lists major changes a
//! team has agreed to, each with a reason. Accepted changes are still reported, marked
//! accepted, but do not trip `--fail-on`. An entry that matches nothing is reported as a
//! warning, so stale acceptances do not pile up.
//!
//! ```yaml
//! env: [API_HOST]                          # process variables ${VAR}s may read (see cli)
//! accept:
//!   - fingerprint: 3f0c9a1b2d4e5f60a1b2c3d4e5f60718   # one exact change (see `fingerprint`),
//!     rule: egress-added                              # with its rule and path beside it,
//!     path: permissions.external.fetch.backend[address=billing.example.com]
//!     reason: Billing backend approved in SEC-123     # so a reviewer sees what it accepts
//!   - rule: scope-added                    # a rule at a manifest path, whatever the values
//!     path: permissions.scopes[write:jira-work]
//!     reason: Needed for the bulk editor
//!   - roa: lost                            # losing Runs on Atlassian, for the roa-lost policy
//!     reason: The billing remote is worth the badge
//! levels:                                  # a rule's level for this app (shown as overridden)
//!   scope-removed: minor
//! ```

use crate::diff::{Acceptance, Overridden};
use crate::error::{Error, Result};
use crate::fingerprint::{is_fingerprint, is_legacy_fingerprint, FINGERPRINT_LEN};
use crate::load::{parse, LoadOptions, Node};
use crate::report::{Report, UpdateLevel};
use crate::roa::RoaChange;
use crate::rules::{Level, RuleId, REPLACED_IDS};

/// The file looked for in the current directory when `--accept` is not given.
pub const DEFAULT_FILE: &str = ".roa-diff.yml";

/// What one entry matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matcher {
    /// One exact change; `rule` and `path`, when the entry gives them, must match too.
    Fingerprint {
        fingerprint: String,
        /// The rules `rule` names (as in `RulePath`) and the path.
        rule_path: Option<(&'static [RuleId], String)>,
    },
    RulePath {
        /// The rule id as written.
        id: String,
        /// The rules it matches: itself, or for an id version 2 replaced, its replacements.
        rules: &'static [RuleId],
        path: String,
    },
    /// Runs on Atlassian eligibility being lost.
    RoaLost,
}

impl Matcher {
    fn kind(&self) -> &'static str {
        match self {
            Matcher::Fingerprint { .. } => "fingerprint",
            Matcher::RulePath { .. } => "rule+path",
            Matcher::RoaLost => "roa",
        }
    }

    fn describe(&self) -> String {
        match self {
            Matcher::Fingerprint { fingerprint, .. } => format!("fingerprint {fingerprint}"),
            Matcher::RulePath { id, path, .. } => format!("rule {id} at {path}"),
            Matcher::RoaLost => "roa: lost".to_string(),
        }
    }
}

/// One entry of an accept file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub matcher: Matcher,
    pub reason: String,
    /// `FILE:LINE` of the entry, for output and stale warnings.
    pub location: String,
}

/// A `levels:` entry: this rule's changes get this level instead of the rule book's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelEntry {
    pub rule: RuleId,
    pub level: Level,
    /// `FILE:LINE` of the entry.
    pub location: String,
}

/// A parsed accept file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AcceptFile {
    pub entries: Vec<Entry>,
    /// `levels:`: per-rule levels, as buf, oasdiff and cargo-semver-checks allow.
    pub levels: Vec<LevelEntry>,
    /// `env:`: the process environment variables a manifest's `${VAR}`s may read.
    pub env: Vec<String>,
    /// `release_tags:`: the glob naming release tags, for the bare `roa-diff` (default `v*`).
    pub release_tags: Option<String>,
}

impl Entry {
    fn acceptance(&self) -> Acceptance {
        Acceptance {
            reason: self.reason.clone(),
            by: self.matcher.kind(),
            entry: self.location.clone(),
        }
    }
}

const ENTRY_KEYS: &[&str] = &["fingerprint", "rule", "path", "roa", "reason"];

fn location(node: &Node, file: &str) -> String {
    match node.line {
        Some(line) => format!("{file}:{line}"),
        None => file.to_string(),
    }
}

fn parse_entry(node: &Node, file: &str) -> Result<Entry> {
    for (key, child) in node.entries()? {
        if !ENTRY_KEYS.contains(&key.as_str()) {
            return Err(child.error(format!(
                "unknown key `{key}` (expected {})",
                ENTRY_KEYS.join(", ")
            )));
        }
    }
    let reason = node.required_str("reason")?.trim().to_string();
    if reason.is_empty() {
        return Err(node.error("`reason` must say why the change is accepted"));
    }
    let fingerprint = node.opt_str("fingerprint")?;
    let rule = node.opt_str("rule")?;
    let path = node.opt_str("path")?;
    let roa = node.opt_str("roa")?;
    // A rule id, or one version 2 replaced (it matches its replacements; a note says so).
    let rules_of = |(rule, line): (&str, Option<usize>)| -> Result<&'static [RuleId]> {
        match RuleId::from_id(rule) {
            Some(id) => Ok(std::slice::from_ref(&id.rule().id)),
            None => REPLACED_IDS
                .iter()
                .find(|(old, _)| *old == rule)
                .map(|(_, new)| *new)
                .ok_or_else(|| {
                    Error::new(
                        file,
                        format!("unknown rule `{rule}` (see `roa-diff rules`)"),
                    )
                    .at(line)
                    .key(format!("{}.rule", node.path))
                }),
        }
    };
    let matcher = match (fingerprint, rule, path, roa) {
        (Some((f, line)), rule, path, None) if rule.is_some() == path.is_some() => {
            let fail = |message: String| {
                Err(Error::new(file, message)
                    .at(line)
                    .key(format!("{}.fingerprint", node.path)))
            };
            if is_legacy_fingerprint(f) {
                return fail(format!(
                    "`{f}` is an old 16-digit fingerprint; fingerprints now have {FINGERPRINT_LEN} digits: replace it with the one roa-diff prints for this change (it starts with {f})"
                ));
            }
            if !is_fingerprint(f) {
                return fail(format!(
                    "`{f}` is not a fingerprint ({FINGERPRINT_LEN} lower-case hex digits, as printed by roa-diff)"
                ));
            }
            let rule_path = match (rule, path) {
                (Some(rule), Some((path, _))) => Some((rules_of(rule)?, path.to_string())),
                _ => None,
            };
            Matcher::Fingerprint {
                fingerprint: f.to_string(),
                rule_path,
            }
        }
        (None, Some(rule), Some((path, _)), None) => Matcher::RulePath {
            id: rule.0.to_string(),
            rules: rules_of(rule)?,
            path: path.to_string(),
        },
        (None, None, None, Some(("lost", _))) => Matcher::RoaLost,
        (None, None, None, Some((other, line))) => {
            return Err(Error::new(
                file,
                format!("`roa: {other}`: only `roa: lost` can be accepted"),
            )
            .at(line)
            .key(format!("{}.roa", node.path)))
        }
        _ => {
            return Err(node.error(
                "an entry needs exactly one of: `fingerprint` (best with `rule` and `path` beside it), `rule` with `path`, or `roa: lost`",
            ))
        }
    };
    Ok(Entry {
        matcher,
        reason,
        location: location(node, file),
    })
}

/// Parses accept-file text; `name` is what errors call the file.
pub fn parse_text(name: &str, text: &str) -> Result<AcceptFile> {
    let source = crate::load::Source {
        name: name.to_string(),
        text: text.to_string(),
    };
    // The manifest reader: one document, duplicate keys rejected, a mapping at the root. No
    // variables are declared in an accept file, so `${X}` stays literal.
    let doc = parse(&source, &LoadOptions::default())?;
    let root = doc.root();
    if !root.value.is_null() {
        for (key, child) in root.entries()? {
            if !["accept", "env", "levels", "release_tags"].contains(&key.as_str()) {
                return Err(child.error(format!(
                    "unknown key `{key}` (expected `accept`, `env`, `levels` or `release_tags`)"
                )));
            }
        }
    }
    let mut entries = Vec::new();
    if let Some(list) = root.field("accept")? {
        for item in list.seq()? {
            entries.push(parse_entry(&item, name)?);
        }
    }
    let mut env = Vec::new();
    if let Some(list) = root.field("env")? {
        for item in list.seq()? {
            let variable = item.str()?;
            if !crate::trust::is_variable_name(variable) {
                return Err(item.error(format!(
                    "`{variable}` is not a variable name ([A-Za-z_][A-Za-z0-9_]*)"
                )));
            }
            env.push(variable.to_string());
        }
    }
    let mut levels = Vec::new();
    if let Some(map) = root.field("levels")? {
        for (key, child) in map.entries()? {
            let Some(rule) = RuleId::from_id(&key) else {
                return Err(child.error(format!(
                    "unknown rule `{key}`{} (see `roa-diff rules`)",
                    crate::explain::closest_id(&key)
                        .map(|c| format!("; did you mean `{c}`?"))
                        .unwrap_or_default()
                )));
            };
            let level = match child.str()? {
                "major" => Level::Major,
                "minor" => Level::Minor,
                other => {
                    return Err(child.error(format!("level `{other}`: expected `major` or `minor`")))
                }
            };
            levels.push(LevelEntry {
                rule,
                level,
                location: location(&child, name),
            });
        }
    }
    let release_tags = match root.field("release_tags")? {
        Some(glob) if glob.str()?.trim().is_empty() => {
            return Err(glob.error("`release_tags` must be a tag glob such as `v*`"))
        }
        Some(glob) => Some(glob.str()?.to_string()),
        None => None,
    };
    Ok(AcceptFile {
        entries,
        env,
        levels,
        release_tags,
    })
}

/// Gives each change of a rule named under `levels:` that level, marked overridden, and the
/// report the verdict that follows: the update level, major changes first, and the rollout
/// (automatic when no major change is left; held when a change was made major, since which
/// rollout Forge would choose then depends on the manifests, and held is the cautious answer).
fn apply_levels(file: &AcceptFile, report: &mut Report) {
    let mut changed = false;
    for change in &mut report.changes {
        if let Some(entry) = file.levels.iter().find(|l| l.rule == change.rule) {
            if entry.level != change.level {
                change.overridden = Some(Overridden {
                    rule_level: change.rule.level(),
                    entry: entry.location.clone(),
                });
                change.level = entry.level;
                changed = true;
            }
        }
    }
    if !changed {
        return;
    }
    let before = report.update;
    report.changes.sort_by_key(|c| std::cmp::Reverse(c.level));
    report.update = UpdateLevel::from(report.changes.iter().map(|c| c.level).max());
    if report.update != UpdateLevel::Major {
        report.rollout = crate::rollout::Rollout::Automatic;
    } else if before != UpdateLevel::Major && !report.first_release {
        report.rollout = crate::rollout::Rollout::Held;
    }
}

/// Marks the changes the file accepts in every report (a multi-app run passes them all, so an
/// entry is stale only if it matches nothing anywhere). Returns a warning per stale entry.
pub fn apply<'a>(
    file: &AcceptFile,
    reports: impl IntoIterator<Item = &'a mut Report>,
) -> Vec<String> {
    apply_with(file, reports, true)
}

/// [`apply`]; `warn_stale: false` leaves out the stale-entry warnings, for a commit's check
/// (`--staged`, the pre-commit hook), where entries kept for the release comparison match
/// nothing yet.
pub fn apply_with<'a>(
    file: &AcceptFile,
    reports: impl IntoIterator<Item = &'a mut Report>,
    warn_stale: bool,
) -> Vec<String> {
    let mut used = vec![false; file.entries.len()];
    for report in reports {
        apply_levels(file, report);
        for change in &mut report.changes {
            // Every matching entry counts as used (none is stale); the first one is shown.
            for (i, entry) in file.entries.iter().enumerate() {
                let hit = match &entry.matcher {
                    Matcher::Fingerprint {
                        fingerprint,
                        rule_path,
                    } => {
                        *fingerprint == change.fingerprint
                            && rule_path.as_ref().is_none_or(|(rules, path)| {
                                rules.contains(&change.rule) && *path == change.path
                            })
                    }
                    Matcher::RulePath { rules, path, .. } => {
                        rules.contains(&change.rule) && *path == change.path
                    }
                    Matcher::RoaLost => false,
                };
                if hit {
                    used[i] = true;
                    if change.accepted.is_none() {
                        change.accepted = Some(entry.acceptance());
                    }
                }
            }
        }
        if report.roa_change() == RoaChange::Lost {
            if let Some(i) = file
                .entries
                .iter()
                .position(|e| e.matcher == Matcher::RoaLost)
            {
                used[i] = true;
                report.roa_accepted = Some(file.entries[i].acceptance());
            }
        }
    }
    let mut notes: Vec<String> = file
        .entries
        .iter()
        .filter_map(|e| match &e.matcher {
            Matcher::RulePath { id, rules, .. } if RuleId::from_id(id).is_none() => Some(format!(
                "{}: rule `{id}` was replaced in rule book version 2 by {}; this entry matches those (rename it)",
                e.location,
                rules
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            )),
            _ => None,
        })
        .collect();
    notes.extend(
        file.entries
            .iter()
            .zip(used)
            .filter(|(_, used)| warn_stale && !used)
            .map(|(e, _)| {
                format!(
                    "{}: accepted {} matches nothing in this update; remove the stale entry",
                    e.location,
                    e.matcher.describe()
                )
            }),
    );
    notes
}

/// What the policy trips on that an accept entry could cover: an unaccepted change at a level
/// `--fail-on` fails on, or an unaccepted loss of Runs on Atlassian.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding<'a> {
    Change(&'a crate::diff::Change),
    RoaLost,
}

/// The findings of these reports, each once (a change by its fingerprint).
pub fn findings<'a>(
    reports: impl Iterator<Item = &'a Report>,
    fail_on: &[crate::policy::FailOn],
) -> Vec<Finding<'a>> {
    let level = crate::policy::tripping_level(fail_on);
    let mut out: Vec<Finding> = Vec::new();
    for report in reports.filter(|r| !r.first_release) {
        for change in &report.changes {
            let trips = level.is_some_and(|l| change.level >= l) && change.accepted.is_none();
            let seen = out
                .iter()
                .any(|f| matches!(f, Finding::Change(c) if c.fingerprint == change.fingerprint));
            if trips && !seen {
                out.push(Finding::Change(change));
            }
        }
        if fail_on.contains(&crate::policy::FailOn::RoaLost)
            && crate::report::roa_lost_unaccepted(report)
            && !out.contains(&Finding::RoaLost)
        {
            out.push(Finding::RoaLost);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{roa_lost_unaccepted, unaccepted_update};

    fn err(text: &str) -> String {
        parse_text(".roa-diff.yml", text).unwrap_err().to_string()
    }

    #[test]
    fn parses_each_kind_of_entry_with_its_line() {
        let file = parse_text(
            ".roa-diff.yml",
            "accept:\n  - fingerprint: 0123456789abcdef0123456789abcdef\n    reason: ok\n  - rule: scope-added\n    path: permissions.scopes[a]\n    reason: fine\n  - roa: lost\n    reason: worth it\n",
        )
        .unwrap();
        assert_eq!(file.entries.len(), 3);
        assert_eq!(
            file.entries[0].matcher,
            Matcher::Fingerprint {
                fingerprint: "0123456789abcdef0123456789abcdef".into(),
                rule_path: None
            }
        );
        assert_eq!(file.entries[0].location, ".roa-diff.yml:2");
        assert_eq!(
            file.entries[1].matcher,
            Matcher::RulePath {
                id: "scope-added".into(),
                rules: &[RuleId::ScopeAdded],
                path: "permissions.scopes[a]".into()
            }
        );
        assert_eq!(file.entries[2].matcher, Matcher::RoaLost);
        assert_eq!(file.entries[2].reason, "worth it");
        assert!(parse_text("x", "# nothing accepted yet\n")
            .unwrap()
            .entries
            .is_empty());
    }

    fn example_report() -> Report {
        let source = |name: &str, text: &str| crate::load::Source {
            name: name.into(),
            text: text.into(),
        };
        let old = source("old.yml", "permissions:\n  scopes: [read:jira-work]\n");
        let new = source(
            "new.yml",
            "permissions:\n  scopes: [read:jira-work, write:jira-work]\nremotes:\n  - key: r\n    baseUrl: https://r.example.com\n",
        );
        crate::report::compare(Some(&old), &new, &LoadOptions::default()).unwrap()
    }

    #[test]
    fn apply_marks_matches_counts_every_matching_entry_and_warns_on_stale_ones() {
        let mut reports = vec![example_report()];
        let scope = reports[0]
            .changes
            .iter()
            .find(|c| c.rule == RuleId::ScopeAdded)
            .unwrap()
            .fingerprint
            .clone();
        let file = parse_text(
            "a.yml",
            &format!("accept:\n  - rule: scope-added\n    path: permissions.scopes[write:jira-work]\n    reason: first\n  - fingerprint: {scope}\n    reason: second\n  - rule: remote-added\n    path: remotes[key=other]\n    reason: stale\n  - roa: lost\n    reason: badge not needed\n"),
        )
        .unwrap();
        let warnings = apply(&file, &mut reports);
        let report = &reports[0];
        let scope = report
            .changes
            .iter()
            .find(|c| c.rule == RuleId::ScopeAdded)
            .unwrap();
        let accepted = scope.accepted.as_ref().unwrap();
        assert_eq!(
            (
                accepted.reason.as_str(),
                accepted.by,
                accepted.entry.as_str()
            ),
            ("first", "rule+path", "a.yml:2")
        );
        let remote = report
            .changes
            .iter()
            .find(|c| c.rule == RuleId::RemoteAdded)
            .unwrap();
        assert!(remote.accepted.is_none());
        // The new remote loses RoA: the loss is accepted, the remote-added change is not.
        assert_eq!(report.roa, RoaChange::Lost);
        assert!(report.roa_accepted.is_some());
        assert_eq!(unaccepted_update(report), UpdateLevel::Major);
        assert!(!roa_lost_unaccepted(report));
        assert_eq!(
            warnings,
            vec!["a.yml:7: accepted rule remote-added at remotes[key=other] matches nothing in this update; remove the stale entry".to_string()]
        );
    }

    #[test]
    fn a_fingerprint_entry_with_rule_and_path_matches_only_when_all_three_do() {
        let fingerprint_of = |report: &Report| {
            report
                .changes
                .iter()
                .find(|c| c.rule == RuleId::ScopeAdded)
                .unwrap()
                .fingerprint
                .clone()
        };
        let accepted = |entry: &str| {
            let mut reports = vec![example_report()];
            let file = parse_text("a.yml", &format!("env: [API_HOST]\naccept:\n{entry}")).unwrap();
            assert_eq!(file.env, vec!["API_HOST".to_string()]);
            apply(&file, &mut reports);
            let change = reports[0]
                .changes
                .iter()
                .find(|c| c.rule == RuleId::ScopeAdded)
                .unwrap();
            change.accepted.is_some()
        };
        let fp = fingerprint_of(&example_report());
        assert!(accepted(&format!(
            "  - fingerprint: {fp}\n    rule: scope-added\n    path: permissions.scopes[write:jira-work]\n    reason: r\n"
        )));
        assert!(!accepted(&format!(
            "  - fingerprint: {fp}\n    rule: scope-added\n    path: permissions.scopes[other]\n    reason: r\n"
        )));
        assert!(!accepted(&format!(
            "  - fingerprint: {fp}\n    rule: scope-removed\n    path: permissions.scopes[write:jira-work]\n    reason: r\n"
        )));
    }

    #[test]
    fn bad_entries_are_errors_naming_file_line_and_key() {
        let e = err("accept:\n  - fingerprint: 0123456789abcdef0123456789abcdef\n");
        assert!(
            e.starts_with(".roa-diff.yml:2: accept[0]: missing required `reason`"),
            "{e}"
        );
        let e =
            err("accept:\n  - fingerprint: 0123456789abcdef0123456789abcdef\n    reason: '  '\n");
        assert!(e.contains("`reason` must say why"), "{e}");
        let e = err("accept:\n  - fingerprint: XYZ\n    reason: r\n");
        assert!(
            e.starts_with(".roa-diff.yml:2: accept[0].fingerprint: `XYZ` is not a fingerprint"),
            "{e}"
        );
        let e = err("accept:\n  - rule: scope-addd\n    path: p\n    reason: r\n");
        assert!(
            e.contains(":2: accept[0].rule: unknown rule `scope-addd`"),
            "{e}"
        );
        let e = err("accept:\n  - rule: scope-added\n    reason: r\n");
        assert!(e.contains("exactly one of"), "{e}");
        let e = err("accept:\n  - fingerprint: 0123456789abcdef0123456789abcdef\n    rule: scope-added\n    reason: r\n");
        assert!(e.contains("exactly one of"), "{e}");
        let e = err("accept:\n  - roa: gained\n    reason: r\n");
        assert!(e.contains("only `roa: lost`"), "{e}");
        let e = err("accept:\n  - fingerprint: 0123456789abcdef0123456789abcdef\n    reasn: r\n    reason: r\n");
        assert!(
            e.contains(":3: accept[0].reasn: unknown key `reasn`"),
            "{e}"
        );
        let e = err("accepted: []\n");
        assert!(e.contains("unknown key `accepted`"), "{e}");
        let e = err("env: [FORGE-TOKEN]\n");
        assert!(
            e.contains("env[0]: `FORGE-TOKEN` is not a variable name"),
            "{e}"
        );
        // An old 64-bit fingerprint gets one line saying what to do.
        let e = err("accept:\n  - fingerprint: 0123456789abcdef\n    reason: r\n");
        assert!(
            e.starts_with(".roa-diff.yml:2: accept[0].fingerprint: `0123456789abcdef` is an old 16-digit fingerprint; fingerprints now have 32 digits: replace it"),
            "{e}"
        );
        let e = err("- a\n");
        assert!(e.contains("must be a mapping"), "{e}");
        let e = err("accept: [\n");
        assert!(e.starts_with(".roa-diff.yml:"), "{e}");
    }
}
