//! The pull-request formats (markdown, github, sarif), accepted changes and fingerprints, run
//! through the binary, and the golden files of the SARIF and JSON text. Manifests come from
//! untrusted pull requests, so a hostile manifest goes through every format and the escaped
//! result is asserted.

mod common;

use std::path::{Path, PathBuf};

use common::{example, root, run, scratch, stderr, stdout};

use pulldown_cmark::{Event, Options, Parser, Tag};
use serde_json::Value;

/// A remote key, base URL and module key built to break every output format.
const HOSTILE_KEY: &str = "x|y`z <script>alert(1)</script> [click](https://evil.example) www.evil.example %0A ::error::pwned";
const OLD: &str = "app:\n  id: ari:cloud:ecosystem::app/1\n";

fn hostile_new() -> String {
    format!(
        "app:\n  id: ari:cloud:ecosystem::app/1\nremotes:\n  - key: \"{k}\\n::error file=a,line=1::injected\\r\\e[31mred\\e[0m\"\n    baseUrl: \"https://evil.example/<img src=x onerror=alert(1)>|`\"\nmodules:\n  jira:issuePanel:\n    - key: \"{k}\"\n      title: t\n",
        k = HOSTILE_KEY
    )
}

/// Writes the hostile pair; the new file's name has a comma and a colon, which are property
/// separators in workflow commands.
fn hostile_pair(name: &str) -> (PathBuf, String, String) {
    let dir = scratch(name);
    std::fs::write(dir.join("old.yml"), OLD).unwrap();
    std::fs::write(dir.join("new,x:y.yml"), hostile_new()).unwrap();
    (dir, "old.yml".into(), "new,x:y.yml".into())
}

#[test]
fn hostile_manifest_cannot_inject_markdown_html_or_links() {
    let (dir, old, new) = hostile_pair("md");
    let o = run(&dir, &[&old, &new, "--format", "markdown"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("<!-- roa-diff:report -->\n"), "{text}");

    let mut html = Vec::new();
    let mut links = Vec::new();
    let mut rows = 0;
    let mut cells_per_row = Vec::new();
    let mut code_text = String::new();
    for event in Parser::new_ext(&text, Options::ENABLE_TABLES) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => html.push(h.to_string()),
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::Start(Tag::Image { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::Start(Tag::TableRow) => {
                rows += 1;
                cells_per_row.push(0);
            }
            Event::Start(Tag::TableCell) => {
                if let Some(n) = cells_per_row.last_mut() {
                    *n += 1
                }
            }
            Event::Code(c) => code_text.push_str(&c),
            _ => {}
        }
    }
    // The only HTML is our marker; the only links go to the rule docs.
    assert_eq!(html, vec!["<!-- roa-diff:report -->\n".to_string()]);
    assert!(!links.is_empty());
    // By default, docs/rules.md at this version in the published repository (Cargo.toml).
    let rules = format!(
        "{}/blob/v{}/docs/rules.md#",
        env!("CARGO_PKG_REPOSITORY"),
        env!("CARGO_PKG_VERSION")
    );
    assert!(links.iter().all(|l| l.starts_with(&rules)), "{links:?}");
    // Two changes (remote-added, module-added): every row keeps its six cells.
    assert_eq!(rows, 2, "{text}");
    assert!(cells_per_row.iter().all(|&n| n == 6), "{cells_per_row:?}");
    // The text is all there, literally, inside code spans (pipes unescaped by the parser).
    assert!(code_text.contains(HOSTILE_KEY), "{code_text}");
    assert!(code_text.contains("\\u{a}::error file=a,line=1::injected\\u{d}\\u{1b}[31mred"));
    assert!(code_text.contains("<img src=x onerror=alert(1)>|`"));
    assert!(!text.contains('\x1b') && !text.contains('\r'));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hostile_manifest_cannot_inject_workflow_commands() {
    let (dir, old, new) = hostile_pair("gh");
    let o = run(&dir, &[&old, &new, "--format", "github"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(!text.contains('\r') && !text.contains('\x1b'), "{text:?}");
    let lines: Vec<&str> = text.lines().collect();
    // remote-added (error), module-added (notice), RoA lost (error), then the summary line.
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[0].starts_with(
            "::error file=new%2Cx%3Ay.yml,line=4,title=roa-diff%3A remote-added (major)::"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("::notice file=new%2Cx%3Ay.yml,line="),
        "{}",
        lines[1]
    );
    assert!(
        lines[2]
            .starts_with("::error file=new%2Cx%3Ay.yml,title=roa-diff%3A Runs on Atlassian lost::"),
        "{}",
        lines[2]
    );
    assert!(lines[3].starts_with("roa-diff: major update"));
    // The manifest's `%0A` cannot decode to a line break, and its own line break is shown, not kept.
    assert!(
        lines[0].contains("www.evil.example %250A ::error::pwned"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("\\u{a}::error file=a,line=1::injected\\u{d}\\u{1b}[31mred"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hostile_manifest_in_sarif_json_and_text() {
    let (dir, old, new) = hostile_pair("other");
    let o = run(&dir, &[&old, &new, "--format", "sarif"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let sarif: Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let message = results[0]["message"]["text"].as_str().unwrap();
    assert!(
        !message.contains('\x1b') && !message.contains('\n'),
        "{message:?}"
    );
    // SARIF's link syntax is escaped too: `[` becomes `\[`.
    assert!(message.contains("\\u{1b}\\[31mred"), "{message}");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "new%2Cx%3Ay.yml"
    );

    // JSON is data: it carries the exact text, escaped by JSON itself.
    let o = run(&dir, &[&old, &new, "--format", "json"], &[]);
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    let path = json["changes"][0]["path"].as_str().unwrap();
    assert!(
        path.contains("\n::error file=a,line=1::injected\r\x1b[31mred"),
        "{path:?}"
    );

    // The terminal report shows control characters instead of obeying them.
    let o = run(&dir, &[&old, &new, "--color", "never"], &[]);
    let text = stdout(&o);
    assert!(!text.contains('\x1b') && !text.contains('\r'), "{text:?}");
    assert!(text.contains("\\u{1b}[31mred"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sarif_is_2_1_0_with_the_whole_catalogue_and_lines() {
    let o = run(
        root(),
        &[&example("v1.yml"), &example("v2.yml"), "--format", "sarif"],
        &[],
    );
    let sarif: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(
        rules.len(),
        roa_diff::rules::RULES.len() + roa_diff::blockers::BLOCKER_CODES.len()
    );
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let line = &r["locations"][0]["physicalLocation"]["region"]["startLine"];
        assert!(line.as_u64().unwrap() > 0, "{r}");
        if roa_diff::blockers::blocker_code(r["ruleId"].as_str().unwrap()).is_some() {
            // Deploy blockers are errors, and are not changes: no change fingerprint.
            assert_eq!(r["level"], "error");
            continue;
        }
        assert_eq!(
            r["partialFingerprints"]["roaDiffChange/v1"]
                .as_str()
                .unwrap()
                .len(),
            32
        );
    }
    let remote = results
        .iter()
        .find(|r| r["ruleId"] == "remote-added")
        .unwrap();
    assert_eq!(remote["level"], "error");
    assert_eq!(
        remote["locations"][0]["physicalLocation"]["region"]["startLine"],
        38
    );
}

fn fingerprints(dir: &Path, old: &str, new: &str) -> Vec<(String, String)> {
    let o = run(dir, &[old, new, "--format", "json"], &[]);
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["rule"].as_str().unwrap().to_string(),
                c["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn fingerprints_survive_runs_line_moves_and_renames_but_not_new_values() {
    let dir = scratch("fp");
    let v2 = std::fs::read_to_string(example("v2.yml")).unwrap();
    std::fs::write(dir.join("moved.yml"), format!("# a\n# b\n\n{v2}")).unwrap();
    std::fs::write(
        dir.join("repointed.yml"),
        v2.replace("api.summarizer.example.com", "api2.summarizer.example.com"),
    )
    .unwrap();
    let first = fingerprints(&dir, &example("v1.yml"), &example("v2.yml"));
    assert_eq!(
        first,
        fingerprints(&dir, &example("v1.yml"), &example("v2.yml"))
    );
    assert_eq!(first, fingerprints(&dir, &example("v1.yml"), "moved.yml"));
    let repointed = fingerprints(&dir, &example("v1.yml"), "repointed.yml");
    for ((rule, a), (_, b)) in first.iter().zip(&repointed) {
        if rule == "remote-added" {
            assert_ne!(a, b, "a remote with another URL is another change");
        } else {
            assert_eq!(a, b, "{rule}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn accepted_changes_are_shown_do_not_trip_the_gate_and_stale_entries_warn() {
    let dir = scratch("accept");
    let v1 = example("v1.yml");
    let v2 = example("v2.yml");
    let all = fingerprints(&dir, &v1, &v2);
    let mut file = String::from("accept:\n");
    for (rule, fp) in &all {
        if rule != "egress-eud-enabled" {
            file.push_str(&format!(
                "  - fingerprint: {fp}\n    reason: reviewed in SEC-1\n"
            ));
        }
    }
    file.push_str("  - rule: egress-eud-enabled\n    path: permissions.external.fetch.client[https://api-js.mixpanel.com].inScopeEUD\n    reason: analytics vendor is EUD-approved\n");
    std::fs::write(dir.join("partial.yml"), &file).unwrap();
    file.push_str("  - roa: lost\n    reason: the summarizer is worth the badge\n  - fingerprint: 00000000000000000000000000000000\n    reason: old\n");
    // Discovered from the current directory without --accept.
    std::fs::write(dir.join(".roa-diff.yml"), &file).unwrap();

    // Every major accepted but not the loss of RoA: the default gate still trips on roa-lost.
    let o = run(&dir, &[&v1, &v2, "--accept", "partial.yml"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let o = run(
        &dir,
        &[&v1, &v2, "--accept", "partial.yml", "--fail-on", "major"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = run(
        &dir,
        &[&v1, &v2, "--accept", "partial.yml", "--fail-on", "any"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    let o = run(&dir, &[&v1, &v2, "--color", "never"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("MAJOR update"), "still reported: {text}");
    assert_eq!(
        text.matches("accepted (.roa-diff.yml:").count(),
        all.len() + 1,
        "{text}"
    );
    assert!(text.contains("analytics vendor is EUD-approved"), "{text}");
    assert!(
        text.contains("accepted fingerprint 00000000000000000000000000000000 matches nothing"),
        "{text}"
    );

    let o = run(&dir, &[&v1, &v2, "--format", "json"], &[]);
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["verdict"]["update"], "major");
    assert_eq!(json["verdict"]["unaccepted_update"], "none");
    assert_eq!(
        json["verdict"]["roa"]["accepted"]["entry"],
        format!(".roa-diff.yml:{}", file.lines().count() - 3)
    );
    assert_eq!(json["warnings"].as_array().unwrap().len(), 1);

    let o = run(&dir, &[&v1, &v2, "--format", "markdown"], &[]);
    let md = stdout(&o);
    assert!(
        md.contains("major update, every major change accepted"),
        "{md}"
    );
    assert!(md.contains("| **major** (accepted) |"), "{md}");
    assert!(md.contains("#### Accepted"), "{md}");

    let o = run(&dir, &[&v1, &v2, "--format", "github"], &[]);
    let gh = stdout(&o);
    assert!(
        !gh.contains("::error "),
        "accepted changes are notices: {gh}"
    );
    assert!(
        gh.contains("::warning title=roa-diff::.roa-diff.yml:"),
        "{gh}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_accept_files_are_errors_with_exit_2() {
    let dir = scratch("badaccept");
    std::fs::write(
        dir.join("a.yml"),
        "accept:\n  - rule: remote-added\n    path: remotes[key=x]\n",
    )
    .unwrap();
    let o = run(
        &dir,
        &[&example("v1.yml"), &example("v2.yml"), "--accept", "a.yml"],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert_eq!(
        stderr(&o),
        "roa-diff: error: a.yml:2: accept[0]: missing required `reason`\n"
    );
    let o = run(
        &dir,
        &[
            &example("v1.yml"),
            &example("v2.yml"),
            "--accept",
            "missing.yml",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("roa-diff: error: missing.yml: "),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn github_format_appends_markdown_to_the_step_summary() {
    let dir = scratch("summary");
    let summary = dir.join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let summary_text = summary.to_string_lossy().into_owned();
    for _ in 0..2 {
        let o = run(
            &dir,
            &[&example("v1.yml"), &example("v2.yml"), "--format", "github"],
            &[("GITHUB_STEP_SUMMARY", &summary_text)],
        );
        assert_eq!(o.status.code(), Some(1));
        assert!(stdout(&o).starts_with("::error "), "{}", stdout(&o));
    }
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("earlier step\n<!-- roa-diff:report -->\n"),
        "{text}"
    );
    assert_eq!(text.matches("<!-- roa-diff:report -->").count(), 2);

    let o = run(
        &dir,
        &[&example("v1.yml"), &example("v2.yml"), "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", "no/such/dir/summary.md")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .starts_with("roa-diff: error: no/such/dir/summary.md: cannot append the job summary"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn completions_and_man_page_come_from_the_clap_definitions() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef roa-diff"),
        ("fish", "complete -c roa-diff"),
    ] {
        let o = run(root(), &["completions", shell], &[]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains(marker), "{shell}: {text}");
        assert!(
            text.contains("fail-on") && text.contains("accept"),
            "{shell}"
        );
        assert!(
            text.contains("sarif"),
            "{shell}: format values are completed"
        );
    }
    let o = run(root(), &["completions", "tcsh"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(root(), &["man"], &[]);
    assert_eq!(o.status.code(), Some(0));
    let man = stdout(&o);
    assert!(man.starts_with(".ie"), "{}", &man[..man.len().min(200)]);
    assert!(man.contains(".TH roa-diff 1"), "{man}");
    for flag in ["fail\\-on", "accept", "rules\\-url", "completions"] {
        assert!(man.contains(flag), "{flag}");
    }
}

/// Accept files come from the pull request too: their reasons are escaped like manifest text.
#[test]
fn hostile_accept_reason_is_escaped_in_every_format() {
    let dir = scratch("hostile-reason");
    std::fs::write(
        dir.join(".roa-diff.yml"),
        "accept:\n  - roa: lost\n    reason: \"ok\\n::error::forged <script>x</script> | [l](https://evil.example)\\e[2J\"\n",
    )
    .unwrap();
    let (v1, v2) = (example("v1.yml"), example("v2.yml"));
    let gh = stdout(&run(&dir, &[&v1, &v2, "--format", "github"], &[]));
    assert!(
        !gh.lines().any(|l| l.starts_with("::error::forged")),
        "{gh}"
    );
    assert!(gh.contains("ok\\u{a}::error::forged"), "{gh}");
    let md = stdout(&run(&dir, &[&v1, &v2, "--format", "markdown"], &[]));
    let html: Vec<String> = Parser::new_ext(&md, Options::ENABLE_TABLES)
        .filter_map(|e| match e {
            Event::Html(h) | Event::InlineHtml(h) => Some(h.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(html.len(), 1, "{html:?}");
    for args in [vec!["--format", "sarif"], vec!["--color", "always"]] {
        let mut all = vec![v1.as_str(), v2.as_str()];
        all.extend(args);
        let out = stdout(&run(&dir, &all, &[]));
        assert!(out.contains("\\u{1b}[2J"), "{out}");
        assert!(!out.contains("\x1b[2J"), "{out}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Compares the stdout of `roa-diff ARGS` (run in `dir`) with the golden file at `golden`
/// byte for byte, naming the first line that differs and how to regenerate the file after a
/// deliberate change (a rule's text, say).
fn assert_golden(o: &std::process::Output, dir: &Path, args: &[&str], golden: &Path) {
    let want = std::fs::read_to_string(golden).unwrap();
    let got = stdout(o);
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(g, w)| g != w)
            .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
        panic!(
            "{}: output differs from line {}: got {:?}, want {:?}; stderr {}\nif the change is deliberate: (cd {} && roa-diff {}) > {}",
            golden.display(),
            line + 1,
            got.lines().nth(line),
            want.lines().nth(line),
            stderr(o),
            dir.display(),
            args.join(" "),
            golden.display()
        );
    }
}

/// Runs the binary from the repository root (the golden files hold relative paths) and
/// compares its stdout with `testdata/sarif/GOLDEN` (see [`assert_golden`]).
fn assert_sarif_golden(args: &[&str], golden: &str) {
    let o = run(root(), args, &[]);
    assert_golden(
        &o,
        root(),
        args,
        &root().join("testdata/sarif").join(golden),
    );
}

/// The SARIF text is what code scanning stores and compares, so it must not drift: these
/// golden files were written by the `serde_json::Value` implementation before SARIF was
/// streamed, and cover every member (blocker, removal with its old line, warnings, both
/// suppression kinds, a lowered and a raised level, the accepted loss of Runs on Atlassian).
#[test]
fn sarif_is_byte_for_byte_the_golden_file() {
    assert_sarif_golden(
        &[
            "testdata/sarif/old.yml",
            "testdata/sarif/new.yml",
            "--accept",
            "testdata/sarif/accept.yml",
            "--format",
            "sarif",
            "--fail-on",
            "never",
        ],
        "diff.sarif",
    );
    assert_sarif_golden(
        &["check", "testdata/sarif/new.yml", "--format", "sarif"],
        "check.sarif",
    );
}

/// `--format json` is the contract CI pipelines parse, so its text must not drift either: these
/// golden files were written by the implementation that printed through a `serde_json::Value`
/// (`--git`) or into one string, before JSON was streamed. They cover accepted and overridden
/// changes, the accepted loss of Runs on Atlassian, a blocker, warnings, and in `--git` every
/// app status, notes, and a removed app's `null` report.
#[test]
fn json_is_byte_for_byte_the_golden_file() {
    let golden = |name: &str| root().join("testdata/json").join(name);
    let args = [
        "testdata/sarif/old.yml",
        "testdata/sarif/new.yml",
        "--accept",
        "testdata/sarif/accept.yml",
        "--format",
        "json",
        "--fail-on",
        "never",
    ];
    assert_golden(
        &run(root(), &args, &[]),
        root(),
        &args,
        &golden("diff.json"),
    );
    let args = ["check", "testdata/sarif/new.yml", "--format", "json"];
    assert_golden(
        &run(root(), &args, &[]),
        root(),
        &args,
        &golden("check.json"),
    );

    // --git over a repository of several apps, the SARIF pair's accept file at BASE.
    let r = common::Repo::new("json-golden");
    let sarif =
        |name: &str| std::fs::read_to_string(root().join("testdata/sarif").join(name)).unwrap();
    r.write("apps/pair/manifest.yml", &sarif("old.yml"));
    r.write(".roa-diff.yml", &sarif("accept.yml"));
    r.write("gone/manifest.yml", &common::v1("gone"));
    r.write("same/manifest.yml", &common::v1("same"));
    r.write("here/manifest.yml", &common::v1("moving"));
    r.commit("v1");
    r.write("apps/pair/manifest.yml", &sarif("new.yml"));
    std::fs::remove_dir_all(r.dir.join("gone")).unwrap();
    r.write("added/manifest.yml", &common::major("added"));
    std::fs::remove_dir_all(r.dir.join("here")).unwrap();
    r.write("there/manifest.yml", &common::minor("moving"));
    r.commit("v2");
    let args = [
        "--git",
        "HEAD~1",
        "HEAD",
        "--format",
        "json",
        "--fail-on",
        "never",
    ];
    let o = r.run(&args);
    assert_golden(&o, &r.dir, &args, &golden("apps.json"));
    let args = ["check", "--format", "json"];
    let o = r.run(&args);
    assert_golden(&o, &r.dir, &args, &golden("check-repo.json"));
}
