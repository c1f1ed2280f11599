//! The baseline of benchmark target 2: read each file and parse it with yaml_serde into a
//! `Value` (the value roa-diff's reader builds), and nothing else. A directory stands for
//! every file in it (target 3's 5,000 versions, too many for one command line).

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut nodes = 0usize;
    let mut paths = Vec::new();
    for arg in std::env::args().skip(1) {
        match std::fs::read_dir(&arg) {
            Ok(dir) => {
                let mut files: Vec<String> = dir
                    .filter_map(|e| Some(e.ok()?.path().display().to_string()))
                    .collect();
                files.sort();
                paths.extend(files);
            }
            Err(_) => paths.push(arg),
        }
    }
    for path in paths {
        let parsed = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                yaml_serde::from_str::<yaml_serde::Value>(&text).map_err(|e| e.to_string())
            });
        match parsed {
            // Use the value so the parse cannot be optimized away.
            Ok(yaml_serde::Value::Mapping(m)) => nodes += m.len(),
            Ok(_) => nodes += 1,
            Err(e) => {
                eprintln!("bench_parse_only: {path}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    println!("{nodes}");
    ExitCode::SUCCESS
}
