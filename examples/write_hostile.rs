//! Writes every hostile input of `roa_diff::harness::hostile_inputs` into a directory, for
//! `scripts/bench-hostile.sh`: `old.yml`, one file per input, and `index.tsv` (name, expected
//! exit status, extra arguments).

use std::io::Write;

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).expect("usage: write_hostile DIR");
    let dir = std::path::Path::new(&dir);
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("old.yml"), roa_diff::harness::HOSTILE_OLD)?;
    let mut index = std::fs::File::create(dir.join("index.tsv"))?;
    for input in roa_diff::harness::hostile_inputs() {
        std::fs::write(dir.join(format!("{}.yml", input.name)), &input.bytes)?;
        writeln!(
            index,
            "{}\t{}\t{}",
            input.name,
            input.exit,
            input.args.join(" ")
        )?;
    }
    Ok(())
}
