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
