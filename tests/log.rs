//! `roa-diff log` on generated repositories: first-parent history, ranges, `--path`,
//! `--releases`, JSON lines, and the blob caches; and over the generated history of benchmark
//! target 3 (benches/support/history.rs): each commit's verdict is the one the generator made,
//! and errors keep their lines though log reads manifests without them.

mod common;

// The benchmark support is shared; not every program uses all of it.
#[allow(dead_code)]
#[path = "../benches/support/history.rs"]
mod history;

use common::{major, manifest, minor, text, v1, Repo};
use serde_json::Value;

/// Runs `roa-diff log ARGS --format json` and parses each line.
fn log_json(r: &Repo, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["log"];
    all.extend(args);
    all.extend(["--format", "json"]);
    let o = r.run(&all);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn field<'a>(rows: &'a [Value], key: &str) -> Vec<&'a str> {
    rows.iter()
        .map(|r| r[key].as_str().unwrap_or("null"))
        .collect()
}

#[test]
fn commits_that_changed_a_manifest_newest_first_along_first_parents() {
    let r = Repo::new("log-basic");
    r.write("manifest.yml", &v1("one"));
    r.commit_dated("first", "2024-03-01T10:00:00+0100");
    r.write("manifest.yml", &minor("one"));
    r.commit("add a function");
    r.write("README.md", "docs\n");
    r.commit("docs only");
    // A side branch whose two commits reach main through a merge.
    r.git(&["checkout", "-q", "-b", "feature"]);
    let with_remote = manifest("one", &["main", "second"], &["read:jira-work"], true);
    r.write("manifest.yml", &with_remote);
    r.commit("branch: add a remote");
    r.write("README.md", "more docs\n");
    r.commit("branch: docs");
    r.git(&["checkout", "-q", "main"]);
    r.git(&["merge", "-q", "--no-ff", "-m", "merge feature", "feature"]);
    // A comment only: the text changes, the meaning does not.
    r.write("manifest.yml", &format!("# the app\n{with_remote}"));
    r.commit("reindent");

    let rows = log_json(&r, &[]);
    assert_eq!(
        field(&rows, "subject"),
        vec!["reindent", "merge feature", "add a function", "first"],
        "newest first, first parents only, docs-only commits left out"
    );
    // The commit that adds the manifest is a first release (SPEC §3), never "major" or "kept".
    assert_eq!(
        field(&rows, "update"),
        vec!["none", "major", "minor", "first-release"]
    );
    assert_eq!(
        field(&rows, "roa"),
        vec!["still-ineligible", "lost", "kept", "first-release"]
    );
    assert_eq!(rows[1]["rules"], serde_json::json!(["remote-added"]));
    assert_eq!(rows[1]["short"], r.short("HEAD~1"));
    assert_eq!(rows[1]["commit"].as_str().unwrap().len(), 40);
    assert_eq!(rows[3]["date"], "2024-03-01T10:00:00+01:00");
    assert_eq!(rows[3]["apps"][0]["status"], "added");
    assert_eq!(rows[3]["apps"][0]["app_id"], "ari:cloud:ecosystem::app/one");
    assert_eq!(rows[0]["error"], Value::Null);

    let o = r.run(&["log"]);
    let out = text(&o.stdout);
    let first = out.lines().nth(1).unwrap();
    assert!(first.starts_with(&r.short("HEAD~1")), "{out}");
    assert!(
        first.contains("major  lost") && first.ends_with("merge feature  [remote-added]"),
        "{first}"
    );
    assert!(
        out.lines()
            .last()
            .unwrap()
            .contains("2024-03-01  first-release"),
        "{out}"
    );

    // A range: only what HEAD has that the first two commits have not.
    let rows = log_json(&r, &["HEAD~3..HEAD"]);
    assert_eq!(field(&rows, "subject"), vec!["reindent", "merge feature"]);
    // The branch itself, from its own point of view.
    let rows = log_json(&r, &["feature"]);
    assert_eq!(
        field(&rows, "subject"),
        vec!["branch: add a remote", "add a function", "first"]
    );
}

#[test]
fn path_filter_moves_and_broken_manifests() {
    let r = Repo::new("log-apps");
    r.write("apps/a/manifest.yml", &v1("a"));
    r.write("apps/b/manifest.yml", &v1("b"));
    r.commit("two apps");
    r.write("apps/b/manifest.yml", &major("b"));
    r.commit("b: remote");
    r.git(&["mv", "apps/a", "apps/alpha"]);
    r.commit("move a");
    r.write(
        "apps/alpha/manifest.yml",
        "app:\n  id: ari:cloud:ecosystem::app/a\n  id: twice\n",
    );
    r.commit("break alpha");
    r.write("apps/alpha/manifest.yml", &minor("a"));
    r.commit("fix alpha");

    let rows = log_json(&r, &[]);
    assert_eq!(
        field(&rows, "subject"),
        vec![
            "fix alpha",
            "break alpha",
            "move a",
            "b: remote",
            "two apps"
        ]
    );
    // A broken version is reported on the commits that touch it, not skipped, and the walk
    // goes on.
    assert_eq!(rows[0]["update"], Value::Null);
    assert!(
        rows[0]["error"].as_str().unwrap().contains("duplicate"),
        "{}",
        rows[0]
    );
    assert!(rows[1]["error"]
        .as_str()
        .unwrap()
        .contains("apps/alpha/manifest.yml"));
    // A move is paired by app id and is no semantic change.
    assert_eq!(rows[2]["update"], "none");
    assert_eq!(rows[2]["apps"][0]["status"], "moved");
    assert_eq!(rows[2]["apps"][0]["old_path"], "apps/a/manifest.yml");
    assert_eq!(rows[4]["apps"].as_array().unwrap().len(), 2);

    let rows = log_json(&r, &["--path", "apps/b"]);
    assert_eq!(field(&rows, "subject"), vec!["b: remote", "two apps"]);
    assert_eq!(rows[1]["apps"].as_array().unwrap().len(), 1);
    let rows = log_json(&r, &["--path", "apps/b/manifest.yml"]);
    assert_eq!(rows.len(), 2);
    let o = r.run(&["log", "--path", "nowhere"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stderr).contains("no commit in HEAD changed a Forge manifest"));

    let o = r.run(&["log", "nope..HEAD"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("unknown revision `nope`"));
}

#[test]
fn releases_give_each_release_its_verdict_and_the_commit_behind_each_major_change() {
    let r = Repo::new("log-releases");
    r.write("manifest.yml", &v1("x"));
    r.commit("first");
    r.git(&["tag", "v1.0.0"]);
    r.write("manifest.yml", &minor("x"));
    r.commit("minor one");
    r.git(&["tag", "-a", "-m", "1.1", "v1.1.0"]);
    // Release 2: a scope added and later removed again (not in the release), a remote added,
    // then a minor change on top.
    let functions = ["main", "second"];
    r.write(
        "manifest.yml",
        &manifest(
            "x",
            &functions,
            &["read:jira-work", "write:jira-work"],
            false,
        ),
    );
    r.commit("try a scope");
    r.write(
        "manifest.yml",
        &manifest("x", &functions, &["read:jira-work"], false),
    );
    r.commit("drop the scope");
    r.write(
        "manifest.yml",
        &manifest("x", &functions, &["read:jira-work"], true),
    );
    r.commit("add the remote");
    let remote_commit = r.short("HEAD");
    r.write(
        "manifest.yml",
        &manifest("x", &["main", "second", "third"], &["read:jira-work"], true),
    );
    r.commit("third function");
    r.write("notes.txt", "release notes\n");
    r.commit("notes");
    r.git(&["tag", "v2.0.0"]);
    r.write(
        "manifest.yml",
        &manifest(
            "x",
            &["main", "second", "third", "fourth"],
            &["read:jira-work"],
            true,
        ),
    );
    r.commit("unreleased");

    let rows = log_json(&r, &["--releases", "v*"]);
    let names: Vec<String> = rows.iter().map(|r| r["release"].to_string()).collect();
    assert_eq!(
        names,
        vec!["null", "\"v2.0.0\"", "\"v1.1.0\"", "\"v1.0.0\""]
    );

    let next = &rows[0];
    assert_eq!(next["previous"], "v2.0.0");
    assert_eq!(
        (next["update"].as_str(), next["commit_count"].as_u64()),
        (Some("minor"), Some(1))
    );

    let v2 = &rows[1];
    assert_eq!(v2["previous"], "v1.1.0");
    assert_eq!(v2["commit_count"], 5);
    assert_eq!(
        v2["commits"].as_array().unwrap().len(),
        4,
        "notes changed no manifest"
    );
    assert_eq!(v2["update"], "major");
    assert_eq!(v2["roa"], "lost");
    let majors = v2["major_changes"].as_array().unwrap();
    assert_eq!(
        majors.len(),
        1,
        "the scope came and went within the release: {majors:?}"
    );
    assert_eq!(majors[0]["rule"], "remote-added");
    assert_eq!(majors[0]["short"], remote_commit.as_str());
    assert_eq!(majors[0]["subject"], "add the remote");
    let commit_updates: Vec<&str> = v2["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["update"].as_str().unwrap())
        .collect();
    assert_eq!(commit_updates, vec!["minor", "major", "major", "major"]);

    assert_eq!(
        (rows[2]["update"].as_str(), rows[2]["previous"].as_str()),
        (Some("minor"), Some("v1.0.0"))
    );
    assert_eq!(rows[3]["previous"], Value::Null, "first release");
    assert_eq!(rows[3]["apps"][0]["status"], "added");

    let o = r.run(&["log", "--releases", "v*"]);
    let out = text(&o.stdout);
    assert!(
        out.starts_with("== next release (since v2.0.0; 1 commit, 1 changing a manifest) =="),
        "{out}"
    );
    assert!(
        out.contains("Verdict: MAJOR update, Runs on Atlassian LOST"),
        "{out}"
    );
    assert!(
        out.contains(&format!("remote-added                 manifest.yml remotes[key=backend]  <- {remote_commit} add the remote")),
        "{out}"
    );
    assert!(
        out.contains("== v1.0.0 (first release; 1 commit, 1 changing a manifest) =="),
        "{out}"
    );

    // A range that starts after v1.0.0 still knows the release before its oldest commit.
    let rows = log_json(&r, &["v1.0.0..v1.1.0", "--releases", "v*"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0]["release"].as_str(), rows[0]["previous"].as_str()),
        (Some("v1.1.0"), Some("v1.0.0"))
    );
}

#[test]
fn a_release_leaves_out_the_apps_it_does_not_change() {
    let r = Repo::new("log-release-untouched");
    r.write("apps/a/manifest.yml", &v1("a"));
    r.write("apps/b/manifest.yml", &v1("b"));
    r.commit("two apps");
    r.git(&["tag", "v1"]);
    r.write("apps/a/manifest.yml", &minor("a"));
    r.commit("change a");
    r.git(&["tag", "v2"]);
    let rows = log_json(&r, &["--releases", "v*"]);
    let apps = |row: &Value| -> Vec<(String, String)> {
        let apps = row["apps"].as_array().unwrap();
        let field = |a: &Value, k: &str| a[k].as_str().unwrap().to_string();
        apps.iter()
            .map(|a| (field(a, "path"), field(a, "status")))
            .collect()
    };
    let pair = |path: &str, status: &str| (path.to_string(), status.to_string());
    assert_eq!(apps(&rows[0]), [pair("apps/a/manifest.yml", "modified")]);
    assert_eq!(
        apps(&rows[1]),
        [
            pair("apps/a/manifest.yml", "added"),
            pair("apps/b/manifest.yml", "added")
        ]
    );
}

#[test]
fn each_blob_is_parsed_once_and_each_pair_classified_once() {
    use roa_diff::load::LoadOptions;
    use roa_diff::log::history::{first_parent_commits, History};

    let r = Repo::new("log-cache");
    // The manifest flips between two versions: 12 commits, 2 distinct blobs, 3 distinct pairs
    // (none -> A, A -> B, B -> A).
    for i in 0..12 {
        let text = if i % 2 == 0 { v1("c") } else { major("c") };
        r.write("manifest.yml", &text);
        r.write("counter.txt", &i.to_string());
        r.commit(&format!("flip {i}"));
    }
    let repo = git2::Repository::open(&r.dir).unwrap();
    let mut history = History::new(&repo, LoadOptions::default(), None);
    let mut rows = 0;
    for commit in first_parent_commits(&repo, "HEAD").unwrap() {
        if history.commit_entry(&commit.unwrap()).unwrap().is_some() {
            rows += 1;
        }
    }
    assert_eq!(rows, 12);
    assert_eq!(history.blobs_read, 2);
    assert_eq!(history.pairs_classified, 3);
}

#[test]
fn every_generated_commit_gets_the_verdict_it_was_made_with() {
    let r = Repo::new("log-generated");
    // Four rounds of the six kinds of change, and the first release.
    let versions = history::versions(25);
    r.git_input(
        &["fast-import", "--quiet"],
        &history::fast_import_stream(&versions),
    );
    // Two commits on top that leave the manifest alone: the same tree, and another file.
    r.git(&["checkout", "-q", "main"]);
    r.git(&["read-tree", "main"]);
    r.git(&["commit", "-q", "--allow-empty", "-m", "nothing"]);
    r.write("README.md", "docs\n");
    r.git(&["add", "README.md"]);
    r.git(&["commit", "-q", "-m", "docs"]);
    let rows = log_json(&r, &[]);
    assert_eq!(rows.len(), versions.len(), "one row per commit");
    assert_eq!(log_json(&r, &["--path", "manifest.yml"]), rows);
    for (row, version) in rows.iter().zip(versions.iter().rev()) {
        assert_eq!(row["subject"], version.subject.as_str());
        assert_eq!(row["update"], version.update, "{}", version.subject);
        assert_eq!(row["error"], Value::Null);
        if !version.rules.is_empty() {
            assert_eq!(row["rules"], serde_json::json!(version.rules), "{row}");
        }
    }
    assert_eq!(rows.last().unwrap()["apps"][0]["status"], "added");
}

#[test]
fn errors_in_history_keep_their_lines() {
    let r = Repo::new("log-generated-error");
    let versions = history::versions(3);
    r.git_input(
        &["fast-import", "--quiet"],
        &history::fast_import_stream(&versions),
    );
    r.git(&["checkout", "-q", "main"]);
    let good = &versions[2].text;
    // Line 4 is `  id: ...` (after `# revision 2`, the generator's comment and `app:`): repeat it.
    let id_line = good.lines().nth(3).unwrap();
    assert!(id_line.starts_with("  id: ari:"), "{id_line}");
    r.write(
        "manifest.yml",
        &good.replacen(id_line, &format!("{id_line}\n{id_line}"), 1),
    );
    r.commit("repeat the id");
    r.write("manifest.yml", good);
    r.commit("fix it");
    let wrong_type = "app:\n  id: ari:cloud:ecosystem::app/x\n\nremotes: 42\n";
    r.write("manifest.yml", wrong_type);
    r.commit("remotes is a number");
    let rows = log_json(&r, &[]);
    let error = |i: usize| rows[i]["error"].as_str().unwrap_or("none").to_string();
    // The lines come from the position pass, which log skips for manifests that load: a
    // manifest that fails is read again with it.
    assert!(
        error(0).contains("manifest.yml:4: remotes: expected a list"),
        "{}",
        error(0)
    );
    for i in [1, 2] {
        assert!(
            error(i).contains("manifest.yml:5: invalid YAML: app: duplicate entry with key \"id\""),
            "{}",
            error(i)
        );
    }
    assert_eq!(rows[3]["error"], Value::Null);
}

#[test]
fn a_shallow_clone_stops_with_the_fetch_hint_instead_of_a_first_release() {
    let r = Repo::new("log-shallow");
    r.write("manifest.yml", &v1("a"));
    r.commit("first");
    r.git(&["tag", "v1.0.0"]);
    r.write("manifest.yml", &minor("a"));
    r.commit("second");
    r.write("manifest.yml", &major("a"));
    r.commit("third");
    let shallow = r.shallow_clone(2);

    for args in [
        &["log"][..],
        &["log", "--releases", "v*"],
        &["log", "--format", "json"],
    ] {
        let o = r.run_in(&shallow, args, "");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stdout));
        let err = text(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("in this shallow clone"), "{err}");
        assert!(err.contains("git fetch --unshallow --tags"), "{err}");
        // The cut-off commit is never called a first release.
        assert!(
            !text(&o.stdout).contains("first release"),
            "{}",
            text(&o.stdout)
        );
    }
    // A range inside what was fetched needs nothing more.
    let o = r.run_in(&shallow, &["log", "HEAD~1..HEAD"], "");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("third"), "{}", text(&o.stdout));
    // The full clone walks to the real root.
    let o = r.run(&["log"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

/// roa-diff's one line on stderr, with nothing on stdout.
fn only_error_line(o: &std::process::Output, what: &str) -> String {
    assert_eq!(o.status.code(), Some(2), "{what}: {}", text(&o.stdout));
    assert_eq!(text(&o.stdout), "", "{what}");
    let err = text(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{what}: {err}");
    err.trim_end().to_string()
}

#[test]
fn a_bad_revision_gets_the_same_error_and_hint_as_the_diff() {
    let r = Repo::new("log-bad-revision");
    r.write("manifest.yml", &v1("a"));
    r.commit("first");
    r.git(&["tag", "v1.0.0"]);
    r.write("manifest.yml", &major("a"));
    r.commit("second");
    let diff = only_error_line(&r.run(&["--git", "v1.0.1"]), "--git v1.0.1");
    assert_eq!(
        diff,
        "roa-diff: error: v1.0.1: unknown revision `v1.0.1` (did you mean `v1.0.0`?); if it is a tag or branch on the remote, fetch it first (git fetch origin v1.0.1 or git fetch --tags)"
    );
    // Wherever the revision stands in log's arguments, and in either format.
    for args in [
        &["log", "v1.0.1"][..],
        &["log", "v1.0.1..HEAD"],
        &["log", "HEAD~1..v1.0.1"],
        &["log", "v1.0.1.."],
        &["log", "v1.0.1", "--format", "json"],
        &["log", "v1.0.1..HEAD", "--releases", "v*"],
    ] {
        assert_eq!(
            only_error_line(&r.run(args), &format!("{args:?}")),
            diff,
            "{args:?}"
        );
    }
    // Nothing close to guess from: the fetch hint alone, as the diff gives it.
    let diff = only_error_line(&r.run(&["--git", "release-candidate"]), "--git");
    assert!(!diff.contains("did you mean"), "{diff}");
    assert_eq!(
        only_error_line(&r.run(&["log", "release-candidate"]), "log"),
        diff
    );

    // Three dots: no `.HEAD` to fetch, but the two-dot range that lists those commits.
    assert_eq!(
        only_error_line(&r.run(&["log", "v1.0.0...HEAD"]), "three dots"),
        "roa-diff: error: v1.0.0...HEAD: roa-diff log takes REV or BASE..HEAD, not three dots: v1.0.0..HEAD lists the commits of HEAD that v1.0.0 does not have"
    );

    // A shallow clone without the tag: the shallow hint, as the diff gives it.
    let shallow = r.shallow_clone(1);
    let diff = only_error_line(
        &r.run_in(&shallow, &["--git", "v1.0.0"], ""),
        "shallow --git",
    );
    assert!(
        diff.contains("this is a shallow clone: fetch the full history"),
        "{diff}"
    );
    assert_eq!(
        only_error_line(
            &r.run_in(&shallow, &["log", "v1.0.0..HEAD"], ""),
            "shallow log"
        ),
        diff
    );
}
