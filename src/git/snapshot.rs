//! One state of a repository's files: a commit's tree, the index, or the working tree, listed
//! and read the same way, with the errors people hit in CI (missing path, symlink, submodule).

use std::path::{Path, PathBuf};

use git2::{Index, Oid, Repository, Tree, TreeWalkMode, TreeWalkResult};

use super::unknown_revision;
use crate::error::{Error, Result};
use crate::load::{read_file_as, source_from_bytes, Source};

const MODE_BLOB: u32 = 0o100644;
const MODE_EXECUTABLE: u32 = 0o100755;
const MODE_SYMLINK: u32 = 0o120000;
const MODE_SUBMODULE: u32 = 0o160000;
const MODE_TREE: u32 = 0o040000;

/// The stage bits of an index entry's flags: non-zero for the sides of a merge conflict.
const INDEX_STAGE_MASK: u16 = 0x3000;

pub enum Snapshot<'r> {
    /// A commit's tree; files are named `REV:PATH`.
    Tree { rev: String, tree: Tree<'r> },
    /// The index (staged changes); files are named `:PATH`.
    Index(Index),
    /// The working tree with uncommitted changes; files are named by their path.
    WorkTree { root: PathBuf, index: Index },
    /// No files at all: the base of a first release.
    Empty { label: String },
}

/// A regular file in a snapshot; `blob` is unknown for working-tree files.
#[derive(Debug, Clone)]
pub struct FileEntry {
    pub path: String,
    pub blob: Option<Oid>,
}

/// Whether a path names a YAML file (the only files a manifest can be).
pub fn is_yaml(path: &str) -> bool {
    path.ends_with(".yml") || path.ends_with(".yaml")
}

/// Whether a path is named like a Forge manifest (`manifest.yml` / `manifest.yaml`).
/// `--path`: whether `path` is `filter` itself or under that directory (no filter: everything).
pub fn within(path: &str, filter: Option<&str>) -> bool {
    match filter.map(|f| f.trim_matches('/')) {
        None | Some("") => true,
        Some(f) => {
            path == f
                || path
                    .strip_prefix(f)
                    .is_some_and(|rest| rest.starts_with('/'))
        }
    }
}

pub fn is_manifest_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == "manifest.yml" || name == "manifest.yaml"
}

fn git_error(what: &str, e: git2::Error) -> Error {
    // A missing or unreadable object means a damaged or partial clone, not a bad argument.
    let hint = match (e.class(), e.code()) {
        (git2::ErrorClass::Odb | git2::ErrorClass::Zlib, _) | (_, git2::ErrorCode::NotFound)
            if e.message().contains("object") =>
        {
            " (the repository is missing or has a damaged object: check it with `git fsck`, or fetch again)"
        }
        _ => "",
    };
    Error::new(what, format!("{}{hint}", e.message()))
}

impl<'r> Snapshot<'r> {
    /// The tree of `rev` (a commit, tag, branch or any revision git understands).
    pub fn revision(repo: &'r Repository, rev: &str) -> Result<Self> {
        let object = repo
            .revparse_single(rev)
            .map_err(|_| unknown_revision(repo, rev, rev))?;
        let tree = object
            .peel_to_tree()
            .map_err(|_| Error::new(rev, "is not a commit or tree, so it holds no manifest"))?;
        Ok(Snapshot::Tree {
            rev: rev.to_string(),
            tree,
        })
    }

    /// The index (honours `GIT_INDEX_FILE`, as set by git while a hook runs).
    pub fn index(repo: &Repository) -> Result<Self> {
        let index = repo.index().map_err(|e| git_error("(index)", e))?;
        Ok(Snapshot::Index(index))
    }

    /// The working tree; an error in a bare repository.
    pub fn work_tree(repo: &Repository) -> Result<Self> {
        let root = repo.workdir().ok_or_else(|| {
            Error::new(
                repo.path().display().to_string(),
                "is a bare repository: there is no working tree, so give HEAD as a revision",
            )
        })?;
        let index = repo.index().map_err(|e| git_error("(index)", e))?;
        Ok(Snapshot::WorkTree {
            root: root.to_path_buf(),
            index,
        })
    }

    pub fn empty(label: impl Into<String>) -> Self {
        Snapshot::Empty {
            label: label.into(),
        }
    }

    /// What the report calls this snapshot.
    pub fn label(&self) -> String {
        match self {
            Snapshot::Tree { rev, .. } => rev.clone(),
            Snapshot::Index(_) => "(index)".into(),
            Snapshot::WorkTree { .. } => "(working tree)".into(),
            Snapshot::Empty { label } => label.clone(),
        }
    }

    /// What messages call the file at `path`.
    pub fn name(&self, path: &str) -> String {
        match self {
            Snapshot::Tree { rev, .. } => format!("{rev}:{path}"),
            Snapshot::Index(_) => format!(":{path}"),
            Snapshot::WorkTree { .. } | Snapshot::Empty { .. } => path.to_string(),
        }
    }

    /// Every regular YAML file, sorted by path.
    pub fn yaml_files(&self, repo: &Repository) -> Result<Vec<FileEntry>> {
        let mut out = Vec::new();
        match self {
            Snapshot::Tree { rev, tree } => {
                tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
                    let mode = entry.filemode() as u32;
                    if mode == MODE_BLOB || mode == MODE_EXECUTABLE {
                        if let Some(name) = entry.name().ok().filter(|n| is_yaml(n)) {
                            out.push(FileEntry {
                                path: format!("{dir}{name}"),
                                blob: Some(entry.id()),
                            });
                        }
                    }
                    TreeWalkResult::Ok
                })
                .map_err(|e| git_error(rev, e))?;
            }
            Snapshot::Index(index) => out.extend(index_yaml(index)),
            Snapshot::WorkTree { root, index } => {
                out.extend(
                    index_yaml(index)
                        .filter(|f| root.join(&f.path).is_file())
                        .map(|f| FileEntry { blob: None, ..f }),
                );
                let mut options = git2::StatusOptions::new();
                options
                    .include_untracked(true)
                    .recurse_untracked_dirs(true)
                    .include_ignored(false);
                let statuses = repo
                    .statuses(Some(&mut options))
                    .map_err(|e| git_error("(working tree)", e))?;
                for entry in statuses.iter() {
                    if entry.status().is_wt_new() {
                        if let Some(path) = entry.path().ok().filter(|p| is_yaml(p)) {
                            if root.join(path).is_file() {
                                out.push(FileEntry {
                                    path: path.to_string(),
                                    blob: None,
                                });
                            }
                        }
                    }
                }
            }
            Snapshot::Empty { .. } => {}
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out.dedup_by(|a, b| a.path == b.path);
        Ok(out)
    }

    /// Reads a file listed by [`Snapshot::yaml_files`].
    pub fn read_entry(
        &self,
        repo: &Repository,
        entry: &FileEntry,
        max_bytes: u64,
    ) -> Result<Source> {
        match entry.blob {
            Some(id) => read_blob(repo, self.name(&entry.path), id, max_bytes),
            None => self.read(repo, &entry.path, max_bytes),
        }
    }

    /// Reads the manifest at `path`; a missing path is an error that lists the manifest-like
    /// paths that do exist.
    pub fn read(&self, repo: &Repository, path: &str, max_bytes: u64) -> Result<Source> {
        match self.read_opt(repo, path, max_bytes)? {
            Some(source) => Ok(source),
            None => Err(self.missing(repo, path)),
        }
    }

    /// Reads the file at `path`, or `None` when there is nothing there. A symlink, a submodule,
    /// a directory or a conflicted index entry is an error, not a missing file.
    pub fn read_opt(
        &self,
        repo: &Repository,
        path: &str,
        max_bytes: u64,
    ) -> Result<Option<Source>> {
        let name = self.name(path);
        match self {
            Snapshot::Tree { tree, .. } => {
                let Ok(entry) = tree.get_path(Path::new(path)) else {
                    return self.missing_or_inside_submodule(path).map(|()| None);
                };
                check_mode(&name, entry.filemode() as u32)?;
                read_blob(repo, name, entry.id(), max_bytes).map(Some)
            }
            Snapshot::Index(index) => match index.get_path(Path::new(path), 0) {
                Some(entry) => {
                    check_mode(&name, entry.mode)?;
                    read_blob(repo, name, entry.id, max_bytes).map(Some)
                }
                None if (1..=3).any(|stage| index.get_path(Path::new(path), stage).is_some()) => {
                    Err(Error::new(
                        name,
                        "has unresolved merge conflicts in the index; resolve and stage it first",
                    ))
                }
                None => self.missing_or_inside_submodule(path).map(|()| None),
            },
            Snapshot::WorkTree { root, index } => {
                let file = root.join(path);
                let Ok(meta) = file.symlink_metadata() else {
                    return self.missing_or_inside_submodule(path).map(|()| None);
                };
                if meta.file_type().is_symlink() {
                    return Err(check_mode(&name, MODE_SYMLINK).unwrap_err());
                }
                if meta.is_dir() {
                    let submodule = index
                        .get_path(Path::new(path), 0)
                        .is_some_and(|e| e.mode == MODE_SUBMODULE);
                    let mode = if submodule { MODE_SUBMODULE } else { MODE_TREE };
                    return Err(check_mode(&name, mode).unwrap_err());
                }
                read_file_as(&file, name, max_bytes).map(Some)
            }
            Snapshot::Empty { .. } => Ok(None),
        }
    }

    /// `Ok` when `path` is simply absent; an error when one of its parent directories is a
    /// submodule (whose files live in another repository).
    fn missing_or_inside_submodule(&self, path: &str) -> Result<()> {
        let mut prefix = String::new();
        for part in path.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if prefix.len() == path.len() {
                break;
            }
            let mode = match self {
                Snapshot::Tree { tree, .. } => tree
                    .get_path(Path::new(&prefix))
                    .ok()
                    .map(|e| e.filemode() as u32),
                Snapshot::Index(index) | Snapshot::WorkTree { index, .. } => {
                    index.get_path(Path::new(&prefix), 0).map(|e| e.mode)
                }
                Snapshot::Empty { .. } => None,
            };
            if mode == Some(MODE_SUBMODULE) {
                return Err(Error::new(
                    self.name(path),
                    format!("`{prefix}` is a submodule: roa-diff does not read into submodules; run it inside the submodule"),
                ));
            }
        }
        Ok(())
    }

    /// The error for a path that is not there, naming the manifest-like paths that are.
    fn missing(&self, repo: &Repository, path: &str) -> Error {
        let found: Vec<String> = self
            .yaml_files(repo)
            .unwrap_or_default()
            .into_iter()
            .filter(|f| is_manifest_name(&f.path))
            .map(|f| f.path)
            .collect();
        let hint = if found.is_empty() {
            "no manifest.yml exists there".to_string()
        } else {
            let shown = found
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            let more = found.len().saturating_sub(10);
            if more > 0 {
                format!("manifests there: {shown} (and {more} more)")
            } else {
                format!("manifests there: {shown}")
            }
        };
        Error::new(
            self.name(path),
            format!("does not exist in {}; {hint}", self.label()),
        )
    }
}

fn index_yaml(index: &Index) -> impl Iterator<Item = FileEntry> + '_ {
    index.iter().filter_map(|e| {
        let regular = e.mode == MODE_BLOB || e.mode == MODE_EXECUTABLE;
        let path = std::str::from_utf8(&e.path).ok()?;
        (regular && e.flags & INDEX_STAGE_MASK == 0 && is_yaml(path)).then(|| FileEntry {
            path: path.to_string(),
            blob: Some(e.id),
        })
    })
}

/// Refuses what is not a regular file where a manifest was expected.
fn check_mode(name: &str, mode: u32) -> Result<()> {
    let what = match mode {
        MODE_BLOB | MODE_EXECUTABLE => return Ok(()),
        MODE_SYMLINK => {
            "is a symlink; roa-diff reads only regular files (give the path it points to)"
        }
        MODE_SUBMODULE => "is a submodule, not a manifest file; run roa-diff inside the submodule",
        MODE_TREE => "is a directory, not a manifest file",
        _ => "is not a regular file",
    };
    Err(Error::new(name, what))
}

/// Reads one blob; `source_from_bytes` applies the text checks. The size comes from the object
/// header first: a blob over `max_bytes` is refused before it is inflated (a 1 MB object can
/// inflate to gigabytes).
pub fn read_blob(repo: &Repository, name: String, id: Oid, max_bytes: u64) -> Result<Source> {
    let odb = repo.odb().map_err(|e| git_error(&name, e))?;
    let (size, _) = odb.read_header(id).map_err(|e| git_error(&name, e))?;
    if size as u64 > max_bytes {
        return Err(Error::new(
            name,
            format!("larger than the {max_bytes}-byte limit (raise it with --max-bytes)"),
        ));
    }
    let blob = repo.find_blob(id).map_err(|e| git_error(&name, e))?;
    source_from_bytes(name, blob.content().to_vec(), max_bytes)
}

#[cfg(test)]
mod tests {
    use super::within;

    #[test]
    fn path_filter_matches_the_path_or_what_is_under_it() {
        assert!(within("apps/a/manifest.yml", None));
        assert!(within("apps/a/manifest.yml", Some("")));
        assert!(within("apps/a/manifest.yml", Some("apps")));
        assert!(within("apps/a/manifest.yml", Some("/apps/a/")));
        assert!(within("apps/a/manifest.yml", Some("apps/a/manifest.yml")));
        assert!(!within("apps-old/manifest.yml", Some("apps")));
        assert!(!within("testdata/x.yml", Some("apps")));
    }
}
