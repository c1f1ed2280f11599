//! `roa-diff log`: which commits changed a Forge manifest, and what each did (update level,
//! Runs on Atlassian change, rule ids); with `--releases`, the same grouped by release tags.

pub mod history;
pub mod parallel;
pub mod render;

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use clap::Args;

use clap::ValueEnum;

use crate::policy::EXIT_OK;

/// `roa-diff log` prints a table or JSON lines; the review formats are for one update.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}
use std::collections::HashSet;

use crate::error::{Error, Result};
use crate::git::open_repo;
use crate::git::SHALLOW_HINT;
use crate::load::LoadOptions;
use history::{first_parent_commits, releases, History};

#[derive(Args, Debug)]
pub struct LogArgs {
    /// REV (its whole first-parent history) or BASE..HEAD; default HEAD.
    #[arg(value_name = "RANGE")]
    pub range: Option<String>,
    /// Only manifests at this path, or under this directory (relative to the repository root).
    #[arg(long, value_name = "PATH")]
    pub path: Option<String>,
    /// Group commits by release tags matching GLOB, with each release's own verdict.
    #[arg(long, value_name = "GLOB")]
    pub releases: Option<String>,
    /// `json`: one JSON object per line (a commit, or a release with --releases).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// "N commits read" on stderr, only once a walk has taken longer than `delay` and only when
/// stderr is a terminal (never in CI logs or pipes).
pub struct Progress<W: Write> {
    out: Option<W>,
    start: Instant,
    delay: Duration,
    last: Option<Instant>,
}

impl Progress<std::io::Stderr> {
    pub fn stderr() -> Self {
        let err = std::io::stderr();
        let on = err.is_terminal();
        Progress::new(on.then_some(err), Duration::from_secs(1))
    }
}

impl<W: Write> Progress<W> {
    pub fn new(out: Option<W>, delay: Duration) -> Self {
        Progress {
            out,
            start: Instant::now(),
            delay,
            last: None,
        }
    }

    pub fn tick(&mut self, commits: usize) {
        let Some(out) = self.out.as_mut() else {
            return;
        };
        let now = Instant::now();
        let due = match self.last {
            None => now.duration_since(self.start) >= self.delay,
            Some(last) => now.duration_since(last) >= Duration::from_millis(100),
        };
        if due {
            let _ = write!(out, "\rroa-diff log: {commits} commits read");
            let _ = out.flush();
            self.last = Some(now);
        }
    }

    /// Clears the progress line, if one was shown.
    pub fn finish(&mut self) {
        if let (Some(out), Some(_)) = (self.out.as_mut(), self.last) {
            let _ = write!(out, "\r\x1b[K");
            let _ = out.flush();
        }
    }
}

/// How many commits are read at a time: their manifests are loaded in the background while
/// the batch before is reported. Small enough that output starts at once.
const BATCH: usize = 64;

/// The commits of a walk in batches, each one's manifests being loaded
/// ([`History::prefetch`]) while the batch before it is reported.
struct Batches<'r, I> {
    walk: I,
    ahead: Option<Vec<Result<git2::Commit<'r>>>>,
}

impl<'r, I: Iterator<Item = Result<git2::Commit<'r>>>> Batches<'r, I> {
    fn new(history: &mut History<'r>, mut walk: I) -> Self {
        let ahead = Self::read(history, &mut walk);
        Batches { walk, ahead }
    }

    fn next(&mut self, history: &mut History<'r>) -> Option<Vec<Result<git2::Commit<'r>>>> {
        let batch = self.ahead.take()?;
        self.ahead = Self::read(history, &mut self.walk);
        Some(batch)
    }

    fn read(history: &mut History<'r>, walk: &mut I) -> Option<Vec<Result<git2::Commit<'r>>>> {
        let batch: Vec<_> = walk.by_ref().take(BATCH).collect();
        // Up to the first commit that cannot be read: the walk stops there with its error.
        let readable: Vec<_> = batch.iter().map_while(|c| c.as_ref().ok()).collect();
        history.prefetch(&readable);
        (!batch.is_empty()).then_some(batch)
    }
}

/// The commits where a shallow clone's history is cut (git's `shallow` file): their parents
/// are missing, so comparing them with nothing would call them a first release.
fn shallow_boundary(repo: &git2::Repository) -> HashSet<git2::Oid> {
    if !repo.is_shallow() {
        return HashSet::new();
    }
    std::fs::read_to_string(repo.commondir().join("shallow"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| git2::Oid::from_str(l.trim()).ok())
        .collect()
}

/// Stops the walk at a shallow clone's boundary, with the fetch hint the other git inputs give.
fn within_history(boundary: &HashSet<git2::Oid>, commit: &git2::Commit) -> Result<()> {
    if !boundary.contains(&commit.id()) {
        return Ok(());
    }
    let short = commit.id().to_string()[..7].to_string();
    Err(Error::new(
        "roa-diff log",
        format!("the history stops at {short} in this shallow clone, so what that commit changed is unknown; {SHALLOW_HINT}"),
    ))
}

pub fn run(args: &LogArgs) -> Result<i32> {
    // Each object read is otherwise hashed again to check its id (SHA-1: 5% of log's CPU);
    // git's own log trusts the object database the same way (only fsck checks it).
    git2::opts::strict_hash_verification(false);
    let repo = open_repo("roa-diff log")?;
    let range = args.range.as_deref().unwrap_or("HEAD");
    // Log prints no line numbers: skip the position pass (errors still get theirs).
    let options = LoadOptions {
        lines: false,
        ..LoadOptions::default()
    };
    let boundary = shallow_boundary(&repo);
    let mut history = History::new(&repo, options, args.path.clone());
    let mut progress = Progress::stderr();
    let mut out = std::io::stdout().lock();
    let mut shown = 0;
    if let Some(glob) = &args.releases {
        let mut commits = Vec::new();
        let mut batches = Batches::new(&mut history, first_parent_commits(&repo, range)?);
        while let Some(batch) = batches.next(&mut history) {
            for commit in batch {
                let commit = commit?;
                within_history(&boundary, &commit)?;
                let entry = history.commit_entry(&commit)?;
                commits.push((commit, entry));
                progress.tick(commits.len());
            }
        }
        progress.finish();
        for release in releases(&mut history, glob, commits)? {
            let text = match args.format {
                Format::Json => render::release_json(&release),
                Format::Human => render::release_human(&release),
            };
            // A closed pipe (`| head`) ends the output quietly.
            if out.write_all(text.as_bytes()).is_err() {
                break;
            }
            shown += 1;
        }
    } else {
        let mut batches = Batches::new(&mut history, first_parent_commits(&repo, range)?);
        let mut read = 0;
        'walk: while let Some(batch) = batches.next(&mut history) {
            for commit in batch {
                read += 1;
                progress.tick(read);
                let commit = commit?;
                within_history(&boundary, &commit)?;
                let Some(entry) = history.commit_entry(&commit)? else {
                    continue;
                };
                let text = match args.format {
                    Format::Json => render::commit_json(&entry),
                    Format::Human => render::commit_human(&entry),
                };
                if out.write_all(text.as_bytes()).is_err() {
                    break 'walk;
                }
                shown += 1;
            }
        }
        progress.finish();
    }
    let _ = out.flush();
    // The process ends next: freeing every version's text and model one by one (3% of the
    // CPU over 5,000 versions), or the repository's object cache (2%), would give back
    // nothing the exit does not.
    std::mem::forget(history);
    std::mem::forget(repo);
    if shown == 0 && args.format == Format::Human {
        eprintln!("roa-diff log: no commit in {range} changed a Forge manifest");
    }
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_shows_only_after_the_delay_and_clears_itself() {
        let mut quiet = Progress::new(Some(Vec::new()), Duration::from_secs(3600));
        quiet.tick(5);
        quiet.finish();
        assert!(quiet.out.unwrap().is_empty(), "not before the delay");

        let mut shown = Progress::new(Some(Vec::new()), Duration::ZERO);
        shown.tick(7);
        shown.tick(8); // within 100 ms of the last line: not repeated
        shown.finish();
        let text = String::from_utf8(shown.out.unwrap()).unwrap();
        assert_eq!(text, "\rroa-diff log: 7 commits read\r\x1b[K");

        let mut off: Progress<Vec<u8>> = Progress::new(None, Duration::ZERO);
        off.tick(1);
        off.finish();
        assert!(off.out.is_none());
    }
}
