//! The CI pieces of docs/ci.md, action.yml and .pre-commit-hooks.yaml, run for real where they
//! can run here: against scratch git repositories (a bare `origin` and a clone with a feature
//! branch), with the built roa-diff first on PATH. Only network steps (`cargo install`) and
//! GitHub's API are left out; the comment script runs under Node with a stubbed API.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{bin, example, root, scratch, stderr, stdout};
use yaml_serde::Value;

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
        blocks.push(yaml_serde::from_str(&body[..end]).expect("docs/ci.md yaml block parses"));
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
    let to_code_quality = job["variables"]["ROA_DIFF_TO_CODE_QUALITY"]
        .as_str()
        .unwrap();
    let lines: Vec<&str> = job["script"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    // Installs the release binary (pinned), no compiler: the one line left out here.
    assert_eq!(
        lines[0],
        format!(
            "npm install --global --ignore-scripts --no-audit --no-fund roa-diff@{}",
            env!("CARGO_PKG_VERSION")
        )
    );
    // Nothing extracted from git into the checkout.
    assert!(!lines.iter().any(|l| l.contains("git show")), "{lines:?}");
    assert_eq!(
        job["artifacts"]["reports"]["codequality"],
        Value::from("roa-diff-report/code-quality.json")
    );
    // The rest, as GitLab runs it: each line in one shell, stopping at the first failure.
    let script = format!("set -e\n{}", lines[1..].join("\n"));
    let work = repo("gitlab", Some(&example("v1.yml")));
    // The merge request commits a symlink where the job writes its reports.
    git(
        &work,
        "mkdir victim && echo keep > victim/roa-diff.md && ln -s victim roa-diff-report && git add victim roa-diff-report && git commit -qm link",
    );
    let env = [
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"),
        ("ROA_DIFF_TO_CODE_QUALITY", to_code_quality),
    ];
    let o = shell(&work, &script, &[], &env);
    assert_eq!(
        o.status.code(),
        Some(1),
        "major update fails the job: {}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("MAJOR update"), "{}", stdout(&o));
    assert_eq!(
        std::fs::read_to_string(work.join("victim/roa-diff.md")).unwrap(),
        "keep\n"
    );
    assert_eq!(
        std::fs::read_to_string(work.join("manifest.yml")).unwrap(),
        std::fs::read_to_string(example("v2.yml")).unwrap()
    );
    let reports = work.join("roa-diff-report");
    assert!(!reports.is_symlink());
    let report = std::fs::read_to_string(reports.join("roa-diff.md")).unwrap();
    assert!(report.starts_with("<!-- roa-diff:report -->"), "{report}");
    assert!(report.contains("remote-added"));
    let issues: serde_json::Value =
        serde_json::from_slice(&std::fs::read(reports.join("code-quality.json")).unwrap()).unwrap();
    let issues = issues.as_array().unwrap();
    let remote = issues
        .iter()
        .find(|i| i["check_name"] == "remote-added")
        .expect("a remote-added issue");
    assert_eq!(remote["severity"], "major");
    assert_eq!(remote["location"]["path"], "manifest.yml");
    assert_eq!(remote["location"]["lines"]["begin"], 38);
    let lost = issues
        .iter()
        .find(|i| i["check_name"] == "roa-lost")
        .unwrap();
    assert_eq!(lost["severity"], "major");
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.sort();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), issues.len(), "unique fingerprints");

    // A target branch that does not exist stops the job instead of passing it.
    let o = shell(
        &work,
        &script,
        &[],
        &[
            ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "nope"),
            ("ROA_DIFF_TO_CODE_QUALITY", to_code_quality),
        ],
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
    let hooks: Value = yaml_serde::from_str(&read(".pre-commit-hooks.yaml")).unwrap();
    let hook = &hooks[0];
    let documented = &doc_block("repos")["repos"][0]["hooks"][0]["id"];
    assert_eq!(&hook["id"], documented);
    // Installed through npm (the prebuilt binary), at this release.
    for hook in hooks.as_sequence().unwrap() {
        assert_eq!(hook["language"], Value::from("node"));
        assert_eq!(
            hook["additional_dependencies"],
            Value::from(vec![format!("roa-diff@{}", env!("CARGO_PKG_VERSION"))])
        );
    }
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
    let action: Value = yaml_serde::from_str(&read("action.yml")).unwrap();
    let inputs = action["inputs"].as_mapping().unwrap();
    let workflow = doc_block("jobs");
    let steps = workflow["jobs"]["roa-diff"]["steps"].as_sequence().unwrap();
    // Third-party actions pinned by commit SHA.
    let checkout = steps[0]["uses"].as_str().unwrap();
    let sha = checkout.strip_prefix("actions/checkout@").unwrap();
    assert!(
        sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
        "{checkout}"
    );
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

/// Runs action.yml's github-script step under Node with a stubbed GitHub API, as
/// actions/github-script runs it (the body of an async function with `github`, `context`,
/// `core` and `require` in scope). `existing`: the PR's comments (JSON); `refuse`: the HTTP
/// status every write fails with (0: none); `head`: the PR's head repository. Returns the
/// API calls and warnings (JSON) and the job summary written.
fn report_step(
    dir: &Path,
    env: &[(&str, &str)],
    existing: &str,
    refuse: u16,
    head: &str,
) -> (serde_json::Value, String) {
    let action: Value = yaml_serde::from_str(&read("action.yml")).unwrap();
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
    // Every setting the step reads is one action.yml passes it.
    for key in [
        "ROA_DIFF_STATUS",
        "ROA_DIFF_REPORT",
        "ROA_DIFF_STDERR",
        "ROA_DIFF_POST_COMMENT",
    ] {
        assert!(step["env"].get(key).is_some(), "action.yml passes {key}");
    }
    let script = step["with"]["script"].as_str().unwrap();
    let harness = format!(
        r#"
const calls = [];
const warnings = [];
const [existing, refuse, head] = [JSON.parse(process.argv[2]), Number(process.argv[3]), process.argv[4]];
const write = (call) => async (a) => {{
  if (refuse) {{ const e = new Error('Resource not accessible by integration'); e.status = refuse; throw e; }}
  calls.push(call(a));
}};
const github = {{
  paginate: async (fn, args) => {{ calls.push(['list', args.issue_number]); return existing; }},
  rest: {{ issues: {{
    listComments: 'listComments',
    updateComment: write((a) => ['update', a.comment_id, a.body]),
    createComment: write((a) => ['create', a.issue_number, a.body]),
  }} }},
}};
const core = {{ warning: (m) => warnings.push(m) }};
const context = {{
  repo: {{ owner: 'o', repo: 'r' }},
  issue: {{ number: 7 }},
  payload: {{ pull_request: {{ number: 7, head: {{ repo: {{ full_name: head }} }} }} }},
}};
(async () => {{
{script}
}})().then(() => console.log(JSON.stringify({{ calls, warnings }})), (e) => {{ console.error(e); process.exit(3); }});
"#
    );
    let js = dir.join("harness.js");
    std::fs::write(&js, harness).unwrap();
    let summary = dir.join("summary.md");
    let _ = std::fs::remove_file(&summary);
    let script_path = root().join("scripts/action-report.js");
    let mut cmd = Command::new("node");
    cmd.arg(&js)
        .arg(existing)
        .arg(refuse.to_string())
        .arg(head)
        .current_dir(dir)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("ROA_DIFF_SCRIPT", &script_path)
        .env("ROA_DIFF_POST_COMMENT", "true");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().expect("node is installed (CI provides it)");
    assert!(o.status.success(), "{}", stderr(&o));
    let calls = serde_json::from_slice(&o.stdout).unwrap();
    (calls, std::fs::read_to_string(&summary).unwrap_or_default())
}

const MARKED_BY_USER: &str =
    r#"{"id": 1, "user": {"type": "User"}, "body": "<!-- roa-diff:report -->\nfake"}"#;
const MARKED_BY_BOT: &str =
    r#"{"id": 2, "user": {"type": "Bot"}, "body": "<!-- roa-diff:report -->\nold"}"#;
const OTHER_BOT: &str = r#"{"id": 3, "user": {"type": "Bot"}, "body": "coverage"}"#;

#[test]
fn action_report_step_updates_the_marked_bot_comment_else_creates_one_and_summarizes() {
    let dir = scratch("comment-js");
    let report = dir.join("report.md");
    std::fs::write(&report, "<!-- roa-diff:report -->\nreport\n").unwrap();
    let report = report.to_string_lossy().into_owned();
    let env = [
        ("ROA_DIFF_STATUS", "1"),
        ("ROA_DIFF_REPORT", report.as_str()),
    ];

    let (out, summary) = report_step(
        &dir,
        &env,
        &format!("[{MARKED_BY_USER}, {OTHER_BOT}, {MARKED_BY_BOT}]"),
        0,
        "o/r",
    );
    let calls = &out["calls"];
    assert_eq!(calls[1][0], "update");
    assert_eq!(calls[1][1], 2);
    assert_eq!(calls[1][2], "<!-- roa-diff:report -->\nreport\n");
    assert_eq!(summary, "<!-- roa-diff:report -->\nreport\n");

    let (out, _) = report_step(
        &dir,
        &env,
        &format!("[{MARKED_BY_USER}, {OTHER_BOT}]"),
        0,
        "o/r",
    );
    let calls = &out["calls"];
    assert_eq!(calls[1][0], "create");
    assert_eq!(calls[1][1], 7);
    assert_eq!(calls.as_array().unwrap().len(), 2);

    // comment: false still writes the job summary (whatever --format the log uses).
    let mut quiet = env.to_vec();
    quiet.push(("ROA_DIFF_POST_COMMENT", "false"));
    let (out, summary) = report_step(&dir, &quiet, "[]", 0, "o/r");
    assert_eq!(out["calls"], serde_json::json!([]));
    assert_eq!(summary, "<!-- roa-diff:report -->\nreport\n");
}

#[test]
fn action_report_step_replaces_a_green_comment_when_the_check_errors() {
    let dir = scratch("comment-errored");
    let stderr_file = dir.join("stderr.txt");
    std::fs::write(
        &stderr_file,
        "roa-diff: error: manifest.yml:3: key ```\n# injected heading\n",
    )
    .unwrap();
    let stderr_path = stderr_file.to_string_lossy().into_owned();
    let env = [
        ("ROA_DIFF_STATUS", "2"),
        ("ROA_DIFF_REPORT", "/nonexistent"),
        ("ROA_DIFF_STDERR", stderr_path.as_str()),
    ];
    let (out, summary) = report_step(&dir, &env, &format!("[{MARKED_BY_BOT}]"), 0, "o/r");
    let calls = &out["calls"];
    assert_eq!(calls[1][0], "update");
    assert_eq!(calls[1][1], 2);
    let body = calls[1][2].as_str().unwrap();
    assert!(
        body.starts_with("<!-- roa-diff:report -->\n## roa-diff: the check errored (exit 2)"),
        "{body}"
    );
    // The error text sits in a fence longer than its backtick runs, so it cannot break out.
    assert!(
        body.contains(
            "````text\nroa-diff: error: manifest.yml:3: key ```\n# injected heading\n````\n"
        ),
        "{body}"
    );
    assert_eq!(summary, body);
}

#[test]
fn action_report_step_on_a_fork_skips_the_comment_and_says_why_in_the_summary() {
    let dir = scratch("comment-fork");
    let report = dir.join("report.md");
    std::fs::write(&report, "<!-- roa-diff:report -->\nreport\n").unwrap();
    let report = report.to_string_lossy().into_owned();
    let env = [
        ("ROA_DIFF_STATUS", "1"),
        ("ROA_DIFF_REPORT", report.as_str()),
    ];
    let (out, summary) = report_step(&dir, &env, "[]", 403, "stranger/r");
    assert_eq!(out["calls"].as_array().unwrap().len(), 1, "{out}");
    let warning = out["warnings"][0].as_str().unwrap();
    assert!(warning.contains("fork stranger/r"), "{warning}");
    assert!(
        summary.starts_with("<!-- roa-diff:report -->\nreport\n"),
        "{summary}"
    );
    assert!(
        summary.contains("**No pull-request comment:** this pull request comes from the fork stranger/r, and GitHub gives its workflows a read-only token"),
        "{summary}"
    );
}

/// Fenced blocks are balanced: an even number of fence lines (the report's fences are
/// backtick runs of three or more at the start of a line).
fn fences_balanced(text: &str) -> bool {
    text.lines().filter(|l| l.starts_with("```")).count() % 2 == 0
}

#[test]
fn action_report_step_cuts_comment_and_summary_outside_fenced_blocks() {
    let dir = scratch("comment-truncate");
    // Sections of a table row and a fenced context block each, past both limits.
    let mut text = String::from("<!-- roa-diff:report -->\n## MAJOR update\n\n");
    let mut i = 0;
    while text.len() < 1_200_000 {
        text.push_str(&format!(
            "| `egress-added` | **major** | `https://h{i}.example.com` |\n\n```yaml\n"
        ));
        for line in 0..40 {
            text.push_str(&format!("  - address: https://h{i}-{line}.example.com\n"));
        }
        text.push_str("```\n\n");
        i += 1;
    }
    let report = dir.join("report.md");
    std::fs::write(&report, &text).unwrap();
    let report = report.to_string_lossy().into_owned();
    let env = [
        ("ROA_DIFF_STATUS", "1"),
        ("ROA_DIFF_REPORT", report.as_str()),
    ];
    let (out, summary) = report_step(&dir, &env, "[]", 0, "o/r");
    let body = out["calls"][1][2].as_str().unwrap();
    assert!(
        body.len() <= 65_000 && body.len() > 60_000,
        "{}",
        body.len()
    );
    assert!(fences_balanced(body));
    assert!(body.ends_with("*(truncated: the job summary has the full report)*\n"));
    assert!(text.starts_with(&body[..body.len() - 60]));
    assert!(
        summary.len() < 1024 * 1024 && summary.len() > 1_000_000,
        "{}",
        summary.len()
    );
    assert!(fences_balanced(&summary));
    assert!(summary.contains("truncated to fit the job summary"));
}

/// Files a user reads or runs that name the product's home.
fn published_texts() -> Vec<(String, String)> {
    let mut files = vec![
        "README.md".to_string(),
        "action.yml".to_string(),
        ".pre-commit-hooks.yaml".to_string(),
    ];
    for dir in [
        "docs",
        "npm",
        "npm/roa-diff",
        "scripts",
        ".github/workflows",
    ] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                files.push(path.strip_prefix(root()).unwrap().display().to_string());
            }
        }
    }
    files.into_iter().map(|f| (read(&f), f)).collect()
}

#[test]
fn one_name_everywhere_and_no_placeholder() {
    let repository = env!("CARGO_PKG_REPOSITORY");
    assert_eq!(repository, "https://github.com/roa-diff/roa-diff");
    assert_eq!(env!("CARGO_PKG_HOMEPAGE"), repository);
    let version = env!("CARGO_PKG_VERSION");
    for (text, file) in published_texts() {
        assert!(
            !text.contains("OWNER/"),
            "{file} holds the OWNER placeholder"
        );
        for (at, _) in text.match_indices("github.com/") {
            let rest = &text[at + "github.com/".len()..];
            let repo: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "-_./".contains(*c))
                .collect();
            if repo.split('/').nth(1) == Some("roa-diff") {
                assert!(
                    repo.starts_with("roa-diff/roa-diff"),
                    "{file}: github.com/{repo} is not {repository}"
                );
            }
        }
        // Pinned releases in recipes are this version, so they exist once it is tagged.
        for (at, _) in text.match_indices("roa-diff/roa-diff@v") {
            let pin: String = text[at + "roa-diff/roa-diff@v".len()..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            assert_eq!(pin.trim_end_matches('.'), version, "{file}: @v{pin}");
        }
    }
}
