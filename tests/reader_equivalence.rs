//! The reader (`src/reader.rs`) against yaml_serde, its strict oracle (`harness::reader_agrees`):
//! the same value, or both refuse, but for the intended differences of docs/hardening.md; lines
//! shaped like the value. Run over every manifest the project has: the corpus, the fixture
//! cases, the fuzz findings, the hostile inputs, and generated documents.

mod common;

use std::path::Path;

use proptest::prelude::*;
use roa_diff::harness::{self, reader_agrees};
use roa_diff::load::{source_from_bytes, Source};

fn source(name: &str, bytes: Vec<u8>) -> Option<Source> {
    source_from_bytes(name.to_string(), bytes, roa_diff::load::DEFAULT_MAX_BYTES).ok()
}

/// Every file under `dir` (recursively) that is text; how many of them read.
/// `only_yaml`: only `.yml` and `.yaml` files.
fn check_tree(dir: &Path, only_yaml: bool) -> (usize, usize) {
    let (mut files, mut answered) = (0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let yaml = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yml" | "yaml")
            );
            if only_yaml && !yaml {
                continue;
            }
            let Some(s) = source(&path.display().to_string(), std::fs::read(&path).unwrap()) else {
                continue;
            };
            files += 1;
            reader_agrees(&s);
            let max = roa_diff::reader::max_nodes(roa_diff::load::DEFAULT_MAX_BYTES);
            if roa_diff::reader::read(&s.text, max, true).is_ok() {
                answered += 1;
            }
        }
    }
    (files, answered)
}

#[test]
fn fixture_cases_and_fuzz_findings() {
    let (files, answered) = check_tree(&common::root().join("testdata"), false);
    assert!(files > 250, "only {files} files");
    // Most are ordinary manifests; some are error cases.
    assert!(answered * 10 > files * 8, "{answered} of {files}");
}

#[test]
fn corpus() {
    let dir = common::root().join("../shared/corpus");
    if !dir.is_dir() {
        eprintln!("no corpus beside the project: skipped");
        return;
    }
    let (files, answered) = check_tree(&dir, true);
    assert!(files > 300, "only {files} files");
    assert_eq!(answered, files, "every corpus manifest reads");
}

#[test]
fn hostile_inputs() {
    for input in harness::hostile_inputs() {
        if let Some(s) = source(input.name, input.bytes) {
            reader_agrees(&s);
        }
    }
}

#[test]
fn anchors_tags_and_odd_layouts() {
    for text in [
        "a: &x\n  k: 1\nb: *x\n",
        "a: &x # comment\n\n  # more\n  k: 1\nb: *x\n",
        "a:\n  - &i\n    key: a\n  - *i\n",
        "a: &s\n  text\nb: *s\n",
        "a: &e []\nb: &f {}\nc: [*e, *f]\n",
        "a: &x 1\nb: &x 2\nc: *x\n",
        "? [a, b]\n: c\n? {x: 1}\n: d\n",
        "a: |\n  text\n  more\nb: >-\n  folded\n  text\n",
        "a: 'it''s'\nb: \"\\u00e9\\t\"\n",
        "a:\n- 1\n- 2\nb: ~\nc:\n",
        "---\na: 1\n...\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: 1 # c\n# trailing\n",
        "",
        "# only a comment\n",
        "---\n",
        "&r a: 1\n",
        "{a: 1, b: [2, 3]}\n",
        "a: [1,\n  2]\nb: {x:\n  1}\n",
        "1: a\n'1': b\n",
        "a: 1\r\nb:\r\n  - x\r\n",
        "a: \"multi\n  line\"\nb: plain\n  continued\n",
        "a: !!str 1\n",
        "a: &a !t x\nb: *a\n",
        "a: |\n  x\nb: >-\n\n  y\n",
        "- |\n  x\n- >\n\n\n  y\n",
        "a: |\nb: 1\n",
        "a: |\n\n\nb: 1\n",
        "a: |2\n   x\n",
        "a:\n  |\n  x\n",
        "a: | # comment\n  x\n",
        "a: |\n",
        "a: |",
        "k:\n\n\nb: 1\n",
        "- \n- x\n",
        "k: # c\n  # d\nb: 1\n",
        "a: &x\nb: 1\n",
        "a: &x\n",
        "a: &x [&x 1]\nb: *x\n",
        "a: &x {k: &x 1}\nb: *x\nc: &x 2\nd: *x\n",
        "a: &a 1\nb: &b 2\nc: &a 3\nd: &c 4\ne: *a\n",
        // An anchor, then the block scalar's header on a later line (a fuzz finding), and
        // an anchor before an indentation indicator.
        "&x\n|\n  t\n",
        "&x\n>\n#\n",
        "a: &x\n  >\n  text\nb: *x\n",
        "a: &x # c\n\n  |\n  text\n",
        "a: &x >2\n   text\n",
    ] {
        if let Some(s) = source("t.yml", text.as_bytes().to_vec()) {
            reader_agrees(&s);
        }
    }
}

/// Small YAML documents built from pieces a manifest uses (and some it should not).
fn yaml_doc() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        Just("x".to_string()),
        Just("1".to_string()),
        Just("-0x1f".to_string()),
        Just("1.5e3".to_string()),
        Just("~".to_string()),
        Just("true".to_string()),
        Just("'q'".to_string()),
        Just("\"d\\n\"".to_string()),
        Just("https://a.example.com/x".to_string()),
        Just("007".to_string()),
        Just("".to_string()),
        "[a-z]{1,4}".prop_map(|s| s),
    ];
    let key = prop_oneof![Just("k"), Just("key"), Just("1"), Just("'k'"), Just("url")];
    let line = (0usize..4, key, scalar, 0usize..14).prop_map(|(indent, key, scalar, form)| {
        let pad = "  ".repeat(indent);
        match form {
            0 => format!("{pad}{key}: {scalar}\n"),
            1 => format!("{pad}- {scalar}\n"),
            2 => format!("{pad}{key}:\n"),
            3 => format!("{pad}- {key}: {scalar}\n"),
            4 => format!("{pad}{key}: &a{indent} {scalar}\n{pad}x{indent}: *a{indent}\n"),
            5 => format!("{pad}{key}: |\n{pad}  {scalar} text\n\n{pad}  more\n"),
            6 => format!("{pad}- >-\n\n{pad}  {scalar}\n"),
            7 => format!(
                "{pad}{key}: &m{indent} # c\n\n{pad}  k: {scalar}\n{pad}y{indent}: *m{indent}\n"
            ),
            8 => format!("{pad}{key}: [a, {{b: {scalar}}}, ]\n"),
            9 => format!("{pad}-\n"),
            10 => format!("{pad}{key}: |\n"),
            11 => format!("{pad}{key}: '{scalar}\n{pad}  continued'\n"),
            12 => format!("{pad}? {key}\n{pad}: {scalar}\n"),
            _ => format!("{pad}# {scalar}\n"),
        }
    });
    prop::collection::vec(line, 1..12).prop_map(|lines| lines.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]
    #[test]
    fn generated_documents(text in yaml_doc()) {
        if let Some(s) = source("g.yml", text.into_bytes()) {
            reader_agrees(&s);
        }
    }
}
