//! Git as an input: `REV:PATH`, `:PATH` (the index), `-` (stdin) and plain paths for one
//! manifest, and whole revisions for `--git` (see [`apps`]). Everything is read with git2 straight
//! from the object database: no checkout, no `git` subprocess, no network.

pub mod apps;
pub mod changes;
pub mod snapshot;

use std::io::Read;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository, Sort};

use crate::error::{Error, Result};
use crate::load::{read_file, source_from_bytes, Source};

pub use snapshot::Snapshot;

/// Where one side of `roa-diff OLD NEW` comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file in the working tree (or anywhere on disk).
    Path(PathBuf),
    /// `-`: standard input.
    Stdin,
    /// `REV:PATH`; an empty `rev` is the index (`:PATH`).
    Rev { rev: String, path: String },
}

impl Input {
    /// The form of an argument, read the way git does: `-`, `REV:PATH` (`:PATH` for the
    /// index) or a plain path. Which of a file or a revision a `REV:PATH` names is decided by
    /// [`read_input`], against the repository.
    pub fn parse(arg: &Path) -> Input {
        let Some(text) = arg.to_str() else {
            return Input::Path(arg.to_path_buf());
        };
        if text == "-" {
            return Input::Stdin;
        }
        match text.split_once(':') {
            Some((rev, path)) => Input::Rev {
                rev: rev.to_string(),
                path: path.to_string(),
            },
            None => Input::Path(arg.to_path_buf()),
        }
    }
}

/// Decides what a `REV:PATH` argument names. A revision whenever REV resolves in the
/// repository around the current directory: a pull request can commit a file named
/// `origin/main:manifest.yml`, and it must not become the base. A plain file only when REV
/// resolves nowhere and the file lies outside that repository; a file inside it that looks like
/// `REV:PATH` is refused, since only the repository's own content could have put it there.
pub fn resolve_input(arg: &Path) -> Result<Input> {
    let input = Input::parse(arg);
    let Input::Rev { rev, .. } = &input else {
        return Ok(input);
    };
    let exists = arg.symlink_metadata().is_ok();
    let Ok(repo) = Repository::open_from_env() else {
        return Ok(if exists {
            Input::Path(arg.to_path_buf())
        } else {
            input
        });
    };
    if rev.is_empty() || repo.revparse_single(rev).is_ok() || !exists {
        return Ok(input);
    }
    if inside_work_tree(&repo, arg) {
        return Err(Error::new(
            arg.display().to_string(),
            format!("is a file inside the repository named like REV:PATH, and `{rev}` is no revision there: refused, so that no committed file can pose as a revision (rename it, or compare a copy kept outside the repository)"),
        ));
    }
    Ok(Input::Path(arg.to_path_buf()))
}

/// Reads one manifest version from wherever `arg` says.
pub fn read_input(arg: &Path, max_bytes: u64) -> Result<Source> {
    match resolve_input(arg)? {
        Input::Path(path) => {
            refuse_symlink_leaving_repo(&path)?;
            read_file(&path, max_bytes)
        }
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .take(max_bytes.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(|e| Error::new("(stdin)", format!("cannot read: {e}")))?;
            source_from_bytes("(stdin)".into(), bytes, max_bytes)
        }
        Input::Rev { rev, path } => {
            let name = arg.display().to_string();
            let repo = open_repo(&name)?;
            let path = repo_path(&repo, &path);
            let snapshot = if rev.is_empty() {
                Snapshot::index(&repo)?
            } else {
                Snapshot::revision(&repo, &rev)?
            };
            snapshot.read(&repo, &path, max_bytes)
        }
    }
}

/// `path` with `.` and `..` resolved by text only, made absolute against the current
/// directory: where the user pointed, before any symlink is followed.
fn lexical_absolute(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut out = PathBuf::new();
    for part in absolute.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}

/// Whether `path`, as written (symlinks not followed), lies in the repository's working tree.
fn inside_work_tree(repo: &Repository, path: &Path) -> bool {
    let Some(root) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
        return false;
    };
    lexical_absolute(path).is_some_and(|p| p.starts_with(&root))
}

/// Refuses a path inside the repository around the current directory that resolves (through
/// a symlink in it, or in one of its directories) to a file outside it: a pull request could
/// point `manifest.yml` or `.roa-diff.yml` at any file on the runner, and errors would quote
/// it. The target's content is never read. Outside a repository there is nothing to leave.
pub fn refuse_symlink_leaving_repo(path: &Path) -> Result<()> {
    let Ok(repo) = Repository::open_from_env() else {
        return Ok(());
    };
    let Some(root) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
        return Ok(());
    };
    if !inside_work_tree(&repo, path) {
        return Ok(());
    }
    match path.canonicalize() {
        Ok(target) if !target.starts_with(&root) => Err(Error::new(
            path.display().to_string(),
            "is a symlink (or lies under one) that leads out of the repository; refused, since a pull request could point it at any file on the machine",
        )),
        _ => Ok(()),
    }
}

/// Opens the repository around the current directory (or `$GIT_DIR`, as hooks set it).
/// `what` names the input the repository was needed for, for the error.
pub fn open_repo(what: &str) -> Result<Repository> {
    Repository::open_from_env().map_err(|e| {
        let here = std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        let message = if e.code() == git2::ErrorCode::NotFound {
            format!("not a git repository (searched from {here} upwards; run it inside a clone or set GIT_DIR)")
        } else if e.code() == git2::ErrorCode::Owner {
            // Common in CI containers, where the checkout belongs to another user.
            format!("cannot open the git repository: {} (trust it with git config --global --add safe.directory DIR)", e.message())
        } else {
            format!("cannot open the git repository: {}", e.message())
        };
        Error::new(what, message)
    })
}

/// The repository-relative path for a `REV:PATH` path. As in git, a path starting with `./` or
/// `../` is relative to the current directory; any other is relative to the repository root.
pub fn repo_path(repo: &Repository, path: &str) -> String {
    if !(path.starts_with("./") || path.starts_with("../")) {
        return path.to_string();
    }
    let (Some(workdir), Ok(cwd)) = (repo.workdir(), std::env::current_dir()) else {
        return path.trim_start_matches("./").to_string();
    };
    let prefix = cwd
        .canonicalize()
        .ok()
        .zip(workdir.canonicalize().ok())
        .and_then(|(cwd, root)| cwd.strip_prefix(root).ok().map(Path::to_path_buf))
        .unwrap_or_default();
    let mut parts: Vec<String> = prefix
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other.to_string()),
        }
    }
    parts.join("/")
}

/// What to do when the history needed is not in a shallow clone; every git input says it so.
pub const SHALLOW_HINT: &str =
    "fetch the full history (git fetch --unshallow --tags, or fetch-depth: 0 in actions/checkout)";

/// The error for a revision git2 cannot resolve, with the hint CI users need.
pub fn unknown_revision(repo: &Repository, what: &str, rev: &str) -> Error {
    let hint = if repo.is_shallow() {
        format!("this is a shallow clone: {SHALLOW_HINT}")
    } else {
        format!("if it is a tag or branch on the remote, fetch it first (git fetch origin {rev} or git fetch --tags)")
    };
    Error::new(what, format!("unknown revision `{rev}`; {hint}"))
}

/// Resolves a revision to a commit id.
pub fn resolve_commit(repo: &Repository, rev: &str) -> Result<Oid> {
    let object = repo
        .revparse_single(rev)
        .map_err(|_| unknown_revision(repo, rev, rev))?;
    object
        .peel_to_commit()
        .map(|c| c.id())
        .map_err(|_| Error::new(rev, "is not a commit (nor a tag pointing at one)"))
}

/// The newest tag matching `glob` reachable from `from` (git's glob syntax, as `git tag -l`).
/// `include_from`: whether a tag on `from` itself counts (not when `from` is the release being
/// checked). Among several matching tags on one commit, the highest version wins.
pub fn newest_tag(
    repo: &Repository,
    glob: &str,
    from: Oid,
    include_from: bool,
) -> Result<Option<(String, Oid)>> {
    let tagged = tags_by_commit(repo, glob)?;
    if tagged.is_empty() {
        return Ok(None);
    }
    let fail = |e: git2::Error| Error::new(glob, format!("cannot walk history: {}", e.message()));
    let mut walk = repo.revwalk().map_err(fail)?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)
        .map_err(fail)?;
    walk.push(from).map_err(fail)?;
    for oid in walk {
        let oid = oid.map_err(fail)?;
        if oid == from && !include_from {
            continue;
        }
        if let Some(names) = tagged.get(&oid) {
            return Ok(names.last().map(|n| (n.clone(), oid)));
        }
    }
    Ok(None)
}

/// Tags matching `glob`, by the commit they point at, each list in ascending version order.
pub fn tags_by_commit(
    repo: &Repository,
    glob: &str,
) -> Result<std::collections::HashMap<Oid, Vec<String>>> {
    let names = repo
        .tag_names(Some(glob))
        .map_err(|e| Error::new(glob, format!("cannot list tags: {}", e.message())))?;
    let mut out: std::collections::HashMap<Oid, Vec<String>> = Default::default();
    for name in names.iter().filter_map(|n| n.ok().flatten()) {
        let Ok(object) = repo.revparse_single(&format!("refs/tags/{name}")) else {
            continue;
        };
        // A tag of a tree or blob is no release.
        if let Ok(commit) = object.peel_to_commit() {
            out.entry(commit.id()).or_default().push(name.to_string());
        }
    }
    for names in out.values_mut() {
        names.sort_by(|a, b| version_cmp(a, b));
    }
    Ok(out)
}

/// Compares tag names with digit runs as numbers, so `v1.10.0` sorts after `v1.9.0`.
pub fn version_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(&cb) {
        let ord = match (x, y) {
            ((true, x), (true, y)) => {
                let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                x.len().cmp(&y.len()).then(x.cmp(y))
            }
            ((_, x), (_, y)) => x.cmp(y),
        };
        if ord.is_ne() {
            return ord;
        }
    }
    ca.len().cmp(&cb.len()).then(a.cmp(b))
}

/// The two sides of `--git`, as the user gave them.
#[derive(Debug, Clone, Default)]
pub struct RevisionArgs {
    /// BASE, or `BASE..HEAD` / `BASE...HEAD` (from their merge base) when `head` is `None`.
    pub base: Option<String>,
    pub head: Option<String>,
    /// HEAD is the index instead of the working tree.
    pub staged: bool,
    /// BASE is the newest tag matching this glob reachable from HEAD; `base` then names HEAD.
    pub base_tag: Option<String>,
}

/// An empty side of `A..B` means HEAD, as in git.
pub(crate) fn or_head(rev: &str) -> String {
    if rev.is_empty() { "HEAD" } else { rev }.to_string()
}

/// Resolves `--git` arguments to two snapshots, plus notes on how BASE was chosen.
pub fn resolve_revisions<'r>(
    repo: &'r Repository,
    args: &RevisionArgs,
) -> Result<(Snapshot<'r>, Snapshot<'r>, Vec<String>)> {
    let mut notes = Vec::new();
    let (mut base, mut head) = (args.base.clone(), args.head.clone());
    if args.base_tag.is_some() {
        if head.is_some() {
            return Err(Error::new(
                "--base-tag",
                "picks BASE itself: give at most one revision (HEAD)",
            ));
        }
        head = base.take();
    } else if head.is_none() {
        if let Some(range) = base.clone() {
            if let Some((a, b)) = range.split_once("...") {
                let (a, b) = (or_head(a), or_head(b));
                let (x, y) = (resolve_commit(repo, &a)?, resolve_commit(repo, &b)?);
                let merge_base = repo.merge_base(x, y).map_err(|_| {
                    Error::new(
                        range.as_str(),
                        format!("`{a}` and `{b}` have no common ancestor"),
                    )
                })?;
                base = Some(merge_base.to_string());
                head = Some(b);
            } else if let Some((a, b)) = range.split_once("..") {
                base = Some(or_head(a));
                head = Some(or_head(b));
            }
        }
    }
    if args.staged && head.is_some() {
        return Err(Error::new(
            "--staged",
            "compares with the index: do not give a HEAD revision too",
        ));
    }
    let head_commit = match &head {
        Some(rev) => Some(resolve_commit(repo, rev)?),
        None => repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .map(|c| c.id()),
    };
    let head_snapshot = match &head {
        Some(rev) => Snapshot::revision(repo, rev)?,
        None if args.staged => Snapshot::index(repo)?,
        None => Snapshot::work_tree(repo)?,
    };
    let base_snapshot = if let Some(glob) = &args.base_tag {
        // A tag on the HEAD commit is the release being checked when HEAD is a revision, and
        // the last release when HEAD is the working tree or the index.
        let found = match head_commit {
            Some(from) => newest_tag(repo, glob, from, head.is_none())?,
            None => None,
        };
        match found {
            Some((tag, _)) => Snapshot::revision(repo, &tag)?,
            None if repo.is_shallow() => {
                return Err(Error::new(
                    "--base-tag",
                    format!("no tag matching `{glob}` is reachable from HEAD in this shallow clone: fetch the full history and tags (git fetch --unshallow --tags, or fetch-depth: 0 in actions/checkout)"),
                ))
            }
            None => {
                notes.push(format!("no tag matching `{glob}` is reachable from HEAD: every manifest is compared as a first release"));
                Snapshot::empty(format!("(no tag matching {glob})"))
            }
        }
    } else {
        match &base {
            Some(rev) => Snapshot::revision(repo, rev)?,
            None => match repo.head().ok().and_then(|h| h.peel_to_commit().ok()) {
                Some(_) => Snapshot::revision(repo, "HEAD")?,
                None => {
                    notes.push("the repository has no commit yet: every manifest is compared as a first release".into());
                    Snapshot::empty("(no commits yet)")
                }
            },
        }
    };
    Ok((base_snapshot, head_snapshot, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_parse_like_git() {
        assert_eq!(Input::parse(Path::new("-")), Input::Stdin);
        assert_eq!(
            Input::parse(Path::new("v1.4.0:apps/manifest.yml")),
            Input::Rev {
                rev: "v1.4.0".into(),
                path: "apps/manifest.yml".into()
            }
        );
        assert_eq!(
            Input::parse(Path::new(":manifest.yml")),
            Input::Rev {
                rev: "".into(),
                path: "manifest.yml".into()
            }
        );
        assert_eq!(
            Input::parse(Path::new("no/such/manifest.yml")),
            Input::Path("no/such/manifest.yml".into())
        );
    }

    #[test]
    fn versions_sort_numerically() {
        let mut tags = vec!["v1.10.0", "v1.9.0", "v1.9.0-rc1", "v2.0.0", "v1.09.1"];
        tags.sort_by(|a, b| version_cmp(a, b));
        assert_eq!(
            tags,
            vec!["v1.9.0", "v1.9.0-rc1", "v1.09.1", "v1.10.0", "v2.0.0"]
        );
    }
}
