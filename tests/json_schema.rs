//! docs/output.schema.json describes what `--format json` really prints: every fixture case's
//! output, and output with accepted changes, must validate; broken output must not.

use std::path::{Path, PathBuf};
use std::process::Command;

use roa_diff::load::{read_file, LoadOptions, DEFAULT_MAX_BYTES};
use roa_diff::report::{compare, json};
use roa_diff::rules::RULES;
use serde_json::Value;

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
