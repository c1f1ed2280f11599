//! The result of comparing two manifests, and its renderings (one file per format).

pub mod context;
pub mod human;
pub mod json;

use serde::Serialize;

use crate::diff::{diff, Change, Sides};
use crate::error::Result;
use crate::load::{parse, Document, LoadOptions, Source};
use crate::model::Manifest;
use crate::roa::{reasons, Reason, RoaChange};
use crate::rules::Level;

/// The update level of a whole release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UpdateLevel {
    None,
    Minor,
    Major,
}

impl UpdateLevel {
    pub fn as_str(self) -> &'static str {
        match self {
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
    pub fn eligible(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// Everything roa-diff concluded about one update.
#[derive(Debug, Clone)]
pub struct Report {
    pub old: SideReport,
    pub new: SideReport,
    pub update: UpdateLevel,
    pub roa: RoaChange,
    /// Major changes first, then in diff order.
    pub changes: Vec<Change>,
    pub warnings: Vec<String>,
}

fn load(source: &Source, options: &LoadOptions) -> Result<(Document, Manifest)> {
    let doc = parse(source, options)?;
    let manifest = Manifest::from_document(&doc)?;
    // From here on only the name and warnings are used: free the parsed trees now, so the old
    // version's are gone before the new one is parsed (peak memory: one version's trees).
    let Document { name, warnings, .. } = doc;
    let mut kept = Document::empty(name);
    kept.warnings = warnings;
    Ok((kept, manifest))
}

/// Compares two manifest versions. `old = None` is a first release: everything is added.
pub fn compare(old: Option<&Source>, new: &Source, options: &LoadOptions) -> Result<Report> {
    let (old_doc, old_model) = match old {
        Some(source) => load(source, options)?,
        None => (Document::empty("(none)"), Manifest::default()),
    };
    let (new_doc, new_model) = load(new, options)?;
    let d = diff(&Sides {
        old: &old_model,
        old_name: &old_doc.name,
        new: &new_model,
        new_name: &new_doc.name,
    });
    let update = UpdateLevel::from(d.level());
    let mut changes = d.changes;
    changes.sort_by_key(|c| std::cmp::Reverse(c.level));
    let mut warnings = old_doc.warnings.clone();
    warnings.extend(new_doc.warnings.iter().cloned());
    warnings.extend(d.warnings);
    warnings.extend(lint(&new_doc.name, &new_model));
    let side = |doc: &Document, model: &Manifest, source: Option<&Source>| SideReport {
        source: doc.name.clone(),
        exists: source.is_some(),
        app_id: model.app_id.clone(),
        reasons: reasons(model),
        text: source.map(|s| s.text.clone()).unwrap_or_default(),
    };
    let old = side(&old_doc, &old_model, old);
    let new = side(&new_doc, &new_model, Some(new));
    let roa = RoaChange::between(old.eligible(), new.eligible());
    Ok(Report {
        old,
        new,
        update,
        roa,
        changes,
        warnings,
    })
}

/// Things Forge itself would refuse or warn about that still let us give a verdict.
fn lint(file: &str, m: &Manifest) -> Vec<String> {
    let mut out = Vec::new();
    for e in &m.egress {
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
