//! The engine of `roa-diff log`: walks first-parent history, classifies each commit's manifest
//! changes against its first parent, and groups commits into releases. Each distinct blob is
//! parsed once and each distinct (old blob, new blob) pair is classified once, so a long history
//! of small edits costs one parse per version, not two.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use git2::{Commit, Oid, Repository, Tree};

use super::parallel::Loader;
use crate::error::{Error, Result};
use crate::git::apps::{
    app_report_with, as_forge_manifest, pair_manifests, recognize, Found, Pair,
};
use crate::git::changes::changed_files;
use crate::git::snapshot::{is_manifest_name, is_yaml, read_blob, within, Snapshot};
use crate::git::{or_head, resolve_commit, tags_by_commit};
use crate::load::LoadOptions;
use crate::report::apps::AppStatus;
use crate::report::{load_manifest, verdict, Loaded, UpdateLevel};
use crate::roa::RoaChange;
use crate::rules::Level;

/// What one app's update amounts to, without the names of the files (so it can be shared by
/// every commit that makes the same change).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// `None` for a removed manifest.
    pub update: Option<UpdateLevel>,
    pub roa: Option<RoaChange>,
    /// (level, rule id, manifest path), major first.
    pub changes: Vec<(Level, &'static str, String)>,
}

/// One app's change in a commit or a release.
#[derive(Debug, Clone)]
pub struct AppChange {
    pub path: String,
    pub old_path: Option<String>,
    pub app_id: Option<String>,
    pub status: AppStatus,
    pub summary: Rc<Summary>,
}

impl AppChange {
    /// Whether two changes are about the same app (by app id, else by path).
    fn same_app(&self, other: &AppChange) -> bool {
        match (&self.app_id, &other.app_id) {
            (Some(a), Some(b)) => a == b,
            _ => self.path == other.path,
        }
    }
}

/// A commit that changed at least one manifest (or failed to be read).
#[derive(Debug, Clone)]
pub struct CommitEntry {
    pub id: Oid,
    /// Author time: seconds since the epoch and the author's offset in minutes.
    pub time: (i64, i32),
    pub subject: String,
    pub apps: Vec<AppChange>,
    /// A manifest in this commit or its parent that could not be read.
    pub error: Option<String>,
}

impl CommitEntry {
    pub fn short_id(&self) -> String {
        self.id.to_string()[..7].to_string()
    }
}

/// The worst update over several apps (`None` when none has a verdict, e.g. only removals).
pub fn worst_update(apps: &[AppChange]) -> Option<UpdateLevel> {
    apps.iter().filter_map(|a| a.summary.update).max()
}

/// The most notable eligibility change over several apps: lost, then gained, then still
/// ineligible, then kept.
pub fn worst_roa(apps: &[AppChange]) -> Option<RoaChange> {
    let rank = |r: &RoaChange| match r {
        RoaChange::Lost => 3,
        RoaChange::Gained => 2,
        RoaChange::StillIneligible => 1,
        RoaChange::Kept | RoaChange::FirstRelease => 0,
    };
    apps.iter().filter_map(|a| a.summary.roa).max_by_key(rank)
}

/// The rule ids of several apps' changes, each once, in order of appearance.
pub fn rule_ids(apps: &[AppChange]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for (_, rule, _) in apps.iter().flat_map(|a| &a.summary.changes) {
        if !out.contains(rule) {
            out.push(rule);
        }
    }
    out
}

/// A major change of a release and the commit that introduced it.
#[derive(Debug, Clone)]
pub struct MajorChange {
    pub app_path: String,
    pub rule: &'static str,
    pub path: String,
    /// The newest commit of the release whose own diff makes this change; `None` when no
    /// single commit does (it only arises from several commits together).
    pub commit: Option<CommitEntry>,
}

/// The commits between two release tags, and what the release as a whole does.
#[derive(Debug, Clone)]
pub struct Release {
    /// `None`: the unreleased commits after the newest tag ("next release").
    pub tag: Option<String>,
    /// The release before it; `None` for a first release.
    pub previous: Option<String>,
    /// How many commits the release has (with or without manifest changes).
    pub commit_count: usize,
    /// Its commits that changed a manifest, newest first.
    pub commits: Vec<CommitEntry>,
    /// Previous tag against this tag (what site admins see), or why it could not be read.
    pub verdict: std::result::Result<Vec<AppChange>, String>,
    pub major: Vec<MajorChange>,
}

/// Parsed manifests by blob id, and classifications by blob-id pair.
pub struct History<'r> {
    repo: &'r Repository,
    options: LoadOptions,
    /// `--path`: only files at or under this path.
    path: Option<String>,
    /// Blob -> the manifest it holds (`None`: not a manifest), or why it could not be loaded.
    recognized: HashMap<Oid, Option<std::result::Result<Rc<Loaded>, Error>>>,
    /// Blobs loaded although they do not look like manifests (a manifest's path, broken).
    loaded: HashMap<Oid, std::result::Result<Rc<Loaded>, Error>>,
    summaries: HashMap<(Option<Oid>, Option<Oid>), Rc<Summary>>,
    /// Manifests loaded ahead by [`History::prefetch`], not yet asked for.
    prefetched: HashMap<Oid, Loaded>,
    /// Loads [`History::prefetch`] started in the background, and their blobs.
    loader: Loader<Oid>,
    loading: HashSet<Oid>,
    /// The changed blobs [`History::prefetch`] found, by commit, not yet asked for.
    changed: HashMap<Oid, (Blobs, Blobs)>,
    /// Distinct blobs read and parsed, and distinct blob pairs classified (to check the caches).
    pub blobs_read: usize,
    pub pairs_classified: usize,
}

/// The blob ids of one side of a comparison, by path.
type Blobs = crate::git::changes::Files;

impl<'r> History<'r> {
    pub fn new(repo: &'r Repository, options: LoadOptions, path: Option<String>) -> Self {
        History {
            repo,
            loader: Loader::new(&options, Some(repo.path().to_path_buf())),
            options,
            path: path.map(|p| p.trim_matches('/').to_string()),
            recognized: HashMap::new(),
            loaded: HashMap::new(),
            summaries: HashMap::new(),
            prefetched: HashMap::new(),
            loading: HashSet::new(),
            changed: HashMap::new(),
            blobs_read: 0,
            pairs_classified: 0,
        }
    }

    fn wanted(&self, path: &str) -> bool {
        is_yaml(path) && within(path, self.path.as_deref())
    }

    /// The manifest in a blob, parsed at most once. `name` is used for messages.
    fn recognize(&mut self, id: Oid, name: &str, path: &str) -> Result<Option<Rc<Loaded>>> {
        if let Some(known) = self.recognized.get(&id) {
            return known.clone().transpose();
        }
        self.blobs_read += 1;
        self.wait_for(id);
        let result = match self.prefetched.remove(&id) {
            Some(loaded) => as_forge_manifest(Ok(loaded), None).map(|r| r.map(Rc::new)),
            None => match read_blob(self.repo, name.to_string(), id, self.options.max_bytes) {
                Err(e) => is_manifest_name(path).then_some(Err(e)),
                Ok(source) => recognize(path, source, &self.options).map(|r| r.map(Rc::new)),
            },
        };
        self.recognized.insert(id, result.clone());
        result.transpose()
    }

    /// Any blob as a manifest (for a file at a manifest's path that no longer looks like one).
    fn load(&mut self, id: Oid, name: &str) -> Result<Rc<Loaded>> {
        if let Some(Some(known)) = self.recognized.get(&id) {
            return known.clone();
        }
        if let Some(known) = self.loaded.get(&id) {
            return known.clone();
        }
        let result = read_blob(self.repo, name.to_string(), id, self.options.max_bytes)
            .and_then(|source| load_manifest(source, &self.options))
            .map(Rc::new);
        self.blobs_read += 1;
        self.loaded.insert(id, result.clone());
        result
    }

    /// Pairs and classifies the manifests among `old` and `new` blobs. `names` gives the
    /// revision each side is named after in messages.
    fn compare_blobs(
        &mut self,
        old: &Blobs,
        new: &Blobs,
        names: (&str, &str),
    ) -> Result<Vec<AppChange>> {
        let mut sides: [Vec<Found>; 2] = [Vec::new(), Vec::new()];
        for (i, (blobs, rev)) in [(old, names.0), (new, names.1)].into_iter().enumerate() {
            let mut paths: Vec<&String> = blobs.keys().collect();
            paths.sort();
            for path in paths {
                if let Some(loaded) = self.recognize(blobs[path], &format!("{rev}:{path}"), path)? {
                    sides[i].push(Found {
                        path: path.clone(),
                        loaded,
                    });
                }
            }
        }
        let [old_found, new_found] = sides;
        let pairs = pair_manifests(old_found, new_found, |side, path| {
            let (blobs, rev) = match side {
                crate::diff::Side::Old => (old, names.0),
                crate::diff::Side::New => (new, names.1),
            };
            match blobs.get(path) {
                Some(&id) => self.load(id, &format!("{rev}:{path}")).map(Some),
                None => Ok(None),
            }
        })?;
        Ok(pairs
            .into_iter()
            .map(|pair| {
                let key = match &pair {
                    Pair::Both(o, n) => (old.get(&o.path).copied(), new.get(&n.path).copied()),
                    Pair::Added(n) => (None, new.get(&n.path).copied()),
                    Pair::Removed(o) => (old.get(&o.path).copied(), None),
                };
                // A pair seen before is not compared again.
                let summary = match self.summaries.get(&key) {
                    Some(known) => known.clone(),
                    None => {
                        self.pairs_classified += 1;
                        let summary = Rc::new(summarize(&pair));
                        self.summaries.insert(key, summary.clone());
                        summary
                    }
                };
                // The loads have no text (see `Loader`): the same blob is the same text.
                let app = app_report_with(pair, false, |o, n| old.get(&o.path) == new.get(&n.path));
                AppChange {
                    path: app.path,
                    old_path: app.old_path,
                    app_id: app.app_id,
                    status: app.status,
                    summary,
                }
            })
            .collect())
    }

    /// The YAML blobs of a whole tree (within `--path`).
    fn tree_blobs(&self, tree: &Tree<'r>) -> Result<Blobs> {
        let snapshot = Snapshot::Tree {
            rev: String::new(),
            tree: tree.clone(),
        };
        Ok(snapshot
            .yaml_files(self.repo)?
            .into_iter()
            .filter(|f| self.wanted(&f.path))
            .filter_map(|f| Some((f.path, f.blob?)))
            .collect())
    }

    /// Starts loading, on every core in the background, the manifests that
    /// [`History::commit_entry`] will read for these commits and has not read yet, so that it
    /// finds them loaded (or waits for them); what it returns is the same.
    /// Only successful loads are kept: a version that fails is loaded again when it is asked
    /// for, so that its error names it as it would have without this.
    pub fn prefetch(&mut self, commits: &[&Commit<'r>]) {
        for commit in commits {
            // An error here is commit_entry's to report, when the walk gets there.
            let Ok(changed) = self.changed_blobs(commit) else {
                break;
            };
            let short = commit.id().to_string()[..7].to_string();
            let parent = format!("{short}^");
            for (blobs, rev) in [(&changed.0, &parent), (&changed.1, &short)] {
                for (path, &id) in blobs {
                    let known = self.recognized.contains_key(&id)
                        || self.prefetched.contains_key(&id)
                        || self.loading.contains(&id);
                    if known {
                        continue;
                    }
                    // Read and loaded by a worker; texts without a Forge app id, unreadable
                    // blobs and failed loads are left to commit_entry.
                    self.loading.insert(id);
                    self.loader.submit_blob(id, id, format!("{rev}:{path}"));
                }
            }
            self.changed.insert(commit.id(), changed);
        }
    }

    /// Waits until a blob [`History::prefetch`] started loading is loaded, if it is one.
    fn wait_for(&mut self, id: Oid) {
        while self.loading.contains(&id) {
            let Some((done, loaded)) = self.loader.next_done() else {
                break;
            };
            self.loading.remove(&done);
            if let Some(Ok(loaded)) = loaded {
                self.prefetched.insert(done, loaded);
            }
        }
    }

    /// The YAML blobs a commit changed against its first parent, on each side.
    fn changed_blobs(&self, commit: &Commit<'r>) -> Result<(Blobs, Blobs)> {
        let fail = |e: git2::Error| Error::new(commit.id().to_string(), e.message().to_string());
        let tree = commit.tree().map_err(fail)?;
        let parent_tree = match commit.parent(0) {
            Ok(parent) => Some(parent.tree().map_err(fail)?),
            Err(_) => None,
        };
        changed_files(
            self.repo,
            parent_tree.as_ref(),
            &tree,
            self.path.as_deref(),
            is_yaml,
        )
        .map_err(fail)
    }

    /// One commit against its first parent; `None` when it changed no manifest.
    pub fn commit_entry(&mut self, commit: &Commit<'r>) -> Result<Option<CommitEntry>> {
        let (old, new) = match self.changed.remove(&commit.id()) {
            Some(changed) => changed,
            None => self.changed_blobs(commit)?,
        };
        let mut entry = CommitEntry {
            id: commit.id(),
            time: {
                let when = commit.author().when();
                (when.seconds(), when.offset_minutes())
            },
            subject: commit.summary().ok().flatten().unwrap_or("").to_string(),
            apps: Vec::new(),
            error: None,
        };
        if old.is_empty() && new.is_empty() {
            return Ok(None);
        }
        let id = entry.short_id();
        let parent = format!("{id}^");
        match self.compare_blobs(&old, &new, (&parent, &id)) {
            Ok(apps) => entry.apps = apps,
            Err(e) => entry.error = Some(e.to_string()),
        }
        Ok((!entry.apps.is_empty() || entry.error.is_some()).then_some(entry))
    }

    /// Every manifest of `old` (or none) against every manifest of `new`.
    pub fn compare_trees(
        &mut self,
        old: Option<(&str, &Tree<'r>)>,
        new: (&str, &Tree<'r>),
    ) -> Result<Vec<AppChange>> {
        let old_blobs = match old {
            Some((_, tree)) => self.tree_blobs(tree)?,
            None => Blobs::new(),
        };
        let new_blobs = self.tree_blobs(new.1)?;
        self.compare_blobs(&old_blobs, &new_blobs, (old.map_or("", |o| o.0), new.0))
    }
}

/// The file-independent part of a pair's app report: what [`app_report_with`] would report
/// for it, from the models alone.
fn summarize(pair: &Pair) -> Summary {
    let (old, new) = match pair {
        Pair::Removed(_) => {
            return Summary {
                update: None,
                roa: None,
                changes: Vec::new(),
            }
        }
        Pair::Added(new) => (None, new),
        Pair::Both(old, new) => (Some(&old.loaded.model), new),
    };
    let verdict = verdict(old, &new.loaded.model);
    // A manifest with no predecessor is a first release, not an update (SPEC §3, §4).
    let first_release = old.is_none();
    Summary {
        update: Some(if first_release {
            UpdateLevel::FirstRelease
        } else {
            verdict.update
        }),
        roa: Some(if first_release {
            RoaChange::FirstRelease
        } else {
            verdict.roa
        }),
        changes: verdict
            .changes
            .into_iter()
            .map(|c| (c.level, c.rule.as_str(), c.path))
            .collect(),
    }
}

/// The commits of a range, newest first, following first parents: `REV` (all of its history)
/// or `BASE..HEAD` (what HEAD has that BASE has not).
pub fn first_parent_commits<'r>(
    repo: &'r Repository,
    range: &str,
) -> Result<impl Iterator<Item = Result<Commit<'r>>> + 'r> {
    let fail = |e: git2::Error| Error::new(range, e.message().to_string());
    let mut walk = repo.revwalk().map_err(fail)?;
    walk.simplify_first_parent().map_err(fail)?;
    // Split at `..` the three dots would leave `.HEAD` to resolve, a revision nobody typed.
    if let Some((base, head)) = range.split_once("...") {
        let (base, head) = (or_head(base), or_head(head));
        return Err(Error::new(
            range,
            format!("roa-diff log takes REV or BASE..HEAD, not three dots: {base}..{head} lists the commits of {head} that {base} does not have"),
        ));
    }
    match range.split_once("..") {
        Some((base, head)) => {
            walk.push(resolve_commit(repo, &or_head(head))?)
                .map_err(fail)?;
            walk.hide(resolve_commit(repo, &or_head(base))?)
                .map_err(fail)?;
        }
        None => walk.push(resolve_commit(repo, range)?).map_err(fail)?,
    }
    let range = range.to_string();
    Ok(walk.map(move |id| {
        id.and_then(|id| repo.find_commit(id))
            .map_err(|e| Error::new(range.as_str(), e.message().to_string()))
    }))
}

/// A commit of the walk, with its entry when it changed a manifest.
pub type Walked<'r> = (Commit<'r>, Option<CommitEntry>);

/// Groups a newest-first list of `(commit, entry)` by release tags matching `glob`, computes
/// each release's own verdict (previous tag against this tag), and finds the commit that
/// introduced each major change.
pub fn releases<'r>(
    history: &mut History<'r>,
    glob: &str,
    commits: Vec<Walked<'r>>,
) -> Result<Vec<Release>> {
    let repo = history.repo;
    let tags = tags_by_commit(repo, glob)?;
    // (tag, commits) newest first; the first group has no tag when HEAD is not tagged.
    let mut groups: Vec<(Option<String>, Vec<Walked<'r>>)> = Vec::new();
    for (commit, entry) in commits {
        if let Some(names) = tags.get(&commit.id()) {
            groups.push((names.last().cloned(), Vec::new()));
        } else if groups.is_empty() {
            groups.push((None, Vec::new()));
        }
        if let Some(group) = groups.last_mut() {
            group.1.push((commit, entry));
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    for i in 0..groups.len() {
        let previous = match groups.get(i + 1) {
            Some((tag, _)) => tag.clone(),
            // The oldest group in the range: the newest matching tag before it, if any.
            None => {
                let oldest = &groups[i].1.last().expect("groups are never empty").0;
                match oldest.parent_id(0) {
                    Ok(parent) => crate::git::newest_tag(repo, glob, parent, true)?.map(|t| t.0),
                    Err(_) => None,
                }
            }
        };
        let (tag, members) = &groups[i];
        let head = &members[0].0;
        let verdict = release_verdict(history, previous.as_deref(), tag.as_deref(), head);
        let entries: Vec<CommitEntry> = members.iter().filter_map(|(_, e)| e.clone()).collect();
        let major = match &verdict {
            Ok(apps) => introduced_by(apps, &entries),
            Err(_) => Vec::new(),
        };
        out.push(Release {
            tag: tag.clone(),
            previous,
            commit_count: members.len(),
            commits: entries,
            verdict,
            major,
        });
    }
    Ok(out)
}

fn release_verdict<'r>(
    history: &mut History<'r>,
    previous: Option<&str>,
    tag: Option<&str>,
    head: &Commit<'r>,
) -> std::result::Result<Vec<AppChange>, String> {
    let tree_of = |rev: &str| -> Result<Tree<'r>> {
        let commit = resolve_commit(history.repo, rev)?;
        history
            .repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(|e| Error::new(rev, e.message().to_string()))
    };
    let run = |history: &mut History<'r>| -> Result<Vec<AppChange>> {
        let old = previous.map(|p| tree_of(p).map(|t| (p, t))).transpose()?;
        let new_name = tag.map_or_else(|| head.id().to_string()[..7].to_string(), str::to_string);
        let new_tree = head
            .tree()
            .map_err(|e| Error::new(new_name.as_str(), e.message().to_string()))?;
        let apps =
            history.compare_trees(old.as_ref().map(|(n, t)| (*n, t)), (&new_name, &new_tree))?;
        // A release is about what changed: an app it leaves untouched is not part of it.
        Ok(apps
            .into_iter()
            .filter(|a| a.status != AppStatus::Unchanged)
            .collect())
    };
    run(history).map_err(|e| e.to_string())
}

/// For each major change of a release, the newest of its commits whose own diff makes it.
fn introduced_by(release: &[AppChange], commits: &[CommitEntry]) -> Vec<MajorChange> {
    let mut out = Vec::new();
    for app in release {
        for (level, rule, path) in &app.summary.changes {
            if *level != Level::Major {
                continue;
            }
            let commit = commits.iter().find(|c| {
                c.apps.iter().any(|a| {
                    a.same_app(app)
                        && a.summary
                            .changes
                            .iter()
                            .any(|(_, r, p)| r == rule && p == path)
                })
            });
            out.push(MajorChange {
                app_path: app.path.clone(),
                rule,
                path: path.clone(),
                commit: commit.cloned(),
            });
        }
    }
    out
}
