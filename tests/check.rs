//! `roa-diff check` on real temporary repositories (and outside one): exit codes, the lines a
//! user reads, and every format.

mod common;

use common::{major, text, v1, Repo};
use serde_json::Value;

/// A manifest that is blocked from deploy (analytics to an unlisted host) and not eligible
/// (a dynamic web trigger and backend egress).
const BLOCKED: &str = "app:
  id: ari:cloud:ecosystem::app/blocked
modules:
  webtrigger:
    - key: hook
      function: main
  function:
    - key: main
      handler: index.main
permissions:
  scopes: []
  external:
    fetch:
      backend:
        - https://api.example.com
      client:
        - address: https://evil-analytics.example
          category: analytics
          inScopeEUD: false
";

/// Two apps: `apps/ok` eligible, `apps/remote` not (a remote).
fn two_apps(name: &str) -> Repo {
    let r = Repo::new(name);
    r.write("apps/ok/manifest.yml", &v1("ok"));
    r.write("apps/remote/manifest.yml", &major("remote"));
    r.commit("two apps");
    r
}

fn out(o: &std::process::Output) -> (i32, String, String) {
    (o.status.code().unwrap(), text(&o.stdout), text(&o.stderr))
}

#[test]
fn every_manifest_of_the_repository_by_default() {
    let r = two_apps("check-default");
    let (code, stdout, stderr) = out(&r.run(&["check"]));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("apps/ok/manifest.yml (app ari:cloud:ecosystem::app/ok)\n  Deploy: nothing forge deploy would refuse\n  Runs on Atlassian: eligible\n"), "{stdout}");
    assert!(
        stdout.contains("apps/remote/manifest.yml (app ari:cloud:ecosystem::app/remote)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  Runs on Atlassian: NOT eligible (1 reason)\n    HAS_REMOTES"),
        "{stdout}"
    );
    assert!(
        stdout.contains("remotes[key=backend]  apps/remote/manifest.yml:13"),
        "{stdout}"
    );
    assert!(
        stdout.contains("      to qualify: Remove the remote"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "2 manifests checked: 1 not eligible for Runs on Atlassian, 0 blocked from deploy."
        ),
        "{stdout}"
    );
    // A refusal ends with one line saying how to go on.
    assert!(
        stdout.trim_end().lines().last().unwrap().starts_with(
            "roa-diff check: refused by --fail-on ineligible,blocked: change the manifest"
        ),
        "{stdout}"
    );

    // --path narrows to one app, which passes.
    let (code, stdout, _) = out(&r.run(&["check", "--path", "apps/ok"]));
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("1 manifest checked: 0 not eligible"),
        "{stdout}"
    );
    assert!(!stdout.contains("refused"), "{stdout}");

    // The working tree is checked, not HEAD: fixing the remote app passes.
    r.write("apps/remote/manifest.yml", &v1("remote"));
    assert_eq!(r.run(&["check"]).status.code(), Some(0));
}

#[test]
fn one_manifest_by_path_or_revision() {
    let r = two_apps("check-one");
    let (code, stdout, _) = out(&r.run(&["check", "apps/ok/manifest.yml"]));
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.starts_with("apps/ok/manifest.yml (app ari:cloud:ecosystem::app/ok)"),
        "{stdout}"
    );
    r.write("apps/remote/manifest.yml", &v1("remote"));
    // HEAD still has the remote: REV:PATH reads the revision, not the working tree.
    let (code, stdout, _) = out(&r.run(&["check", "HEAD:apps/remote/manifest.yml"]));
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("HAS_REMOTES"), "{stdout}");
    assert!(
        stdout.contains("HEAD:apps/remote/manifest.yml:13"),
        "{stdout}"
    );
    // --path is for the repository-wide default only.
    let (code, _, stderr) = out(&r.run(&["check", "apps/ok/manifest.yml", "--path", "apps"]));
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("roa-diff: error: --path: only applies without MANIFEST"),
        "{stderr}"
    );
}

#[test]
fn outside_a_repository_the_manifest_in_the_current_directory() {
    let r = Repo::new("check-outside");
    let outside = r.root.join("home");
    let (code, _, stderr) = out(&r.run_in(&outside, &["check"], ""));
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("manifest.yml"), "{stderr}");
    std::fs::write(outside.join("manifest.yml"), BLOCKED).unwrap();
    let (code, stdout, _) = out(&r.run_in(&outside, &["check"], ""));
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("  Deploy blocked: ANALYTICS_DOMAIN_NOT_ALLOWED at permissions.external.fetch.client[https://evil-analytics.example] (manifest.yml:17)"), "{stdout}");
    assert!(stdout.contains("HAS_EGRESS_WEBTRIGGER_MODULE       modules.webtrigger[key=hook]  manifest.yml:5\n      to qualify: Make the web trigger static: set `response.type: static`"), "{stdout}");
    assert!(stdout.contains("HAS_DEFINED_EGRESS                 permissions.external.fetch.backend[https://api.example.com]  manifest.yml:15\n      to qualify: Remove the egress entry. Only analytics may stay: `category: analytics` and `inScopeEUD: false`"), "{stdout}");
    assert!(stdout.contains("need no egress entry"), "{stdout}");
}

#[test]
fn fail_on_decides() {
    let r = two_apps("check-fail-on");
    // Not eligible, but not blocked: only `ineligible` fails on it.
    let run = |args: &[&str]| r.run(args).status.code().unwrap();
    assert_eq!(
        run(&["check", "apps/remote/manifest.yml", "--fail-on", "blocked"]),
        0
    );
    assert_eq!(
        run(&[
            "check",
            "apps/remote/manifest.yml",
            "--fail-on",
            "ineligible"
        ]),
        1
    );
    assert_eq!(
        run(&["check", "apps/remote/manifest.yml", "--fail-on", "never"]),
        0
    );
    // The update policies have nothing to compare with: a manifest alone never trips them.
    assert_eq!(
        run(&[
            "check",
            "apps/remote/manifest.yml",
            "--fail-on",
            "major,roa-lost,any"
        ]),
        0
    );
    r.write("blocked/manifest.yml", BLOCKED);
    assert_eq!(
        run(&["check", "blocked/manifest.yml", "--fail-on", "blocked"]),
        1
    );
}

#[test]
fn every_format_exits_as_the_policy_says() {
    let r = two_apps("check-formats");
    r.write("blocked/manifest.yml", BLOCKED);
    for format in ["human", "json", "markdown", "github", "sarif"] {
        let ok = r.run(&["check", "apps/ok/manifest.yml", "--format", format]);
        assert_eq!(ok.status.code(), Some(0), "{format}: {}", text(&ok.stdout));
        let bad = r.run(&["check", "blocked/manifest.yml", "--format", format]);
        assert_eq!(
            bad.status.code(),
            Some(1),
            "{format}: {}",
            text(&bad.stdout)
        );
        let never = r.run(&[
            "check",
            "blocked/manifest.yml",
            "--format",
            format,
            "--fail-on",
            "never",
        ]);
        assert_eq!(never.status.code(), Some(0), "{format}");
    }
}

/// What docs/check.schema.json finds wrong with a document `check --format json` printed.
fn schema_errors(v: &Value) -> Vec<String> {
    let schema = std::fs::read_to_string(common::root().join("docs/check.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&serde_json::from_str(&schema).unwrap()).unwrap();
    validator
        .iter_errors(v)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn json_names_each_reason_with_the_way_to_qualify() {
    let r = two_apps("check-json");
    r.write("blocked/manifest.yml", BLOCKED);
    let (code, v) = r.json(&["check"]);
    assert_eq!(code, 1);
    assert_eq!(schema_errors(&v), Vec::<String>::new());
    // Passing, and one manifest named by revision: the same schema.
    let (code, passing) = r.json(&["check", "--fail-on", "never"]);
    assert_eq!((code, &passing["fails"]), (0, &Value::Bool(false)));
    assert_eq!(schema_errors(&passing), Vec::<String>::new());
    let (code, by_rev) = r.json(&["check", "HEAD:apps/ok/manifest.yml"]);
    assert_eq!(
        (code, &by_rev["manifests"][0]["source"]),
        (0, &Value::from("HEAD:apps/ok/manifest.yml"))
    );
    assert_eq!(schema_errors(&by_rev), Vec::<String>::new());
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["command"], "check");
    assert_eq!(v["fails"], true);
    let manifests = v["manifests"].as_array().unwrap();
    assert_eq!(manifests.len(), 3);
    let by_source = |s: &str| {
        manifests
            .iter()
            .find(|m| m["source"] == s)
            .unwrap_or_else(|| panic!("{s} in {v}"))
    };
    let ok = by_source("apps/ok/manifest.yml");
    assert_eq!(
        (
            ok["eligible"].clone(),
            ok["blocked"].clone(),
            ok["fails"].clone()
        ),
        (Value::Bool(true), Value::Bool(false), Value::Bool(false))
    );
    let blocked = by_source("blocked/manifest.yml");
    assert_eq!(
        blocked["blockers"][0]["code"],
        "ANALYTICS_DOMAIN_NOT_ALLOWED"
    );
    assert_eq!(blocked["blockers"][0]["line"], 17);
    let trigger = blocked["roa_reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "HAS_EGRESS_WEBTRIGGER_MODULE")
        .unwrap();
    assert_eq!(trigger["line"], 5);
    assert!(
        trigger["how_to_qualify"]
            .as_str()
            .unwrap()
            .contains("`response.type: static`"),
        "{trigger}"
    );
}

#[test]
fn markdown_github_and_sarif_carry_reasons_and_ways_to_qualify() {
    let r = two_apps("check-review");
    r.write("blocked/manifest.yml", BLOCKED);
    let md = text(
        &r.run(&["check", "blocked/manifest.yml", "--format", "markdown"])
            .stdout,
    );
    assert!(
        md.starts_with("<!-- roa-diff:check -->\n### 🔴 roa-diff check: `blocked/manifest.yml`"),
        "{md}"
    );
    assert!(
        md.contains("- **Deploy blocked** `ANALYTICS_DOMAIN_NOT_ALLOWED`"),
        "{md}"
    );
    assert!(
        md.contains("| `HAS_EGRESS_WEBTRIGGER_MODULE` | `modules.webtrigger[key=hook]` | 5 |"),
        "{md}"
    );
    assert!(
        md.contains("- `HAS_EGRESS_WEBTRIGGER_MODULE`: Make the web trigger static"),
        "{md}"
    );

    let summary = r.root.join("summary.md");
    let o = r.run_in(
        &r.dir,
        &["check", "blocked/manifest.yml", "--format", "github"],
        "",
    );
    let gh = text(&o.stdout);
    assert!(gh.contains("::error file=blocked/manifest.yml,line=17,title=roa-diff%3A deploy blocked (ANALYTICS_DOMAIN_NOT_ALLOWED)::"), "{gh}");
    assert!(gh.contains("::error file=blocked/manifest.yml,line=5,title=roa-diff%3A not eligible for Runs on Atlassian (HAS_EGRESS_WEBTRIGGER_MODULE)::HAS_EGRESS_WEBTRIGGER_MODULE at modules.webtrigger[key=hook]%0ATo qualify: Make the web trigger static"), "{gh}");
    // Reported only (blocked policy): reasons are warnings, not errors.
    let gh = text(
        &r.run(&[
            "check",
            "apps/remote/manifest.yml",
            "--format",
            "github",
            "--fail-on",
            "blocked",
        ])
        .stdout,
    );
    assert!(
        gh.contains("::warning file=apps/remote/manifest.yml,line=13,"),
        "{gh}"
    );
    assert!(!summary.exists());

    let sarif: Value = serde_json::from_slice(
        &r.run(&["check", "blocked/manifest.yml", "--format", "sarif"])
            .stdout,
    )
    .unwrap();
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "{result}");
    }
    let ids: Vec<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "ANALYTICS_DOMAIN_NOT_ALLOWED",
            "HAS_DEFINED_EGRESS",
            "HAS_EGRESS_WEBTRIGGER_MODULE"
        ]
    );
    let trigger = &run["results"][2];
    assert_eq!(trigger["level"], "error");
    assert_eq!(
        trigger["locations"][0]["physicalLocation"]["region"]["startLine"],
        5
    );
    assert!(trigger["message"]["text"]
        .as_str()
        .unwrap()
        .contains("To qualify: Make the web trigger static"));
}

#[test]
fn github_format_writes_the_job_summary() {
    let r = two_apps("check-summary");
    let summary = r.root.join("summary.md");
    let mut cmd = std::process::Command::new(common::BIN);
    r.env(&mut cmd);
    let o = cmd
        .args(["check", "--format", "github"])
        .current_dir(&r.dir)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("<!-- roa-diff:check -->"), "{md}");
    assert!(md.contains("`HAS_REMOTES`: Remove the remote"), "{md}");
}

#[test]
fn a_repository_without_manifests_says_so() {
    let r = Repo::new("check-none");
    r.write("README.md", "nothing\n");
    r.commit("no app");
    let (code, _, stderr) = out(&r.run(&["check"]));
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("no Forge manifest") && stderr.contains("roa-diff check PATH"),
        "{stderr}"
    );
}

#[test]
fn explain_gives_the_way_to_qualify_too() {
    let r = Repo::new("check-explain");
    let (code, stdout, _) = out(&r.run(&["explain", "HAS_EGRESS_WEBTRIGGER_MODULE"]));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("\n  to qualify: Make the web trigger static: set `response.type: static`"),
        "{stdout}"
    );
}
