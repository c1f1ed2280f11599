//! Helpers shared by the integration tests: running the binary in scratch directories, and a
//! scratch git repository isolated from the user's git configuration, with small manifests to
//! commit into it.
#![allow(dead_code)] // each test binary uses a different part

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_roa-diff")
}

/// Runs the binary in `dir` with extra environment, never inheriting a job summary file.
pub fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh directory unique to one test of one test process.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("roa-diff-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An absolute path to a file in testdata/examples.
pub fn example(name: &str) -> String {
    root()
        .join("testdata/examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_roa-diff");

/// A scratch repository plus the isolated environment every git and roa-diff call runs in.
pub struct Repo {
    pub root: PathBuf,
    pub dir: PathBuf,
}

impl Repo {
    pub fn new(name: &str) -> Repo {
        let root = std::env::temp_dir().join(format!("roa-diff-git-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dir = root.join("repo");
        std::fs::create_dir_all(root.join("home")).unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        let repo = Repo { root, dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub fn env(&self, cmd: &mut Command) {
        for var in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "XDG_CONFIG_HOME",
            "NO_COLOR",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", self.root.join("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com");
    }

    pub fn git_in(&self, dir: &Path, args: &[&str]) -> Output {
        let mut cmd = Command::new("git");
        cmd.args(args).current_dir(dir);
        self.env(&mut cmd);
        cmd.output().expect("git runs")
    }

    /// A `--depth DEPTH` clone of this repository without tags, next to it; its folder.
    pub fn shallow_clone(&self, depth: usize) -> PathBuf {
        let shallow = self.root.join("shallow");
        let url = format!("file://{}", self.dir.display());
        let depth = depth.to_string();
        let args = ["clone", "-q", "--depth", &depth, "--no-tags", &url];
        let o = self.git_in(
            &self.root,
            &[&args[..], &[shallow.to_str().unwrap()]].concat(),
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        shallow
    }

    /// Runs git and insists it succeeds.
    pub fn git(&self, args: &[&str]) -> String {
        let o = self.git_in(&self.dir, args);
        assert!(o.status.success(), "git {args:?}: {}", text(&o.stderr));
        text(&o.stdout)
    }

    pub fn write(&self, path: &str, content: &str) {
        let file = self.dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, content).unwrap();
    }

    pub fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    /// Commits everything with this author date (git's formats, e.g. `2024-03-01T10:00:00+0100`).
    pub fn commit_dated(&self, message: &str, date: &str) {
        self.git(&["add", "-A"]);
        let mut cmd = Command::new("git");
        cmd.args(["commit", "-q", "-m", message])
            .current_dir(&self.dir);
        self.env(&mut cmd);
        let o = cmd.env("GIT_AUTHOR_DATE", date).output().unwrap();
        assert!(o.status.success(), "{}", text(&o.stderr));
    }

    /// The abbreviated id of a revision, as roa-diff prints it.
    pub fn short(&self, rev: &str) -> String {
        self.git(&["rev-parse", "--short=7", rev])
            .trim()
            .to_string()
    }

    /// Runs `program` in `dir` in the isolated environment, with `stdin` as its input.
    fn run_with_input(&self, program: &str, dir: &Path, args: &[&str], stdin: &str) -> Output {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        self.env(&mut cmd);
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("{program} runs: {e}"));
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    pub fn run_in(&self, dir: &Path, args: &[&str], stdin: &str) -> Output {
        self.run_with_input(BIN, dir, args, stdin)
    }

    /// Runs git with `stdin` as its input (`git fast-import`), and insists it succeeds.
    pub fn git_input(&self, args: &[&str], stdin: &str) -> String {
        let o = self.run_with_input("git", &self.dir, args, stdin);
        assert!(o.status.success(), "git {args:?}: {}", text(&o.stderr));
        text(&o.stdout)
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_in(&self.dir, args, "")
    }

    pub fn json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let o = self.run(&all);
        let v = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|_| panic!("JSON from {args:?}: {}", text(&o.stderr)));
        (o.status.code().unwrap(), v)
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A small manifest with these functions and scopes, and optionally a remote.
pub fn manifest(id: &str, functions: &[&str], scopes: &[&str], remote: bool) -> String {
    let mut m = format!("app:\n  id: ari:cloud:ecosystem::app/{id}\n  runtime:\n    name: nodejs22.x\nmodules:\n  function:\n");
    for f in functions {
        m.push_str(&format!("    - key: {f}\n      handler: index.{f}\n"));
    }
    m.push_str("permissions:\n  scopes:\n");
    for s in scopes {
        m.push_str(&format!("    - {s}\n"));
    }
    if remote {
        m.push_str("remotes:\n  - key: backend\n    baseUrl: https://api.example.com\n");
    }
    m
}

pub fn v1(id: &str) -> String {
    manifest(id, &["main"], &["read:jira-work"], false)
}
/// A minor update of [`v1`]: one more function.
pub fn minor(id: &str) -> String {
    manifest(id, &["main", "second"], &["read:jira-work"], false)
}
/// A major update of [`v1`] that loses Runs on Atlassian: a remote.
pub fn major(id: &str) -> String {
    manifest(id, &["main"], &["read:jira-work"], true)
}

/// `../shared/corpus` (or `$ROA_DIFF_CORPUS`), when it has its `INDEX.tsv`.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ROA_DIFF_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    dir.join("INDEX.tsv").exists().then_some(dir)
}

/// (parent_file, file) of `INDEX.tsv`, for every row with a predecessor that differs.
pub fn corpus_pairs(dir: &Path) -> Vec<(String, String)> {
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).unwrap();
    let mut lines = index.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (file, parent) = (col("file"), col("parent_file"));
    lines
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            let (f, p) = (cells.get(file)?, cells.get(parent)?);
            (!p.is_empty() && p != f).then(|| (p.to_string(), f.to_string()))
        })
        .collect()
}
