//! Replays every input the fuzzers found (`testdata/fuzz/<target>/`) through the same entry
//! point as the fuzz target, so a fixed crash stays fixed under a plain `cargo test`.

use std::path::Path;

use roa_diff::harness::{diff_two, read_one, render_all};

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/fuzz")
        .join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
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
