//! The human report people read (issue 14, item 6): reasons only where eligibility changes
//! (all with --verbose), no value printed twice, `--context` numbered from one file, and the
//! plain-words list of what admins will be asked to approve (human and markdown).

mod common;

use common::{run, scratch, text};

const OLD: &str = "app:\n  id: ari:cloud:ecosystem::app/x\npermissions:\n  scopes: [read:jira-work]\nremotes:\n  - key: be\n    baseUrl: https://a.example.com\n";
/// Still ineligible (a remote on both sides); a scope and a backend egress added.
const NEW: &str = "app:\n  id: ari:cloud:ecosystem::app/x\npermissions:\n  scopes: [read:jira-work, write:jira-work]\n  external:\n    fetch:\n      backend: [https://b.example.com]\nremotes:\n  - key: be\n    baseUrl: https://a.example.com\n";

fn pair(name: &str, old: &str, new: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    std::fs::write(dir.join("old.yml"), old).unwrap();
    std::fs::write(dir.join("new.yml"), new).unwrap();
    dir
}

fn human(dir: &std::path::Path, extra: &[&str]) -> String {
    let mut args = vec!["old.yml", "new.yml", "--fail-on", "never"];
    args.extend(extra);
    let o = run(dir, &args, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    text(&o.stdout)
}

#[test]
fn reasons_only_where_eligibility_changes_all_with_verbose_always_in_json() {
    let dir = pair("human-reasons", OLD, NEW);
    let out = human(&dir, &[]);
    assert!(out.contains("Runs on Atlassian: still ineligible"), "{out}");
    assert!(!out.contains("Runs on Atlassian reasons:"), "{out}");
    assert!(!out.contains("HAS_REMOTES"), "{out}");
    let verbose = human(&dir, &["--verbose"]);
    assert!(
        verbose.contains("Runs on Atlassian reasons:\n  old.yml: not eligible\n    HAS_REMOTES"),
        "{verbose}"
    );
    assert!(verbose.contains("  new.yml: not eligible\n"), "{verbose}");
    let json: serde_json::Value =
        serde_json::from_str(&human(&dir, &["--format", "json"])).unwrap();
    assert_eq!(json["old"]["roa_reasons"][0]["code"], "HAS_REMOTES");
    assert_eq!(json["new"]["roa_reasons"].as_array().unwrap().len(), 2);

    // Lost: the new side's reasons, which say why; the eligible old side is not repeated.
    let eligible =
        "app:\n  id: ari:cloud:ecosystem::app/x\npermissions:\n  scopes: [read:jira-work]\n";
    let dir = pair("human-reasons-lost", eligible, NEW);
    let out = human(&dir, &[]);
    assert!(
        out.contains("Runs on Atlassian reasons:\n  new.yml: not eligible\n    HAS_REMOTES"),
        "{out}"
    );
    assert!(!out.contains("old.yml: eligible"), "{out}");
}

#[test]
fn no_value_is_printed_twice_and_context_numbers_lines_of_one_file() {
    let dir = pair("human-values", OLD, NEW);
    let out = human(&dir, &["--context", "1"]);
    // The message names the scope: no `(none) -> write:jira-work` line repeating it.
    assert!(
        out.contains("new.yml:4  scope `write:jira-work` added\n"),
        "{out}"
    );
    assert_eq!(
        out.matches("write:jira-work").count(),
        4,
        "summary, path, message and the added diff row: {out}"
    );
    assert!(!out.contains("-> write:jira-work"), "{out}");
    // The change is in new.yml: its rows carry new.yml's numbers, the removed row none.
    assert!(out.contains("               -   scopes: [read:jira-work]\n             4 +   scopes: [read:jira-work, write:jira-work]\n"), "{out}");
}

#[test]
fn a_major_update_lists_what_admins_will_be_asked_to_approve() {
    let dir = pair("human-admins", OLD, NEW);
    let out = human(&dir, &[]);
    assert!(out.contains("Admins will be asked to approve:\n  - scope `write:jira-work` added\n  - new egress to https://b.example.com in fetch.backend\n"), "{out}");
    let md = human(&dir, &["--format", "markdown"]);
    assert!(md.contains("**Admins will be asked to approve:**\n\n- ``scope `write:jira-work` added``\n- `new egress to https://b.example.com in fetch.backend`\n"), "{md}");
    // A minor update asks nothing of admins.
    let minor = "app:\n  id: ari:cloud:ecosystem::app/x\npermissions:\n  scopes: [read:jira-work]\nremotes:\n  - key: be\n    baseUrl: https://a.example.com\nmodules:\n  function:\n    - key: f\n      handler: index.f\n";
    let dir = pair("human-admins-minor", OLD, minor);
    for format in ["human", "markdown"] {
        let out = human(&dir, &["--format", format]);
        assert!(!out.contains("Admins will be asked"), "{format}: {out}");
    }
}
