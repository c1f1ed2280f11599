//! The result of comparing two manifests, and its renderings (one file per format).

pub mod apps;
pub mod check;
pub mod context;
pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

use serde::Serialize;

use crate::blockers::{blockers, Blocker};
use crate::diff::{diff, Acceptance, Change, Side, Sides};
use crate::error::Result;
use crate::load::Node;
use crate::load::{parse, Document, LoadOptions, Source};
use crate::model::{EgressTarget, Manifest, MODEL_SECTIONS};
use crate::roa::{reasons, Reason, RoaChange};
use crate::rollout::{rollout, Rollout};
use crate::rules::Level;
use crate::sections::SectionCache;

/// The update level of a whole release. `FirstRelease` is not an update (no old version to
/// update): [`Report::update`] holds the level of the changes, [`Report::verdict_update`] says
/// `first-release` for a first release (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpdateLevel {
    FirstRelease,
    None,
    Minor,
    Major,
}

/// A JSON array written from a fresh iterator each time it is serialized, so its elements
/// exist one at a time.
pub(crate) struct Lazy<F>(pub F);

impl<F, I> Serialize for Lazy<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

/// Serializes `value` pretty-printed to `out`, then a newline.
pub(crate) fn write_pretty(
    out: &mut dyn std::io::Write,
    value: &impl Serialize,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}

impl UpdateLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateLevel::FirstRelease => "first-release",
            UpdateLevel::None => "none",
            UpdateLevel::Minor => "minor",
            UpdateLevel::Major => "major",
        }
    }
}

impl From<Option<Level>> for UpdateLevel {
    fn from(level: Option<Level>) -> Self {
        match level {
            None => UpdateLevel::None,
            Some(Level::Minor) => UpdateLevel::Minor,
            Some(Level::Major) => UpdateLevel::Major,
        }
    }
}

/// One side of the comparison.
#[derive(Debug, Clone)]
pub struct SideReport {
    /// The name the source is reported under (a path, `REV:PATH`, or `(none)`).
    pub source: String,
    /// False for the empty manifest a first release is compared with.
    pub exists: bool,
    pub app_id: Option<String>,
    pub reasons: Vec<Reason>,
    /// The raw text, for `--context`.
    pub text: String,
}

impl SideReport {
    /// The file in the repository this side was read from, for annotations that must name a
    /// checked-out path: `REV:PATH` and `:PATH` (git inputs) name PATH; a path that exists as a
    /// file is taken as written, as the inputs themselves are.
    pub fn file_path(&self) -> &str {
        match self.source.split_once(':') {
            Some((_, path)) if !std::path::Path::new(&self.source).exists() => path,
            _ => &self.source,
        }
    }

    pub fn eligible(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// Everything roa-diff concluded about one update.
#[derive(Debug, Clone)]
pub struct Report {
    pub old: SideReport,
    pub new: SideReport,
    /// The level of the changes (as if updating from an empty manifest on a first release).
    pub update: UpdateLevel,
    /// Eligibility before -> after (see [`Report::roa_change`] for what is reported).
    pub roa: RoaChange,
    /// No old version (missing, or an empty document): not an update (SPEC §3).
    pub first_release: bool,
    pub rollout: Rollout,
    /// What `forge deploy` would refuse (SPEC §5); not changes.
    pub blockers: Vec<Blocker>,
    /// Major changes first, then in diff order.
    pub changes: Vec<Change>,
    pub warnings: Vec<String>,
    /// Set when an accept file accepts losing Runs on Atlassian (see `accept`).
    pub roa_accepted: Option<Acceptance>,
}

impl Report {
    /// The verdict's update: `first-release` for a first release, else the changes' level.
    pub fn verdict_update(&self) -> UpdateLevel {
        if self.first_release {
            UpdateLevel::FirstRelease
        } else {
            self.update
        }
    }

    /// The verdict's eligibility change: `first-release` for a first release (never "lost").
    pub fn roa_change(&self) -> RoaChange {
        if self.first_release {
            RoaChange::FirstRelease
        } else {
            self.roa
        }
    }

    /// The side a change's line points into.
    pub fn side(&self, side: Side) -> &SideReport {
        match side {
            Side::Old => &self.old,
            Side::New => &self.new,
        }
    }
}

/// A manifest read and normalized once, so that it can be compared with several others
/// (`--git` and `roa-diff log` compare each version with its predecessor and its successor).
#[derive(Debug)]
pub struct Loaded {
    pub source: Source,
    /// Only the name and the warnings: the parsed trees are freed once the model is built.
    pub doc: Document,
    pub model: Manifest,
    /// The text is empty or only comments: as an old version, a first release (SPEC §3).
    pub blank: bool,
}

/// Whether a manifest text holds no document: only blank lines, comments and `---`.
pub fn is_blank(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#') || line == "---"
    })
}

/// Where a `<<` merge key sits inside a section the model reads: Forge does not apply it (and
/// neither does roa-diff), so what it would merge is not part of the app (security issue).
fn merge_key_warnings(doc: &Document) -> Vec<String> {
    fn walk(node: &Node, doc: &str, out: &mut Vec<String>) {
        if let Ok(entries) = node.entries() {
            for (key, child) in entries {
                if key == "<<" {
                    out.push(format!(
                        "{doc}{}: {}: a `<<` merge key is not applied (Forge's parser does not apply it): what it would merge is not part of the manifest",
                        child.line.map(|l| format!(":{l}")).unwrap_or_default(),
                        node.path
                    ));
                }
                walk(&child, doc, out);
            }
        } else if let Ok(items) = node.seq() {
            for item in items {
                walk(&item, doc, out);
            }
        }
    }
    let mut out = Vec::new();
    let root = doc.root();
    for key in MODEL_SECTIONS {
        if let Ok(Some(node)) = root.field(key) {
            walk(&node, &doc.name, &mut out);
        }
    }
    out
}

/// Parses and normalizes one manifest version.
pub fn load_manifest(source: Source, options: &LoadOptions) -> Result<Loaded> {
    load_manifest_with(source, options, None)
}

/// [`load_manifest`], reusing the parsed top-level sections of the versions loaded before when
/// a cache is given (`roa-diff log`; see [`crate::sections`]). The same result either way.
pub fn load_manifest_with(
    source: Source,
    options: &LoadOptions,
    sections: Option<&SectionCache>,
) -> Result<Loaded> {
    let blank = is_blank(&source.text);
    if let Some(model) = sections.and_then(|c| crate::sections::manifest(&source, options, c)) {
        let doc = Document::empty(source.name.clone());
        return Ok(Loaded {
            source,
            doc,
            model,
            blank,
        });
    }
    let parsed = match sections {
        Some(cache) => crate::sections::parse(&source, options, cache),
        None => parse(&source, options),
    };
    let loaded = parsed.and_then(|doc| Manifest::from_document(&doc).map(|model| (doc, model)));
    let (doc, model) = match loaded {
        // Read without lines (`roa-diff log`): read it again with them, for the error's line.
        Err(_) if !options.lines => {
            let with_lines = LoadOptions {
                lines: true,
                ..options.clone()
            };
            return load_manifest(source, &with_lines);
        }
        loaded => loaded?,
    };
    // From here on only the name and warnings are used: free the parsed trees now, so the old
    // version's are gone before the new one is parsed (peak memory: one version's trees).
    let merge_keys = merge_key_warnings(&doc);
    let Document {
        name, mut warnings, ..
    } = doc;
    warnings.extend(merge_keys);
    let mut doc = Document::empty(name);
    doc.warnings = warnings;
    Ok(Loaded {
        source,
        doc,
        model,
        blank,
    })
}

/// Compares two manifest versions. `old = None` is a first release: everything is added.
pub fn compare(old: Option<&Source>, new: &Source, options: &LoadOptions) -> Result<Report> {
    compare_owned(old.cloned(), new.clone(), options)
}

/// [`compare`], taking the texts: the report carries them, so none is copied (a large
/// manifest's text is held once, not three times).
pub fn compare_owned(old: Option<Source>, new: Source, options: &LoadOptions) -> Result<Report> {
    let mut old = old.map(|s| load_manifest(s, options)).transpose()?;
    let mut new = load_manifest(new, options)?;
    let old_text = old.as_mut().map(|l| std::mem::take(&mut l.source.text));
    let new_text = std::mem::take(&mut new.source.text);
    let mut report = compare_loaded(old.as_ref(), &new);
    report.old.text = old_text.unwrap_or_default();
    report.new.text = new_text;
    Ok(report)
}

/// [`compare`] on manifests already loaded.
pub fn compare_loaded(old: Option<&Loaded>, new: &Loaded) -> Report {
    let empty = (Document::empty("(none)"), Manifest::default());
    let (old_doc, old_model) = match old {
        Some(l) => (&l.doc, &l.model),
        None => (&empty.0, &empty.1),
    };
    let (new_doc, new_model) = (&new.doc, &new.model);
    let d = diff(&Sides {
        old: old_model,
        old_name: &old_doc.name,
        new: new_model,
        new_name: &new_doc.name,
    });
    let mut warnings = old_doc.warnings.clone();
    warnings.extend(new_doc.warnings.iter().cloned());
    warnings.extend(d.warnings);
    warnings.extend(lint(&new_doc.name, new_model));
    let side = |doc: &Document, model: &Manifest, source: Option<&Source>| SideReport {
        source: doc.name.clone(),
        exists: source.is_some(),
        app_id: model.app_id().map(str::to_string),
        reasons: reasons(model),
        text: source.map(|s| s.text.clone()).unwrap_or_default(),
    };
    let old_loaded = old;
    let old = side(old_doc, old_model, old.map(|l| &l.source));
    let new = side(new_doc, new_model, Some(&new.source));
    let first_release = old_loaded.is_none_or(|l| l.blank);
    let Verdict {
        update,
        roa,
        rollout,
        changes,
    } = Verdict::of(
        d.changes,
        (old_model, old.eligible()),
        (new_model, new.eligible()),
        first_release,
    );
    Report {
        old,
        new,
        update,
        roa,
        first_release,
        rollout,
        blockers: blockers(old_model, new_model),
        changes,
        warnings,
        roa_accepted: None,
    }
}

/// What [`compare_loaded`] concludes about two models, without the rest of its report.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub update: UpdateLevel,
    pub roa: RoaChange,
    pub rollout: Rollout,
    /// Major changes first, then in diff order.
    pub changes: Vec<Change>,
}

/// The update level, eligibility change and changes [`compare_loaded`] reports for two models
/// (`old = None`: a first release), without names, reasons, warnings or texts, and without
/// comparing the parts both share ([`crate::diff::changes`]). For `roa-diff log`, which
/// classifies thousands of pairs; `tests/sections_equivalence.rs` checks it against the report.
pub fn verdict(old: Option<&Manifest>, new: &Manifest) -> Verdict {
    let empty = Manifest::default();
    let first_release = old.is_none();
    let old = old.unwrap_or(&empty);
    let changes = crate::diff::changes(&Sides {
        old,
        old_name: "",
        new,
        new_name: "",
    });
    Verdict::of(
        changes,
        (old, crate::roa::eligible(old)),
        (new, crate::roa::eligible(new)),
        first_release,
    )
}

impl Verdict {
    /// The verdict on an update with these changes, from and to these eligibilities: the
    /// worst change's level, and the changes major first (otherwise in diff order).
    fn of(
        mut changes: Vec<Change>,
        (old, old_eligible): (&Manifest, bool),
        (new, new_eligible): (&Manifest, bool),
        first_release: bool,
    ) -> Verdict {
        changes.sort_by_key(|c| std::cmp::Reverse(c.level));
        Verdict {
            update: UpdateLevel::from(changes.iter().map(|c| c.level).max()),
            roa: RoaChange::between(old_eligible, new_eligible),
            rollout: rollout(old, new, &changes, first_release),
            changes,
        }
    }
}

/// Things Forge itself would refuse or warn about that still let us give a verdict.
fn lint(file: &str, m: &Manifest) -> Vec<String> {
    let mut out = Vec::new();
    let at = |line: Option<usize>| line.map(|l| format!(":{l}")).unwrap_or_default();
    let has_remote = |key: &str| m.remotes.iter().any(|r| r.key == key);
    for e in &m.permissions.egress {
        match &e.target {
            EgressTarget::Address(a) if a.starts_with("http://") => out.push(format!(
                "{file}{}: {}: Forge accepts only https:// and wss:// egress addresses",
                at(e.line),
                e.path()
            )),
            EgressTarget::Remote(key) if !has_remote(key) => out.push(format!(
                "{file}{}: {}: no remote has key `{key}`; Forge rejects this manifest",
                at(e.line),
                e.path()
            )),
            EgressTarget::Remote(key)
                if m.remotes
                    .iter()
                    .any(|r| r.key == *key && r.configurable.is_some()) =>
            {
                out.push(format!(
                    "{file}{}: {}: remote `{key}` is customer-managed; Forge's docs do not allow referencing such a remote from egress",
                    at(e.line),
                    e.path()
                ))
            }
            EgressTarget::Address(_) if e.https_star => out.push(format!(
                "{file}{}: {}: Forge refuses `https://*` in every egress kind",
                at(e.line),
                e.path()
            )),
            _ => {}
        }
    }
    for p in m.providers.iter() {
        for r in p.remotes.iter().filter(|r| !has_remote(&r.value)) {
            out.push(format!(
                "{file}{}: {}: no remote has key `{}`; Forge rejects this manifest",
                at(r.line),
                p.path(),
                r.value
            ));
        }
    }
    for e in &m.permissions.egress {
        if let Some(c) = &e.category {
            if c.value != "analytics" {
                let line = c.line.map(|l| format!(":{l}")).unwrap_or_default();
                out.push(if c.value.eq_ignore_ascii_case("analytics") {
                    format!("{file}{line}: {}: category `{}`: Forge's manifest schema accepts only lower-case `analytics` (roa-diff compares it case-insensitively)", e.path(), c.value)
                } else {
                    format!("{file}{line}: {}: category `{}` is not one Forge knows (only `analytics`)", e.path(), c.value)
                });
            }
        }
    }
    out
}

/// The update level counting only changes nothing accepts: what `--fail-on major|any` sees.
pub fn unaccepted_update(report: &Report) -> UpdateLevel {
    if report.first_release {
        return UpdateLevel::FirstRelease;
    }
    UpdateLevel::from(
        report
            .changes
            .iter()
            .filter(|c| c.accepted.is_none())
            .map(|c| c.level)
            .max(),
    )
}

/// Whether Runs on Atlassian is lost and no `roa: lost` entry accepts it.
pub fn roa_lost_unaccepted(report: &Report) -> bool {
    report.roa_change() == RoaChange::Lost && report.roa_accepted.is_none()
}

/// Every fixture case's report (testdata/cases), for the tests that compare a format's text
/// with another implementation's; one with blockers has an accepted and an overridden change
/// and an accepted loss of Runs on Atlassian, which no fixture has.
#[cfg(test)]
pub(crate) fn fixture_reports() -> Vec<Report> {
    use crate::diff::Overridden;

    let cases = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cases");
    let mut reports = Vec::new();
    for case in std::fs::read_dir(cases).unwrap().flatten() {
        let read = |side: &str| {
            let path = case.path().join(side);
            std::fs::read_to_string(&path).ok().map(|text| Source {
                name: path.display().to_string(),
                text,
            })
        };
        let (old, Some(new)) = (read("old.yml"), read("new.yml")) else {
            continue;
        };
        // Error cases give no report.
        reports.extend(compare(old.as_ref(), &new, &LoadOptions::default()));
    }
    assert!(reports.len() > 150, "{} fixture reports", reports.len());
    let report = reports
        .iter_mut()
        .find(|r| r.changes.len() >= 2 && !r.blockers.is_empty())
        .expect("a fixture with blockers and two changes");
    report.changes[0].accepted = Some(Acceptance {
        reason: "approved [here](https://x.example)".into(),
        by: "fingerprint",
        entry: ".roa-diff.yml:2".into(),
    });
    report.changes[1].overridden = Some(Overridden {
        rule_level: Level::Major,
        entry: ".roa-diff.yml:7".into(),
    });
    report.roa_accepted = report.changes[0].accepted.clone();
    reports
}
