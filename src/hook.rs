//! `roa-diff hook`: installs a git hook that runs roa-diff before a commit or before a release
//! tag is pushed, and the checks those hooks run (`hook pre-push`, `hook pre-commit`). The
//! repository's own developer runs them, so the accept file is trusted: the working tree's for a
//! commit, the pushed commit's for a push.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use git2::Repository;
use sha2::{Digest, Sha256};

use crate::accept::{self, AcceptFile, DEFAULT_FILE};
use crate::error::{Error, Result};
use crate::git::apps::{compare_snapshots, find_manifests};
use crate::git::{
    newest_tag, open_repo, resolve_commit, resolve_revisions, RevisionArgs, Snapshot, SHALLOW_HINT,
};
use crate::load::LoadOptions;
use crate::policy::{
    apps_policy_trips, fail_on_text, FailOn, Policy, DEFAULT_FAIL_ON, EXIT_OK, EXIT_POLICY,
};
use crate::report::apps::{render_human, AppsReport};
use crate::report::human::HumanOptions;
use crate::rules::Level;

/// Starts the second line of every hook roa-diff writes; the line ends with the SHA-256 of
/// the lines after it, so a hook is roa-diff's own only if nobody edited it since.
const MARKER: &str = "# roa-diff-hook: installed by `roa-diff hook install`";

/// The glob the pre-push hook treats as release tags when none is given.
pub const DEFAULT_RELEASE_TAGS: &str = "v*";

/// What git and the pre-commit framework print when a hook is skipped with `--no-verify`.
const NO_VERIFY: &str = "--no-verify";

#[derive(Subcommand, Debug)]
pub enum HookCommand {
    /// Write the hook into the repository's hooks directory (core.hooksPath respected).
    Install(InstallArgs),
    /// Remove roa-diff's hook; a hook roa-diff did not write (or one edited since) is left alone.
    Uninstall {
        /// Only this kind (default: whichever of roa-diff's hooks are installed).
        #[arg(long, value_enum)]
        kind: Option<HookKind>,
    },
    /// What the installed pre-push hook runs: checks each release tag being pushed (refs on
    /// stdin as git passes them, or the pre-commit framework's PRE_COMMIT_* variables) against
    /// the previous release tag.
    PrePush(PrePushArgs),
    /// What the installed pre-commit hook runs: the staged manifests against HEAD (or the
    /// newest release tag with --base-tag).
    PreCommit(PreCommitArgs),
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

    /// The git command the hook gates.
    fn git_command(self) -> &'static str {
        match self {
            HookKind::PrePush => "push",
            HookKind::PreCommit => "commit",
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

#[derive(Args, Debug)]
pub struct PreCommitArgs {
    /// Compare with the newest tag matching GLOB instead of HEAD.
    #[arg(long, value_name = "GLOB")]
    pub base_tag: Option<String>,
    #[command(flatten)]
    pub policy: Policy,
}

pub fn run(command: &HookCommand) -> Result<i32> {
    match command {
        HookCommand::Install(args) => install(args),
        HookCommand::Uninstall { kind } => uninstall(*kind),
        HookCommand::PrePush(args) => pre_push(args),
        HookCommand::PreCommit(args) => pre_commit(args),
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

/// `text` as one shell word: bare when no character of it means anything to a shell.
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "._/@%+=:,-".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_string()
    } else {
        sh_quote(text)
    }
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The hook script: runs this very binary when it still exists, else `roa-diff` from PATH.
pub fn script(args: &InstallArgs, exe: &Path) -> String {
    let fail_on = sh_quote(&fail_on_text(&args.policy.fail_on));
    let command = match (args.kind, &args.base_tag) {
        (HookKind::PrePush, glob) => format!(
            "hook pre-push --base-tag {} --fail-on {fail_on} \"$@\"",
            sh_quote(glob.as_deref().unwrap_or(DEFAULT_RELEASE_TAGS))
        ),
        (HookKind::PreCommit, Some(glob)) => format!(
            "hook pre-commit --base-tag {} --fail-on {fail_on}",
            sh_quote(glob)
        ),
        (HookKind::PreCommit, None) => format!("hook pre-commit --fail-on {fail_on}"),
    };
    let body = format!(
        "# Skip it once with `git {} {NO_VERIFY}`.\n\
         roa_diff={}\n\
         [ -x \"$roa_diff\" ] || roa_diff=roa-diff\n\
         exec \"$roa_diff\" {command}\n",
        args.kind.git_command(),
        sh_quote(&exe.display().to_string()),
    );
    format!(
        "#!/bin/sh\n{MARKER}; `roa-diff hook uninstall` removes it. sha256:{}\n{body}",
        sha256_hex(&body)
    )
}

/// What a file in the hooks directory is, to roa-diff.
#[derive(Debug, PartialEq, Eq)]
enum Existing {
    /// Exactly a script roa-diff wrote (its seal matches): replaced or removed freely.
    Own,
    /// Carries roa-diff's marker but was edited since (or an older roa-diff wrote it).
    Edited,
    /// Anything else.
    Foreign,
}

fn classify(text: &str) -> Existing {
    let own = (|| {
        let rest = text.strip_prefix("#!/bin/sh\n")?;
        let (marker, body) = rest.split_once('\n')?;
        let seal = marker.strip_prefix(MARKER)?.rsplit_once(" sha256:")?.1;
        (seal == sha256_hex(body)).then_some(())
    })();
    match own {
        Some(()) => Existing::Own,
        None if text.contains(MARKER) => Existing::Edited,
        None => Existing::Foreign,
    }
}

fn io_error(path: &Path, verb: &str, e: std::io::Error) -> Error {
    Error::new(path.display().to_string(), format!("cannot {verb}: {e}"))
}

/// A backup name not yet taken: `HOOK.bak`, else `HOOK.bak.1`, `HOOK.bak.2`, ...
fn free_backup(path: &Path) -> PathBuf {
    let first = path.with_extension("bak");
    (1..)
        .map(|n| match n {
            1 => first.clone(),
            n => PathBuf::from(format!("{}.{}", first.display(), n - 1)),
        })
        .find(|p| p.symlink_metadata().is_err())
        .expect("some backup name is free")
}

fn install(args: &InstallArgs) -> Result<i32> {
    let repo = open_repo("roa-diff hook install")?;
    let dir = hooks_dir(&repo);
    let path = dir.join(args.kind.file_name());
    if path.symlink_metadata().is_ok() {
        let existing = std::fs::read_to_string(&path).unwrap_or_default();
        match classify(&existing) {
            Existing::Own => {}
            kind if !args.force => {
                let what = if kind == Existing::Edited {
                    "a roa-diff hook edited since it was installed (or written by an older roa-diff)"
                } else {
                    "a hook roa-diff did not write"
                };
                return Err(Error::new(
                    path.display().to_string(),
                    format!("{what} is already there; call roa-diff from it, or replace it with --force (it is kept as {}.bak)", args.kind.file_name()),
                ));
            }
            _ => {
                let backup = free_backup(&path);
                std::fs::rename(&path, &backup).map_err(|e| io_error(&backup, "write", e))?;
                eprintln!("roa-diff: kept the old hook as {}", backup.display());
            }
        }
    }
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .unwrap_or_else(|_| PathBuf::from("roa-diff"));
    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, "write", e))?;
    std::fs::write(&path, script(args, &exe)).map_err(|e| io_error(&path, "write", e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| io_error(&path, "write", e))?;
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
        match classify(&text) {
            Existing::Own => {}
            Existing::Edited => {
                eprintln!(
                    "roa-diff: left {} alone: it was edited since roa-diff installed it, or an older roa-diff wrote it (remove it by hand)",
                    path.display()
                );
                continue;
            }
            Existing::Foreign => {
                eprintln!(
                    "roa-diff: left {} alone: roa-diff did not write it",
                    path.display()
                );
                continue;
            }
        }
        std::fs::remove_file(&path).map_err(|e| io_error(&path, "remove", e))?;
        println!("removed {}", path.display());
        removed += 1;
    }
    if removed == 0 {
        println!("no roa-diff hook installed in {}", dir.display());
    }
    Ok(EXIT_OK)
}

/// One ref a push updates, as git writes it to a pre-push hook's stdin:
/// `<local ref> <local id> <remote ref> <remote id>`.
#[derive(Debug, PartialEq, Eq)]
struct PushedRef {
    local_ref: String,
    local_id: String,
    /// What the push updates on the remote: the name that decides whether this is a release.
    remote_ref: String,
}

fn parse_push_line(line: &str) -> Option<PushedRef> {
    // From the right: a local ref given as an expression (`HEAD~1`) is passed as written.
    let mut parts = line.trim_end().rsplitn(4, ' ');
    let (_remote_id, remote_ref) = (parts.next()?, parts.next()?);
    let (local_id, local_ref) = (parts.next()?, parts.next()?);
    Some(PushedRef {
        local_ref: local_ref.to_string(),
        local_id: local_id.to_string(),
        remote_ref: remote_ref.to_string(),
    })
}

/// The refs being pushed. The pre-commit framework reads git's stdin itself and passes the
/// first ref with new commits in `PRE_COMMIT_*` variables instead (its to-ref is missing when
/// the push holds the root commit: then the local ref names the commit).
fn pushed_refs(
    env: impl Fn(&str) -> Option<String>,
    stdin: impl FnOnce() -> Result<String>,
) -> Result<Vec<PushedRef>> {
    if let Some(remote_ref) = env("PRE_COMMIT_REMOTE_BRANCH").filter(|r| !r.is_empty()) {
        let local_ref = env("PRE_COMMIT_LOCAL_BRANCH").unwrap_or_else(|| "HEAD".into());
        let local_id = env("PRE_COMMIT_TO_REF")
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| local_ref.clone());
        return Ok(vec![PushedRef {
            local_ref,
            local_id,
            remote_ref,
        }]);
    }
    if env("PRE_COMMIT").as_deref() == Some("1") {
        // The framework found nothing to push (or runs the hook by hand): stdin is not ours.
        return Ok(Vec::new());
    }
    Ok(stdin()?.lines().filter_map(parse_push_line).collect())
}

/// Whether `name` matches a git glob (`*`, `?`, `[...]` with `!`/`^` and ranges, `\` escapes),
/// as `git tag -l GLOB` matches tag names: `*` also crosses `/`.
fn glob_matches(glob: &str, name: &str) -> bool {
    fn class(pattern: &[char], c: char) -> Option<(bool, usize)> {
        // Returns (matched, length of the class including brackets).
        let mut i = 1;
        let negate = matches!(pattern.get(i), Some('!' | '^'));
        if negate {
            i += 1;
        }
        let mut matched = false;
        let mut first = true;
        while let Some(&p) = pattern.get(i) {
            if p == ']' && !first {
                return Some((matched != negate, i + 1));
            }
            first = false;
            let lo = if p == '\\' {
                i += 1;
                *pattern.get(i)?
            } else {
                p
            };
            if pattern.get(i + 1) == Some(&'-') && pattern.get(i + 2).is_some_and(|&h| h != ']') {
                let hi = pattern[i + 2];
                matched |= lo <= c && c <= hi;
                i += 3;
            } else {
                matched |= lo == c;
                i += 1;
            }
        }
        None
    }
    fn go(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len()).any(|k| go(&p[1..], &n[k..])),
            Some('?') => !n.is_empty() && go(&p[1..], &n[1..]),
            Some('[') if !n.is_empty() => match class(p, n[0]) {
                Some((true, len)) => go(&p[len..], &n[1..]),
                Some((false, _)) => false,
                // An unclosed `[` is a literal.
                None => n[0] == '[' && go(&p[1..], &n[1..]),
            },
            Some('\\') if p.len() > 1 => n.first() == Some(&p[1]) && go(&p[2..], &n[1..]),
            Some(c) => n.first() == Some(c) && go(&p[1..], &n[1..]),
        }
    }
    let (p, n): (Vec<char>, Vec<char>) = (glob.chars().collect(), name.chars().collect());
    go(&p, &n)
}

/// One revision the hook compares: its name in messages, and the snapshot.
fn pushed_snapshot<'r>(
    repo: &'r Repository,
    pushed: &PushedRef,
    id: git2::Oid,
) -> Result<Snapshot<'r>> {
    // Name the snapshot after the local ref when it still points at the pushed commit
    // (`v2.0.0`), else after the commit itself (`HEAD:refs/tags/v2.0.0` from a moved HEAD).
    let local = pushed
        .local_ref
        .strip_prefix("refs/tags/")
        .or_else(|| pushed.local_ref.strip_prefix("refs/heads/"))
        .unwrap_or(&pushed.local_ref);
    let same = resolve_commit(repo, local).is_ok_and(|c| c == id);
    Snapshot::revision(repo, if same { local } else { &pushed.local_id })
}

fn pre_push(args: &PrePushArgs) -> Result<i32> {
    let repo = open_repo("roa-diff hook pre-push")?;
    let refs = pushed_refs(
        |name| std::env::var(name).ok(),
        || {
            let mut input = String::new();
            if !std::io::stdin().is_terminal() {
                std::io::stdin().read_to_string(&mut input).map_err(|e| {
                    Error::new("(stdin)", format!("cannot read the pushed refs: {e}"))
                })?;
            }
            Ok(input)
        },
    )?;
    let glob = &args.base_tag;
    let options = LoadOptions::default();
    let mut code = EXIT_OK;
    for pushed in refs {
        let Some(tag) = pushed.remote_ref.strip_prefix("refs/tags/") else {
            continue;
        };
        // A deleted ref arrives with an all-zero id; only releases are gated.
        if pushed.local_id.bytes().all(|b| b == b'0') || !glob_matches(glob, tag) {
            continue;
        }
        let commit = resolve_commit(&repo, &pushed.local_id)?;
        let Some((previous, _)) = newest_tag(&repo, glob, commit, false)? else {
            if repo.is_shallow() {
                return Err(Error::new(
                    format!("roa-diff hook pre-push {tag}"),
                    format!(
                        "no earlier tag matching `{glob}` in this shallow clone: {SHALLOW_HINT}"
                    ),
                ));
            }
            eprintln!("roa-diff: {tag} is the first release matching `{glob}`: nothing to compare it with");
            continue;
        };
        let base = Snapshot::revision(&repo, &previous)?;
        let head = pushed_snapshot(&repo, &pushed, commit)?;
        // The developer pushing is trusted: the accept file of the commit being pushed counts.
        let trusted = crate::trust::accept_from_snapshot(&repo, &head, DEFAULT_FILE, false)?;
        let Some(report) = check(
            &repo,
            &base,
            &head,
            Vec::new(),
            trusted.accept.as_ref(),
            &options,
            true,
        )?
        else {
            eprintln!(
                "roa-diff: {tag}: no Forge manifest in it or in {previous}: nothing to check"
            );
            continue;
        };
        eprint!(
            "{}",
            render_human(&report, &hook_human_options(&args.policy.fail_on))
        );
        let gate = Gate {
            kind: HookKind::PrePush,
            what: format!("push {tag}"),
            base: previous.clone(),
            // The accept file on disk, committed and tagged, becomes the pushed commit's.
            accept_args: format!(
                "--git {} {} --accept-from head",
                shell_word(&previous),
                shell_word(&head.label())
            ),
            then: format!("commit {DEFAULT_FILE}, tag that commit {tag} and push it again"),
        };
        if refused(&report, &args.policy.fail_on, &gate) {
            code = EXIT_POLICY;
        } else {
            eprintln!("roa-diff: {tag} passes (compared with {previous})");
        }
    }
    Ok(code)
}

fn pre_commit(args: &PreCommitArgs) -> Result<i32> {
    let repo = open_repo("roa-diff hook pre-commit")?;
    let revisions = RevisionArgs {
        staged: true,
        base_tag: args.base_tag.clone(),
        ..RevisionArgs::default()
    };
    let (base, head, notes) = resolve_revisions(&repo, &revisions)?;
    // The developer committing is trusted: the working tree's accept file counts.
    // So is its `env:` allow-list, the only way a hook reads the process environment.
    let trusted = crate::trust::accept_from_disk(None)?;
    let options = LoadOptions {
        env: crate::trust::allowed_env(trusted.env_names(&[])),
        ..LoadOptions::default()
    };
    let Some(report) = check(
        &repo,
        &base,
        &head,
        notes,
        trusted.accept.as_ref(),
        &options,
        // A commit is not a release: entries kept for the release check match nothing yet.
        false,
    )?
    else {
        return Ok(EXIT_OK);
    };
    // On stdout, as `roa-diff --git --staged` prints it; the verdict line goes to stderr.
    print!(
        "{}",
        render_human(&report, &hook_human_options(&args.policy.fail_on))
    );
    let gate = Gate {
        kind: HookKind::PreCommit,
        what: "commit".into(),
        base: base.label(),
        accept_args: match &args.base_tag {
            // A BASE revision reads the accept file from there unless told otherwise.
            Some(glob) => format!("--staged --base-tag {} --accept-from head", sh_quote(glob)),
            None => "--git --staged".into(),
        },
        then: format!("`git add {DEFAULT_FILE}` and commit again"),
    };
    Ok(if refused(&report, &args.policy.fail_on, &gate) {
        EXIT_POLICY
    } else {
        EXIT_OK
    })
}

/// Every app of `base` against `head`, with the accept file applied; `None` when neither side
/// holds a Forge manifest (a hook installed globally, through `core.hooksPath`, runs in
/// repositories that have none).
fn check(
    repo: &Repository,
    base: &Snapshot,
    head: &Snapshot,
    notes: Vec<String>,
    accept: Option<&AcceptFile>,
    options: &LoadOptions,
    warn_stale: bool,
) -> Result<Option<AppsReport>> {
    let mut report = match compare_snapshots(repo, base, head, options, None) {
        Ok(report) => report,
        Err(e) => {
            let none = |s: &Snapshot| find_manifests(repo, s, options, None).map(|f| f.is_empty());
            return match (none(base), none(head)) {
                (Ok(true), Ok(true)) => Ok(None),
                _ => Err(e),
            };
        }
    };
    report.notes = notes;
    if let Some(file) = accept {
        let stale = accept::apply_with(
            file,
            report.apps.iter_mut().filter_map(|a| a.report.as_mut()),
            warn_stale,
        );
        report.notes.extend(stale);
    }
    Ok(Some(report))
}

/// The hooks' report: with the fingerprint of each change the policy trips on, so the
/// refused change can be accepted.
fn hook_human_options(fail_on: &[FailOn]) -> HumanOptions {
    HumanOptions {
        fingerprints: crate::policy::tripping_level(fail_on),
        ..HumanOptions::default()
    }
}

/// What a hook gates, and how a developer it refuses goes on: `roa-diff accept` redoing the
/// hook's comparison with the accept file the hook will read, then what brings that file in.
struct Gate {
    kind: HookKind,
    /// What is refused: `commit`, `push v2.0.0`.
    what: String,
    /// The revision compared with.
    base: String,
    /// The arguments after `roa-diff accept --reason "..."`, shell-quoted where needed.
    accept_args: String,
    /// What makes the hook see the appended entries.
    then: String,
}

/// Prints the refusal line on stderr when the policy trips on `report`; whether it did.
fn refused(report: &AppsReport, fail_on: &[FailOn], gate: &Gate) -> bool {
    let trips = apps_policy_trips(report, fail_on);
    if trips {
        eprintln!("{}", refusal(report, fail_on, gate));
    }
    trips
}

/// The one line a refused commit or push ends with: what tripped, and the ways on.
fn refusal(report: &AppsReport, fail_on: &[FailOn], gate: &Gate) -> String {
    let unaccepted = || {
        report
            .reports()
            .flat_map(|r| &r.changes)
            .filter(|c| c.accepted.is_none())
    };
    let mut rules: Vec<&str> = Vec::new();
    let wanted_level = |level: Level| {
        fail_on.contains(&FailOn::Any)
            || (fail_on.contains(&FailOn::Major) && level == Level::Major)
    };
    for change in unaccepted().filter(|c| wanted_level(c.level)) {
        if !rules.contains(&change.rule.as_str()) {
            rules.push(change.rule.as_str());
        }
    }
    let mut why = Vec::new();
    if !rules.is_empty() {
        let level = if unaccepted().any(|c| c.level == Level::Major) {
            "major update"
        } else {
            "change"
        };
        why.push(format!("{level} ({})", rules.join(", ")));
    }
    if fail_on.contains(&FailOn::RoaLost)
        && report.reports().any(crate::report::roa_lost_unaccepted)
    {
        why.push("Runs on Atlassian lost".to_string());
    }
    let mut blockers: Vec<&str> = Vec::new();
    if fail_on.contains(&FailOn::Blocked) {
        for blocker in report.reports().flat_map(|r| &r.blockers) {
            if !blockers.contains(&blocker.code) {
                blockers.push(blocker.code);
            }
        }
    }
    if !blockers.is_empty() {
        why.push(format!("deploy blocked ({})", blockers.join(", ")));
    }
    if why.is_empty() {
        why.push(format!("trips --fail-on {}", fail_on_text(fail_on)));
    }

    let mut fixes = Vec::new();
    if !blockers.is_empty() {
        fixes.push(format!(
            "fix the manifest (forge deploy refuses it: no accept entry can let it through; see `roa-diff explain {}`)",
            blockers[0]
        ));
    }
    // Offered only when `roa-diff accept` would append something, by the same test.
    if !accept::findings(report.reports(), fail_on).is_empty() {
        let review = match rules.first() {
            Some(rule) => format!("review it (`roa-diff explain {rule}`), "),
            None => String::new(),
        };
        let fail_on_arg = match fail_on_text(fail_on) {
            text if text == DEFAULT_FAIL_ON => String::new(),
            text => format!(" --fail-on {text}"),
        };
        fixes.push(format!(
            "{review}accept it with `roa-diff accept --reason \"...\" {}{fail_on_arg}`, then {}",
            gate.accept_args, gate.then
        ));
    }
    // Git skips every hook of this kind with --no-verify, the pre-commit framework's too.
    let escape = format!("{} with {NO_VERIFY}", gate.kind.git_command());
    // Both fixes are needed when both are there: a blocker is not accepted away.
    let ways = if fixes.is_empty() {
        escape
    } else {
        format!("{}, or {escape}", fixes.join(" and "))
    };
    format!(
        "roa-diff: refusing to {}: against {}, {}; to go on, {ways}",
        gate.what,
        gate.base,
        why.join(", "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn install_args(kind: HookKind, base_tag: Option<&str>) -> InstallArgs {
        InstallArgs {
            kind,
            base_tag: base_tag.map(str::to_string),
            policy: Policy {
                fail_on: vec![FailOn::Major, FailOn::RoaLost],
            },
            force: false,
        }
    }

    #[test]
    fn scripts_quote_their_arguments_and_carry_a_seal() {
        let args = install_args(HookKind::PrePush, Some("rel-'x'*"));
        let text = script(&args, Path::new("/opt/bin/roa-diff"));
        assert!(text.starts_with("#!/bin/sh\n"), "{text}");
        assert!(text.contains(MARKER));
        assert!(text.contains(r"--base-tag 'rel-'\''x'\''*'"), "{text}");
        assert!(text.contains("--fail-on 'major,roa-lost'"), "{text}");
        assert!(text.contains("roa_diff='/opt/bin/roa-diff'"), "{text}");
        assert!(text.contains("git push --no-verify"), "{text}");
        let commit = script(
            &install_args(HookKind::PreCommit, None),
            Path::new("roa-diff"),
        );
        assert!(
            commit.contains("hook pre-commit --fail-on 'major,roa-lost'"),
            "{commit}"
        );
        assert!(commit.contains("git commit --no-verify"), "{commit}");
    }

    #[test]
    fn revisions_in_the_accept_command_stay_one_shell_word() {
        assert_eq!(shell_word("v2.0.0"), "v2.0.0");
        assert_eq!(shell_word("release/2026-12@x"), "release/2026-12@x");
        assert_eq!(shell_word("v2;rm -rf ~"), "'v2;rm -rf ~'");
        assert_eq!(shell_word("it's$HOME"), r"'it'\''s$HOME'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn only_an_unedited_script_of_ours_counts_as_ours() {
        let text = script(
            &install_args(HookKind::PrePush, None),
            Path::new("/x/roa-diff"),
        );
        assert_eq!(classify(&text), Existing::Own);
        // Any edit, even one line added after ours, makes it someone else's work to keep.
        assert_eq!(classify(&format!("{text}echo more\n")), Existing::Edited);
        assert_eq!(
            classify(&text.replace("exec ", "exec nice ")),
            Existing::Edited
        );
        // Mentioning the marker does not make a hook ours.
        let foreign = format!("#!/bin/sh\n# see {MARKER}\nrun-my-checks\n");
        assert_eq!(classify(&foreign), Existing::Edited);
        assert_eq!(classify("#!/bin/sh\necho mine\n"), Existing::Foreign);
        assert_eq!(classify(""), Existing::Foreign);
    }

    #[test]
    fn push_lines_parse_as_git_writes_them() {
        let line = "HEAD 1111111111111111111111111111111111111111 refs/tags/v1.2.0 0000000000000000000000000000000000000000";
        let p = parse_push_line(line).unwrap();
        assert_eq!(p.local_ref, "HEAD");
        assert!(p.local_id.starts_with("1111"));
        assert_eq!(p.remote_ref, "refs/tags/v1.2.0");
        assert!(parse_push_line("").is_none());
        assert!(parse_push_line("refs/heads/main 1111").is_none());
    }

    #[test]
    fn the_pre_commit_frameworks_variables_stand_for_stdin() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let unread = || -> Result<String> { panic!("stdin must not be read") };
        let refs = pushed_refs(
            env(&[
                ("PRE_COMMIT", "1"),
                ("PRE_COMMIT_REMOTE_BRANCH", "refs/tags/v2.0.0"),
                ("PRE_COMMIT_LOCAL_BRANCH", "HEAD"),
                ("PRE_COMMIT_TO_REF", "abc123"),
            ]),
            unread,
        )
        .unwrap();
        assert_eq!(
            refs,
            vec![PushedRef {
                local_ref: "HEAD".into(),
                local_id: "abc123".into(),
                remote_ref: "refs/tags/v2.0.0".into()
            }]
        );
        // The root commit in the push: no to-ref, the local ref names the commit.
        let refs = pushed_refs(
            env(&[
                ("PRE_COMMIT", "1"),
                ("PRE_COMMIT_REMOTE_BRANCH", "refs/tags/v1"),
                ("PRE_COMMIT_LOCAL_BRANCH", "refs/tags/v1"),
            ]),
            unread,
        )
        .unwrap();
        assert_eq!(refs[0].local_id, "refs/tags/v1");
        assert!(pushed_refs(env(&[("PRE_COMMIT", "1")]), unread)
            .unwrap()
            .is_empty());
        let refs = pushed_refs(env(&[]), || {
            Ok("refs/heads/main 1111 refs/heads/main 0000\n".into())
        })
        .unwrap();
        assert_eq!(refs[0].remote_ref, "refs/heads/main");
    }

    #[test]
    fn globs_match_as_git_tag_list_does() {
        for (glob, name, expected) in [
            ("v*", "v1.0.0", true),
            ("v*", "release-1", false),
            ("v*", "v1/rc", true),
            ("v?.0", "v1.0", true),
            ("v?.0", "v10.0", false),
            ("v[0-9]*", "v2.0.0", true),
            ("v[0-9]*", "vx", false),
            ("v[!0-9]*", "vx", true),
            ("v[^0-9]*", "v1", false),
            ("rel-\\*", "rel-*", true),
            ("rel-\\*", "rel-1", false),
            ("v[", "v[", true),
            ("*", "", true),
            ("", "v1", false),
            ("v1.*.0", "v1.2.0", true),
            ("v1.*.0", "v1.2.1", false),
        ] {
            assert_eq!(glob_matches(glob, name), expected, "{glob} vs {name}");
        }
    }

    #[test]
    fn globs_agree_with_libgit2s_tag_list() {
        let dir = std::env::temp_dir().join(format!("roa-diff-glob-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let repo = Repository::init(&dir).unwrap();
        let sig = git2::Signature::now("t", "t@example.com").unwrap();
        let tree = repo
            .find_tree(repo.index().unwrap().write_tree().unwrap())
            .unwrap();
        let id = repo
            .commit(Some("HEAD"), &sig, &sig, "c", &tree, &[])
            .unwrap();
        let commit = repo.find_object(id, None).unwrap();
        let names = ["v1.0.0", "v10", "va", "v1/rc1", "release-1", "x-v1", "V2"];
        for name in names {
            repo.tag_lightweight(name, &commit, false).unwrap();
        }
        for glob in [
            "v*",
            "v?",
            "v[0-9]*",
            "v[!0-9]*",
            "*v1*",
            "release-?",
            "[vV]*",
            "*/*",
        ] {
            let listed: Vec<String> = repo
                .tag_names(Some(glob))
                .unwrap()
                .iter()
                .flat_map(|n| n.ok().flatten())
                .map(str::to_string)
                .collect();
            for name in names {
                assert_eq!(
                    glob_matches(glob, name),
                    listed.iter().any(|l| l == name),
                    "{glob} vs {name}"
                );
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
