//! Writes a generated manifest pair for the benchmarks: `bench_gen typical|large[xN] DIR`
//! creates DIR/old.yml and DIR/new.yml (see benches/run.sh).

#[path = "../benches/support/generate.rs"]
mod generate;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [size, dir] = args.as_slice() else {
        eprintln!("usage: bench_gen typical|large|largeN DIR   (largeN: N times the large shape)");
        return ExitCode::from(2);
    };
    let shape = match size.as_str() {
        "typical" => generate::Shape::typical(),
        other => match other
            .strip_prefix("large")
            .map(|n| n.parse::<usize>().unwrap_or(0))
        {
            Some(0) if other == "large" => generate::Shape::large(1),
            Some(n) if n > 0 => generate::Shape::large(n),
            _ => {
                eprintln!("bench_gen: unknown size `{size}` (typical, large or largeN)");
                return ExitCode::from(2);
            }
        },
    };
    let pair = generate::pair(&shape);
    let dir = std::path::Path::new(dir);
    let written = std::fs::create_dir_all(dir)
        .and_then(|_| std::fs::write(dir.join("old.yml"), &pair.old))
        .and_then(|_| std::fs::write(dir.join("new.yml"), &pair.new));
    if let Err(e) = written {
        eprintln!("bench_gen: {}: {e}", dir.display());
        return ExitCode::from(2);
    }
    let changes: usize = pair.expected.values().sum();
    println!(
        "{}: old {} bytes, new {} bytes, {changes} changes",
        dir.display(),
        pair.old.len(),
        pair.new.len()
    );
    ExitCode::SUCCESS
}
