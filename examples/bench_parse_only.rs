//! The baseline of benchmark target 2: read each file and parse it with serde_yaml into a
//! `Value`, exactly the parse roa-diff does first, and nothing else.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut nodes = 0usize;
    for path in std::env::args().skip(1) {
        let parsed = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                serde_yaml::from_str::<serde_yaml::Value>(&text).map_err(|e| e.to_string())
            });
        match parsed {
            // Use the value so the parse cannot be optimized away.
            Ok(serde_yaml::Value::Mapping(m)) => nodes += m.len(),
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
