//! docs/output.schema.json describes what `--format json` really prints: every fixture case's
//! output, and output with accepted changes, must validate; broken output must not. Likewise
//! docs/check.schema.json for `roa-diff check --format json`, and docs/git.schema.json for the
//! `--git` document (whose app reports are output.schema.json's).

use std::path::{Path, PathBuf};
use std::process::Command;

use roa_diff::load::{read_file, LoadOptions, DEFAULT_MAX_BYTES};
use roa_diff::policy::{fail_on_text, policy_trips, FailOn};
use roa_diff::report::check::{to_json_value as check_json, CheckReport};
use roa_diff::report::{compare, json};
use roa_diff::rules::RULES;
use serde_json::Value;

mod common;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("docs/output.schema.json")).unwrap();
    serde_json::from_str(&text).expect("docs/output.schema.json is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&schema()).expect("the schema compiles without remote refs")
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn case_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("testdata/cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("new.yml").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_fixture_case_output_validates() {
    let validator = validator();
    let mut checked = 0;
    let mut failures = Vec::new();
    for dir in case_dirs() {
        let old = dir.join("old.yml");
        let old = old
            .is_file()
            .then(|| read_file(&old, DEFAULT_MAX_BYTES).unwrap());
        let new = read_file(&dir.join("new.yml"), DEFAULT_MAX_BYTES).unwrap();
        // Error cases have no JSON output.
        let Ok(report) = compare(old.as_ref(), &new, &LoadOptions::default()) else {
            continue;
        };
        let value = json::to_value(&report);
        for e in errors(&validator, &value) {
            failures.push(format!("{}: {e}", dir.display()));
        }
        checked += 1;
    }
    assert!(checked > 50, "only {checked} cases produced output");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn binary_output_with_accepted_changes_validates() {
    let dir = std::env::temp_dir().join(format!("roa-diff-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let accept = dir.join("accept.yml");
    std::fs::write(
        &accept,
        "accept:\n  - rule: remote-added\n    path: remotes[key=summarizer]\n    reason: agreed\n  - roa: lost\n    reason: worth it\n  - rule: scope-added\n    path: permissions.scopes[nothing]\n    reason: stale\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_roa-diff"))
        .current_dir(root())
        .args([
            "testdata/examples/v1.yml",
            "testdata/examples/v2.yml",
            "--format",
            "json",
            "--accept",
        ])
        .arg(&accept)
        .output()
        .unwrap();
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["verdict"]["roa"]["accepted"]["by"], "roa");
    assert!(value["changes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["accepted"]["by"] == "rule+path"));
    assert_eq!(errors(&validator(), &value), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn schema_rejects_output_that_breaks_the_contract() {
    let validator = validator();
    let new = read_file(&root().join("testdata/examples/v2.yml"), DEFAULT_MAX_BYTES).unwrap();
    let old = read_file(&root().join("testdata/examples/v1.yml"), DEFAULT_MAX_BYTES).unwrap();
    let good = json::to_value(&compare(Some(&old), &new, &LoadOptions::default()).unwrap());
    assert!(validator.is_valid(&good));

    let mut no_fingerprint = good.clone();
    no_fingerprint["changes"][0]
        .as_object_mut()
        .unwrap()
        .remove("fingerprint");
    assert!(!validator.is_valid(&no_fingerprint));

    let mut unknown_rule = good.clone();
    unknown_rule["changes"][0]["rule"] = "made-up-rule".into();
    assert!(!validator.is_valid(&unknown_rule));

    let mut extra_field = good.clone();
    extra_field["verdict"]["surprise"] = true.into();
    assert!(!validator.is_valid(&extra_field));

    let mut wrong_version = good.clone();
    wrong_version["schema_version"] = 1.into();
    assert!(!validator.is_valid(&wrong_version));

    // Version 2's names the hidden checks rely on (SPEC §7) are required and closed.
    let mut no_blockers = good.clone();
    no_blockers.as_object_mut().unwrap().remove("blockers");
    assert!(!validator.is_valid(&no_blockers));
    let mut bad_rollout = good.clone();
    bad_rollout["verdict"]["rollout"] = "eventually".into();
    assert!(!validator.is_valid(&bad_rollout));
    let mut bad_blocker = good;
    bad_blocker["blockers"] =
        serde_json::json!([{"code": "MADE_UP", "path": "p", "line": 1, "message": "m"}]);
    assert!(!validator.is_valid(&bad_blocker));
}

#[test]
fn version_2_values_validate() {
    let validator = validator();
    let case = |name: &str| {
        let dir = root().join("testdata/cases").join(name);
        let old = dir.join("old.yml");
        let old = old
            .is_file()
            .then(|| read_file(&old, DEFAULT_MAX_BYTES).unwrap());
        let new = read_file(&dir.join("new.yml"), DEFAULT_MAX_BYTES).unwrap();
        json::to_value(&compare(old.as_ref(), &new, &LoadOptions::default()).unwrap())
    };
    let first = case("first-release-ineligible-not-lost");
    assert_eq!(first["schema_version"], 2);
    assert_eq!(first["verdict"]["update"], "first-release");
    assert_eq!(first["verdict"]["roa"]["change"], "first-release");
    assert_eq!(first["verdict"]["roa"]["before"], Value::Null);
    assert_eq!(first["verdict"]["rollout"], "automatic");
    let blocked = case("table-configurable-disabled-blocked");
    assert_eq!(
        blocked["blockers"][0]["code"],
        "CONFIGURABLE_EGRESS_REMOVED"
    );
    assert_eq!(
        blocked["blockers"][0]["path"],
        "permissions.external.configurable.enabled"
    );
    assert_eq!(blocked["blockers"][0]["line"], 14);
    let code_only = case("rollout-code-only");
    assert_eq!(code_only["verdict"]["rollout"], "code-only");
    for v in [first, blocked, code_only] {
        assert_eq!(errors(&validator, &v), Vec::<String>::new());
    }
}

#[test]
fn schema_lists_exactly_the_catalogue_rule_ids() {
    let schema = schema();
    let listed: Vec<&str> = schema["$defs"]["change"]["properties"]["rule"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let catalogue: Vec<&str> = RULES.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(listed, catalogue);
}

fn check_schema() -> Value {
    let text = std::fs::read_to_string(root().join("docs/check.schema.json")).unwrap();
    serde_json::from_str(&text).expect("docs/check.schema.json is JSON")
}

fn check_validator() -> jsonschema::Validator {
    jsonschema::validator_for(&check_schema())
        .expect("the check schema compiles without remote refs")
}

/// The `check --format json` document for these manifests, as `roa-diff check` builds it;
/// `None` when one cannot be read (check exits 2 then, with no document).
fn check_document(paths: &[PathBuf], fail_on: &[FailOn]) -> Option<Value> {
    let mut reports = Vec::new();
    for path in paths {
        let source = read_file(path, 16 << 20).ok()?;
        reports.push(compare(None, &source, &LoadOptions::default()).ok()?);
    }
    Some(check_json(&CheckReport {
        failing: reports.iter().map(|r| policy_trips(r, fail_on)).collect(),
        reports,
        fail_on: fail_on_text(fail_on),
    }))
}

#[test]
fn check_output_of_every_fixture_and_corpus_manifest_validates() {
    let validator = check_validator();
    let mut files: Vec<PathBuf> = case_dirs().iter().map(|d| d.join("new.yml")).collect();
    files.push(root().join("testdata/examples/v1.yml"));
    files.push(root().join("testdata/examples/v2.yml"));
    match common::corpus_dir() {
        Some(dir) => {
            let index = std::fs::read_to_string(dir.join("INDEX.tsv")).unwrap();
            let mut lines = index.lines();
            let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
            let file = header.iter().position(|h| *h == "file").unwrap();
            files.extend(lines.filter_map(|l| Some(dir.join(l.split('\t').nth(file)?))));
        }
        None => println!("note: ../shared/corpus/INDEX.tsv not found; corpus manifests left out"),
    }
    let default_policy = [FailOn::Ineligible, FailOn::Blocked];
    let (mut checked, mut blocked, mut ineligible, mut warned) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for path in &files {
        let Some(doc) = check_document(std::slice::from_ref(path), &default_policy) else {
            continue;
        };
        let manifest = &doc["manifests"][0];
        blocked += usize::from(manifest["blocked"] == true);
        ineligible += usize::from(manifest["eligible"] == false);
        warned += usize::from(manifest["warnings"] != serde_json::json!([]));
        for e in errors(&validator, &doc) {
            failures.push(format!("{}: {e}", path.display()));
        }
        checked += 1;
    }
    // Several manifests in one document, and a policy that never fails.
    for policy in [&default_policy[..], &[FailOn::Never]] {
        let doc = check_document(&files[..20], policy).expect("the first fixtures read");
        assert_eq!(doc["manifests"].as_array().unwrap().len(), 20);
        for e in errors(&validator, &doc) {
            failures.push(format!("20 manifests, --fail-on {policy:?}: {e}"));
        }
    }
    println!("check documents validated: {checked} manifests ({blocked} blocked, {ineligible} not eligible, {warned} with warnings)");
    assert!(checked > 50, "only {checked} manifests produced a document");
    // The schema's conditional parts are exercised, not only the plain ones.
    assert!(
        blocked > 0 && ineligible > 0 && warned > 0,
        "{blocked} {ineligible} {warned}"
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn check_schema_rejects_documents_that_break_the_contract() {
    let validator = check_validator();
    let good = check_document(
        &[
            root().join("testdata/examples/v2.yml"),
            root().join("testdata/cases/blocker-analytics-domain-not-allowed/new.yml"),
        ],
        &[FailOn::Ineligible, FailOn::Blocked],
    )
    .unwrap();
    assert_eq!(errors(&validator, &good), Vec::<String>::new());
    assert_eq!(good["manifests"][1]["blocked"], true, "{good}");
    assert_eq!(good["manifests"][0]["eligible"], false, "{good}");

    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut doc = good.clone();
        edit(&mut doc);
        doc
    };
    let documents = [
        (
            "the diff's document",
            json::to_value(
                &compare(
                    None,
                    &read_file(&root().join("testdata/examples/v2.yml"), DEFAULT_MAX_BYTES)
                        .unwrap(),
                    &LoadOptions::default(),
                )
                .unwrap(),
            ),
        ),
        ("another command", broken(&|d| d["command"] = "diff".into())),
        (
            "another version",
            broken(&|d| d["schema_version"] = 3.into()),
        ),
        (
            "no manifests",
            broken(&|d| d["manifests"] = serde_json::json!([])),
        ),
        (
            "a missing field",
            broken(&|d| {
                d["manifests"][0].as_object_mut().unwrap().remove("fails");
            }),
        ),
        (
            "an extra field",
            broken(&|d| d["manifests"][0]["surprise"] = true.into()),
        ),
        (
            "an unknown reason code",
            broken(&|d| d["manifests"][0]["roa_reasons"][0]["code"] = "HAS_MADE_UP".into()),
        ),
        (
            "a reason without the way to qualify",
            broken(&|d| d["manifests"][0]["roa_reasons"][0]["how_to_qualify"] = "".into()),
        ),
        (
            "line 0",
            broken(&|d| d["manifests"][1]["blockers"][0]["line"] = 0.into()),
        ),
        (
            "an unknown blocker code",
            broken(&|d| d["manifests"][1]["blockers"][0]["code"] = "MADE_UP".into()),
        ),
        (
            "eligible with reasons",
            broken(&|d| d["manifests"][0]["eligible"] = true.into()),
        ),
        (
            "blocked without blockers",
            broken(&|d| d["manifests"][0]["blocked"] = true.into()),
        ),
        (
            "not blocked with blockers",
            broken(&|d| d["manifests"][1]["blocked"] = false.into()),
        ),
        (
            "failing with no failing manifest",
            broken(&|d| {
                d["manifests"][0]["fails"] = false.into();
                d["manifests"][1]["fails"] = false.into();
            }),
        ),
        (
            "passing with a failing manifest",
            broken(&|d| d["fails"] = false.into()),
        ),
    ];
    for (what, doc) in documents {
        assert!(!validator.is_valid(&doc), "{what} validates");
    }
}

#[test]
fn check_schema_lists_exactly_the_reason_and_blocker_codes() {
    let check = check_schema();
    let listed = |def: &str| -> Vec<String> {
        check["$defs"][def]["properties"]["code"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let reasons: Vec<&str> = roa_diff::roa::REASON_CODES.iter().map(|c| c.code).collect();
    assert_eq!(listed("reason"), reasons);
    let blockers: Vec<&str> = roa_diff::blockers::BLOCKER_CODES
        .iter()
        .map(|b| b.code)
        .collect();
    assert_eq!(listed("blocker"), blockers);
    // The same lists as the diff's document (which has the reasons under `side`).
    let output = schema();
    assert_eq!(
        output["$defs"]["blocker"]["properties"]["code"]["enum"],
        check["$defs"]["blocker"]["properties"]["code"]["enum"]
    );
    assert_eq!(
        output["$defs"]["side"]["properties"]["roa_reasons"]["items"]["properties"]["code"]["enum"],
        check["$defs"]["reason"]["properties"]["code"]["enum"]
    );
}

fn git_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("docs/git.schema.json")).unwrap();
    let git: Value = serde_json::from_str(&text).expect("docs/git.schema.json is JSON");
    // Its app reports `$ref` output.schema.json, resolved against its `$id`: registered here,
    // never fetched.
    let registry = jsonschema::Registry::new()
        .add("https://roa-diff.invalid/output.schema.json", schema())
        .expect("output.schema.json is a schema")
        .prepare()
        .expect("the registry resolves");
    jsonschema::options()
        .with_registry(&registry)
        .build(&git)
        .expect("git.schema.json compiles without remote refs")
}

/// A `--git` document with an app of every status, a removed one without report, and notes.
fn git_document() -> Value {
    use roa_diff::report::apps::{to_json_value, AppReport, AppStatus, AppsReport};
    let read = |name: &str| {
        read_file(
            &root().join("testdata/examples").join(name),
            DEFAULT_MAX_BYTES,
        )
        .unwrap()
    };
    let (v1, v2) = (read("v1.yml"), read("v2.yml"));
    let options = LoadOptions::default();
    let major = compare(Some(&v1), &v2, &options).unwrap();
    let same = compare(Some(&v1), &v1, &options).unwrap();
    let first = compare(None, &v2, &options).unwrap();
    let app = |path: &str, old_path: Option<&str>, status, report: Option<&_>| AppReport {
        path: path.into(),
        old_path: old_path.map(Into::into),
        app_id: Some("ari:cloud:ecosystem::app/x".into()),
        status,
        report: report.cloned(),
    };
    to_json_value(&AppsReport {
        base: "(no tag matching v*)".into(),
        head: "(working tree)".into(),
        notes: vec!["no tag matches v*: every manifest is a first release".into()],
        apps: vec![
            app("a/manifest.yml", None, AppStatus::Added, Some(&first)),
            app(
                "b/manifest.yml",
                Some("b/manifest.yml"),
                AppStatus::Modified,
                Some(&major),
            ),
            app(
                "c/manifest.yml",
                Some("old/c.yml"),
                AppStatus::Moved,
                Some(&same),
            ),
            app(
                "d/manifest.yml",
                Some("d/manifest.yml"),
                AppStatus::Removed,
                None,
            ),
            app(
                "e/manifest.yml",
                Some("e/manifest.yml"),
                AppStatus::Unchanged,
                Some(&same),
            ),
        ],
    })
}

#[test]
fn git_output_validates_and_broken_git_documents_do_not() {
    let validator = git_validator();
    let good = git_document();
    assert_eq!(errors(&validator, &good), Vec::<String>::new());

    // The binary's own output, from a repository.
    let repo = common::Repo::new("schema-git");
    let example = |name: &str| std::fs::read_to_string(root().join("testdata/examples").join(name));
    repo.write("manifest.yml", &example("v1.yml").unwrap());
    repo.commit("v1");
    repo.write("manifest.yml", &example("v2.yml").unwrap());
    let (code, real) = repo.json(&["--git", "HEAD"]);
    assert_eq!((code, &real["apps"][0]["status"]), (1, &"modified".into()));
    assert_eq!(errors(&validator, &real), Vec::<String>::new());

    let broken = |change: &dyn Fn(&mut Value)| {
        let mut document = good.clone();
        change(&mut document);
        !validator.is_valid(&document)
    };
    assert!(broken(&|d| d["verdict"]["surprise"] = true.into()));
    assert!(broken(&|d| d["verdict"]["update"] = "huge".into()));
    assert!(broken(&|d| d["apps"][1]["status"] = "renamed".into()));
    assert!(broken(&|d| d["schema_version"] = 1.into()));
    // A removed app has no report, any other one has; only an added app has no old path.
    assert!(broken(
        &|d| d["apps"][3]["report"] = d["apps"][1]["report"].clone()
    ));
    assert!(broken(&|d| d["apps"][1]["report"] = Value::Null));
    assert!(broken(&|d| d["apps"][1]["old_path"] = Value::Null));
    // An app's report is held to output.schema.json (the cross-file $ref resolves).
    assert!(broken(&|d| {
        d["apps"][1]["report"]
            .as_object_mut()
            .unwrap()
            .remove("verdict");
    }));
    assert!(broken(
        &|d| d["apps"][1]["report"]["changes"][0]["rule"] = "made-up".into()
    ));
}
