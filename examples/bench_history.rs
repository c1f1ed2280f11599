//! Writes the generated manifest history of benchmark target 3 as a `git fast-import` stream:
//! `bench_history COMMITS | git fast-import` (see benches/run.sh and benches/support/history.rs).
//! `bench_history COMMITS DIR` writes each version to DIR/N.yml instead, for the parse-only
//! baseline.

// The benchmark support is shared; not every program uses all of it.
#[allow(dead_code)]
#[path = "../benches/support/history.rs"]
mod history;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (count, dir) = match args.as_slice() {
        [n] => (n.parse::<usize>().ok(), None),
        [n, dir] => (n.parse::<usize>().ok(), Some(std::path::Path::new(dir))),
        _ => (None, None),
    };
    let Some(count) = count.filter(|&n| n > 0) else {
        eprintln!("usage: bench_history COMMITS [DIR]   (a git fast-import stream on stdout, or DIR/N.yml)");
        return ExitCode::from(2);
    };
    let versions = history::versions(count);
    let written = match dir {
        None => std::io::stdout()
            .lock()
            .write_all(history::fast_import_stream(&versions).as_bytes()),
        Some(dir) => std::fs::create_dir_all(dir).and_then(|_| {
            versions
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| std::fs::write(dir.join(format!("{i}.yml")), &v.text))
        }),
    };
    if let Err(e) = written {
        eprintln!("bench_history: {e}");
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
