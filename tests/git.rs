//! Git inputs, `--git` over whole repositories, and the hooks, against real repositories built
//! with the git CLI in temporary folders (isolated from the user's git configuration).

use std::process::Output;

use serde_json::Value;

mod common;

use common::{major, minor, text, v1, Repo};

fn one_line_error(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", text(&o.stderr));
    assert!(
        o.stdout.is_empty(),
        "nothing on stdout: {}",
        text(&o.stdout)
    );
    let err = text(&o.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}

#[test]
fn revision_index_stdin_and_plain_path_inputs() {
    let r = Repo::new("inputs");
    r.write("manifest.yml", &v1("one"));
    r.commit("first");
    r.git(&["tag", "v1.0.0"]);
    r.write("manifest.yml", &major("one"));

    let (code, v) = r.json(&["v1.0.0:manifest.yml", "manifest.yml"]);
    assert_eq!(code, 1);
    assert_eq!(v["verdict"]["update"], "major");
    assert_eq!(v["verdict"]["roa"]["change"], "lost");
    assert_eq!(v["old"]["source"], "v1.0.0:manifest.yml");
    assert_eq!(v["new"]["source"], "manifest.yml");
    assert_eq!(v["changes"][0]["rule"], "remote-added");

    // The index still holds v1 until it is staged.
    let (code, v) = r.json(&["HEAD:manifest.yml", ":manifest.yml"]);
    assert_eq!((code, &v["verdict"]["update"]), (0, &Value::from("none")));
    r.git(&["add", "manifest.yml"]);
    let (_, v) = r.json(&["HEAD:manifest.yml", ":manifest.yml"]);
    assert_eq!(v["verdict"]["update"], "major");
    assert_eq!(v["new"]["source"], ":manifest.yml");

    // stdin on either side.
    let o = r.run_in(
        &r.dir,
        &["HEAD:manifest.yml", "-", "--format", "json"],
        &minor("one"),
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"]["update"], "minor", "{}", text(&o.stderr));
    assert_eq!(v["new"]["source"], "(stdin)");
    assert_eq!(o.status.code(), Some(0));
    let err = one_line_error(&r.run(&["-", "-"]));
    assert!(err.contains("stdin can be only one"), "{err}");

    // `./` paths are relative to the current directory, as in git.
    r.write("apps/jira/manifest.yml", &v1("two"));
    r.commit("second app");
    let o = r.run_in(
        &r.dir.join("apps/jira"),
        &["HEAD:./manifest.yml", "manifest.yml"],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("No semantic change"));
}

#[test]
fn ci_errors_are_one_clear_line() {
    let r = Repo::new("errors");
    r.write("apps/a/manifest.yml", &v1("a"));
    r.write("data.yml", "x: \"\0\"\n");
    r.commit("first");
    r.git(&["tag", "v1"]);

    let err = one_line_error(&r.run(&["v9:manifest.yml", "apps/a/manifest.yml"]));
    assert!(err.contains("unknown revision `v9`"), "{err}");
    assert!(err.contains("git fetch"), "hint: {err}");

    let err = one_line_error(&r.run(&["v1:manifest.yml", "apps/a/manifest.yml"]));
    assert!(
        err.contains("v1:manifest.yml: does not exist in v1"),
        "{err}"
    );
    assert!(
        err.contains("manifests there: apps/a/manifest.yml"),
        "{err}"
    );

    let err = one_line_error(&r.run(&["v1:data.yml", "apps/a/manifest.yml"]));
    assert!(err.contains("v1:data.yml:1: contains a NUL byte"), "{err}");

    let err = one_line_error(&r.run(&["v1:apps/a", "apps/a/manifest.yml"]));
    assert!(err.contains("is a directory"), "{err}");

    // A symlink committed where a manifest is expected.
    std::os::unix::fs::symlink("apps/a/manifest.yml", r.dir.join("manifest.yml")).unwrap();
    r.commit("link");
    let err = one_line_error(&r.run(&["HEAD:manifest.yml", "apps/a/manifest.yml"]));
    assert!(err.contains("HEAD:manifest.yml: is a symlink"), "{err}");

    // A submodule (a gitlink entry), and a path inside it.
    let head = r.git(&["rev-parse", "HEAD"]);
    r.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{},vendor/app", head.trim()),
    ]);
    r.git(&["commit", "-q", "-m", "submodule"]);
    let err = one_line_error(&r.run(&["HEAD:vendor/app", "apps/a/manifest.yml"]));
    assert!(err.contains("is a submodule"), "{err}");
    let err = one_line_error(&r.run(&["HEAD:vendor/app/manifest.yml", "apps/a/manifest.yml"]));
    assert!(err.contains("`vendor/app` is a submodule"), "{err}");

    // Outside any repository.
    let outside = r.root.join("home");
    let o = r.run_in(&outside, &["HEAD:manifest.yml", "x.yml"], "");
    let err = one_line_error(&o);
    assert!(err.contains("not a git repository"), "{err}");
    let err = one_line_error(&r.run_in(&outside, &["--git", "HEAD"], ""));
    assert!(err.contains("not a git repository"), "{err}");

    let err = one_line_error(&r.run(&["--git", "nope..HEAD"]));
    assert!(err.contains("unknown revision `nope`"), "{err}");
}

#[test]
fn shallow_clones_get_the_fetch_hint() {
    let r = Repo::new("shallow");
    r.write("manifest.yml", &v1("a"));
    r.commit("first");
    r.git(&["tag", "v1.0.0"]);
    r.write("manifest.yml", &minor("a"));
    r.commit("second");
    let shallow = r.shallow_clone(1);

    let err = one_line_error(&r.run_in(&shallow, &["v1.0.0:manifest.yml", "manifest.yml"], ""));
    assert!(err.contains("unknown revision `v1.0.0`"), "{err}");
    assert!(
        err.contains("shallow clone") && err.contains("--unshallow"),
        "{err}"
    );
    // No tag to compare with: in a shallow clone that is an error, not a first release.
    let err = one_line_error(&r.run_in(&shallow, &["--git", "--base-tag", "v*"], ""));
    assert!(err.contains("shallow clone"), "{err}");
}

/// Two releases of a repository with four apps: one moved (and changed a little), one made
/// major, one deleted, one added.
fn four_apps() -> Repo {
    let r = Repo::new("apps");
    r.write("apps/alpha/manifest.yml", &v1("alpha"));
    r.write("apps/beta/manifest.yml", &v1("beta"));
    r.write("apps/gamma/manifest.yml", &v1("gamma"));
    r.write("apps/same/manifest.yml", &v1("same"));
    r.write(".github/workflows/ci.yml", "on: push\n");
    r.commit("v1");
    r.git(&["tag", "-a", "-m", "release", "v1.0.0"]);
    r.git(&["mv", "apps/alpha", "apps/renamed"]);
    r.write("apps/renamed/manifest.yml", &minor("alpha"));
    r.write("apps/beta/manifest.yml", &major("beta"));
    r.git(&["rm", "-q", "-r", "apps/gamma"]);
    r.write("apps/delta/forge.yaml", &v1("delta"));
    r.commit("v2");
    r.git(&["tag", "v2.0.0"]);
    r
}

#[test]
fn every_app_is_paired_and_the_worst_verdict_wins() {
    let r = four_apps();
    let (code, v) = r.json(&["--git", "v1.0.0", "v2.0.0"]);
    assert_eq!(code, 1, "major and RoA lost trip the default policy");
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["base"], "v1.0.0");
    assert_eq!(v["head"], "v2.0.0");
    assert_eq!(v["verdict"]["update"], "major");
    assert_eq!(v["verdict"]["roa_lost"], true);
    let apps = v["apps"].as_array().unwrap();
    let summary: Vec<(String, String, String)> = apps
        .iter()
        .map(|a| {
            (
                a["path"].as_str().unwrap().to_string(),
                a["status"].as_str().unwrap().to_string(),
                a["report"]["verdict"]["update"]
                    .as_str()
                    .unwrap_or("-")
                    .to_string(),
            )
        })
        .collect();
    let expect = |p: &str, s: &str, u: &str| (p.to_string(), s.to_string(), u.to_string());
    assert_eq!(
        summary,
        vec![
            expect("apps/beta/manifest.yml", "modified", "major"),
            expect("apps/delta/forge.yaml", "added", "first-release"),
            expect("apps/gamma/manifest.yml", "removed", "-"),
            expect("apps/renamed/manifest.yml", "moved", "minor"),
            expect("apps/same/manifest.yml", "unchanged", "none"),
        ]
    );
    let renamed = &apps[3];
    assert_eq!(renamed["old_path"], "apps/alpha/manifest.yml");
    assert_eq!(renamed["app_id"], "ari:cloud:ecosystem::app/alpha");
    assert_eq!(
        renamed["report"]["old"]["source"],
        "v1.0.0:apps/alpha/manifest.yml"
    );
    assert_eq!(
        renamed["report"]["new"]["source"],
        "v2.0.0:apps/renamed/manifest.yml"
    );
    assert_eq!(apps[1]["report"]["old"]["exists"], false, "first release");
    assert_eq!(apps[2]["report"], Value::Null);
    assert_eq!(apps[0]["report"]["verdict"]["roa"]["change"], "lost");

    // The range form is the same comparison.
    let (_, range) = r.json(&["--git", "v1.0.0..v2.0.0"]);
    assert_eq!(range, v);
    // Three dots: from the merge base, here v1.0.0's commit itself.
    r.git(&["checkout", "-q", "-b", "side", "v1.0.0"]);
    r.write("apps/side/manifest.yml", &v1("side"));
    r.commit("side app");
    r.git(&["checkout", "-q", "main"]);
    let (_, dots) = r.json(&["--git", "side...v2.0.0"]);
    assert_eq!(
        dots["base"],
        r.git(&["rev-parse", "v1.0.0^{commit}"]).trim()
    );
    assert_eq!(dots["verdict"], v["verdict"]);
    let paths = |doc: &Value| -> Vec<String> {
        doc["apps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["path"].to_string())
            .collect()
    };
    assert_eq!(
        paths(&dots),
        paths(&v),
        "the side branch's own app is not part of it"
    );

    let o = r.run(&["--git", "v1.0.0", "v2.0.0"]);
    let out = text(&o.stdout);
    assert!(
        out.contains("=== apps/renamed/manifest.yml (moved: ari:cloud:ecosystem::app/alpha, moved from apps/alpha/manifest.yml) ==="),
        "{out}"
    );
    assert!(
        out.contains("Removed: the manifest is in v1.0.0 but not in v2.0.0"),
        "{out}"
    );
    let last = out.trim_end().lines().last().unwrap();
    assert_eq!(
        last,
        "Overall (5 apps, v1.0.0 -> v2.0.0): MAJOR update (apps/beta/manifest.yml); first release (apps/delta/forge.yaml); Runs on Atlassian LOST (apps/beta/manifest.yml); removed: apps/gamma/manifest.yml."
    );

    // Back from v2 to v1 nothing loses Runs on Atlassian (beta gains it); an unchanged range
    // passes even `any`.
    let o = r.run(&["--git", "v2.0.0", "v1.0.0", "--fail-on", "roa-lost"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = r.run(&["--git", "v1.0.0", "v1.0.0", "--fail-on", "any"]);
    assert_eq!(o.status.code(), Some(0));
    // A removal alone passes the default policy and trips `any`.
    r.git(&["rm", "-q", "-r", "apps/same"]);
    let (code, v) = r.json(&["--git", "--staged"]);
    assert_eq!(code, 0);
    assert_eq!(v["apps"][3]["path"], "apps/same/manifest.yml");
    assert_eq!(v["apps"][3]["status"], "removed");
    let o = r.run(&["--git", "--staged", "--fail-on", "any"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn working_tree_index_and_base_tag() {
    let r = four_apps();
    // A minor change in the working tree, not staged.
    r.write("apps/same/manifest.yml", &minor("same"));
    let (code, v) = r.json(&["--git"]);
    assert_eq!(code, 0, "minor passes the default policy");
    assert_eq!(
        (v["base"].as_str(), v["head"].as_str()),
        (Some("HEAD"), Some("(working tree)"))
    );
    assert_eq!(v["verdict"]["update"], "minor");
    let (_, staged) = r.json(&["--git", "--staged"]);
    assert_eq!(staged["verdict"]["update"], "none", "nothing staged yet");
    assert_eq!(staged["head"], "(index)");
    r.git(&["add", "apps/same/manifest.yml"]);
    let (_, staged) = r.json(&["--git", "--staged"]);
    assert_eq!(staged["verdict"]["update"], "minor");

    // An untracked manifest in the working tree is a first release: not an update, so the
    // default policy does not trip on it (rule book v2).
    r.write("apps/new/manifest.yml", &v1("new"));
    let (code, v) = r.json(&["--git", "HEAD"]);
    assert_eq!(code, 0);
    let added: Vec<&Value> = v["apps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["status"] == "added")
        .collect();
    assert_eq!(added.len(), 1);
    assert_eq!(added[0]["path"], "apps/new/manifest.yml");

    // --base-tag: from the working tree, the tag on HEAD is the last release...
    let (_, v) = r.json(&["--base-tag", "v*"]);
    assert_eq!(v["base"], "v2.0.0");
    // ...but for a tagged revision, it is the release being checked, so BASE is the one before.
    let (code, v) = r.json(&["--base-tag", "v*", "v2.0.0"]);
    assert_eq!((code, v["base"].as_str()), (1, Some("v1.0.0")));
    let (_, v) = r.json(&["--base-tag", "v*", "v1.0.0"]);
    assert_eq!(v["base"], "(no tag matching v*)");
    assert!(v["notes"][0].as_str().unwrap().contains("first release"));

    let err = one_line_error(&r.run(&["--git", "--staged", "HEAD", "v1.0.0"]));
    assert!(err.contains("--staged"), "{err}");
}

#[test]
fn no_manifest_anywhere_is_an_error_and_an_unborn_repository_works() {
    let r = Repo::new("unborn");
    r.write("config.yml", "a: 1\n");
    let err = one_line_error(&r.run(&["--git"]));
    assert!(err.contains("no Forge manifest"), "{err}");
    r.write("manifest.yml", &v1("first"));
    r.git(&["add", "manifest.yml"]);
    let (code, v) = r.json(&["--git", "--staged"]);
    assert_eq!(code, 0, "a first release is not an update (rule book v2)");
    assert_eq!(v["apps"][0]["report"]["verdict"]["update"], "first-release");
    assert_eq!(v["base"], "(no commits yet)");
    assert_eq!(v["apps"][0]["status"], "added");
}

#[test]
fn linked_worktrees_read_their_own_files_and_share_hooks() {
    let r = four_apps();
    let wt = r.root.join("wt");
    r.git(&[
        "worktree",
        "add",
        "-q",
        wt.to_str().unwrap(),
        "-b",
        "feature",
    ]);
    std::fs::write(wt.join("apps/same/manifest.yml"), major("same")).unwrap();
    let o = r.run_in(&wt, &["--git", "--format", "json"], "");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"]["update"], "major", "{}", text(&o.stderr));
    let o = r.run_in(
        &wt,
        &["HEAD:apps/same/manifest.yml", "apps/same/manifest.yml"],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    // The main checkout did not change.
    let (code, _) = r.json(&["--git"]);
    assert_eq!(code, 0);

    let o = r.run_in(&wt, &["hook", "install"], "");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        r.dir.join(".git/hooks/pre-push").exists(),
        "hooks are shared by worktrees"
    );
}

#[test]
fn hook_install_respects_hooks_path_and_foreign_hooks() {
    let r = Repo::new("install");
    r.write("manifest.yml", &v1("x"));
    r.commit("first");
    let hook = r.dir.join(".git/hooks/pre-push");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, "#!/bin/sh\necho mine\n").unwrap();
    let err = one_line_error(&r.run(&["hook", "install"]));
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho mine\n"
    );

    // Uninstall leaves a foreign hook alone.
    let o = r.run(&["hook", "uninstall"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stderr).contains("left"), "{}", text(&o.stderr));
    assert!(hook.exists());

    let o = r.run(&["hook", "install", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(std::fs::read_to_string(&hook)
        .unwrap()
        .contains("hook pre-push"));
    assert_eq!(
        std::fs::read_to_string(hook.with_extension("bak")).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    // Reinstalling over our own hook needs no --force.
    assert_eq!(r.run(&["hook", "install"]).status.code(), Some(0));
    assert_eq!(r.run(&["hook", "uninstall"]).status.code(), Some(0));
    assert!(!hook.exists());

    // core.hooksPath, relative to the working tree.
    r.git(&["config", "core.hooksPath", "githooks"]);
    let o = r.run(&["hook", "install", "--kind", "pre-commit"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let installed = r.dir.join("githooks/pre-commit");
    assert!(installed.exists());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&installed).unwrap().permissions().mode() & 0o111,
        0o111
    );
    assert_eq!(
        r.run(&["hook", "uninstall", "--kind", "pre-commit"])
            .status
            .code(),
        Some(0)
    );
    assert!(!installed.exists());
}

#[test]
fn pre_commit_hook_blocks_a_major_commit() {
    let r = Repo::new("pre-commit");
    r.write("manifest.yml", &v1("x"));
    r.commit("first");
    assert_eq!(
        r.run(&["hook", "install", "--kind", "pre-commit"])
            .status
            .code(),
        Some(0)
    );
    r.write("manifest.yml", &minor("x"));
    r.git(&["add", "manifest.yml"]);
    let o = r.git_in(&r.dir, &["commit", "-q", "-m", "minor"]);
    assert!(o.status.success(), "minor commits: {}", text(&o.stderr));

    r.write("manifest.yml", &major("x"));
    // `commit -a` stages through a temporary index (GIT_INDEX_FILE): the hook must see it.
    let o = r.git_in(&r.dir, &["commit", "-q", "-a", "-m", "major"]);
    assert!(!o.status.success(), "major is refused");
    let out = text(&o.stdout) + &text(&o.stderr);
    assert!(out.contains("MAJOR update"), "{out}");
    assert_eq!(r.git(&["log", "--format=%s", "-1"]).trim(), "minor");
}

#[test]
fn pre_push_hook_refuses_a_major_release_tag_and_lets_a_minor_one_through() {
    let r = Repo::new("pre-push");
    let remote = r.root.join("remote.git");
    r.git(&["init", "-q", "--bare", remote.to_str().unwrap()]);
    r.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    r.write("apps/one/manifest.yml", &v1("one"));
    r.write("apps/two/manifest.yml", &v1("two"));
    r.commit("first release");
    r.git(&["tag", "v1.0.0"]);
    let o = r.run(&["hook", "install", "--base-tag", "v*"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));

    let push = |args: &[&str]| r.git_in(&r.dir, args);
    let remote_tags = || {
        let o = r.git_in(&r.dir, &["ls-remote", "--tags", "origin"]);
        text(&o.stdout)
    };

    let o = push(&["push", "-q", "origin", "main", "v1.0.0"]);
    assert!(o.status.success(), "first release: {}", text(&o.stderr));
    assert!(text(&o.stderr).contains("first release"));

    r.write("apps/one/manifest.yml", &minor("one"));
    r.commit("minor");
    r.git(&["tag", "-a", "-m", "minor", "v1.1.0"]);
    let o = push(&["push", "-q", "origin", "main", "v1.1.0"]);
    assert!(o.status.success(), "minor passes: {}", text(&o.stderr));
    assert!(text(&o.stderr).contains("v1.1.0 passes (compared with v1.0.0)"));
    assert!(remote_tags().contains("refs/tags/v1.1.0"));

    r.write("apps/two/manifest.yml", &major("two"));
    r.commit("major");
    r.git(&["tag", "v2.0.0"]);
    // A branch push is not a release.
    let o = push(&["push", "-q", "origin", "main"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = push(&["push", "-q", "origin", "v2.0.0"]);
    assert!(!o.status.success(), "major release tag is refused");
    let err = text(&o.stderr);
    assert!(err.contains("MAJOR update"), "the report is shown: {err}");
    assert!(err.contains("=== apps/two/manifest.yml (modified"), "{err}");
    assert!(err.contains("refusing to push v2.0.0"), "{err}");
    assert!(!remote_tags().contains("v2.0.0"));
}

#[test]
fn git_mode_renders_every_review_format_and_applies_the_accept_file() {
    let r = Repo::new("review");
    r.write("apps/a/manifest.yml", &v1("aaa"));
    r.write("apps/b/manifest.yml", &v1("bbb"));
    r.commit("first");
    r.git(&["tag", "v1.0.0"]);
    r.write("apps/a/manifest.yml", &major("aaa"));
    r.write("apps/b/manifest.yml", &minor("bbb"));
    r.commit("second");
    let args = |format: &'static str| ["--git", "v1.0.0", "HEAD", "--format", format];

    let o = r.run(&args("markdown"));
    assert_eq!(o.status.code(), Some(1));
    let md = text(&o.stdout);
    assert!(md.starts_with("<!-- roa-diff:report -->\n"), "{md}");
    assert_eq!(
        md.matches("<!-- roa-diff:report -->").count(),
        1,
        "one marker"
    );
    assert!(md.contains("## `apps/a/manifest.yml (modified)`"), "{md}");
    assert!(md.contains("## `apps/b/manifest.yml (modified)`"), "{md}");
    assert!(
        md.contains("remote-added") && md.contains("module-added"),
        "{md}"
    );

    let o = r.run(&args("github"));
    let gh = text(&o.stdout);
    assert!(
        gh.contains("::error file=apps/a/manifest.yml,line="),
        "{gh}"
    );
    assert!(
        gh.contains("::notice file=apps/b/manifest.yml,line="),
        "{gh}"
    );

    let o = r.run(&args("sarif"));
    let sarif: Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let uris: Vec<String> = sarif["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|run| run["results"].as_array().unwrap().clone())
        .map(|res| {
            res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        uris.contains(&"apps/a/manifest.yml".to_string()),
        "{uris:?}"
    );
    assert!(
        uris.contains(&"apps/b/manifest.yml".to_string()),
        "{uris:?}"
    );

    // Accepting the remote and the loss of the badge lets the release through; an entry that
    // matches no app is reported as stale.
    r.write(
        ".roa-diff.yml",
        "accept:\n  - rule: remote-added\n    path: remotes[key=backend]\n    reason: approved\n  - roa: lost\n    reason: agreed\n  - rule: scope-added\n    path: permissions.scopes[nothing]\n    reason: stale\n",
    );
    // With a BASE revision the accept file comes from BASE unless the team opts for the
    // working tree's (docs/security.md).
    let (code, _) = r.json(&["--git", "v1.0.0", "HEAD"]);
    assert_eq!(code, 1);
    let (code, v) = r.json(&["--git", "v1.0.0", "HEAD", "--accept-from", "head"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        v["verdict"]["update"], "major",
        "the verdict still tells the truth"
    );
    let a = &v["apps"].as_array().unwrap()[0]["report"];
    assert_eq!(a["changes"][0]["accepted"]["reason"], "approved", "{a}");
    let notes = v["notes"].to_string();
    assert!(notes.contains("matches nothing"), "{notes}");
}

#[test]
fn git_path_leaves_out_manifests_elsewhere_such_as_broken_test_fixtures() {
    let r = Repo::new("pathfilter");
    r.write("apps/a/manifest.yml", &v1("aaa"));
    // A fixture that carries an app id but is deliberately invalid.
    r.write(
        "testdata/broken.yml",
        "app:\n  id: ari:cloud:ecosystem::app/fixture\npermissions:\n  scopes: 42\n",
    );
    r.commit("first");
    r.write("apps/a/manifest.yml", &major("aaa"));
    let err = one_line_error(&r.run(&["--git", "HEAD"]));
    assert!(err.contains("testdata/broken.yml"), "{err}");
    let (code, v) = r.json(&["--git", "HEAD", "--path", "apps"]);
    assert_eq!(code, 1, "{v}");
    let apps = v["apps"].as_array().unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["path"], "apps/a/manifest.yml");
    let err = one_line_error(&r.run(&[
        "HEAD:apps/a/manifest.yml",
        "apps/a/manifest.yml",
        "--path",
        "apps",
    ]));
    assert!(
        err.contains("--path") && err.contains("only applies with --git"),
        "{err}"
    );
}

/// The loose object file of `rev` in the scratch repository.
fn loose_object(r: &Repo, rev: &str) -> std::path::PathBuf {
    let id = r.git(&["rev-parse", rev]).trim().to_string();
    r.dir.join(".git/objects").join(&id[..2]).join(&id[2..])
}

#[test]
fn a_missing_or_corrupt_git_object_is_a_one_line_error() {
    let r = Repo::new("badobjects");
    r.write("manifest.yml", &v1("one"));
    r.commit("first");
    r.write("manifest.yml", &major("one"));

    // Missing: the blob's object file is gone (a broken clone or a pruned object).
    let blob = loose_object(&r, "HEAD:manifest.yml");
    let saved = std::fs::read(&blob).unwrap();
    std::fs::remove_file(&blob).unwrap();
    let err = one_line_error(&r.run(&["HEAD:manifest.yml", "manifest.yml"]));
    assert!(err.contains("HEAD:manifest.yml"), "{err}");
    assert!(err.contains("git fsck"), "{err}");
    let err = one_line_error(&r.run(&["--git", "HEAD"]));
    assert!(err.contains("manifest.yml"), "{err}");

    // Corrupt: the object file holds bytes that do not inflate to the object.
    std::fs::write(&blob, b"this is not a zlib stream").unwrap();
    let err = one_line_error(&r.run(&["HEAD:manifest.yml", "manifest.yml"]));
    assert!(err.contains("HEAD:manifest.yml"), "{err}");
    assert!(err.contains("git fsck"), "{err}");

    // Put right, the same command gives its verdict again.
    std::fs::write(&blob, saved).unwrap();
    let (code, v) = r.json(&["HEAD:manifest.yml", "manifest.yml"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["verdict"]["update"], "major");
}

/// Blob ids by path, sorted.
type FileList = Vec<(String, git2::Oid)>;

/// What libgit2's tree diff reports as the regular files changed between two trees, as
/// `roa-diff log` read it before it compared the trees itself.
fn diffed_files(
    repo: &git2::Repository,
    old: Option<&git2::Tree>,
    new: &git2::Tree,
    filter: Option<&str>,
) -> (FileList, FileList) {
    let mut options = git2::DiffOptions::new();
    options
        .include_typechange(true)
        .ignore_submodules(true)
        .skip_binary_check(true);
    if let Some(path) = filter {
        options.pathspec(path).disable_pathspec_match(true);
    }
    let diff = repo
        .diff_tree_to_tree(old, Some(new), Some(&mut options))
        .unwrap();
    let (mut old_files, mut new_files) = (Vec::new(), Vec::new());
    for delta in diff.deltas() {
        for (file, side) in [
            (delta.old_file(), &mut old_files),
            (delta.new_file(), &mut new_files),
        ] {
            let regular = matches!(
                file.mode(),
                git2::FileMode::Blob | git2::FileMode::BlobExecutable
            );
            let path = file.path().and_then(|p| p.to_str()).unwrap().to_string();
            if regular && !file.id().is_zero() && path.ends_with(".yml") {
                side.push((path, file.id()));
            }
        }
    }
    old_files.sort();
    new_files.sort();
    (old_files, new_files)
}

#[test]
fn changed_files_are_those_of_a_tree_diff() {
    use roa_diff::git::changes::changed_files;

    let r = Repo::new("changed-files");
    r.write("manifest.yml", "a: 1\n");
    r.write("apps/a/manifest.yml", "a: 1\n");
    r.write("apps/b/manifest.yml", "b: 1\n");
    r.write("apps-old/manifest.yml", "old: 1\n");
    r.write("docs/readme.md", "text\n");
    r.commit("first");
    // Changed content in a nested directory, an unrelated file, an addition.
    r.write("apps/a/manifest.yml", "a: 2\n");
    r.write("docs/readme.md", "more\n");
    r.write("apps/c/x.yml", "c: 1\n");
    r.commit("change");
    // A removal, a move, and a file that becomes a directory.
    let remove = |path: &str| std::fs::remove_file(r.dir.join(path)).unwrap();
    remove("apps/b/manifest.yml");
    std::fs::rename(r.dir.join("apps/c/x.yml"), r.dir.join("apps/d.yml")).unwrap();
    remove("manifest.yml");
    r.write("manifest.yml/inner.yml", "inner: 1\n");
    r.commit("remove, move, file to directory");
    // The directory becomes a file again; a symbolic link replaces a manifest.
    std::fs::remove_dir_all(r.dir.join("manifest.yml")).unwrap();
    r.write("manifest.yml", "a: 3\n");
    remove("apps/a/manifest.yml");
    std::os::unix::fs::symlink("../d.yml", r.dir.join("apps/a/manifest.yml")).unwrap();
    r.commit("directory to file, file to link");
    // The link becomes a file; a mode change alone; a submodule appears (index only: `add -A`
    // would undo both).
    remove("apps/a/manifest.yml");
    r.write("apps/a/manifest.yml", "a: 4\n");
    r.git(&["add", "apps/a/manifest.yml"]);
    r.git(&["update-index", "--chmod=+x", "apps/d.yml"]);
    let head = r.git(&["rev-parse", "HEAD"]);
    let gitlink = format!("160000,{},apps/sub.yml", head.trim());
    r.git(&["update-index", "--add", "--cacheinfo", &gitlink]);
    r.git(&["commit", "-q", "-m", "link to file, mode, submodule"]);

    let repo = git2::Repository::open(&r.dir).unwrap();
    let mut commit = repo.head().unwrap().peel_to_commit().unwrap();
    let mut seen = 0;
    loop {
        let tree = commit.tree().unwrap();
        let parent = commit.parent(0).ok();
        let parent_tree = parent.as_ref().map(|p| p.tree().unwrap());
        for filter in [
            None,
            Some("apps"),
            Some("apps/a"),
            Some("apps/a/manifest.yml"),
            Some("manifest.yml"),
            Some("nope"),
        ] {
            let expected = diffed_files(&repo, parent_tree.as_ref(), &tree, filter);
            let (old, new) =
                changed_files(&repo, parent_tree.as_ref(), &tree, filter, |p: &str| {
                    p.ends_with(".yml")
                })
                .unwrap();
            let sorted = |files: std::collections::HashMap<String, git2::Oid>| {
                let mut list: Vec<_> = files.into_iter().collect();
                list.sort();
                list
            };
            let got = (sorted(old), sorted(new));
            assert_eq!(got, expected, "{} with {filter:?}", commit.id());
            seen += usize::from(!got.0.is_empty() || !got.1.is_empty());
        }
        match parent {
            Some(p) => commit = p,
            None => break,
        }
    }
    assert!(seen >= 20, "the cases changed files: {seen}");
}
