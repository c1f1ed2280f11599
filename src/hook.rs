//! `roa-diff hook`: installs a git hook that runs roa-diff before a commit or before a release
//! tag is pushed, and the pre-push check itself (refs arrive on stdin, as git passes them).

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use git2::Repository;

use crate::cli::{apps_policy_trips, FailOn, Policy, EXIT_OK, EXIT_POLICY};
use crate::error::{Error, Result};
use crate::git::apps::compare_snapshots;
use crate::git::{newest_tag, open_repo, resolve_commit, Snapshot};
use crate::load::LoadOptions;
use crate::report::apps::render_human;
use crate::report::human::HumanOptions;

/// Marks a hook file as roa-diff's own, so reinstalling replaces it and uninstalling removes
/// only it.
const MARKER: &str = "# roa-diff-hook: installed by `roa-diff hook install`";

/// The glob the pre-push hook treats as release tags when none is given.
pub const DEFAULT_RELEASE_TAGS: &str = "v*";

#[derive(Subcommand, Debug)]
pub enum HookCommand {
    /// Write the hook into the repository's hooks directory (core.hooksPath respected).
    Install(InstallArgs),
    /// Remove roa-diff's hook; a hook roa-diff did not write is left alone.
    Uninstall {
        /// Only this kind (default: whichever of roa-diff's hooks are installed).
        #[arg(long, value_enum)]
        kind: Option<HookKind>,
    },
    /// What the installed pre-push hook runs: checks each release tag being pushed (refs on
    /// stdin, as git passes them) against the previous release tag.
    PrePush(PrePushArgs),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum HookKind {
    /// Before `git push`: refuses to push a release tag whose release is major or loses RoA.
    PrePush,
    /// Before `git commit`: checks the staged manifests against HEAD (or --base-tag).
    PreCommit,
}

impl HookKind {
    fn file_name(self) -> &'static str {
        match self {
            HookKind::PrePush => "pre-push",
            HookKind::PreCommit => "pre-commit",
        }
    }
}

#[derive(Args, Debug)]
pub struct InstallArgs {
    #[arg(long, value_enum, default_value_t = HookKind::PrePush)]
    pub kind: HookKind,
    /// Release tags (pre-push: which pushed tags are releases, default `v*`; pre-commit:
    /// compare with the newest such tag instead of HEAD).
    #[arg(long, value_name = "GLOB")]
    pub base_tag: Option<String>,
    #[command(flatten)]
    pub policy: Policy,
    /// Replace a hook that roa-diff did not write (it is kept as HOOK.bak).
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct PrePushArgs {
    /// The remote's name and URL (git passes them; unused).
    #[arg(hide = true)]
    pub remote: Vec<String>,
    /// Which tags are releases.
    #[arg(long, value_name = "GLOB", default_value = DEFAULT_RELEASE_TAGS)]
    pub base_tag: String,
    #[command(flatten)]
    pub policy: Policy,
}

pub fn run(command: &HookCommand) -> Result<i32> {
    match command {
        HookCommand::Install(args) => install(args),
        HookCommand::Uninstall { kind } => uninstall(*kind),
        HookCommand::PrePush(args) => pre_push(args),
    }
}

/// Where git runs hooks from: `core.hooksPath` (relative to the working tree, as git reads it)
/// or the hooks directory shared by all worktrees.
pub fn hooks_dir(repo: &Repository) -> PathBuf {
    let configured = repo
        .config()
        .ok()
        .and_then(|c| c.get_path("core.hooksPath").ok());
    match configured {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => repo.workdir().unwrap_or_else(|| repo.path()).join(dir),
        None => repo.commondir().join("hooks"),
    }
}

fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn fail_on_text(fail_on: &[FailOn]) -> String {
    fail_on
        .iter()
        .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The hook script: runs this very binary when it still exists, else `roa-diff` from PATH.
pub fn script(args: &InstallArgs, exe: &Path) -> String {
    let fail_on = sh_quote(&fail_on_text(&args.policy.fail_on));
    let command = match args.kind {
        HookKind::PrePush => format!(
            "hook pre-push --base-tag {} --fail-on {fail_on} \"$@\"",
            sh_quote(args.base_tag.as_deref().unwrap_or(DEFAULT_RELEASE_TAGS))
        ),
        HookKind::PreCommit => match &args.base_tag {
            Some(glob) => format!(
                "--git --staged --base-tag {} --fail-on {fail_on}",
                sh_quote(glob)
            ),
            None => format!("--git --staged --fail-on {fail_on}"),
        },
    };
    format!(
        "#!/bin/sh\n{MARKER}; `roa-diff hook uninstall` removes it.\n\
         # Skip it once with `git {} --no-verify`.\n\
         roa_diff={}\n\
         [ -x \"$roa_diff\" ] || roa_diff=roa-diff\n\
         exec \"$roa_diff\" {command}\n",
        if args.kind == HookKind::PrePush {
            "push"
        } else {
            "commit"
        },
        sh_quote(&exe.display().to_string()),
    )
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::new(path.display().to_string(), format!("cannot write: {e}"))
}

fn install(args: &InstallArgs) -> Result<i32> {
    let repo = open_repo("roa-diff hook install")?;
    let dir = hooks_dir(&repo);
    let path = dir.join(args.kind.file_name());
    if let Ok(existing) = std::fs::read_to_string(&path) {
        if !existing.contains(MARKER) {
            if !args.force {
                return Err(Error::new(
                    path.display().to_string(),
                    "a hook roa-diff did not write is already there; call roa-diff from it, or replace it with --force (it is kept as .bak)",
                ));
            }
            let backup = path.with_extension("bak");
            std::fs::rename(&path, &backup).map_err(|e| io_error(&backup, e))?;
            eprintln!("roa-diff: kept the old hook as {}", backup.display());
        }
    }
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .unwrap_or_else(|_| PathBuf::from("roa-diff"));
    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
    std::fs::write(&path, script(args, &exe)).map_err(|e| io_error(&path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| io_error(&path, e))?;
    }
    println!("installed {}", path.display());
    Ok(EXIT_OK)
}

fn uninstall(kind: Option<HookKind>) -> Result<i32> {
    let repo = open_repo("roa-diff hook uninstall")?;
    let dir = hooks_dir(&repo);
    let kinds = match kind {
        Some(k) => vec![k],
        None => vec![HookKind::PrePush, HookKind::PreCommit],
    };
    let mut removed = 0;
    for kind in kinds {
        let path = dir.join(kind.file_name());
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if !text.contains(MARKER) {
            eprintln!(
                "roa-diff: left {} alone: roa-diff did not write it",
                path.display()
            );
            continue;
        }
        std::fs::remove_file(&path).map_err(|e| io_error(&path, e))?;
        println!("removed {}", path.display());
        removed += 1;
    }
    if removed == 0 {
        println!("no roa-diff hook installed in {}", dir.display());
    }
    Ok(EXIT_OK)
}

/// One line of what git writes to a pre-push hook's stdin.
struct PushedRef<'a> {
    local_ref: &'a str,
    local_id: &'a str,
}

fn parse_push_line(line: &str) -> Option<PushedRef<'_>> {
    let mut parts = line.split_whitespace();
    let (local_ref, local_id) = (parts.next()?, parts.next()?);
    Some(PushedRef {
        local_ref,
        local_id,
    })
}

fn pre_push(args: &PrePushArgs) -> Result<i32> {
    let repo = open_repo("roa-diff hook pre-push")?;
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| Error::new("(stdin)", format!("cannot read the pushed refs: {e}")))?;
    let glob = &args.base_tag;
    let releases: HashSet<String> = repo
        .tag_names(Some(glob))
        .map_err(|e| Error::new(glob.as_str(), e.message().to_string()))?
        .iter()
        .filter_map(|n| n.ok().flatten())
        .map(str::to_string)
        .collect();
    let options = LoadOptions::default();
    let mut code = EXIT_OK;
    for pushed in input.lines().filter_map(parse_push_line) {
        let Some(tag) = pushed.local_ref.strip_prefix("refs/tags/") else {
            continue;
        };
        // A deleted ref arrives with an all-zero id; only releases are gated.
        if pushed.local_id.bytes().all(|b| b == b'0') || !releases.contains(tag) {
            continue;
        }
        let commit = resolve_commit(&repo, pushed.local_id)?;
        let Some((previous, _)) = newest_tag(&repo, glob, commit, false)? else {
            eprintln!("roa-diff: {tag} is the first release matching `{glob}`: nothing to compare it with");
            continue;
        };
        let base = Snapshot::revision(&repo, &previous)?;
        let head = Snapshot::revision(&repo, tag)?;
        let report = compare_snapshots(&repo, &base, &head, &options, None)?;
        eprint!("{}", render_human(&report, &HumanOptions::default()));
        if apps_policy_trips(&report, &args.policy.fail_on) {
            eprintln!(
                "roa-diff: refusing to push {tag}: the release from {previous} trips --fail-on {} (skip the check with git push --no-verify)",
                fail_on_text(&args.policy.fail_on)
            );
            code = EXIT_POLICY;
        } else {
            eprintln!("roa-diff: {tag} passes (compared with {previous})");
        }
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_quote_their_arguments_and_carry_the_marker() {
        let args = InstallArgs {
            kind: HookKind::PrePush,
            base_tag: Some("rel-'x'*".into()),
            policy: Policy {
                fail_on: vec![FailOn::Major, FailOn::RoaLost],
            },
            force: false,
        };
        let text = script(&args, Path::new("/opt/bin/roa-diff"));
        assert!(text.starts_with("#!/bin/sh\n"), "{text}");
        assert!(text.contains(MARKER));
        assert!(text.contains(r"--base-tag 'rel-'\''x'\''*'"), "{text}");
        assert!(text.contains("--fail-on 'major,roa-lost'"), "{text}");
        assert!(text.contains("roa_diff='/opt/bin/roa-diff'"), "{text}");
        let commit = script(
            &InstallArgs {
                kind: HookKind::PreCommit,
                base_tag: None,
                ..args
            },
            Path::new("roa-diff"),
        );
        assert!(
            commit.contains("--git --staged --fail-on 'major,roa-lost'"),
            "{commit}"
        );
    }

    #[test]
    fn push_lines_parse_as_git_writes_them() {
        let line = "refs/tags/v1.2.0 1111111111111111111111111111111111111111 refs/tags/v1.2.0 0000000000000000000000000000000000000000";
        let p = parse_push_line(line).unwrap();
        assert_eq!(p.local_ref, "refs/tags/v1.2.0");
        assert!(p.local_id.starts_with("1111"));
        assert!(parse_push_line("").is_none());
    }
}
