//! The benchmark generator's pairs (benches/support/generate.rs) through the whole pipeline:
//! every change the generator made is found, with the rule it expects, and nothing else; no
//! warnings. At a fifth of the large benchmark's size, this also checks that nothing is lost or
//! invented when manifests have tens of thousands of entries.

#[path = "../benches/support/generate.rs"]
mod generate;

use std::collections::BTreeMap;

use roa_diff::load::{LoadOptions, Source};
use roa_diff::report::compare;

fn rule_counts(pair: &generate::Pair) -> BTreeMap<String, usize> {
    let source = |name: &str, text: &str| Source {
        name: name.into(),
        text: text.into(),
    };
    let report = compare(
        Some(&source("old.yml", &pair.old)),
        &source("new.yml", &pair.new),
        &LoadOptions::default(),
    )
    .unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    // Every change points at a line of the file it is in.
    for c in &report.changes {
        assert!(c.line.is_some(), "{} has no line", c.path);
    }
    let mut counts = BTreeMap::new();
    for c in &report.changes {
        *counts.entry(c.rule.as_str().to_string()).or_insert(0) += 1;
    }
    counts
}

fn expected(pair: &generate::Pair) -> BTreeMap<String, usize> {
    pair.expected
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect()
}

#[test]
fn typical_pair_changes_are_found() {
    let pair = generate::pair(&generate::Shape::typical());
    assert!(
        (2_000..10_000).contains(&pair.new.len()),
        "{}",
        pair.new.len()
    );
    assert_eq!(rule_counts(&pair), expected(&pair));
}

#[test]
fn large_pair_changes_are_found() {
    let full = generate::Shape::large(1);
    let shape = generate::Shape {
        egress: full.egress / 5,
        modules: full.modules / 5,
        remotes: full.remotes / 5,
        webtriggers: full.webtriggers / 5,
        providers: full.providers / 5,
        ..full
    };
    let pair = generate::pair(&shape);
    let counts = rule_counts(&pair);
    assert!(counts.values().sum::<usize>() > 50, "{counts:?}");
    assert_eq!(counts, expected(&pair));
}

#[test]
fn unchanged_pair_has_no_changes() {
    let shape = generate::Shape {
        change_one_in: 0,
        ..generate::Shape::typical()
    };
    let pair = generate::pair(&shape);
    assert_eq!(pair.old, pair.new);
    assert!(pair.expected.is_empty());
    assert!(rule_counts(&pair).is_empty());
}
