//! Accepting a reviewed change in one step, on real temporary repositories: the refused run
//! shows each tripping change's fingerprint and ends with the way on; `roa-diff accept` appends
//! entries that make the same run pass, keeping the file's text.

mod common;

use common::{major, text, v1, Repo};

fn released(name: &str) -> Repo {
    let r = Repo::new(name);
    r.write("manifest.yml", &v1("app"));
    r.commit("v1");
    r.git(&["tag", "v1.0.0"]);
    r.write("manifest.yml", &major("app"));
    r
}

#[test]
fn a_refusal_shows_fingerprints_and_the_way_on_and_accept_makes_it_pass() {
    let r = released("accept-flow");
    let o = r.run(&["--accept-from", "head"]);
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "{stdout}{stderr}");
    let fingerprint = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("fingerprint "))
        .unwrap_or_else(|| panic!("a fingerprint line: {stdout}"))
        .to_string();
    assert_eq!(fingerprint.len(), 32, "{fingerprint}");
    assert_eq!(
        stderr.lines().last().unwrap(),
        "roa-diff: refused by --fail-on major,roa-lost,blocked; to go on, accept the 2 reviewed findings with roa-diff accept --reason \"WHY\" and the same arguments"
    );

    // An existing file keeps its text and comments; a reason is required.
    let existing = "# reviewed by the release team\nenv: [API_HOST]   # read by ${API_HOST}\n";
    r.write(".roa-diff.yml", existing);
    let o = r.run(&["accept"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let o = r.run(&["accept", "--reason", "  "]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("--reason: must say why"),
        "{}",
        text(&o.stderr)
    );

    let o = r.run(&["accept", "--reason", "Billing backend approved in SEC-1"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("roa-diff accept: appended 2 entries to .roa-diff.yml: remote-added at remotes[key=backend], roa: lost"), "{stderr}");
    let file = std::fs::read_to_string(r.dir.join(".roa-diff.yml")).unwrap();
    assert!(file.starts_with(existing), "{file}");
    assert!(file.contains(&format!("  - fingerprint: {fingerprint}\n    rule: remote-added\n    path: \"remotes[key=backend]\"\n    reason: \"Billing backend approved in SEC-1\"\n")), "{file}");
    assert!(
        file.contains("  - roa: lost\n    reason: \"Billing backend approved in SEC-1\"\n"),
        "{file}"
    );

    // The bare run (the local developer's, which reads the file on disk) now passes.
    let o = r.run(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // So does the explicit form, and says why; nothing is left to accept.
    let o = r.run(&["--accept-from", "head"]);
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}{}", text(&o.stderr));
    assert!(
        stdout.contains("Billing backend approved in SEC-1"),
        "{stdout}"
    );
    assert!(!stdout.contains("fingerprint "), "{stdout}");
    let o = r.run(&["accept", "--reason", "again", "--accept-from", "head"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        text(&o.stderr).contains("nothing to accept"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(r.dir.join(".roa-diff.yml")).unwrap(),
        file
    );

    // Committed and released, the entries accept the change between the two release tags.
    r.commit("remote, accepted");
    r.git(&["tag", "v1.1.0"]);
    let o = r.run(&[
        "v1.0.0:manifest.yml",
        "v1.1.0:manifest.yml",
        "--accept-from",
        "head",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn accept_with_two_files_and_a_file_of_its_own() {
    let r = released("accept-pair");
    std::fs::write(r.dir.join("old.yml"), v1("app")).unwrap();
    let o = r.run(&["old.yml", "manifest.yml", "--fail-on", "major"]);
    assert_eq!(o.status.code(), Some(1));
    let o = r.run(&[
        "accept",
        "--reason",
        "ok",
        "--accept",
        "reviewed.yml",
        "old.yml",
        "manifest.yml",
        "--fail-on",
        "major",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let file = std::fs::read_to_string(r.dir.join("reviewed.yml")).unwrap();
    assert!(file.contains("rule: remote-added"), "{file}");
    assert!(
        !file.contains("roa: lost"),
        "only what --fail-on trips on: {file}"
    );
    let o = r.run(&[
        "old.yml",
        "manifest.yml",
        "--fail-on",
        "major",
        "--accept",
        "reviewed.yml",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}

#[test]
fn a_deploy_blocker_cannot_be_accepted() {
    let r = Repo::new("accept-blocked");
    let analytics = |host: &str| {
        format!("{}permissions:\n  scopes: []\n  external:\n    fetch:\n      client:\n        - address: https://{host}\n          category: analytics\n          inScopeEUD: false\n", "app:\n  id: ari:cloud:ecosystem::app/b\n")
    };
    std::fs::write(r.dir.join("old.yml"), analytics("www.google-analytics.com")).unwrap();
    std::fs::write(r.dir.join("new.yml"), analytics("evil.example")).unwrap();
    let o = r.run(&["old.yml", "new.yml", "--fail-on", "blocked"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).trim_end().ends_with("to go on, fix the deploy blocker (forge deploy would refuse it; it cannot be accepted)"), "{}", text(&o.stderr));
    let o = r.run(&[
        "accept",
        "--reason",
        "x",
        "old.yml",
        "new.yml",
        "--fail-on",
        "blocked",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        text(&o.stderr).contains("deploy blockers cannot be accepted"),
        "{}",
        text(&o.stderr)
    );
    assert!(!r.dir.join(".roa-diff.yml").exists());
}

#[test]
fn stale_entries_are_warned_about_where_a_release_is_compared_not_in_a_commit_check() {
    let r = released("accept-stale");
    let o = r.run(&["accept", "--reason", "reviewed"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    r.commit("remote, accepted");
    let stale = "matches nothing in this update; remove the stale entry";
    // The release comparison uses the entries: nothing stale.
    let o = r.run(&["--git", "v1.0.0", "--accept-from", "head"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert!(!text(&o.stdout).contains(stale), "{}", text(&o.stdout));
    // A commit's check (HEAD against the index) matches none of them, and that is no news.
    r.write("README.md", "docs\n");
    r.git(&["add", "README.md"]);
    for args in [&["--git", "--staged"][..], &["hook", "pre-commit"][..]] {
        let o = r.run(args);
        let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
        assert_eq!(o.status.code(), Some(0), "{args:?}: {all}");
        assert!(!all.contains(stale), "{args:?}: {all}");
    }
    // A release with nothing to accept does warn about them.
    r.commit("docs");
    r.git(&["tag", "v1.1.0"]);
    let o = r.run(&["--git", "v1.1.0", "--accept-from", "head"]);
    assert!(text(&o.stdout).contains(stale), "{}", text(&o.stdout));
}

/// A `levels:` entry overrides a rule's level for this app, and every format says so.
#[test]
fn per_rule_levels_are_applied_and_shown_as_overridden_in_every_format() {
    let r = Repo::new("accept-levels");
    std::fs::write(r.dir.join("old.yml"), v1("app")).unwrap();
    // A scope added (major) and a function added (minor).
    std::fs::write(
        r.dir.join("new.yml"),
        common::manifest(
            "app",
            &["main", "second"],
            &["read:jira-work", "write:jira-work"],
            false,
        ),
    )
    .unwrap();
    let pair = ["old.yml", "new.yml", "--fail-on", "major"];
    assert_eq!(r.run(&pair).status.code(), Some(1));
    std::fs::write(
        r.dir.join(".roa-diff.yml"),
        "# team policy\nlevels:\n  scope-added: minor   # scopes are reviewed elsewhere\n  module-added: major\n",
    )
    .unwrap();
    let run = |format: &str| {
        let mut args = pair.to_vec();
        args.extend(["--format", format]);
        let o = r.run(&args);
        (o.status.code().unwrap(), text(&o.stdout))
    };
    // module-added is now the major change: still refused, for another reason.
    let (code, human) = run("human");
    assert_eq!(code, 1, "{human}");
    assert!(human.contains("  minor  scope-added"), "{human}");
    assert!(
        human.contains("         overridden (.roa-diff.yml:3): major in the rule book\n"),
        "{human}"
    );
    assert!(
        human.contains("         overridden (.roa-diff.yml:4): minor in the rule book\n"),
        "{human}"
    );
    let (_, json) = run("json");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["verdict"]["update"], "major");
    let scope = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "scope-added")
        .unwrap();
    assert_eq!(scope["level"], "minor");
    assert_eq!(
        scope["overridden"],
        serde_json::json!({"rule_level": "major", "entry": ".roa-diff.yml:3"})
    );
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("docs/output.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&v), "{json}");
    let (_, md) = run("markdown");
    assert!(
        md.contains("minor (overridden: major in the rule book)"),
        "{md}"
    );
    let (_, gh) = run("github");
    assert!(
        gh.contains("title=roa-diff%3A scope-added (minor%2C overridden)::"),
        "{gh}"
    );
    assert!(
        gh.contains("Level overridden (.roa-diff.yml:3): major in the rule book"),
        "{gh}"
    );
    let (_, sarif) = run("sarif");
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "scope-added")
        .unwrap();
    assert_eq!(result["level"], "note");
    assert_eq!(result["properties"]["overridden"]["ruleLevel"], "major");

    // Only the scope rule lowered: a minor update, which passes and rolls out by itself.
    std::fs::write(
        r.dir.join(".roa-diff.yml"),
        "levels:\n  scope-added: minor\n",
    )
    .unwrap();
    let (code, human) = run("human");
    assert_eq!(code, 0, "{human}");
    assert!(
        human.starts_with(
            "Minor update: no approval needed; it rolls out to every installation by itself."
        ),
        "{human}"
    );

    // A typo is an error naming the file, line and a close id.
    std::fs::write(
        r.dir.join(".roa-diff.yml"),
        "levels:\n  scope-aded: minor\n",
    )
    .unwrap();
    let o = r.run(&pair);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains(".roa-diff.yml:2") && err.contains("did you mean `scope-added`?"),
        "{err}"
    );
    std::fs::write(r.dir.join(".roa-diff.yml"), "levels:\n  scope-added: low\n").unwrap();
    let err = text(&r.run(&pair).stderr);
    assert!(
        err.contains("level `low`: expected `major` or `minor`"),
        "{err}"
    );
}
