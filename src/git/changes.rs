//! The regular files that differ between two trees, read straight from the trees: what
//! `roa-diff log` needs of each commit. libgit2's tree diff gives the same files, but builds
//! a snapshot of the repository's configuration and a delta list for every call, which cost
//! more than the comparison itself over thousands of commits (docs/performance.md, target 3).

use std::collections::HashMap;

use git2::{Oid, Repository, Tree};

use super::snapshot::within;

const MODE_BLOB: i32 = 0o100644;
const MODE_EXECUTABLE: i32 = 0o100755;
const MODE_TREE: i32 = 0o040000;

/// Blob ids by path, for one side.
pub type Files = HashMap<String, Oid>;

/// The regular files (executable or not) that differ between `old` (`None`: no files) and
/// `new`, on each side, whose paths are `within` the path filter and pass `keep`: a file
/// added, removed or changed (content or mode), and the blob side of a type change (a blob
/// that becomes a symbolic link, a submodule or a directory, or the other way round).
/// Submodules and symbolic links are never listed; neither is a path that is not UTF-8.
pub fn changed_files(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: &Tree<'_>,
    filter: Option<&str>,
    keep: impl Fn(&str) -> bool,
) -> Result<(Files, Files), git2::Error> {
    let mut walk = Walk {
        repo,
        filter: filter
            .map(|f| f.trim_matches('/'))
            .filter(|f| !f.is_empty()),
        keep,
        old: Files::new(),
        new: Files::new(),
    };
    walk.trees(old, Some(new), "")?;
    Ok((walk.old, walk.new))
}

/// One entry of a tree: (name, id, file mode).
type Entry<'a> = (&'a str, Oid, i32);

struct Walk<'r, F> {
    repo: &'r Repository,
    filter: Option<&'r str>,
    keep: F,
    old: Files,
    new: Files,
}

impl<F: Fn(&str) -> bool> Walk<'_, F> {
    /// Compares two directories (`dir` is their path with a trailing `/`, or empty).
    fn trees(
        &mut self,
        old: Option<&Tree<'_>>,
        new: Option<&Tree<'_>>,
        dir: &str,
    ) -> Result<(), git2::Error> {
        let entries = |tree: Option<&Tree<'_>>| -> Vec<(String, Oid, i32)> {
            let mut list: Vec<_> = tree
                .into_iter()
                .flat_map(|t| t.iter())
                // A name that is not UTF-8 makes a path that is not either: never listed.
                .filter_map(|e| Some((e.name().ok()?.to_string(), e.id(), e.filemode())))
                .collect();
            list.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            list
        };
        let (old, new) = (entries(old), entries(new));
        // Both lists sorted by name: walk them together (a name is in a tree at most once).
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < new.len() {
            let o = old.get(i).map(|(n, id, m)| (n.as_str(), *id, *m));
            let n = new.get(j).map(|(n, id, m)| (n.as_str(), *id, *m));
            let (o, n) = match (o, n) {
                (Some(o), Some(n)) if o.0 == n.0 => (Some(o), Some(n)),
                (Some(o), Some(n)) if o.0 < n.0 => (Some(o), None),
                (Some(_), Some(n)) => (None, Some(n)),
                (o, n) => (o, n),
            };
            i += usize::from(o.is_some());
            j += usize::from(n.is_some());
            if let (Some(o), Some(n)) = (o, n) {
                if o.1 == n.1 && o.2 == n.2 {
                    continue;
                }
            }
            self.entry(o, n, dir)?;
        }
        Ok(())
    }

    /// One name that differs between the two directories, on either or both sides.
    fn entry(
        &mut self,
        old: Option<Entry<'_>>,
        new: Option<Entry<'_>>,
        dir: &str,
    ) -> Result<(), git2::Error> {
        let name = old.or(new).map_or("", |e| e.0);
        let path = format!("{dir}{name}");
        let subtree = |e: Option<Entry<'_>>| e.filter(|e| e.2 == MODE_TREE).map(|e| e.1);
        let (old_tree, new_tree) = (subtree(old), subtree(new));
        // Only directories that are, or lead to, the filtered path.
        let descend = match self.filter {
            None => true,
            Some(f) => within(&path, Some(f)) || within(f, Some(&path)),
        };
        if (old_tree.is_some() || new_tree.is_some()) && descend {
            let old_tree = old_tree.map(|id| self.repo.find_tree(id)).transpose()?;
            let new_tree = new_tree.map(|id| self.repo.find_tree(id)).transpose()?;
            self.trees(old_tree.as_ref(), new_tree.as_ref(), &format!("{path}/"))?;
        }
        let wanted = within(&path, self.filter) && (self.keep)(&path);
        let regular = |e: &Entry<'_>| e.2 == MODE_BLOB || e.2 == MODE_EXECUTABLE;
        for (entry, side) in [(old, &mut self.old), (new, &mut self.new)] {
            if let Some(entry) = entry.filter(|e| wanted && regular(e)) {
                side.insert(path.clone(), entry.1);
            }
        }
        Ok(())
    }
}
