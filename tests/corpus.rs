//! Every consecutive pair of real manifests in `../shared/corpus/INDEX.tsv` (public Forge
//! apps' histories): no error, diff(a, a) is none, and every addition of a -> b comes back as
//! the matching removal in b -> a. Skipped, with a note, when the corpus is absent.

mod common;

use common::{corpus_dir, corpus_pairs as pairs};

use std::collections::BTreeSet;

use roa_diff::load::{read_file, LoadOptions, Source};
use roa_diff::report::{compare, Report, UpdateLevel};

fn run(a: &Source, b: &Source) -> Result<Report, String> {
    compare(Some(a), b, &LoadOptions::default()).map_err(|e| e.to_string())
}

#[test]
fn every_corpus_pair_is_read_and_diffs_symmetrically() {
    let Some(dir) = corpus_dir() else {
        println!("note: ../shared/corpus/INDEX.tsv not found; corpus test skipped");
        return;
    };
    let pairs = pairs(&dir);
    assert!(
        pairs.len() >= 100,
        "only {} pairs in INDEX.tsv",
        pairs.len()
    );
    let mut failures = Vec::new();
    let mut checked = 0;
    for (parent, file) in &pairs {
        let read = |f: &str| read_file(&dir.join(f), 16 << 20).map_err(|e| e.to_string());
        let (a, b) = match (read(parent), read(file)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => {
                failures.push(e);
                continue;
            }
        };
        let (forward, backward, same) = match (run(&a, &b), run(&b, &a), run(&a, &a)) {
            (Ok(f), Ok(r), Ok(s)) => (f, r, s),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                failures.push(format!("{parent} -> {file}: {e}"));
                continue;
            }
        };
        if same.update != UpdateLevel::None || !same.changes.is_empty() {
            failures.push(format!("{parent} against itself: {:?}", same.changes));
        }
        let back: BTreeSet<(&str, &str)> = backward
            .changes
            .iter()
            .map(|c| (c.rule.as_str(), c.path.as_str()))
            .collect();
        for change in &forward.changes {
            if let Some(undo) = change.rule.undone_by().map(|r| r.as_str()) {
                let path = change.path.as_str();
                // A web trigger's added/removed are on the entry; made-dynamic/static on the field.
                if !back.contains(&(undo, path)) {
                    failures.push(format!(
                        "{parent} -> {file}: {} {path} has no {undo} in reverse",
                        change.rule
                    ));
                }
            }
        }
        // RoA is a property of each side, so reversing swaps it.
        if forward.old.eligible() != backward.new.eligible() {
            failures.push(format!("{parent} -> {file}: RoA not symmetric"));
        }
        checked += 1;
    }
    println!("corpus: {checked} of {} pairs checked", pairs.len());
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every pull-request format on every real update: the JSON validates against the schema, the
/// markdown has one table row of six cells per change and no HTML but its marker, the workflow
/// commands are one line each, SARIF has one result per change, and fingerprints are unique.
#[test]
fn every_format_renders_every_corpus_pair() {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    use roa_diff::report::markdown::{MarkdownOptions, MARKER};
    use roa_diff::report::{github, json, markdown, sarif};
    use roa_diff::roa::RoaChange;

    let Some(dir) = corpus_dir() else {
        println!("note: ../shared/corpus/INDEX.tsv not found; corpus test skipped");
        return;
    };
    let schema_text =
        std::fs::read_to_string(common::root().join("docs/output.schema.json")).unwrap();
    let validator =
        jsonschema::validator_for(&serde_json::from_str(&schema_text).unwrap()).unwrap();
    let options = MarkdownOptions {
        rules_url: "docs/rules.md".into(),
    };
    let mut failures = Vec::new();
    for (parent, file) in pairs(&dir) {
        let read = |f: &str| read_file(&dir.join(f), 16 << 20).unwrap();
        let Ok(report) = run(&read(&parent), &read(&file)) else {
            continue; // reported by the test above
        };
        let name = format!("{parent} -> {file}");
        let n = report.changes.len();

        if let Some(e) = validator.iter_errors(&json::to_value(&report)).next() {
            failures.push(format!("{name}: json: {e} at {}", e.instance_path()));
        }

        let md = markdown::render(&report, &options);
        let (mut rows, mut bad_rows, mut html) = (0, 0, Vec::new());
        let mut cells = 0;
        for event in Parser::new_ext(&md, Options::ENABLE_TABLES) {
            match event {
                Event::Start(Tag::TableRow) => {
                    rows += 1;
                    cells = 0;
                }
                Event::Start(Tag::TableCell) => cells += 1,
                Event::End(pulldown_cmark::TagEnd::TableRow) if cells != 6 => bad_rows += 1,
                Event::Html(h) | Event::InlineHtml(h) if h.trim() != MARKER => {
                    html.push(h.to_string())
                }
                _ => {}
            }
        }
        if rows != n || bad_rows > 0 || !html.is_empty() {
            failures.push(format!(
                "{name}: markdown: {rows} rows for {n} changes, {bad_rows} malformed, html {html:?}"
            ));
        }

        let gh = github::render(&report);
        let blockers = report.blockers.len();
        let expected = n
            + blockers
            + usize::from(report.roa_change() == RoaChange::Lost)
            + report.warnings.len()
            + 1;
        let lines: Vec<&str> = gh.lines().collect();
        let commands_ok = lines[..lines.len() - 1].iter().all(|l| {
            l.starts_with("::error ") || l.starts_with("::notice ") || l.starts_with("::warning ")
        });
        if lines.len() != expected || !commands_ok {
            failures.push(format!(
                "{name}: github: {} lines, expected {expected}",
                lines.len()
            ));
        }

        let sarif = sarif::to_value(std::slice::from_ref(&report), &options);
        if sarif["runs"][0]["results"].as_array().map(Vec::len) != Some(n + blockers) {
            failures.push(format!("{name}: sarif results"));
        }

        let fingerprints: BTreeSet<&str> = report
            .changes
            .iter()
            .map(|c| c.fingerprint.as_str())
            .collect();
        if fingerprints.len() != n {
            failures.push(format!("{name}: repeated fingerprint among {n} changes"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
