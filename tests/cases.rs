//! Runs every fixture under `testdata/cases/<name>/`: `old.yml` (optional: absent means a
//! first release), `new.yml` and `expected.json`. Adding a case needs no code. The format of
//! `expected.json` is described in `testdata/cases/README.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use roa_diff::load::{read_file, LoadOptions};
use roa_diff::report::compare;
use serde_json::Value;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cases")
}

fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Checks one case; returns the list of mismatches.
fn check_case(dir: &Path) -> Vec<String> {
    let expected: Value = match std::fs::read_to_string(dir.join("expected.json"))
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => return vec![format!("expected.json: {e}")],
    };
    let old_path = dir.join("old.yml");
    let new_path = dir.join("new.yml");
    let vars = string_map(expected.get("vars"));
    // `env` is the process environment; only the names in `allow_env` (`--env NAME`) are read.
    let allow_env = strings(expected.get("allow_env").unwrap_or(&Value::Null));
    let process_env = string_map(expected.get("env"));
    let env: BTreeMap<String, String> = process_env
        .iter()
        .filter(|(name, _)| allow_env.contains(name))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();

    if let Some(want) = expected.get("error").and_then(Value::as_str) {
        return check_error_case(
            &expected,
            want,
            &old_path,
            &new_path,
            &vars,
            &process_env,
            &allow_env,
        );
    }

    let options = LoadOptions {
        vars,
        env,
        ..LoadOptions::default()
    };
    let old = if old_path.exists() {
        match read_file(&old_path, options.max_bytes) {
            Ok(s) => Some(s),
            Err(e) => return vec![format!("reading old.yml: {e}")],
        }
    } else {
        None
    };
    let new = match read_file(&new_path, options.max_bytes) {
        Ok(s) => s,
        Err(e) => return vec![format!("reading new.yml: {e}")],
    };
    let report = match compare(old.as_ref(), &new, &options) {
        Ok(r) => r,
        Err(e) => return vec![format!("unexpected error: {e}")],
    };
    let mut problems = Vec::new();
    let mut check = |what: &str, got: String, want: Option<&Value>| {
        if let Some(want) = want {
            let want = match want {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if got != want {
                problems.push(format!("{what}: got {got}, expected {want}"));
            }
        }
    };
    check(
        "update",
        report.verdict_update().as_str().into(),
        expected.get("update"),
    );
    check(
        "roa",
        report.roa_change().as_str().into(),
        expected.get("roa"),
    );
    check(
        "rollout",
        report.rollout.as_str().into(),
        expected.get("rollout"),
    );
    let mut rules: Vec<String> = report
        .changes
        .iter()
        .map(|c| c.rule.as_str().to_string())
        .collect();
    rules.sort();
    check(
        "rules",
        serde_json::to_string(&rules).unwrap(),
        Some(&Value::String(
            serde_json::to_string(&strings(&expected["rules"])).unwrap(),
        )),
    );
    // Blocker codes, sorted: always checked (an unexpected blocker is a failure too).
    let mut blockers: Vec<&str> = report.blockers.iter().map(|b| b.code).collect();
    blockers.sort();
    let mut want_blockers = expected.get("blockers").map(strings).unwrap_or_default();
    want_blockers.sort();
    if blockers != want_blockers {
        problems.push(format!(
            "blockers: got {blockers:?}, expected {want_blockers:?}"
        ));
    }
    for (key, side) in [("old_reasons", &report.old), ("new_reasons", &report.new)] {
        let mut codes: Vec<&str> = side.reasons.iter().map(|r| r.code).collect();
        codes.sort();
        codes.dedup();
        if let Some(want) = expected.get(key) {
            let mut want = strings(want);
            want.sort();
            if codes != want {
                problems.push(format!("{key}: got {codes:?}, expected {want:?}"));
            }
        }
    }
    if let Some(count) = expected.get("warnings").and_then(Value::as_u64) {
        if report.warnings.len() as u64 != count {
            problems.push(format!(
                "warnings: got {:?}, expected {count}",
                report.warnings
            ));
        }
    }
    for want in expected
        .get("changes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let found = report.changes.iter().any(|c| {
            Some(c.rule.as_str()) == want["rule"].as_str()
                && Some(c.path.as_str()) == want["path"].as_str()
                && want
                    .get("line")
                    .is_none_or(|l| l.as_u64() == c.line.map(|x| x as u64))
        });
        if !found {
            let got: Vec<String> = report
                .changes
                .iter()
                .map(|c| format!("{} {} {:?}", c.rule, c.path, c.line))
                .collect();
            problems.push(format!("change {want} not found among {got:?}"));
        }
    }
    problems
}

/// Error cases run the real binary: exit status 2, one line on stderr naming the file.
fn check_error_case(
    expected: &Value,
    want: &str,
    old_path: &Path,
    new_path: &Path,
    vars: &BTreeMap<String, String>,
    env: &BTreeMap<String, String>,
    allow_env: &[String],
) -> Vec<String> {
    let empty = std::env::temp_dir().join("roa-diff-empty-manifest.yml");
    if !old_path.exists() {
        let _ = std::fs::write(&empty, "");
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_roa-diff"));
    cmd.arg(if old_path.exists() { old_path } else { &empty })
        .arg(new_path)
        .env("NO_COLOR", "1")
        .envs(env);
    for (k, v) in vars {
        cmd.arg("--var").arg(format!("{k}={v}"));
    }
    for name in allow_env {
        cmd.arg("--env").arg(name);
    }
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) => return vec![format!("running roa-diff: {e}")],
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut problems = Vec::new();
    if out.status.code() != Some(2) {
        problems.push(format!("exit status {:?}, expected 2", out.status.code()));
    }
    if !out.stdout.is_empty() {
        problems.push("printed a verdict on stdout despite the error".into());
    }
    if stderr.trim_end().lines().count() != 1 {
        problems.push(format!("error is not one line: {stderr:?}"));
    }
    if !stderr.contains(want) {
        problems.push(format!("stderr {stderr:?} lacks {want:?}"));
    }
    if let Some(file) = expected.get("error_file").and_then(Value::as_str) {
        if !stderr.contains(file) {
            problems.push(format!("stderr {stderr:?} does not name {file}"));
        }
    }
    problems
}

#[test]
fn every_case_gives_its_expected_verdict() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("testdata/cases exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 50, "only {} cases found", dirs.len());
    let mut failures = Vec::new();
    for dir in &dirs {
        let problems = check_case(dir);
        if !problems.is_empty() {
            failures.push(format!(
                "{}:\n    {}",
                dir.file_name().unwrap().to_string_lossy(),
                problems.join("\n    ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}
