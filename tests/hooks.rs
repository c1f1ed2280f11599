//! The hooks as a release manager meets them: real repositories, real `git commit` and
//! `git push` to a local bare remote, and the pre-commit framework's hooks as declared in
//! `.pre-commit-hooks.yaml` (through the real framework when `pre-commit` is installed).

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::{major, text, v1, Repo, BIN};

/// A repository with a bare `origin`, one app released as v1.0.0 (pushed), and roa-diff's
/// pre-push hook installed.
fn released(name: &str) -> Repo {
    let r = Repo::new(name);
    let remote = r.root.join("remote.git");
    r.git(&["init", "-q", "--bare", remote.to_str().unwrap()]);
    r.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    r.write("manifest.yml", &v1("app"));
    r.commit("first release");
    r.git(&["tag", "v1.0.0"]);
    let o = r.run(&["hook", "install"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = push(&r, &["origin", "main", "v1.0.0"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    r
}

fn push(r: &Repo, args: &[&str]) -> Output {
    let mut all = vec!["push", "-q"];
    all.extend(args);
    r.git_in(&r.dir, &all)
}

fn remote_has(r: &Repo, tag: &str) -> bool {
    let o = r.git_in(&r.dir, &["ls-remote", "--tags", "origin"]);
    text(&o.stdout).contains(&format!("refs/tags/{tag}"))
}

/// roa-diff's last line on stderr (git may add its own after it): where a refusal says how
/// to go on.
fn last_line(o: &Output) -> String {
    let err = text(&o.stderr) + &text(&o.stdout);
    err.lines()
        .rfind(|l| l.starts_with("roa-diff: "))
        .unwrap_or_else(|| panic!("no roa-diff line: {err}"))
        .to_string()
}

/// Runs the `roa-diff accept ...` command a refusal line names, exactly as written there
/// (through `sh`, with this build first on PATH), with `"..."` replaced by a reason.
fn run_suggested_accept(r: &Repo, line: &str) -> Output {
    let start = line
        .find("`roa-diff accept ")
        .unwrap_or_else(|| panic!("no accept command: {line}"));
    let rest = &line[start + 1..];
    let command = &rest[..rest.find('`').unwrap()];
    let command = command.replacen("\"...\"", "'Reviewed in SEC-9'", 1);
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", &command]).current_dir(&r.dir);
    r.env(&mut cmd);
    let o = cmd.env("PATH", path).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{command}: {}", text(&o.stderr));
    o
}

#[test]
fn a_push_is_gated_on_the_remote_ref_it_updates() {
    let r = released("remote-ref");
    r.write("manifest.yml", &major("app"));
    r.commit("billing backend");
    // No local tag at all: the push names the release on the remote side only.
    let o = push(&r, &["origin", "HEAD:refs/tags/v2.0.0"]);
    assert!(
        !o.status.success(),
        "an unaccepted major release is refused"
    );
    assert!(!remote_has(&r, "v2.0.0"));
    let line = last_line(&o);
    assert!(
        line.starts_with("roa-diff: refusing to push v2.0.0: against v1.0.0, major update (remote-added), Runs on Atlassian lost; to go on, "),
        "{line}"
    );
    assert!(
        line.contains("review it (`roa-diff explain remote-added`)")
            && line.contains(
                "`roa-diff accept --reason \"...\" --git v1.0.0 HEAD --accept-from head`"
            )
            && line.ends_with("or push with --no-verify"),
        "{line}"
    );
    // A local branch pushed under a tag name is a release too; a tag pushed as a branch is not.
    r.git(&["branch", "rel"]);
    let o = push(&r, &["origin", "rel:refs/tags/v2.0.0"]);
    assert!(!o.status.success());
    r.git(&["tag", "v9.9.9"]);
    let o = push(&r, &["origin", "v9.9.9:refs/heads/from-tag"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // A tag not matching the release glob passes unchecked.
    let o = push(&r, &["origin", "HEAD:refs/tags/nightly-1"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn the_pushed_commits_accept_file_lets_reviewed_majors_through() {
    let r = released("accept");
    r.write(
        "manifest.yml",
        &common::manifest(
            "app",
            &["main"],
            &["read:jira-work", "write:jira-work"],
            true,
        ),
    );
    r.commit("backend and a write scope");
    r.git(&["tag", "v2.0.0"]);
    let o = push(&r, &["origin", "main", "v2.0.0"]);
    assert!(!o.status.success(), "refused before anything is accepted");
    let line = last_line(&o);
    assert!(
        line.contains("major update (scope-added, remote-added)"),
        "{line}"
    );

    // Accepting in the working tree only is not enough: the pushed commit's file counts.
    let accept = "accept:\n  - rule: remote-added\n    path: remotes[key=backend]\n    reason: Billing backend approved in SEC-1\n  - rule: scope-added\n    path: permissions.scopes[write:jira-work]\n    reason: Bulk editor\n  - roa: lost\n    reason: Worth the badge\n";
    r.write(".roa-diff.yml", accept);
    let o = push(&r, &["origin", "v2.0.0"]);
    assert!(!o.status.success(), "{}", text(&o.stderr));

    r.commit("accept the reviewed changes");
    r.git(&["tag", "-f", "-a", "-m", "release", "v2.0.0"]);
    let o = push(&r, &["origin", "main", "v2.0.0"]);
    let err = text(&o.stderr);
    assert!(o.status.success(), "all three accepted: {err}");
    assert!(err.contains("accepted"), "the report marks them: {err}");
    assert!(
        err.contains("v2.0.0 passes (compared with v1.0.0)"),
        "{err}"
    );
    assert!(remote_has(&r, "v2.0.0"));
}

#[test]
fn a_refused_commit_says_how_to_go_on_in_one_line() {
    let r = Repo::new("commit-refusal");
    r.write("manifest.yml", &v1("app"));
    r.commit("first");
    let o = r.run(&["hook", "install", "--kind", "pre-commit"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    r.write("manifest.yml", &major("app"));
    r.git(&["add", "manifest.yml"]);
    let o = r.git_in(&r.dir, &["commit", "-q", "-m", "major"]);
    assert!(!o.status.success());
    let line = last_line(&o);
    assert_eq!(
        line,
        "roa-diff: refusing to commit: against HEAD, major update (remote-added), Runs on Atlassian lost; to go on, review it (`roa-diff explain remote-added`), accept it with `roa-diff accept --reason \"...\" --git --staged`, then `git add .roa-diff.yml` and commit again, or commit with --no-verify"
    );
    // The report above it gives the refused change's fingerprint, for the accept entry.
    let report = format!("{}{}", text(&o.stdout), text(&o.stderr));
    assert!(
        report.lines().any(|l| l
            .trim()
            .strip_prefix("fingerprint ")
            .is_some_and(|f| f.len() == 32)),
        "{report}"
    );
    // The command it names accepts exactly what was refused, in the working tree's accept
    // file, which is the committer's own: it counts.
    run_suggested_accept(&r, &line);
    let accepted = std::fs::read_to_string(r.dir.join(".roa-diff.yml")).unwrap();
    assert!(
        accepted.contains("rule: remote-added") && accepted.contains("roa: lost"),
        "{accepted}"
    );
    r.git(&["add", ".roa-diff.yml"]);
    let o = r.git_in(&r.dir, &["commit", "-q", "-m", "major"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn a_refused_push_names_the_accept_command_that_lets_it_through() {
    let r = released("push-accept");
    r.write("manifest.yml", &major("app"));
    r.commit("billing backend");
    r.git(&["tag", "v2.0.0"]);
    let o = push(&r, &["origin", "v2.0.0"]);
    assert!(!o.status.success());
    let line = last_line(&o);
    assert!(
        line.ends_with(", accept it with `roa-diff accept --reason \"...\" --git v1.0.0 v2.0.0 --accept-from head`, then commit .roa-diff.yml, tag that commit v2.0.0 and push it again, or push with --no-verify"),
        "{line}"
    );
    run_suggested_accept(&r, &line);
    r.commit("accept the reviewed changes");
    r.git(&["tag", "-f", "v2.0.0"]);
    let o = push(&r, &["origin", "v2.0.0"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(remote_has(&r, "v2.0.0"));
}

#[test]
fn a_refusal_repeats_the_hooks_base_tag_and_policy_in_the_accept_command() {
    let r = Repo::new("commit-policy");
    r.write("manifest.yml", &v1("app"));
    r.commit("first");
    r.git(&["tag", "v1.0.0"]);
    let o = r.run(&[
        "hook",
        "install",
        "--kind",
        "pre-commit",
        "--base-tag",
        "v*",
        "--fail-on",
        "any",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // A minor change: only `--fail-on any` refuses it, so accept must be told the same.
    r.write("manifest.yml", &common::minor("app"));
    r.git(&["add", "manifest.yml"]);
    let o = r.git_in(&r.dir, &["commit", "-q", "-m", "minor"]);
    assert!(!o.status.success());
    let line = last_line(&o);
    assert!(
        line.contains("against v1.0.0, change (")
            && line.contains(
                "`roa-diff accept --reason \"...\" --staged --base-tag 'v*' --accept-from head --fail-on any`"
            ),
        "{line}"
    );
    run_suggested_accept(&r, &line);
    r.git(&["add", ".roa-diff.yml"]);
    let o = r.git_in(&r.dir, &["commit", "-q", "-m", "minor"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn a_deploy_blocker_refusal_offers_no_accept_command() {
    let with_analytics = |manifest: String| {
        manifest.replacen("permissions:\n", "permissions:\n  external:\n    fetch:\n      client:\n        - address: https://tracker.example.com\n          category: analytics\n          inScopeEUD: false\n", 1)
    };
    let r = Repo::new("commit-blocker");
    // Committed before the hook: every later commit still carries the blocker.
    r.write("manifest.yml", &with_analytics(v1("app")));
    r.commit("first");
    let o = r.run(&["hook", "install", "--kind", "pre-commit"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    r.write("manifest.yml", &with_analytics(common::minor("app")));
    r.git(&["add", "manifest.yml"]);
    let o = r.git_in(&r.dir, &["commit", "-q", "-m", "minor"]);
    assert!(!o.status.success());
    assert_eq!(
        last_line(&o),
        "roa-diff: refusing to commit: against HEAD, deploy blocked (ANALYTICS_DOMAIN_NOT_ALLOWED); to go on, fix the manifest (forge deploy refuses it: no accept entry can let it through; see `roa-diff explain ANALYTICS_DOMAIN_NOT_ALLOWED`), or commit with --no-verify"
    );
    // A major change as well: both are needed, accepting alone would not do.
    r.write("manifest.yml", &with_analytics(major("app")));
    r.git(&["add", "manifest.yml"]);
    let o = r.git_in(&r.dir, &["commit", "-q", "-m", "major"]);
    let line = last_line(&o);
    assert!(
        line.contains("deploy blocked (ANALYTICS_DOMAIN_NOT_ALLOWED); to go on, fix the manifest (")
            && line.contains(") and review it (`roa-diff explain remote-added`), accept it with `roa-diff accept --reason \"...\" --git --staged`"),
        "{line}"
    );
}

#[test]
fn install_owns_only_its_unedited_hook_and_never_loses_another() {
    let r = Repo::new("ownership");
    r.write("manifest.yml", &v1("x"));
    r.commit("first");
    let hook = r.dir.join(".git/hooks/pre-push");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    // A team's own hook that mentions roa-diff's marker (say, copied from its docs).
    let theirs =
        "#!/bin/sh\n# roa-diff-hook: installed by `roa-diff hook install`\nrun-team-checks\n";
    std::fs::write(&hook, theirs).unwrap();
    let o = r.run(&["hook", "install"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--force"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), theirs);
    let o = r.run(&["hook", "uninstall"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stderr).contains("left"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), theirs);

    // --force keeps it, and a second --force does not overwrite the first backup.
    std::fs::write(hook.with_extension("bak"), "older backup\n").unwrap();
    let o = r.run(&["hook", "install", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(hook.with_extension("bak")).unwrap(),
        "older backup\n"
    );
    let kept = PathBuf::from(format!("{}.bak.1", hook.display()));
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), theirs);
    assert!(text(&o.stderr).contains(".bak.1"), "{}", text(&o.stderr));

    // Our own, unedited: reinstalled and removed freely.
    assert_eq!(r.run(&["hook", "install"]).status.code(), Some(0));
    // Edited since: neither replaced without --force nor removed.
    let ours = std::fs::read_to_string(&hook).unwrap();
    std::fs::write(&hook, format!("{ours}echo extra step\n")).unwrap();
    assert_eq!(r.run(&["hook", "install"]).status.code(), Some(2));
    let o = r.run(&["hook", "uninstall"]);
    assert!(text(&o.stderr).contains("edited"), "{}", text(&o.stderr));
    assert!(hook.exists());
    std::fs::write(&hook, &ours).unwrap();
    assert_eq!(r.run(&["hook", "uninstall"]).status.code(), Some(0));
    assert!(!hook.exists());
}

#[test]
fn a_global_hooks_path_lets_repositories_without_a_manifest_push_and_commit() {
    let r = Repo::new("global");
    // The hooks directory of every repository of this (scratch) user.
    let hooks = r.root.join("home/hooks");
    r.git(&[
        "config",
        "--global",
        "core.hooksPath",
        hooks.to_str().unwrap(),
    ]);
    r.write("README.md", "no Forge app here\n");
    r.write("config.yml", "just: yaml\n");
    r.commit("first");
    for kind in ["pre-push", "pre-commit"] {
        let o = r.run(&["hook", "install", "--kind", kind]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        assert!(hooks.join(kind).exists());
    }
    let remote = r.root.join("remote.git");
    r.git(&["init", "-q", "--bare", remote.to_str().unwrap()]);
    r.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    r.git(&["tag", "v1.0.0"]);
    r.write("config.yml", "just: more yaml\n");
    let o = r.git_in(&r.dir, &["commit", "-q", "-a", "-m", "second"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    r.git(&["tag", "v1.1.0"]);
    let o = push(&r, &["origin", "main", "v1.0.0", "v1.1.0"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(remote_has(&r, "v1.1.0"));
}

/// The two hooks of `.pre-commit-hooks.yaml`, as (id, entry words after `roa-diff`, stages).
fn declared_hooks() -> Vec<(String, Vec<String>, String)> {
    let hooks: Vec<yaml_serde::Value> = yaml_serde::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
        )
        .unwrap(),
    )
    .unwrap();
    hooks
        .iter()
        .map(|hook| {
            let entry = hook["entry"].as_str().unwrap();
            let mut words: Vec<String> = entry.split_whitespace().map(str::to_string).collect();
            assert_eq!(words.remove(0), "roa-diff", "{entry}");
            if let Some(args) = hook["args"].as_sequence() {
                words.extend(args.iter().map(|a| a.as_str().unwrap().to_string()));
            }
            assert_eq!(hook["pass_filenames"], false);
            let stage = hook["stages"][0].as_str().unwrap().to_string();
            (hook["id"].as_str().unwrap().to_string(), words, stage)
        })
        .collect()
}

/// A released repository whose working tree and HEAD differ from the last tag by a major
/// change: a branch push must pass, a release tag push must be checked.
fn framework_repo(name: &str) -> Repo {
    let r = Repo::new(name);
    let remote = r.root.join("remote.git");
    r.git(&["init", "-q", "--bare", remote.to_str().unwrap()]);
    r.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    r.write("manifest.yml", &v1("x"));
    r.commit("first");
    r.git(&["tag", "v1.0.0"]);
    r.git(&["push", "-q", "origin", "main", "v1.0.0"]);
    r.write("manifest.yml", &major("x"));
    r.commit("major, not released yet");
    r
}

#[test]
fn the_frameworks_hooks_agree_with_hook_install() {
    let hooks = declared_hooks();
    assert_eq!(hooks.len(), 2);
    let r = framework_repo("framework-env");
    let (_, release, stage) = hooks
        .iter()
        .find(|(id, ..)| id == "roa-diff-release")
        .unwrap();
    assert_eq!(stage, "pre-push");
    let release: Vec<&str> = release.iter().map(String::as_str).collect();
    let head = r.git(&["rev-parse", "HEAD"]).trim().to_string();
    // What the framework sets for the first ref with new commits (it reads git's stdin itself).
    let run = |remote_ref: &str| {
        let mut cmd = std::process::Command::new(BIN);
        cmd.args(&release).current_dir(&r.dir);
        r.env(&mut cmd);
        cmd.env("PRE_COMMIT", "1")
            .env("PRE_COMMIT_REMOTE_BRANCH", remote_ref)
            .env("PRE_COMMIT_LOCAL_BRANCH", "HEAD")
            .env("PRE_COMMIT_TO_REF", &head)
            .env("PRE_COMMIT_FROM_REF", "v1.0.0")
            .env("PRE_COMMIT_REMOTE_NAME", "origin")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let o = run("refs/heads/main");
    assert_eq!(
        o.status.code(),
        Some(0),
        "a branch push passes: {}",
        text(&o.stderr)
    );
    let o = run("refs/tags/v2.0.0");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        last_line(&o).contains("refusing to push v2.0.0"),
        "{}",
        text(&o.stderr)
    );

    let (_, commit, stage) = hooks.iter().find(|(id, ..)| id == "roa-diff").unwrap();
    assert_eq!(stage, "pre-commit");
    let commit: Vec<&str> = commit.iter().map(String::as_str).collect();
    let scope_added =
        common::manifest("x", &["main"], &["read:jira-work", "write:jira-work"], true);
    r.write("manifest.yml", &scope_added);
    r.git(&["add", "manifest.yml"]);
    let o = r.run(&commit);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        last_line(&o).contains("refusing to commit"),
        "{}",
        text(&o.stderr)
    );
}

/// `pre-commit` from PATH, or `$ROA_DIFF_PRE_COMMIT`; `None` when neither runs.
fn pre_commit_framework() -> Option<String> {
    let program = std::env::var("ROA_DIFF_PRE_COMMIT").unwrap_or_else(|_| "pre-commit".into());
    let runs = std::process::Command::new(&program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    runs.then_some(program)
}

#[test]
fn the_real_framework_gates_tag_pushes_only() {
    let Some(program) = pre_commit_framework() else {
        eprintln!("pre-commit is not installed: the framework run is left out (the env-variable test covers the hook)");
        return;
    };
    let r = framework_repo("framework-real");
    // The declared hooks, run from this build instead of a `language: rust` install.
    let mut config = String::from("repos:\n  - repo: local\n    hooks:\n");
    for (id, words, stage) in declared_hooks() {
        config.push_str(&format!(
            "      - id: {id}\n        name: {id}\n        entry: {BIN} {}\n        language: system\n        pass_filenames: false\n        always_run: true\n        stages: [{stage}]\n",
            words
                .iter()
                .map(|w| format!("'{w}'"))
                .collect::<Vec<_>>()
                .join(" ")
        ));
    }
    r.write(".pre-commit-config.yaml", &config);
    r.commit("pre-commit config");
    let mut install = std::process::Command::new(&program);
    install
        .args(["install", "-t", "pre-push", "-t", "pre-commit"])
        .current_dir(&r.dir);
    r.env(&mut install);
    let o = install.output().unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));

    // The framework passes its hooks only the first ref whose commits the remote lacks, so
    // the tag goes first, alone (docs/git.md says so; `roa-diff hook install` sees every ref).
    r.git(&["tag", "v2.0.0"]);
    let o = push(&r, &["origin", "v2.0.0"]);
    let out = text(&o.stdout) + &text(&o.stderr);
    assert!(!o.status.success(), "the major release is refused: {out}");
    assert!(out.contains("refusing to push v2.0.0"), "{out}");
    assert!(!remote_has(&r, "v2.0.0"));
    let o = push(&r, &["origin", "main"]);
    assert!(
        o.status.success(),
        "a branch push passes: {}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
}
