//! The npm packages, as a user gets them: npm/build.js lays them out around the binary under
//! test, `npm pack` packs them, and a scratch project installs the tarballs with
//! `--ignore-scripts --offline` and a registry address nothing listens on (so nothing can come
//! from the network). Then `npx roa-diff` runs real diffs: output, stdin, each exit status, a
//! signal, and the one-line error when the platform package is missing. The JavaScript API
//! (tests/js/api.js) runs there too, and its TypeScript types are checked with the pinned `tsc`
//! .ci/run installs into target/ci-tools (with CI=true a missing tsc fails instead of skipping).
#![cfg(unix)]

mod common;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{bin, example, root, scratch, stderr, stdout, Repo};

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

/// A scratch project with roa-diff installed from freshly packed tarballs (in a scratch folder
/// of its own per `name`, as tests run in parallel); returns it and the platform package's name.
fn project(name: &str) -> (PathBuf, String) {
    let dir = scratch(name);
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
    let (project, package) = project("npm");
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

/// `node` in the scratch project, so `require('roa-diff')` finds the installed package.
fn node(project: &Path) -> Command {
    let mut cmd = Command::new("node");
    isolate(&mut cmd, project);
    cmd
}

/// A repository whose HEAD commits the example v1 as manifest.yml, with v2 in the working tree.
fn example_repo(name: &str) -> Repo {
    let read = |file: &str| std::fs::read_to_string(example(file)).unwrap();
    let repo = Repo::new(name);
    repo.write("manifest.yml", &read("v1.yml"));
    repo.commit("v1");
    repo.write("manifest.yml", &read("v2.yml"));
    repo
}

#[test]
fn the_javascript_api_resolves_the_json_contract_and_rejects_errors_as_roa_diff_error() {
    let (project, package) = project("npm-api");
    let repo = example_repo("npm-api");
    let work = project.parent().unwrap().join("api-scratch");
    std::fs::create_dir_all(&work).unwrap();
    // In the project, so `require('roa-diff')` resolves to the installed package.
    std::fs::copy(root().join("tests/js/api.js"), project.join("api.js")).unwrap();
    let mut cmd = node(&project);
    repo.env(&mut cmd);
    let o = cmd
        .arg("api.js")
        .arg(root().join("testdata/examples"))
        .arg(&work)
        .arg(&repo.dir)
        .env_remove("API_HOST")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).ends_with(" checks passed\n"), "{}", stdout(&o));

    // `import` from an ES module gets the same names.
    let o = run_ok(node(&project).args([
        "--input-type=module",
        "-e",
        "import { diff, diffGit, check, RoaDiffError } from 'roa-diff';\n\
         console.log([diff, diffGit, check].map((f) => typeof f).join(), new RoaDiffError('x') instanceof Error);",
    ]));
    assert_eq!(stdout(&o), "function,function,function true\n");

    // Without the platform package the API rejects with the launcher's very message (one lookup).
    std::fs::remove_dir_all(project.join("node_modules").join(&package)).unwrap();
    let launcher = npx(&project, &["a.yml", "b.yml"], None);
    let o = run_ok(node(&project).args([
        "-e",
        "require('roa-diff').diff('a.yml', 'b.yml').then(\n\
           () => console.log('resolved'),\n\
           (e) => console.log(`${e.name} ${e.exitCode}\\n${e.message}`));",
    ]));
    assert_eq!(
        stdout(&o),
        format!("RoaDiffError null\n{}", stderr(&launcher))
    );
    assert!(
        stderr(&launcher).contains(&format!("{package} that holds the binary")),
        "{}",
        stderr(&launcher)
    );
}

/// The pinned TypeScript compiler .ci/run installs; None (the test skips) only outside CI.
fn tsc_or_skip() -> Option<PathBuf> {
    let tsc = root().join("target/ci-tools/node_modules/typescript/bin/tsc");
    if tsc.is_file() {
        return Some(tsc);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "tsc is not installed: .ci/run installs it (npm install --prefix target/ci-tools typescript@5.9.3)"
    );
    eprintln!("skipped: no tsc (run .ci/run once)");
    None
}

/// `tsc --noEmit --strict` on `files` of the scratch project; its output and whether it passed.
fn type_check(tsc: &Path, project: &Path, files: &[&str]) -> (bool, String) {
    let o = node(project)
        .arg(tsc)
        .args(["--noEmit", "--strict", "--target", "es2022"])
        .args(["--module", "nodenext", "--moduleResolution", "nodenext"])
        .args(files)
        .output()
        .unwrap();
    (o.status.success(), format!("{}{}", stdout(&o), stderr(&o)))
}

#[test]
fn the_typescript_types_fit_real_use_and_real_output_and_reject_misuse() {
    let Some(tsc) = tsc_or_skip() else {
        return;
    };
    let (project, _) = project("npm-types");
    std::fs::copy(root().join("tests/js/types.ts"), project.join("types.ts")).unwrap();

    // Real documents as typed literals: TypeScript refuses a missing member, a member the type
    // lacks (excess property check) and a value outside an enum, so the generated types must
    // match what the binary prints, accepted changes and a --git document included.
    let accept = project.join("accept.yml");
    std::fs::write(
        &accept,
        "accept:\n  - rule: remote-added\n    path: remotes[key=summarizer]\n    reason: agreed\n  - roa: lost\n    reason: worth it\n",
    )
    .unwrap();
    let json = |args: &[&str]| {
        let o = Command::new(bin()).args(args).output().unwrap();
        assert!(o.status.code() != Some(2), "{args:?}: {}", stderr(&o));
        stdout(&o)
    };
    let (v1, v2) = (example("v1.yml"), example("v2.yml"));
    let accept = accept.to_str().unwrap();
    let diff_json = json(&[&v1, &v2, "--format", "json", "--accept", accept]);
    assert!(diff_json.contains("\"by\": \"rule+path\""), "{diff_json}");
    let check_json = json(&["check", &v2, "--format", "json"]);
    let repo = example_repo("npm-types");
    let (_, git_json) = repo.json(&["--git", "HEAD"]);
    assert_eq!(git_json["apps"][0]["status"], "modified", "{git_json}");
    std::fs::write(
        project.join("real.ts"),
        format!(
            "import type {{ CheckReport, DiffGitReport, DiffReport }} from 'roa-diff';\n\
             export const diffReport: DiffReport = {diff_json};\n\
             export const checkReport: CheckReport = {check_json};\n\
             export const gitReport: DiffGitReport = {git_json};\n"
        ),
    )
    .unwrap();
    let (passed, output) = type_check(&tsc, &project, &["types.ts", "real.ts"]);
    assert!(passed && output.is_empty(), "{output}");

    // Each misuse must fail to compile, with the error that names it.
    let misuses = [
        (
            "field.ts",
            "const r = await diff('a', 'b');\nreturn r.report.verdict.updat;",
            "Property 'updat' does not exist",
        ),
        (
            "fail_on_number.ts",
            "return diff('a', 'b', { failOn: 3 });",
            "Type 'number' is not assignable to type 'FailOn | readonly FailOn[] | undefined'",
        ),
        (
            "fail_on_value.ts",
            "return diff('a', 'b', { failOn: ['major', 'majr'] });",
            "Type '\"majr\"' is not assignable to type 'FailOn'",
        ),
        (
            "unknown_option.ts",
            "return diff('a', 'b', { failon: 'never' });",
            "'failon' does not exist in type 'DiffOptions'",
        ),
        (
            "check_option.ts",
            "return check('manifest.yml', { accept: 'x.yml' });",
            "'accept' does not exist in type 'CheckOptions'",
        ),
        (
            "enum_value.ts",
            "const r = await diff('a', 'b');\nreturn r.report.verdict.roa.change === 'losts';",
            "This comparison appears to be unintentional",
        ),
        (
            "exit_two.ts",
            "const r = await check();\nreturn r.exitCode === 2;",
            "This comparison appears to be unintentional",
        ),
        (
            "wrong_report.ts",
            "const d: DiffReport = (await check()).report;\nreturn d;",
            "Type 'CheckReport' is missing the following properties from type 'DiffReport'",
        ),
    ];
    let mut files = Vec::new();
    for (file, body, _) in &misuses {
        std::fs::write(
            project.join(file),
            format!(
                "import {{ check, diff }} from 'roa-diff';\n\
                 import type {{ DiffReport }} from 'roa-diff';\n\
                 export async function misuse() {{\n{body}\n}}\n"
            ),
        )
        .unwrap();
        files.push(*file);
    }
    let (passed, output) = type_check(&tsc, &project, &files);
    assert!(!passed, "misuse compiled:\n{output}");
    for (file, _, error) in &misuses {
        let errors: Vec<&str> = output
            .lines()
            .filter(|line| line.starts_with(&format!("{file}(")))
            .collect();
        assert!(
            errors.len() == 1 && errors[0].contains(error),
            "{file}: expected one error with {error:?}, got:\n{output}"
        );
    }
}

#[test]
fn the_type_generator_refuses_json_schema_it_cannot_express() {
    // The real schemas convert.
    let o = run_ok(Command::new("node").arg(root().join("npm/schema-types.js")));
    for declaration in [
        "export type DiffReport = {",
        "export type DiffGitReport = {",
        "export type CheckReport = {",
        "  report: null | DiffReport;",
        "  overridden?: {",
    ] {
        assert!(
            stdout(&o).contains(declaration),
            "{declaration}\n{}",
            stdout(&o)
        );
    }
    // A keyword outside the subset fails the build (no silently looser type), naming it.
    let dir = scratch("schema-types");
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    for file in ["output", "check", "git"] {
        let name = format!("docs/{file}.schema.json");
        std::fs::copy(root().join(&name), dir.join(&name)).unwrap();
    }
    let check = dir.join("docs/check.schema.json");
    let text = std::fs::read_to_string(&check).unwrap();
    let text = text.replacen(
        "\"additionalProperties\": false,",
        "\"patternProperties\": {\"^x-\": true},",
        1,
    );
    std::fs::write(&check, text).unwrap();
    let o = Command::new("node")
        .arg(root().join("npm/schema-types.js"))
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "npm/schema-types.js: error: {}: unsupported JSON Schema keyword 'patternProperties'\n",
            check.display()
        )
    );
}
