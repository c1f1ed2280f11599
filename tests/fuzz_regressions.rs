//! Replays every input the fuzzers found (`testdata/fuzz/<target>/`) through the same entry
//! point as the fuzz target, so a fixed crash stays fixed under a plain `cargo test`.

use std::path::Path;

use roa_diff::harness::{diff_two, read_one, render_all};

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fuzz");
    assert!(root.join("README.md").exists(), "testdata/fuzz/ is missing");
    // A target with no findings has no directory (git keeps no empty ones).
    let Ok(entries) = std::fs::read_dir(root.join(target)) else {
        return 0;
    };
    let mut count = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let data = std::fs::read(&path).unwrap();
        // A panic here names the input through the test's output.
        println!("replaying {}", path.display());
        run(&data);
        count += 1;
    }
    count
}

#[test]
fn read_manifest_findings() {
    replay("read_manifest", read_one);
}

#[test]
fn diff_two_findings() {
    replay("diff_two", diff_two);
}

#[test]
fn render_all_findings() {
    replay("render_all", render_all);
}

/// The fuzz invariants hold on every fixture case, so a fuzz finding is a bug in roa-diff and
/// not in the harness.
#[test]
fn fuzz_invariants_hold_on_every_fixture_case() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cases");
    let mut count = 0;
    for entry in std::fs::read_dir(cases).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(new) = std::fs::read(dir.join("new.yml")) else {
            continue;
        };
        let mut pair = std::fs::read(dir.join("old.yml")).unwrap_or_default();
        read_one(&pair);
        read_one(&new);
        pair.push(0);
        pair.extend(&new);
        diff_two(&pair);
        render_all(&pair);
        count += 1;
    }
    assert!(count > 100, "only {count} cases");
}
