//! `--git BASE [HEAD]`: finds every Forge manifest in two snapshots, pairs them (by path, then
//! by `app.id` when a manifest moved) and compares each pair with the core [`compare`](crate::report::compare).

use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasher, RandomState};
use std::rc::Rc;

use git2::Repository;

use super::snapshot::{is_manifest_name, within, Snapshot};
use crate::diff::Side;
use crate::error::{Error, Result};
use crate::load::{LoadOptions, Source, DEFAULT_MAX_BYTES};
use crate::report::apps::{AppReport, AppStatus, AppsReport};
use crate::report::{compare_loaded, load_manifest, Loaded};

/// What every Forge app id starts with.
pub const APP_ID_PREFIX: &str = "ari:cloud:ecosystem::app/";

/// A manifest found in a snapshot, parsed once.
#[derive(Debug)]
pub struct Found {
    pub path: String,
    pub loaded: Rc<Loaded>,
}

impl Found {
    fn app_id(&self) -> Option<&str> {
        self.loaded.model.app_id()
    }
}

/// A manifest and its counterpart, as [`pair_manifests`] matched them.
#[derive(Debug)]
pub enum Pair {
    /// Old and new (at the same path, or moved).
    Both(Found, Found),
    /// Only new: a first release.
    Added(Found),
    /// Only old.
    Removed(Found),
}

impl Pair {
    /// The new path, or the old one for a removal.
    pub fn path(&self) -> &str {
        match self {
            Pair::Both(_, f) | Pair::Added(f) | Pair::Removed(f) => &f.path,
        }
    }
}

/// Reads a YAML file as a Forge manifest (its `app.id` starts with [`APP_ID_PREFIX`]); `None`
/// when it is not one. A file that looks like a manifest (named `manifest.yml`, or with such an
/// `app.id`) but fails to load is an error, not skipped.
pub fn recognize(path: &str, source: Source, options: &LoadOptions) -> Option<Result<Loaded>> {
    if !source.text.contains(APP_ID_PREFIX) {
        return None;
    }
    // Kept only for a file with another name, to tell, should it fail to load, whether it
    // was meant as a manifest (the only case where the text is parsed twice).
    let text = (!is_manifest_name(path)).then(|| source.text.clone());
    as_forge_manifest(load_manifest(source, options), text)
}

/// What [`recognize`] makes of a loaded text: a Forge manifest when its `app.id` is a Forge
/// app id. A failed load is a manifest's error unless `text` is given (the file has another
/// name than `manifest.yml`) and holds no Forge app id. A successful load's answer depends on
/// neither the file's name nor its path, so it can be loaded ahead (`roa-diff log`).
pub fn as_forge_manifest(loaded: Result<Loaded>, text: Option<String>) -> Option<Result<Loaded>> {
    match loaded {
        Ok(l) => l
            .model
            .app_id()
            .is_some_and(|id| id.starts_with(APP_ID_PREFIX))
            .then_some(Ok(l)),
        Err(e) => match text {
            None => Some(Err(e)),
            Some(text) => raw_app_id(&text).map(|_| Err(e)),
        },
    }
}

/// `app.id` read straight from the YAML, when it is a Forge app id. The text failed to load,
/// perhaps on a limit: it is parsed only within the default limits (nesting, nodes, aliases),
/// and a text over them counts as meant for a manifest, so its load error stands.
fn raw_app_id(text: &str) -> Option<String> {
    let max_nodes = crate::reader::max_nodes(DEFAULT_MAX_BYTES.max(text.len() as u64));
    let value = match crate::reader::read(text, max_nodes, false) {
        Ok((value, _)) => value,
        Err(e) if e.limit => return Some(String::new()),
        Err(_) => return None,
    };
    let id = value.get("app")?.get("id")?.as_str()?;
    id.starts_with(APP_ID_PREFIX).then(|| id.to_string())
}

/// Every Forge manifest in a snapshot. A YAML file that cannot be read (binary, too large) is
/// skipped, unless it is named like a manifest: then its error stops the run.
pub fn find_manifests(
    repo: &Repository,
    snapshot: &Snapshot,
    options: &LoadOptions,
    path_filter: Option<&str>,
) -> Result<Vec<Found>> {
    let mut out = Vec::new();
    // Blobs already found to be no manifest under a name other than manifest.yml: one blob
    // under many paths is read once (200 copies of a 16 MiB file cost 200 parses before).
    let mut not_manifests: HashSet<git2::Oid> = HashSet::new();
    let (text_keys, mut not_manifest_texts) = (RandomState::new(), HashSet::<u64>::new());
    for entry in snapshot.yaml_files(repo)? {
        if !within(&entry.path, path_filter) {
            continue;
        }
        let named_manifest = is_manifest_name(&entry.path);
        let skip = |blob: Option<git2::Oid>, set: &mut HashSet<git2::Oid>| {
            if let (Some(id), false) = (blob, named_manifest) {
                set.insert(id);
            }
        };
        if entry
            .blob
            .is_some_and(|id| !named_manifest && not_manifests.contains(&id))
        {
            continue;
        }
        let source = match snapshot.read_entry(repo, &entry, options.max_bytes) {
            Ok(source) => source,
            Err(e) if named_manifest => return Err(e),
            Err(_) => {
                skip(entry.blob, &mut not_manifests);
                continue;
            }
        };
        // A working-tree file has no blob id: its text, hashed with a per-run random key,
        // stands in for one.
        let text_key =
            (entry.blob.is_none() && !named_manifest).then(|| text_keys.hash_one(&source.text));
        if text_key.is_some_and(|k| not_manifest_texts.contains(&k)) {
            continue;
        }
        let recognized = recognize(&entry.path, source, options);
        if recognized.is_none() {
            skip(entry.blob, &mut not_manifests);
            not_manifest_texts.extend(text_key);
        }
        if let Some(loaded) = recognized {
            out.push(Found {
                path: entry.path,
                loaded: Rc::new(loaded?),
            });
        }
    }
    Ok(out)
}

/// Compares every manifest of `base` with its counterpart in `head` (only those within
/// `path_filter`, when given: `--path`).
pub fn compare_snapshots(
    repo: &Repository,
    base: &Snapshot,
    head: &Snapshot,
    options: &LoadOptions,
    path_filter: Option<&str>,
) -> Result<AppsReport> {
    let old = find_manifests(repo, base, options, path_filter)?;
    let new = find_manifests(repo, head, options, path_filter)?;
    if old.is_empty() && new.is_empty() {
        return Err(Error::new(
            format!("{}..{}", base.label(), head.label()),
            format!("no Forge manifest (a YAML file whose app.id starts with {APP_ID_PREFIX}) in either revision"),
        ));
    }
    let pairs = pair_manifests(old, new, |side, path| {
        let snapshot = match side {
            Side::Old => base,
            Side::New => head,
        };
        snapshot
            .read_opt(repo, path, options.max_bytes)?
            .map(|source| load_manifest(source, options).map(Rc::new))
            .transpose()
    })?;
    Ok(AppsReport {
        base: base.label(),
        head: head.label(),
        notes: Vec::new(),
        apps: pairs.into_iter().map(app_report).collect(),
    })
}

/// Pairs the manifests of two sides: by path, then by `app.id` for manifests that moved (only
/// where the id is unique on both sides); what is left is a first release (new only) or a
/// removal (old only). `read_other(side, path)` loads whatever file is at `path` on `side`, for
/// a manifest whose counterpart no longer looks like one: breaking a manifest is then reported,
/// not mistaken for a removal. Sorted by path.
pub fn pair_manifests(
    old: Vec<Found>,
    new: Vec<Found>,
    mut read_other: impl FnMut(Side, &str) -> Result<Option<Rc<Loaded>>>,
) -> Result<Vec<Pair>> {
    let mut old: BTreeMap<String, Found> = old.into_iter().map(|f| (f.path.clone(), f)).collect();
    let mut new: BTreeMap<String, Found> = new.into_iter().map(|f| (f.path.clone(), f)).collect();
    let mut pairs = Vec::new();

    let paths: Vec<String> = old.keys().chain(new.keys()).cloned().collect();
    for path in paths {
        let found = |loaded: Rc<Loaded>| Found {
            path: path.clone(),
            loaded,
        };
        match (old.remove(&path), new.remove(&path)) {
            (None, None) => {}
            (Some(o), Some(n)) => pairs.push(Pair::Both(o, n)),
            (Some(o), None) => match read_other(Side::New, &path)? {
                Some(loaded) => pairs.push(Pair::Both(o, found(loaded))),
                None => {
                    old.insert(path.clone(), o);
                }
            },
            (None, Some(n)) => match read_other(Side::Old, &path)? {
                Some(loaded) => pairs.push(Pair::Both(found(loaded), n)),
                None => {
                    new.insert(path.clone(), n);
                }
            },
        }
    }

    let unique = |side: &BTreeMap<String, Found>, id: &str| {
        side.values().filter(|f| f.app_id() == Some(id)).count() == 1
    };
    let moved: Vec<(String, String)> = new
        .values()
        .filter_map(|n| {
            let id = n.app_id()?;
            let o = old.values().find(|o| o.app_id() == Some(id))?;
            (unique(&old, id) && unique(&new, id)).then(|| (o.path.clone(), n.path.clone()))
        })
        .collect();
    for (o, n) in moved {
        if let (Some(o), Some(n)) = (old.remove(&o), new.remove(&n)) {
            pairs.push(Pair::Both(o, n));
        }
    }

    pairs.extend(new.into_values().map(Pair::Added));
    pairs.extend(old.into_values().map(Pair::Removed));
    pairs.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(pairs)
}

/// The report on one pair from [`pair_manifests`].
pub fn app_report(pair: Pair) -> AppReport {
    app_report_with(pair, true, |old, new| {
        old.loaded.source.text == new.loaded.source.text
    })
}

/// [`app_report`]; with `compare` false, everything but the comparison itself (`report` is
/// `None`), for a caller that has it already (`roa-diff log` classifies each pair once).
/// `same_text` tells whether two versions at the same path have the same text (`roa-diff log`
/// compares blob ids, and does not keep the texts).
pub fn app_report_with(
    pair: Pair,
    compare: bool,
    same_text: impl Fn(&Found, &Found) -> bool,
) -> AppReport {
    let (old, new) = match pair {
        Pair::Removed(old) => {
            return AppReport {
                app_id: old.app_id().map(str::to_string),
                path: old.path.clone(),
                old_path: Some(old.path),
                status: AppStatus::Removed,
                report: None,
            }
        }
        Pair::Added(new) => (None, new),
        Pair::Both(old, new) => (Some(old), new),
    };
    let status = match &old {
        None => AppStatus::Added,
        Some(o) if o.path != new.path => AppStatus::Moved,
        Some(o) if same_text(o, &new) => AppStatus::Unchanged,
        Some(_) => AppStatus::Modified,
    };
    let app_id = new.app_id().or(old.as_ref().and_then(|o| o.app_id()));
    let app_id = app_id.map(str::to_string);
    let report = compare.then(|| compare_loaded(old.as_ref().map(|o| &*o.loaded), &new.loaded));
    AppReport {
        app_id,
        old_path: old.map(|o| o.path),
        path: new.path,
        status,
        report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognition_needs_a_forge_app_id() {
        let id = "ari:cloud:ecosystem::app/0a1b";
        let check = |path: &str, text: String| {
            let source = Source {
                name: path.to_string(),
                text,
            };
            recognize(path, source, &LoadOptions::default()).map(|r| {
                r.map(|l| l.model.app_id().unwrap_or_default().to_string())
                    .map_err(|e| e.message)
            })
        };
        assert_eq!(
            check("x/forge.yml", format!("app:\n  id: {id}\n")),
            Some(Ok(id.to_string()))
        );
        assert_eq!(
            check("ci.yml", "jobs:\n  build: {}\n".into()),
            None,
            "no app id"
        );
        assert_eq!(
            check("notes.yml", format!("see: {id}\n")),
            None,
            "mentioned, but not app.id"
        );
        let broken = check("manifest.yml", format!("app:\n  id: {id}\n  id: again\n"));
        assert!(
            matches!(&broken, Some(Err(m)) if m.contains("duplicate")),
            "a broken manifest.yml is an error: {broken:?}"
        );
        let wrong_type = check(
            "forge.yml",
            format!("app:\n  id: {id}\nremotes: {{a: 1}}\n"),
        );
        assert!(
            matches!(&wrong_type, Some(Err(m)) if m.contains("expected a list")),
            "another name with a Forge app id is a manifest too: {wrong_type:?}"
        );
        assert_eq!(
            check("other.yml", format!("app: [{id}\n")),
            None,
            "a broken file with another name and no readable app id is not a manifest"
        );
    }
}
