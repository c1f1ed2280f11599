//! The CI pieces of docs/ci.md, action.yml and .pre-commit-hooks.yaml, run for real where they
//! can run here: against scratch git repositories (a bare `origin` and a clone with a feature
//! branch), with the built roa-diff first on PATH. Only network steps (`cargo install`) and
//! GitHub's API are left out; the comment script runs under Node with a stubbed API.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{bin, example, root, scratch, stderr, stdout};
use serde_yaml::Value;

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

/// The ```yaml blocks of docs/ci.md, parsed.
fn doc_yaml_blocks() -> Vec<Value> {
    let doc = read("docs/ci.md");
    let mut blocks = Vec::new();
    let mut rest = doc.as_str();
    while let Some(start) = rest.find("```yaml\n") {
        let body = &rest[start + 8..];
        let end = body.find("\n```").expect("closed block");
        blocks.push(serde_yaml::from_str(&body[..end]).expect("docs/ci.md yaml block parses"));
        rest = &body[end..];
    }
    blocks
}

fn doc_block(has_key: &str) -> Value {
    doc_yaml_blocks()
        .into_iter()
        .find(|b| b.get(has_key).is_some())
        .unwrap_or_else(|| panic!("docs/ci.md has a yaml block with `{has_key}`"))
}

/// PATH with the freshly built roa-diff first.
fn path_with_bin() -> String {
    let dir = Path::new(bin()).parent().unwrap().to_path_buf();
    let mut paths = vec![dir];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn shell(dir: &Path, script: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(script)
        .arg("bash")
        .args(args)
        .current_dir(dir)
        .env("PATH", path_with_bin())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("bash runs")
}

fn git(dir: &Path, script: &str) {
    let o = shell(dir, script, &[], &[]);
    assert!(o.status.success(), "{script}: {}", stderr(&o));
}

/// `origin` (bare) whose main holds v1's manifest, and a clone on branch `feature` whose
/// working tree and last commit hold `new_manifest` (None: no manifest on main at all).
fn repo(name: &str, main_manifest: Option<&str>) -> PathBuf {
    let dir = scratch(name);
    git(
        &dir,
        "git init -q --bare -b main origin.git && git init -q -b main work",
    );
    let work = dir.join("work");
    match main_manifest {
        Some(file) => git(
            &work,
            &format!("cp '{file}' manifest.yml && git add manifest.yml && git commit -qm v1"),
        ),
        None => git(
            &work,
            "echo readme > README && git add README && git commit -qm init",
        ),
    }
    git(
        &work,
        &format!(
            "git remote add origin ../origin.git && git push -q origin main && git checkout -qb feature && cp '{}' manifest.yml && git add manifest.yml && git commit -qm v2",
            example("v2.yml")
        ),
    );
    work
}

#[test]
fn gitlab_job_script_runs_against_a_merge_request_checkout() {
    let job = &doc_block("roa-diff")["roa-diff"];
    assert_eq!(job["variables"]["GIT_DEPTH"], Value::from(0));
    let lines: Vec<&str> = job["script"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(lines[0].starts_with("cargo install --locked --git "));
    // The rest, as GitLab runs it: each line in one shell, stopping at the first failure.
    let script = format!("set -e\n{}", lines[1..].join("\n"));
    let work = repo("gitlab", Some(&example("v1.yml")));
    let env = [("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")];
    let o = shell(&work, &script, &[], &env);
    assert_eq!(
        o.status.code(),
        Some(1),
        "major update fails the job: {}",
        stderr(&o)
    );
    assert!(stdout(&o).starts_with("MAJOR update"), "{}", stdout(&o));
    let report = std::fs::read_to_string(work.join("roa-diff.md")).unwrap();
    assert!(report.starts_with("<!-- roa-diff:report -->"), "{report}");
    assert!(report.contains("remote-added"));

    // A target branch that does not exist stops the job instead of passing it.
    let o = shell(
        &work,
        &script,
        &[],
        &[("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "nope")],
    );
    assert_ne!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("couldn't find remote ref nope"),
        "{}",
        stderr(&o)
    );
}

fn pr_check(work: &Path, base: &str, summary: &Path, comment: &Path) -> Output {
    let script = root().join("ci/pr-check.sh");
    shell(
        work,
        &format!("'{}'", script.display()),
        &[],
        &[
            ("ROA_DIFF_BASE", base),
            ("GITHUB_STEP_SUMMARY", &summary.to_string_lossy()),
            ("ROA_DIFF_COMMENT", &comment.to_string_lossy()),
        ],
    )
}

#[test]
fn action_check_script_annotates_summarizes_and_writes_the_comment() {
    let work = repo("action", Some(&example("v1.yml")));
    let summary = work.join("../summary.md");
    let comment = work.join("../comment.md");
    let o = pr_check(&work, "origin/main", &summary, &comment);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("::error file=manifest.yml,line=38,title=roa-diff%3A remote-added (major)::"),
        "{out}"
    );
    assert!(std::fs::read_to_string(&summary)
        .unwrap()
        .starts_with("<!-- roa-diff:report -->"));
    let md = std::fs::read_to_string(&comment).unwrap();
    assert!(
        md.starts_with("<!-- roa-diff:report -->") && md.contains("| **major** |"),
        "{md}"
    );

    // Accepting everything the team agreed to lets the check pass, still reporting it.
    let json = Command::new(bin())
        .current_dir(&work)
        .args([
            "--format",
            "json",
            "--fail-on",
            "never",
            &example("v1.yml"),
            "manifest.yml",
        ])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let mut accept = String::from("accept:\n  - roa: lost\n    reason: agreed\n");
    for c in value["changes"].as_array().unwrap() {
        accept.push_str(&format!(
            "  - fingerprint: {}\n    reason: agreed\n",
            c["fingerprint"].as_str().unwrap()
        ));
    }
    // The pull request's own accept file counts for nothing: entries come from the base.
    std::fs::write(work.join(".roa-diff.yml"), &accept).unwrap();
    let o = pr_check(&work, "origin/main", &summary, &comment);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("no accept file at origin/main:.roa-diff.yml"),
        "{}",
        stderr(&o)
    );
    // Once the team's file is on the base branch, it applies.
    git(
        &work,
        "git stash -q -u && git checkout -q main && git stash pop -q && git add .roa-diff.yml && git commit -qm accept && git push -q origin main && git checkout -q feature",
    );
    let o = pr_check(&work, "origin/main", &summary, &comment);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("(major%2C accepted)"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("accept entries from origin/main:.roa-diff.yml"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn action_check_script_refuses_a_missing_base_and_handles_a_first_release() {
    let work = repo("first", None);
    let summary = work.join("../summary.md");
    let comment = work.join("../comment.md");
    let o = pr_check(&work, "origin/release", &summary, &comment);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("base ref 'origin/release' not found"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());

    // A first release is not an update (rule book v2): the default policy does not trip on it.
    let o = pr_check(&work, "origin/main", &summary, &comment);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("comparing with an empty manifest (first release)"));
    assert!(stdout(&o).contains("remote-added"));
}

#[test]
fn pre_commit_hook_entry_checks_staged_manifests_against_head() {
    let hooks: Value = serde_yaml::from_str(&read(".pre-commit-hooks.yaml")).unwrap();
    let hook = &hooks[0];
    let documented = &doc_block("repos")["repos"][0]["hooks"][0]["id"];
    assert_eq!(&hook["id"], documented);
    assert_eq!(hook["language"], Value::from("rust"));
    assert_eq!(hook["pass_filenames"], Value::from(false));
    let entry = hook["entry"].as_str().unwrap();
    assert!(entry.starts_with("roa-diff "), "{entry}");

    let work = repo("precommit", Some(&example("v1.yml")));
    // Committed v2 is HEAD; with nothing staged the hook passes.
    let o = shell(&work, entry, &[], &[]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let v2 = std::fs::read_to_string(work.join("manifest.yml")).unwrap();
    std::fs::write(
        work.join("manifest.yml"),
        v2.replace(
            "    - storage:app\n",
            "    - storage:app\n    - write:jira-work\n",
        ),
    )
    .unwrap();
    // An added scope that is not staged is not what the commit records: still passes.
    let o = shell(&work, entry, &[], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Staged, it is a major update: the commit is stopped, with the report.
    let o = shell(&work, &format!("git add manifest.yml && {entry}"), &[], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("scope-added"), "{}", stdout(&o));
}

#[test]
fn documented_workflow_uses_only_declared_action_inputs_with_full_history() {
    let action: Value = serde_yaml::from_str(&read("action.yml")).unwrap();
    let inputs = action["inputs"].as_mapping().unwrap();
    let workflow = doc_block("jobs");
    let steps = workflow["jobs"]["roa-diff"]["steps"].as_sequence().unwrap();
    assert_eq!(steps[0]["uses"], Value::from("actions/checkout@v4"));
    assert_eq!(steps[0]["with"]["fetch-depth"], Value::from(0));
    let uses = steps[1]["uses"].as_str().unwrap();
    assert!(uses.contains("/roa-diff@"), "{uses}");
    for key in steps[1]["with"].as_mapping().unwrap().keys() {
        assert!(inputs.contains_key(key), "action.yml has no input {key:?}");
    }
    assert_eq!(
        workflow["permissions"]["pull-requests"],
        Value::from("write")
    );
    // Every setting the action passes to the script is one the script reads.
    let script = read("ci/pr-check.sh");
    let action_steps = action["runs"]["steps"].as_sequence().unwrap();
    let check = action_steps.iter().find(|s| s["id"] == "check").unwrap();
    assert!(check["run"].as_str().unwrap().contains("ci/pr-check.sh"));
    for key in check["env"].as_mapping().unwrap().keys() {
        let key = key.as_str().unwrap();
        assert!(
            script.contains(&format!("${{{key}")),
            "ci/pr-check.sh ignores {key}"
        );
    }
}

#[test]
fn action_comment_script_updates_the_marked_bot_comment_else_creates_one() {
    let action: Value = serde_yaml::from_str(&read("action.yml")).unwrap();
    let step = action["runs"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/github-script@"))
        })
        .expect("a github-script step");
    let script = step["with"]["script"].as_str().unwrap();
    let dir = scratch("comment-js");
    let comment = dir.join("comment.md");
    std::fs::write(&comment, "<!-- roa-diff:report -->\nreport\n").unwrap();
    // github-script runs the script as the body of an async function with these in scope.
    let harness = format!(
        r#"
const calls = [];
const existing = JSON.parse(process.argv[2]);
const github = {{
  paginate: async (fn, args) => {{ calls.push(['list', args.issue_number]); return existing; }},
  rest: {{ issues: {{
    listComments: 'listComments',
    updateComment: async (a) => calls.push(['update', a.comment_id, a.body]),
    createComment: async (a) => calls.push(['create', a.issue_number, a.body]),
  }} }},
}};
const context = {{ repo: {{ owner: 'o', repo: 'r' }}, issue: {{ number: 7 }} }};
(async () => {{
{script}
}})().then(() => console.log(JSON.stringify(calls)), (e) => {{ console.error(e); process.exit(3); }});
"#
    );
    let js = dir.join("harness.js");
    std::fs::write(&js, harness).unwrap();
    let node = |existing: &str| {
        let o = Command::new("node")
            .arg(&js)
            .arg(existing)
            .env("ROA_DIFF_COMMENT", &comment)
            .output()
            .expect("node is installed (CI provides it)");
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let marker_by_user =
        r#"{"id": 1, "user": {"type": "User"}, "body": "<!-- roa-diff:report -->\nfake"}"#;
    let marker_by_bot =
        r#"{"id": 2, "user": {"type": "Bot"}, "body": "<!-- roa-diff:report -->\nold"}"#;
    let other_bot = r#"{"id": 3, "user": {"type": "Bot"}, "body": "coverage"}"#;

    let calls = node(&format!("[{marker_by_user}, {other_bot}, {marker_by_bot}]"));
    assert_eq!(calls[1][0], "update");
    assert_eq!(calls[1][1], 2);
    assert_eq!(calls[1][2], "<!-- roa-diff:report -->\nreport\n");
    let calls = node(&format!("[{marker_by_user}, {other_bot}]"));
    assert_eq!(calls[1][0], "create");
    assert_eq!(calls[1][1], 7);
    assert_eq!(calls.as_array().unwrap().len(), 2);
}
