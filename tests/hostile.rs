//! Hostile and huge inputs through the binary: each exits with the expected status and, for
//! errors, one clear line on stderr and nothing on stdout. The inputs are generated here at
//! run time (`roa_diff::harness::hostile_inputs`); their time and memory are measured by
//! `scripts/bench-hostile.sh`, not here.

use std::path::PathBuf;
use std::process::Command;

use roa_diff::harness::{hostile_inputs, HOSTILE_OLD};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("roa-diff-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn hostile_inputs_exit_as_expected_with_one_line_errors() {
    let dir = scratch("all");
    let old = dir.join("old.yml");
    std::fs::write(&old, HOSTILE_OLD).unwrap();
    let mut failures = Vec::new();
    for input in hostile_inputs() {
        let path = dir.join(format!("{}.yml", input.name));
        std::fs::write(&path, &input.bytes).unwrap();
        drop(input.bytes);
        let out = Command::new(env!("CARGO_BIN_EXE_roa-diff"))
            .args(input.args)
            .arg(&old)
            .arg(&path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        std::fs::remove_file(&path).unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        let name = input.name;
        if out.status.code() != Some(input.exit) {
            failures.push(format!(
                "{name}: exit {:?}, want {}; stderr: {stderr}",
                out.status.code(),
                input.exit
            ));
            continue;
        }
        if input.exit == 2 {
            let want = format!("roa-diff: error: {}", path.display());
            if !(stderr.starts_with(&want)
                && stderr.contains(input.expect)
                && stderr.lines().count() == 1
                && stdout.is_empty())
            {
                failures.push(format!(
                    "{name}: want one line naming the file and `{}`, got stderr {stderr:?}, stdout {} bytes",
                    input.expect,
                    stdout.len()
                ));
            }
        } else if !stdout.contains(input.expect) {
            failures.push(format!("{name}: report lacks `{}`", input.expect));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn max_bytes_raises_the_size_limit() {
    let dir = scratch("max-bytes");
    let old = dir.join("old.yml");
    std::fs::write(&old, HOSTILE_OLD).unwrap();
    // 17 MiB of comments: above the default limit, an empty manifest below a raised one.
    let big = dir.join("big.yml");
    let line = format!("# {}\n", "x".repeat(61));
    std::fs::write(&big, line.repeat(17 * 1024 * 1024 / 64)).unwrap();
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_roa-diff"))
            .args(extra)
            .args(["--fail-on", "never"])
            .arg(&old)
            .arg(&big)
            .output()
            .unwrap()
    };
    let refused = run(&[]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("--max-bytes"), "{stderr}");
    let read = run(&["--max-bytes", "20000000"]);
    assert_eq!(
        read.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
