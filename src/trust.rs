//! What a run takes from the trusted side only. On a pull request the PR's files are the
//! attacker's; the workflow, the base branch and the CI environment are not (docs/security.md).
//! So the accept file (which can wave a major change through) is read from the base revision by
//! default in PR mode, and the process environment (which holds CI secrets) is read only for
//! the variable names the user allowed: `--env NAME`, or `env:` in that trusted accept file.

use std::collections::BTreeMap;
use std::path::Path;

use clap::ValueEnum;
use git2::Repository;

use crate::accept::{self, AcceptFile, DEFAULT_FILE};
use crate::error::Result;
use crate::git::{refuse_symlink_leaving_repo, Snapshot};
use crate::load::{read_file, DEFAULT_MAX_BYTES};

/// Where the accept file (and its `env:` allow-list) is read from.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum AcceptFrom {
    /// The base revision: a pull request cannot accept its own change (the default with a
    /// BASE revision).
    Base,
    /// The new side (the working tree, or HEAD): for local runs, or for teams that protect the
    /// file with CODEOWNERS.
    Head,
}

/// An accept file and what the output says about where it came from.
#[derive(Debug, Default)]
pub struct Trusted {
    pub accept: Option<AcceptFile>,
    /// "accept entries from origin/main:.roa-diff.yml", when read from a revision.
    pub note: Option<String>,
}

impl Trusted {
    /// The names whose values the process environment may give: `--env` and the file's `env:`.
    pub fn env_names<'a>(&'a self, cli: &'a [String]) -> impl Iterator<Item = &'a str> {
        cli.iter()
            .chain(self.accept.iter().flat_map(|a| a.env.iter()))
            .map(String::as_str)
    }
}

/// Whether `name` can be a `${NAME}` variable (the form `--var` and `--env` accept).
pub fn is_variable_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .enumerate()
            .all(|(i, c)| c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()))
}

/// The values of the allowed variables that are set; nothing else is read.
pub fn allowed_env<'a>(names: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, String> {
    names
        .into_iter()
        .filter_map(|name| Some((name.to_string(), std::env::var(name).ok()?)))
        .collect()
}

/// The accept file on disk: `--accept FILE` (must exist), else `.roa-diff.yml` in the current
/// directory if there is one. A symlink leading out of the repository is refused.
pub fn accept_from_disk(explicit: Option<&Path>) -> Result<Trusted> {
    let path = match explicit {
        Some(p) => p,
        None if Path::new(DEFAULT_FILE).symlink_metadata().is_ok() => Path::new(DEFAULT_FILE),
        None => return Ok(Trusted::default()),
    };
    refuse_symlink_leaving_repo(path)?;
    let source = read_file(path, DEFAULT_MAX_BYTES)?;
    Ok(Trusted {
        accept: Some(accept::parse_text(&source.name, &source.text)?),
        note: None,
    })
}

/// The accept file at `path` (repository-relative) in a snapshot, usually the base revision.
/// Missing is no error (the base may predate the file): nothing is accepted, and when the user
/// may expect otherwise (`expected`: `--accept` given, or a file on disk) the note says where
/// roa-diff looked. A file the pull request adds or edits counts only once merged.
pub fn accept_from_snapshot(
    repo: &Repository,
    snapshot: &Snapshot,
    path: &str,
    expected: bool,
) -> Result<Trusted> {
    let name = snapshot.name(path);
    Ok(match snapshot.read_opt(repo, path, DEFAULT_MAX_BYTES)? {
        Some(source) => Trusted {
            accept: Some(accept::parse_text(&source.name, &source.text)?),
            note: Some(format!("accept entries from {name}")),
        },
        None => Trusted {
            accept: None,
            note: expected.then(|| format!("no accept file at {name}: nothing is accepted (the checked-out one counts only with --accept-from head)")),
        },
    })
}
