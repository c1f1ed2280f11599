//! The binary as users run it: exit codes, error lines, formats and the generated docs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn roa_diff(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_roa-diff"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch directory unique to one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("roa-diff-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

const V1: &str = "testdata/examples/v1.yml";
const V2: &str = "testdata/examples/v2.yml";

#[test]
fn example_pair_is_major_and_loses_roa_so_the_default_gate_fails() {
    let o = roa_diff(&[V1, V2]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("MAJOR update: site admins must approve it"),
        "{out}"
    );
    assert!(out.contains("Runs on Atlassian: LOST"), "{out}");
    assert!(out.contains("remote-added"), "{out}");
    assert!(out.contains("testdata/examples/v2.yml:38"), "{out}");
    assert!(
        !out.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn fail_on_policies() {
    assert_eq!(
        roa_diff(&[V1, V2, "--fail-on", "never"]).status.code(),
        Some(0)
    );
    assert_eq!(
        roa_diff(&[V1, V2, "--fail-on", "roa-lost"]).status.code(),
        Some(1)
    );
    // Reversed, the update is minor-or-major but RoA is gained: roa-lost alone passes.
    assert_eq!(
        roa_diff(&[V2, V1, "--fail-on", "roa-lost"]).status.code(),
        Some(0)
    );
    assert_eq!(
        roa_diff(&[V1, V1, "--fail-on", "any"]).status.code(),
        Some(0)
    );
    let dir = scratch("minor");
    let a = write(&dir, "a.yml", "modules:\n  function:\n    - key: f\n");
    let b = write(
        &dir,
        "b.yml",
        "modules:\n  function:\n    - key: f\n    - key: g\n",
    );
    assert_eq!(
        roa_diff(&[&a, &b]).status.code(),
        Some(0),
        "minor passes the default"
    );
    assert_eq!(
        roa_diff(&[&a, &b, "--fail-on", "any"]).status.code(),
        Some(1)
    );
    assert_eq!(
        roa_diff(&[&a, &b, "--fail-on", "major,any"]).status.code(),
        Some(1)
    );
    let o = roa_diff(&[&a, &b, "--fail-on", "sometimes"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn json_output_follows_the_documented_shape() {
    let o = roa_diff(&[V1, V2, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["verdict"]["update"], "major");
    assert_eq!(v["verdict"]["roa"]["before"], true);
    assert_eq!(v["verdict"]["roa"]["after"], false);
    assert_eq!(v["verdict"]["roa"]["change"], "lost");
    assert_eq!(v["old"]["source"], V1);
    assert_eq!(v["old"]["roa_reasons"].as_array().unwrap().len(), 0);
    let reasons = v["new"]["roa_reasons"].as_array().unwrap();
    assert_eq!(reasons[0]["code"], "HAS_REMOTES");
    assert_eq!(reasons[0]["path"], "remotes[key=summarizer]");
    assert_eq!(reasons[0]["line"], 38);
    let changes = v["changes"].as_array().unwrap();
    let remote = changes
        .iter()
        .find(|c| c["rule"] == "remote-added")
        .expect("remote-added");
    assert_eq!(remote["level"], "major");
    assert_eq!(remote["path"], "remotes[key=summarizer]");
    assert_eq!(remote["line"], 38);
    assert_eq!(remote["side"], "new");
    assert!(remote["before"].is_null());
    assert_eq!(
        remote["after"]["baseUrl"],
        "https://api.summarizer.example.com"
    );
    for c in changes {
        for key in [
            "rule", "level", "path", "line", "side", "message", "before", "after",
        ] {
            assert!(c.get(key).is_some(), "change lacks {key}: {c}");
        }
    }
    // Major changes come first.
    let levels: Vec<&str> = changes
        .iter()
        .map(|c| c["level"].as_str().unwrap())
        .collect();
    let mut sorted = levels.clone();
    sorted.sort_by_key(|l| *l != "major");
    assert_eq!(levels, sorted);
}

#[test]
fn errors_are_one_line_name_the_file_and_exit_2() {
    let dir = scratch("errors");
    let good = write(&dir, "good.yml", "app:\n  id: x\n");
    let cases: Vec<(String, &str)> = vec![
        (
            dir.join("missing.yml").to_string_lossy().into(),
            "no such file",
        ),
        (
            write(&dir, "bad.yml", "app:\n  id: [x\n"),
            "bad.yml:3: invalid YAML",
        ),
        (
            write(&dir, "type.yml", "permissions:\n  scopes: 42\n"),
            "type.yml:2: permissions.scopes: expected a list, found a number",
        ),
        (
            write(&dir, "remotes.yml", "app:\n  id: x\nremotes: {}\n"),
            "remotes.yml:3: remotes: expected a list, found a mapping",
        ),
        (dir.to_string_lossy().into(), "is a directory"),
        // The YAML parser panics on this malformed tag (libyaml-safer 0.3.0): still one line,
        // no Rust panic message above it.
        (
            write(&dir, "tag.yml", "a: 1\nb: [!,\n"),
            "tag.yml:2: invalid YAML: the YAML parser cannot read this text (a malformed tag?)",
        ),
    ];
    for (path, want) in cases {
        let o = roa_diff(&[&good, &path]);
        assert_eq!(o.status.code(), Some(2), "{path}: {}", stderr(&o));
        assert!(
            o.stdout.is_empty(),
            "no verdict from a file that did not parse"
        );
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("roa-diff: error: "), "{err}");
        assert!(err.contains(want), "{err} lacks {want}");
    }
    let o = roa_diff(&[&good]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("expected two manifests"));
}

#[test]
fn max_bytes_refuses_large_files() {
    let o = roa_diff(&[V1, V2, "--max-bytes", "100"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("v1.yml") && err.contains("--max-bytes"),
        "{err}"
    );
}

#[test]
fn rules_and_explain_come_from_the_catalogue() {
    let o = roa_diff(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let table = stdout(&o);
    for rule in roa_diff::rules::RULES {
        assert!(table.contains(rule.id.as_str()), "{}", rule.id);
    }
    assert!(table.contains("HAS_EGRESS_WEBTRIGGER_MODULE"));
    let o = roa_diff(&["explain", "provider-url-removed"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(
        text.contains("major update") && text.contains("source: "),
        "{text}"
    );
    let o = roa_diff(&["explain", "HAS_REMOTES"]);
    assert!(stdout(&o).contains("Runs on Atlassian reason"));
    let o = roa_diff(&["explain", "no-such-rule"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown rule"));
}

#[test]
fn docs_rules_md_is_generated_from_the_catalogue() {
    let on_disk = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    assert!(
        on_disk == roa_diff::explain::rules_markdown(),
        "docs/rules.md is stale: run `cargo run -q -- rules --markdown > docs/rules.md`"
    );
}

#[test]
fn colour_is_opt_in_off_a_terminal_and_no_color_is_respected() {
    let o = roa_diff(&[V1, V2, "--color", "always"]);
    assert!(stdout(&o).contains("\x1b[1;31mMAJOR update:"));
    let o = roa_diff(&[V1, V2, "--color", "never"]);
    assert!(!stdout(&o).contains('\x1b'));
    let o = Command::new(env!("CARGO_BIN_EXE_roa-diff"))
        .args([V1, V2])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stdout(&o).contains('\x1b'));
}

#[test]
fn context_shows_the_yaml_around_each_change() {
    let o = roa_diff(&[V1, V2, "--context", "1"]);
    let out = stdout(&o);
    assert!(out.contains("   38 +   - key: summarizer"), "{out}");
    assert!(out.contains("   37 + remotes:"), "{out}");
    let o = roa_diff(&[V1, V2]);
    assert!(!stdout(&o).contains("   38 +"), "no context unless asked");
}

#[test]
fn var_values_feed_interpolation() {
    let dir = scratch("vars");
    let old = write(
        &dir,
        "old.yml",
        "permissions:\n  external:\n    fetch:\n      backend:\n        - https://api.example.com\n",
    );
    let new = write(
        &dir,
        "new.yml",
        "environment:\n  variables:\n    - API_HOST\npermissions:\n  external:\n    fetch:\n      backend:\n        - https://${API_HOST}\n",
    );
    let o = roa_diff(&[
        &old,
        &new,
        "--var",
        "API_HOST=api.example.com",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"]["update"], "none", "{v}");
    let o = roa_diff(&[
        &old,
        &new,
        "--var",
        "API_HOST=evil.example.net",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"]["update"], "major", "{v}");
    let o = roa_diff(&[&old, &new, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["warnings"][0].as_str().unwrap().contains("API_HOST"),
        "{v}"
    );
    let o = roa_diff(&[&old, &new, "--var", "1BAD=x"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn terminal_control_sequences_from_a_manifest_are_neutralized() {
    let dir = scratch("hostile");
    let old = write(&dir, "old.yml", "app:\n  id: x\n");
    let new = write(
        &dir,
        "new.yml",
        "permissions:\n  scopes:\n    - \"read\\e[2J\\rfake: ok\"\n",
    );
    let o = roa_diff(&[&old, &new]);
    let out = stdout(&o);
    assert!(!out.contains('\x1b') && !out.contains('\r'), "{out:?}");
    assert!(out.contains("read\\u{1b}[2J\\u{d}fake: ok"), "{out}");
}

#[test]
fn help_documents_exit_codes() {
    let o = roa_diff(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.contains("Exit status:") && out.contains("1  the policy tripped"),
        "{out}"
    );
}

/// A fixture case's files, for the policy tests below.
fn case_file(case: &str, file: &str) -> String {
    format!("testdata/cases/{case}/{file}")
}

#[test]
fn blocked_trips_the_default_policy_and_blockers_come_first() {
    let (old, new) = (
        case_file("table-configurable-disabled-blocked", "old.yml"),
        case_file("table-configurable-disabled-blocked", "new.yml"),
    );
    // A minor update that forge deploy refuses: the default policy fails on the blocker.
    let o = roa_diff(&[&old, &new, "--color", "never"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with("Deploy blocked: CONFIGURABLE_EGRESS_REMOVED at permissions.external.configurable.enabled (")
            && first.contains("new.yml:14"),
        "{out}"
    );
    assert!(
        out.lines().nth(1).unwrap().starts_with("Minor update:"),
        "{out}"
    );
    let o = roa_diff(&[&old, &new, "--fail-on", "major,roa-lost"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "without `blocked` the minor update passes"
    );
    // GitHub annotations and SARIF: errors, first.
    let gh = stdout(&roa_diff(&[&old, &new, "--format", "github"]));
    assert!(
        gh.starts_with("::error file=")
            && gh
                .lines()
                .next()
                .unwrap()
                .contains("deploy blocked (CONFIGURABLE_EGRESS_REMOVED)"),
        "{gh}"
    );
    let sarif: serde_json::Value =
        serde_json::from_slice(&roa_diff(&[&old, &new, "--format", "sarif"]).stdout).unwrap();
    let first = &sarif["runs"][0]["results"][0];
    assert_eq!(first["ruleId"], "CONFIGURABLE_EGRESS_REMOVED");
    assert_eq!(first["level"], "error");
    let md = stdout(&roa_diff(&[&old, &new, "--format", "markdown"]));
    let caution = md.find("[!CAUTION]").expect("blocker alert");
    assert!(caution < md.find("roa-diff: minor update").unwrap(), "{md}");
    assert!(
        md.contains("**error** `CONFIGURABLE_EGRESS_REMOVED`"),
        "{md}"
    );
}

#[test]
fn a_first_release_trips_no_update_policy_but_ineligible_does() {
    let new = case_file("first-release-ineligible-not-lost", "new.yml");
    let empty_dir = scratch("first");
    let empty = write(&empty_dir, "empty.yml", "# no manifest yet\n");
    for policy in ["major", "roa-lost", "any", "major,roa-lost,blocked"] {
        let o = roa_diff(&[&empty, &new, "--fail-on", policy]);
        assert_eq!(o.status.code(), Some(0), "{policy}: {}", stdout(&o));
    }
    let o = roa_diff(&[&empty, &new, "--fail-on", "ineligible", "--color", "never"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with("First release:"), "{out}");
    assert!(
        out.contains("Runs on Atlassian: not eligible (first release)"),
        "{out}"
    );
    assert!(!out.contains("LOST"), "{out}");
    // An eligible new manifest passes `ineligible`.
    let eligible = case_file("table-llm-module-added", "new.yml");
    let o = roa_diff(&[&empty, &eligible, "--fail-on", "ineligible"]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn the_verdict_line_states_the_rollout() {
    let run = |case: &str| {
        let o = roa_diff(&[
            &case_file(case, "old.yml"),
            &case_file(case, "new.yml"),
            "--color",
            "never",
        ]);
        stdout(&o).lines().next().unwrap().to_string()
    };
    let held = run("rollout-held-without-rolling-releases");
    assert!(
        held.contains("every installation stays on the old version"),
        "{held}"
    );
    let code_only = run("rollout-code-only");
    assert!(
        code_only.contains("the new code reaches every installation now")
            && !code_only.contains("stays on the old version"),
        "{code_only}"
    );
    let minor = run("enforcement-changed");
    assert!(
        minor.contains("rolls out to every installation by itself"),
        "{minor}"
    );
}

#[test]
fn accept_entries_naming_replaced_rule_ids_still_match_with_a_note() {
    let dir = scratch("legacy-accept");
    let accept = write(
        &dir,
        "accept.yml",
        "accept:\n  - rule: content-permission-changed\n    path: permissions.content.scripts[unsafe-inline]\n    reason: reviewed\n",
    );
    let case = "content-permission-added";
    let o = roa_diff(&[
        &case_file(case, "old.yml"),
        &case_file(case, "new.yml"),
        "--accept",
        &accept,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["changes"][0]["rule"], "content-permission-added");
    assert_eq!(v["changes"][0]["accepted"]["by"], "rule+path");
    let notes = v["warnings"].to_string();
    assert!(
        notes.contains("`content-permission-changed` was replaced in rule book version 2 by `content-permission-added` and `content-permission-removed`"),
        "{notes}"
    );
}

#[test]
fn explain_says_why_exposed_credentials_is_never_reported_and_dates_the_docs() {
    let out = stdout(&roa_diff(&["explain", "HAS_EXPOSED_CREDENTIALS"]));
    assert!(out.contains("Never reported by roa-diff"), "{out}");
    assert!(out.contains("developer console"), "{out}");
    assert!(out.contains("as of November 2026"), "{out}");
    let out = stdout(&roa_diff(&["explain", "ANALYTICS_DOMAIN_NOT_ALLOWED"]));
    assert!(
        out.contains("*.google-analytics.com") && out.contains("analytics-tool-policy"),
        "{out}"
    );
    let out = stdout(&roa_diff(&["explain", "capability-added"]));
    assert!(out.contains("https://developer.atlassian.com/"), "{out}");
    let rules = stdout(&roa_diff(&["rules"]));
    assert!(rules.starts_with("Rule book version 2"), "{rules}");
}

#[test]
fn rule_links_default_to_the_published_docs_at_this_version() {
    let published = format!(
        "https://github.com/roa-diff/roa-diff/blob/v{}/docs/rules.md#remote-added",
        env!("CARGO_PKG_VERSION")
    );
    for format in ["markdown", "sarif"] {
        let out = stdout(&roa_diff(&[V1, V2, "--format", format]));
        assert!(out.contains(&published), "{format}: {out}");
        assert!(!out.contains("(docs/rules.md#"), "{format}: {out}");
    }
    // The job summary of --format github carries the same links.
    let dir = scratch("summary");
    let summary = dir.join("summary.md");
    let o = Command::new(env!("CARGO_BIN_EXE_roa-diff"))
        .args([V1, V2, "--format", "github"])
        .current_dir(root())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&summary)
        .unwrap()
        .contains(&published));
    let out = stdout(&roa_diff(&[
        V1,
        V2,
        "--format",
        "markdown",
        "--rules-url",
        "https://docs.example.com/rules",
    ]));
    assert!(
        out.contains("(https://docs.example.com/rules#remote-added)"),
        "{out}"
    );
    assert!(!out.contains(&published), "{out}");
}

/// The one line `roa-diff` prints on stderr, and nothing on stdout.
fn only_line(o: &Output) -> String {
    assert!(o.stdout.is_empty(), "{}", stdout(o));
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "{err}");
    err.trim_end().to_string()
}

#[test]
fn bare_roa_diff_compares_with_the_last_release_or_head_and_says_which() {
    // Outside any repository: one clean usage line (the ceiling keeps git from looking up).
    let dir = scratch("no-repo");
    let o = Command::new(env!("CARGO_BIN_EXE_roa-diff"))
        .current_dir(&dir)
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
        .env_remove("GIT_DIR")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let line = only_line(&o);
    assert!(line.starts_with("usage: roa-diff OLD NEW, "), "{line}");
    assert!(!line.contains("error"), "{line}");

    let r = common::Repo::new("bare-default");
    r.write("manifest.yml", &common::v1("app"));
    r.commit("first");
    // One manifest only is a usage error too, even inside a repository.
    let o = r.run(&["manifest.yml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(only_line(&o).starts_with("roa-diff: expected two manifests; usage: "));

    // No release yet: HEAD against the working tree.
    r.write("manifest.yml", &common::minor("app"));
    let o = r.run(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).lines().next().unwrap(),
        "roa-diff: no release tag matching `v*` yet: comparing the working tree with HEAD"
    );
    assert!(
        stdout(&o).contains("Overall (1 app, HEAD -> (working tree))"),
        "{}",
        stdout(&o)
    );

    // The newest release tag reachable from HEAD, whatever HEAD holds since.
    r.git(&["tag", "v1.0.0"]);
    r.commit("minor");
    r.git(&["tag", "v1.10.0"]);
    r.git(&["tag", "v1.9.0"]);
    r.write("manifest.yml", &common::major("app"));
    r.commit("major, unreleased");
    let (code, v) = r.json(&[]);
    assert_eq!(code, 1);
    assert_eq!(v["base"], "v1.10.0", "{v}");
    let o = r.run(&[]);
    assert_eq!(
        stderr(&o).lines().next().unwrap(),
        "roa-diff: comparing the working tree with v1.10.0, the newest release tag (`v*`); name another with roa-diff --git BASE"
    );
    assert!(stdout(&o).contains("MAJOR update"), "{}", stdout(&o));

    // `.roa-diff.yml` names other release tags: the major commit is released as `rel-2`.
    r.git(&["tag", "rel-2"]);
    r.write(".roa-diff.yml", "release_tags: \"rel-*\"\n");
    let o = r.run(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).lines().next().unwrap(),
        "roa-diff: comparing the working tree with rel-2, the newest release tag (`rel-*`); name another with roa-diff --git BASE"
    );
    r.write(".roa-diff.yml", "release_tags: \"\"\n");
    let o = r.run(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`release_tags` must be a tag glob"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn near_misses_get_a_hint() {
    let r = common::Repo::new("hints");
    r.write("manifest.yml", &common::v1("app"));
    r.commit("first");
    r.git(&["tag", "v1.0.0"]);
    r.write("manifest.yml", &common::major("app"));

    // A revision where a file belongs.
    let o = r.run(&["v1.0.0", "manifest.yml"]);
    assert_eq!(o.status.code(), Some(2));
    let line = only_line(&o);
    assert!(
        line.starts_with("roa-diff: error: v1.0.0: is a git revision, not a file"),
        "{line}"
    );
    assert!(
        line.contains("roa-diff v1.0.0:manifest.yml manifest.yml"),
        "{line}"
    );
    // A typo of a tag, either way it is written.
    let line = only_line(&r.run(&["v1.0", "manifest.yml"]));
    assert!(
        line.contains("did you mean the revision `v1.0.0`?"),
        "{line}"
    );
    let line = only_line(&r.run(&["v1.0:manifest.yml", "manifest.yml"]));
    assert!(
        line.contains("unknown revision `v1.0` (did you mean `v1.0.0`?); "),
        "{line}"
    );
    let line = only_line(&r.run(&["--git", "v1.0.1"]));
    assert!(line.contains("(did you mean `v1.0.0`?)"), "{line}");
    // HEAD, which no reference list holds, is the revision most often mistyped.
    let line = only_line(&r.run(&["HED:manifest.yml", "manifest.yml"]));
    assert!(
        line.contains("unknown revision `HED` (did you mean `HEAD`?)"),
        "{line}"
    );
    // Nothing close: no guess.
    let line = only_line(&r.run(&["--git", "release-candidate"]));
    assert!(!line.contains("did you mean"), "{line}");

    // Rule ids and reason codes.
    let o = roa_diff(&["explain", "egres-added"]);
    assert_eq!(o.status.code(), Some(2));
    let line = only_line(&o);
    assert!(line.contains("did you mean `egress-added`?"), "{line}");
    let line = only_line(&roa_diff(&["explain", "has_remote"]));
    assert!(line.contains("did you mean `HAS_REMOTES`?"), "{line}");

    // A --base-tag glob that matches no tag at all is loud, not only a note in the report.
    let o = r.run(&["--git", "--base-tag", "release-*"]);
    let err = stderr(&o);
    assert!(
        err.contains("roa-diff: warning: --base-tag `release-*` matches no tag in this repository, so every manifest is compared as a first release; its newest tags: v1.0.0"),
        "{err}"
    );
    let o = r.run(&["--git", "--base-tag", "v*"]);
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn yaml_that_is_no_forge_manifest_gets_a_warning() {
    let dir = scratch("not-a-manifest");
    let chart = write(&dir, "Chart.yml", "name: my-chart\nversion: 1.0.0\n");
    let empty = write(&dir, "empty.yml", "# nothing yet\n");
    let o = roa_diff(&[&chart, V1, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let warnings: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .filter(|w| w.contains("does not look like a Forge manifest"))
        .collect();
    assert_eq!(warnings.len(), 1, "{v}");
    assert!(warnings[0].starts_with(&format!("{chart}: has neither `app` nor `modules`")));
    // Real manifests, and an empty file (the empty manifest, on purpose), are not warned about.
    for (old, new) in [(V1, V2), (empty.as_str(), V1)] {
        let o = roa_diff(&[old, new, "--format", "json"]);
        assert!(
            !stdout(&o).contains("does not look like a Forge manifest"),
            "{old}"
        );
    }
}

#[test]
fn the_man_page_refers_only_to_pages_that_exist() {
    let o = roa_diff(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    let page = stdout(&o);
    assert!(
        !page.contains("(1)"),
        "no roa-diff-SUB(1) references: {page}"
    );
    for sub in ["rules", "explain", "hook", "log"] {
        assert!(
            page.contains(&format!("\\fBroa\\-diff {sub}\\fR")),
            "{sub}: {page}"
        );
    }
    assert!(
        page.contains(".SH OPTIONS") && page.contains("Exit status"),
        "{page}"
    );
}
