//! `--git BASE [HEAD]`: finds every Forge manifest in two snapshots, pairs them (by path, then
//! by `app.id` when a manifest moved) and compares each pair with the core [`compare`].

use std::collections::BTreeMap;

use git2::Repository;

use super::snapshot::{is_manifest_name, Snapshot};
use crate::error::{Error, Result};
use crate::load::{LoadOptions, Source};
use crate::report::apps::{AppReport, AppStatus, AppsReport};
use crate::report::compare;

/// What every Forge app id starts with.
pub const APP_ID_PREFIX: &str = "ari:cloud:ecosystem::app/";

/// A manifest found in a snapshot.
#[derive(Debug, Clone)]
pub struct Found {
    pub path: String,
    /// `None` for a file named `manifest.yml` that mentions an app id but does not parse: it
    /// is kept so that comparing it reports the YAML error instead of skipping the app.
    pub app_id: Option<String>,
    pub source: Source,
}

/// Whether a YAML file is a Forge manifest: its `app.id` starts with [`APP_ID_PREFIX`].
/// Returns the app id (see [`Found::app_id`] for `Some(None)`).
pub fn detect(path: &str, text: &str) -> Option<Option<String>> {
    if !text.contains(APP_ID_PREFIX) {
        return None;
    }
    match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Ok(value) => {
            let id = value.get("app")?.get("id")?.as_str()?;
            id.starts_with(APP_ID_PREFIX).then(|| Some(id.to_string()))
        }
        Err(_) => is_manifest_name(path).then_some(None),
    }
}

/// Every Forge manifest in a snapshot. A YAML file that cannot be read (binary, too large) is
/// skipped, unless it is named like a manifest: then its error stops the run.
pub fn find_manifests(
    repo: &Repository,
    snapshot: &Snapshot,
    max_bytes: u64,
) -> Result<Vec<Found>> {
    let mut out = Vec::new();
    for entry in snapshot.yaml_files(repo)? {
        let source = match snapshot.read_entry(repo, &entry, max_bytes) {
            Ok(source) => source,
            Err(e) if is_manifest_name(&entry.path) => return Err(e),
            Err(_) => continue,
        };
        if let Some(app_id) = detect(&entry.path, &source.text) {
            out.push(Found {
                path: entry.path,
                app_id,
                source,
            });
        }
    }
    Ok(out)
}

/// Compares every manifest of `base` with its counterpart in `head`.
pub fn compare_snapshots(
    repo: &Repository,
    base: &Snapshot,
    head: &Snapshot,
    options: &LoadOptions,
) -> Result<AppsReport> {
    let old = find_manifests(repo, base, options.max_bytes)?;
    let new = find_manifests(repo, head, options.max_bytes)?;
    if old.is_empty() && new.is_empty() {
        return Err(Error::new(
            format!("{}..{}", base.label(), head.label()),
            format!("no Forge manifest (a YAML file whose app.id starts with {APP_ID_PREFIX}) in either revision"),
        ));
    }
    let mut old: BTreeMap<String, Found> = old.into_iter().map(|f| (f.path.clone(), f)).collect();
    let mut new: BTreeMap<String, Found> = new.into_iter().map(|f| (f.path.clone(), f)).collect();
    let mut pairs: Vec<(Option<Found>, Option<Found>)> = Vec::new();

    // 1. By path: a manifest on one side and any file at the same path on the other (even one
    //    that no longer looks like a manifest, so that breaking it is reported, not skipped).
    let paths: Vec<String> = old.keys().chain(new.keys()).cloned().collect();
    for path in paths {
        let (o, n) = (old.remove(&path), new.remove(&path));
        let pair = match (o, n) {
            (None, None) => continue,
            (Some(o), Some(n)) => (Some(o), Some(n)),
            (Some(o), None) => match head.read_opt(repo, &path, options.max_bytes)? {
                Some(source) => (Some(o), Some(unrecognized(&path, source))),
                None => {
                    old.insert(path, o);
                    continue;
                }
            },
            (None, Some(n)) => match base.read_opt(repo, &path, options.max_bytes)? {
                Some(source) => (Some(unrecognized(&path, source)), Some(n)),
                None => {
                    new.insert(path, n);
                    continue;
                }
            },
        };
        pairs.push(pair);
    }

    // 2. By app id, for manifests that moved (only where the id is unique on both sides).
    let unique = |side: &BTreeMap<String, Found>, id: &str| {
        side.values()
            .filter(|f| f.app_id.as_deref() == Some(id))
            .count()
            == 1
    };
    let moved: Vec<(String, String)> = new
        .values()
        .filter_map(|n| {
            let id = n.app_id.as_deref()?;
            let o = old.values().find(|o| o.app_id.as_deref() == Some(id))?;
            (unique(&old, id) && unique(&new, id)).then(|| (o.path.clone(), n.path.clone()))
        })
        .collect();
    for (o, n) in moved {
        pairs.push((old.remove(&o), new.remove(&n)));
    }

    // 3. What is left is a first release (head only) or a removal (base only).
    pairs.extend(new.into_values().map(|n| (None, Some(n))));
    pairs.extend(old.into_values().map(|o| (Some(o), None)));

    let mut apps = Vec::with_capacity(pairs.len());
    for (o, n) in pairs {
        apps.push(match (o, n) {
            (o, Some(n)) => {
                let status = match &o {
                    None => AppStatus::Added,
                    Some(o) if o.path != n.path => AppStatus::Moved,
                    Some(o) if o.source.text == n.source.text => AppStatus::Unchanged,
                    Some(_) => AppStatus::Modified,
                };
                let report = compare(o.as_ref().map(|o| &o.source), &n.source, options)?;
                AppReport {
                    old_path: o.map(|o| o.path),
                    app_id: report.new.app_id.clone().or(n.app_id),
                    path: n.path,
                    status,
                    report: Some(report),
                }
            }
            (Some(o), None) => AppReport {
                path: o.path.clone(),
                old_path: Some(o.path),
                app_id: o.app_id,
                status: AppStatus::Removed,
                report: None,
            },
            (None, None) => continue,
        });
    }
    apps.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(AppsReport {
        base: base.label(),
        head: head.label(),
        notes: Vec::new(),
        apps,
    })
}

fn unrecognized(path: &str, source: Source) -> Found {
    Found {
        path: path.to_string(),
        app_id: None,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_needs_a_forge_app_id() {
        let id = "ari:cloud:ecosystem::app/0a1b";
        assert_eq!(
            detect("x/manifest.yml", &format!("app:\n  id: {id}\n")),
            Some(Some(id.to_string()))
        );
        assert_eq!(detect("ci.yml", "jobs:\n  build: {}\n"), None, "no app id");
        assert_eq!(
            detect("notes.yml", &format!("see: {id}\n")),
            None,
            "mentioned, but not app.id"
        );
        assert_eq!(
            detect("manifest.yml", &format!("app:\n  id: {id}\n  id: again\n")),
            Some(None),
            "a broken manifest.yml is kept so its error is reported"
        );
        assert_eq!(
            detect("other.yml", &format!("app: [{id}\n")),
            None,
            "a broken file with another name is not a manifest"
        );
    }
}
