//! What to compare with when the user does not say: `roa-diff` alone inside a git repository
//! compares every Forge manifest in the working tree with the newest release tag (as
//! cargo-semver-checks compares with the last published version), or with HEAD when there is
//! no release yet. Also the warning for a `--base-tag` glob that matches no tag at all.

use git2::Repository;

use crate::error::Result;
use crate::git::SHALLOW_HINT;
use crate::git::{newest_tag, open_repo, version_cmp};
use crate::hook::DEFAULT_RELEASE_TAGS;

/// The baseline chosen for a run without arguments.
#[derive(Debug, PartialEq, Eq)]
pub struct Baseline {
    /// `--base-tag` to run `--git` with; `None`: HEAD against the working tree.
    pub base_tag: Option<String>,
    /// The one line that says which baseline was chosen, and why.
    pub line: String,
}

/// The baseline for the repository around the current directory; `None` outside any
/// repository (the caller prints the usage line).
pub fn choose() -> Result<Option<Baseline>> {
    if let Err(e) = Repository::open_from_env() {
        if e.code() == git2::ErrorCode::NotFound {
            return Ok(None);
        }
    }
    let repo = open_repo("roa-diff")?;
    // The working tree's `.roa-diff.yml` may name the release tags (`release_tags: GLOB`).
    let glob = crate::trust::accept_from_disk(None)?
        .accept
        .and_then(|file| file.release_tags);
    choose_in(&repo, glob.as_deref().unwrap_or(DEFAULT_RELEASE_TAGS)).map(Some)
}

fn choose_in(repo: &Repository, glob: &str) -> Result<Baseline> {
    let Some(head) = repo.head().ok().and_then(|h| h.peel_to_commit().ok()) else {
        return Ok(Baseline {
            base_tag: None,
            line: "roa-diff: no commit yet: every manifest in the working tree is compared as a first release".into(),
        });
    };
    if let Some((tag, _)) = newest_tag(repo, glob, head.id(), true)? {
        return Ok(Baseline {
            base_tag: Some(glob.to_string()),
            line: format!("roa-diff: comparing the working tree with {tag}, the newest release tag (`{glob}`); name another with roa-diff --git BASE"),
        });
    }
    let why = if repo.is_shallow() {
        format!("in this shallow clone, where tags may be missing ({SHALLOW_HINT})")
    } else {
        "yet".to_string()
    };
    Ok(Baseline {
        base_tag: None,
        line: format!(
            "roa-diff: no release tag matching `{glob}` {why}: comparing the working tree with HEAD"
        ),
    })
}

/// The loud line for `--base-tag GLOB` when no tag of the repository matches GLOB at all (a
/// typo, or tags not fetched), rather than only a note that every manifest is a first release.
/// In a shallow clone there is no warning: finding no tag there is an error of its own.
pub fn unmatched_glob_warning(repo: &Repository, glob: &str) -> Option<String> {
    let matching = repo.tag_names(Some(glob)).ok()?;
    if !matching.is_empty() || repo.is_shallow() {
        return None;
    }
    let all = repo.tag_names(None).ok()?;
    let mut tags: Vec<&str> = all.iter().flat_map(|t| t.ok().flatten()).collect();
    tags.sort_by(|a, b| version_cmp(b, a));
    let hint = match tags.as_slice() {
        [] => "the repository has no tags (git fetch --tags if the remote has them)".to_string(),
        newest => format!(
            "its newest tags: {}",
            newest
                .iter()
                .take(3)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Some(format!(
        "roa-diff: warning: --base-tag `{glob}` matches no tag in this repository, so every manifest is compared as a first release; {hint}"
    ))
}
