//! The npm packages, as a user gets them: npm/build.js lays them out around the binary under
//! test, `npm pack` packs them, and a scratch project installs the tarballs with
//! `--ignore-scripts --offline` and a registry address nothing listens on (so nothing can come
//! from the network). Then `npx roa-diff` runs real diffs: output, stdin, each exit status, a
//! signal, and the one-line error when the platform package is missing.
#![cfg(unix)]

mod common;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{bin, example, root, scratch, stderr, stdout};

fn run_ok(cmd: &mut Command) -> Output {
    let o = cmd
        .output()
        .expect("npm and node are installed (CI provides them)");
    assert!(o.status.success(), "{cmd:?}: {}{}", stdout(&o), stderr(&o));
    o
}

/// Node's name for this machine, the suffix of the platform package.
fn node_platform() -> String {
    let o = run_ok(Command::new("node").args(["-p", "process.platform + '-' + process.arch"]));
    stdout(&o).trim().to_string()
}

/// A scratch project with roa-diff installed from freshly packed tarballs; returns it and the
/// platform package's name.
fn project() -> (PathBuf, String) {
    let dir = scratch("npm");
    let platform = node_platform();
    let packages = dir.join("packages");
    run_ok(
        Command::new("node")
            .arg(root().join("npm/build.js"))
            .arg("--out")
            .arg(&packages)
            .arg("--binary")
            .arg(format!("{platform}={}", bin())),
    );
    let tarballs = dir.join("tarballs");
    std::fs::create_dir_all(&tarballs).unwrap();
    for package in ["roa-diff", platform.as_str()] {
        run_ok(
            npm(&tarballs)
                .args(["pack", "--silent"])
                .arg(packages.join(package)),
        );
    }
    let version = env!("CARGO_PKG_VERSION");
    let project = dir.join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("package.json"),
        r#"{"name": "forge-app", "private": true}"#,
    )
    .unwrap();
    run_ok(
        npm(&project)
            .args([
                "install",
                "--ignore-scripts",
                "--offline",
                "--no-audit",
                "--no-fund",
            ])
            .arg(tarballs.join(format!("roa-diff-{version}.tgz")))
            .arg(tarballs.join(format!("roa-diff-{platform}-{version}.tgz"))),
    );
    (project, format!("@roa-diff/{platform}"))
}

/// npm in `dir`, cut off from any registry and from the user's npm cache and configuration.
fn npm(dir: &Path) -> Command {
    let mut cmd = Command::new("npm");
    isolate(&mut cmd, dir);
    cmd
}

fn isolate(cmd: &mut Command, dir: &Path) {
    let home = dir.parent().unwrap().join("home");
    std::fs::create_dir_all(&home).unwrap();
    cmd.current_dir(dir)
        .env("npm_config_registry", "http://127.0.0.1:9/")
        .env("npm_config_cache", home.join("npm-cache"))
        .env("npm_config_userconfig", home.join("npmrc"))
        .env("npm_config_update_notifier", "false")
        .env("npm_config_offline", "true")
        .env_remove("GITHUB_STEP_SUMMARY");
}

fn npx(project: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new("npx");
    isolate(&mut cmd, project);
    cmd.args(["--no", "roa-diff"]).args(args);
    match stdin {
        Some(file) => cmd.stdin(std::fs::File::open(file).unwrap()),
        None => cmd.stdin(Stdio::null()),
    };
    cmd.output().unwrap()
}

#[test]
fn npx_runs_the_packed_binary_with_every_exit_status_signals_and_a_clear_missing_package() {
    let (project, package) = project();
    let (v1, v2) = (example("v1.yml"), example("v2.yml"));
    // Both packages carry the licence texts Cargo.toml's `license` names.
    for dir in ["roa-diff", package.as_str()] {
        for licence in ["LICENSE-MIT", "LICENSE-APACHE"] {
            let path = project.join("node_modules").join(dir).join(licence);
            assert!(path.is_file(), "{} is missing", path.display());
        }
    }

    // Exit 1 on the example's major update, with the report on stdout.
    let o = npx(&project, &[&v1, &v2], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let direct = Command::new(bin()).args([&v1, &v2]).output().unwrap();
    assert_eq!(stdout(&o), stdout(&direct));
    assert!(stdout(&o).starts_with("MAJOR update"), "{}", stdout(&o));

    // Exit 0, arguments passed through unchanged (`--format json`), stdin as `-`.
    let o = npx(&project, &[&v1, "-", "--format", "json"], Some(&v1));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["verdict"]["update"], "none", "{json}");
    assert_eq!(json["new"]["source"], "(stdin)", "{json}");

    // Exit 2 with the binary's own one-line error on stderr.
    let o = npx(&project, &[&v1, "missing.yml"], None);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "roa-diff: error: missing.yml: no such file\n");

    // A signal sent to the launcher reaches the binary (reading stdin that never ends), and
    // the launcher ends the way the binary did.
    for (signal, number) in [("TERM", 15), ("INT", 2)] {
        let mut launcher = Command::new("node");
        isolate(&mut launcher, &project);
        let mut child = launcher
            .arg("node_modules/.bin/roa-diff")
            .args([&v1, "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Held open until the launcher has ended (Child::wait would close it first, and the
        // binary would end on end of input instead of on the signal).
        let stdin = child.stdin.take();
        let binary = wait_for_child(child.id());
        run_ok(Command::new("kill").args([format!("-{signal}"), child.id().to_string()]));
        let status = child.wait().unwrap();
        drop(stdin);
        assert_eq!(status.signal(), Some(number), "{signal}: {status:?}");
        assert!(
            !Path::new(&format!("/proc/{binary}")).exists() || cfg!(not(target_os = "linux")),
            "the binary outlived the launcher"
        );
    }

    // Without the platform package: one line naming it, exit 2.
    std::fs::remove_dir_all(project.join("node_modules").join(&package)).unwrap();
    let o = npx(&project, &[&v1, &v2], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("roa-diff: error: the package ")
            && err.contains(&format!("{package} that holds the binary")),
        "{err}"
    );
}

/// The pid of the process `parent` started, once it exists.
fn wait_for_child(parent: u32) -> u32 {
    let start = Instant::now();
    loop {
        let o = Command::new("pgrep")
            .args(["-P", &parent.to_string()])
            .output()
            .expect("pgrep (procps) is installed");
        if let Some(pid) = stdout(&o).split_whitespace().next() {
            return pid.parse().unwrap();
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the launcher started no binary"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
