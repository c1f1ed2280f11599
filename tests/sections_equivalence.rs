//! The section path (`src/sections.rs`) against yaml_serde, the parser of record: wherever it
//! answers, the value must be yaml_serde's for the whole text, and it must not answer for a
//! text yaml_serde refuses. Also the whole document (`${VAR}` interpolation, the mapping
//! check, errors) against `load::parse` without lines. Run over the corpus, the fixture cases,
//! hand-written cuts that a naive split would get wrong, and generated texts; one cache serves
//! each test, so that sections parsed for one text are reused for the next.

mod common;

use std::path::Path;
use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use roa_diff::load::{parse, source_from_bytes, LoadOptions, Source};
use roa_diff::model::Manifest;
use roa_diff::report::{compare_loaded, load_manifest, load_manifest_with, verdict};
use roa_diff::sections::SectionCache;
use yaml_serde::Value;

fn max_nodes() -> u64 {
    roa_diff::reader::max_nodes(roa_diff::load::DEFAULT_MAX_BYTES)
}

fn options() -> LoadOptions {
    LoadOptions {
        lines: false,
        vars: [("FROM_VAR".to_string(), "v".to_string())].into(),
        ..LoadOptions::default()
    }
}

/// Checks one text; whether the section path answered.
fn agrees(cache: &SectionCache, text: &str) -> bool {
    let whole = yaml_serde::from_str::<Value>(text);
    let answered = cache.read(text, max_nodes());
    match (&answered, &whole) {
        (Some(sections), Ok(whole)) => assert_eq!(sections, whole, "{text:?}"),
        (Some(sections), Err(e)) => {
            panic!("answered {sections:?} where yaml_serde refuses ({e}): {text:?}")
        }
        (None, _) => {}
    }
    // Twice: the second time every section comes from the cache.
    assert_eq!(cache.read(text, max_nodes()), answered, "{text:?}");
    let source = Source {
        name: "m.yml".into(),
        text: text.into(),
    };
    let expected = parse(&source, &options()).map(|d| (d.value, d.warnings));
    let got = roa_diff::sections::parse(&source, &options(), cache).map(|d| (d.value, d.warnings));
    match (expected, got) {
        (Ok(e), Ok(g)) => assert_eq!(e, g, "{text:?}"),
        (Err(e), Err(g)) => assert_eq!(e.to_string(), g.to_string(), "{text:?}"),
        (e, g) => panic!("load::parse {e:?}, section path {g:?}: {text:?}"),
    }
    model_agrees(cache, &source, answered.as_ref());
    answered.is_some()
}

/// The model put together from cached section parts against the model read from the whole
/// document: equal wherever the section path answers, and it answers wherever the value path
/// does, unless an `environment` section needs the whole value. Asked again, it shares every
/// part (the same `Arc`) with the first answer.
fn model_agrees(cache: &SectionCache, source: &Source, value: Option<&Value>) {
    let text = &source.text;
    let whole = parse(source, &options()).and_then(|d| Manifest::from_document(&d));
    let model = cache.manifest(text, max_nodes());
    match (&model, &whole) {
        (Some(m), Ok(w)) => assert_eq!(m, w, "{text:?}"),
        (Some(m), Err(e)) => panic!("model {m:?} where the whole document fails ({e}): {text:?}"),
        (None, Ok(_)) => assert!(
            value.is_none_or(|v| v.get("environment").is_some()),
            "the value path answered but the model path did not: {text:?}"
        ),
        (None, Err(_)) => {}
    }
    let (Some(first), Some(value)) = (model, value) else {
        return;
    };
    let again = cache.manifest(text, max_nodes()).expect("answers again");
    let shared = [
        ("app", Arc::ptr_eq(&first.app, &again.app)),
        (
            "permissions",
            Arc::ptr_eq(&first.permissions, &again.permissions),
        ),
        ("remotes", Arc::ptr_eq(&first.remotes, &again.remotes)),
        ("providers", Arc::ptr_eq(&first.providers, &again.providers)),
        ("modules", Arc::ptr_eq(&first.modules, &again.modules)),
        (
            "connectModules",
            Arc::ptr_eq(&first.connect_modules, &again.connect_modules),
        ),
    ];
    for (key, shared) in shared {
        let present = value.get(key).is_some_and(|v| !v.is_null());
        assert_eq!(shared, present, "part {key} of {text:?}");
    }
}

/// Every `.yml` under `dir`, recursively, read as the CLI reads it; (files, answered).
fn check_tree(cache: &SectionCache, dir: &Path, keep: impl Fn(&Path) -> bool) -> (usize, usize) {
    let (mut files, mut answered) = (0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if !keep(&path) {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let name = path.display().to_string();
            let Ok(source) = source_from_bytes(name, bytes, roa_diff::load::DEFAULT_MAX_BYTES)
            else {
                continue;
            };
            files += 1;
            answered += usize::from(agrees(cache, &source.text));
        }
    }
    (files, answered)
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yml" | "yaml")
    )
}

#[test]
fn fixture_cases() {
    let cache = SectionCache::new();
    let old_or_new = |p: &Path| {
        matches!(
            p.file_name().and_then(|n| n.to_str()),
            Some("old.yml" | "new.yml")
        )
    };
    let (files, answered) = check_tree(&cache, &common::root().join("testdata/cases"), old_or_new);
    assert!(files > 200, "only {files} files");
    // Most cases are ordinary manifests: the section path must answer for them.
    assert!(answered * 10 > files * 6, "{answered} of {files}");
    // Every other fixture too (fuzz findings, hostile inputs): it must answer right or not.
    check_tree(&cache, &common::root().join("testdata"), |_| true);
}

#[test]
fn corpus() {
    let Some(dir) = common::corpus_dir() else {
        println!("note: ../shared/corpus/INDEX.tsv not found; corpus test skipped");
        return;
    };
    let cache = SectionCache::new();
    let (files, answered) = check_tree(&cache, &dir, is_yaml);
    println!("corpus: section path answered for {answered} of {files} manifests");
    assert!(answered * 2 > files, "{answered} of {files}");
}

#[test]
fn modules_read_by_entry() {
    // (text, whether the `modules` section is read one entry at a time); `agrees` checks each
    // against the whole parse either way.
    let cases: &[(&str, bool)] = &[
        ("modules:\n  function:\n    - key: a\n      handler: x\n  webtrigger:\n    - key: w\n      response:\n        type: static\napp:\n  id: x\n", true),
        // A sequence at the key's indentation, comments anywhere, another indentation.
        ("modules:\n  function:\n  - key: a\n  trigger:\n  - key: t\n", true),
        ("modules: # m\n  # c\n\n  function:\n    - key: a\n# col0\n    # deeper\n  sql:\n    - key: s\n      dareCompliant: true\n", true),
        ("modules:\n    function:\n        - key: a\n    trigger:\n        - key: t\n", true),
        // Keys of other types as written, quoted keys, empty lists, continuation lines.
        ("modules:\n  1:\n    - key: a\n  true:\n    - key: b\n", true),
        ("modules:\n  \"jira:issuePanel\":\n    - key: p\n  'x y':\n    - key: q\n", true),
        ("modules:\n  function:\n  trigger: ~\n  sql: []\n", true),
        ("modules:\n  function:\n    - key: a\n      handler: x\n        y\n", true),
        // Cut inside a quoted scalar, flow collections, `?` keys, less indentation, a repeated
        // type, a null key, a wrong type, a sequence after the list: the whole section.
        ("modules:\n  function: \"a\n  trigger: b\"\n", false),
        ("modules:\n  {function: []}\n", false),
        ("modules:\n  ? function\n  : []\n", false),
        ("modules:\n    function:\n      - key: a\n  trigger:\n    - key: t\n", false),
        ("modules:\n  function:\n    - key: a\n  function:\n    - key: b\n", false),
        ("modules:\n  null:\n    - key: a\n", false),
        ("modules:\n  function: 3\n", false),
        ("modules:\n  function:\n    - key: a\n  - key: b\n", false),
        // The header: a value on it, another key, nothing under it.
        ("modules: {}\n", false),
        ("modules: []\n", false),
        ("modules:x: 1\n", false),
        ("modules:\n", false),
        ("modules:\n# only a comment\n", false),
        ("modules:\n- key: a\n", false),
        // Nor are the header's comment and the comments before the first entry.
        ("modules: # \u{1}\n  function:\n    - key: a\n", false),
        ("modules:\n  # \u{7f}\n  function:\n    - key: a\n", false),
        ("modules: # é\n  # \u{a0}\n  function:\n    - key: a\n", true),
    ];
    for (text, by_entry) in cases {
        let cache = SectionCache::new();
        agrees(&cache, text);
        assert_eq!(cache.stats().modules_by_entry > 0, *by_entry, "{text:?}");
    }
    // Adding a module parses its type's list again, not the other types'.
    let cache = SectionCache::new();
    let v1 = "app:\n  id: x\nmodules:\n  function:\n    - key: a\n  trigger:\n    - key: t\n      events: [e]\n";
    let v2 = v1.replace("    - key: a\n", "    - key: a\n    - key: b\n");
    let first = cache.manifest(v1, max_nodes()).unwrap();
    let before = cache.stats().parsed;
    let second = cache.manifest(&v2, max_nodes()).unwrap();
    assert_eq!(cache.stats().parsed - before, 1, "only the function list");
    assert_eq!(second.modules.modules.len(), 3);
    assert!(Arc::ptr_eq(&first.app, &second.app));
    assert!(!Arc::ptr_eq(&first.modules, &second.modules));
}

#[test]
fn tricky_texts() {
    let cache = SectionCache::new();
    // (text, whether the section path answers)
    let cases: &[(&str, bool)] = &[
        ("app:\n  id: x\nmodules:\n  a: 1\n", true),
        // Quoted and flow scalars continuing at column 0: the cut halves do not parse alone.
        ("a: \"one\ntwo: three\"\nb: 1\n", false),
        ("a: 'one\ntwo: three'\nb: 1\n", false),
        ("a: [1,\nb, c]\n", false),
        ("a: {x: 1,\nb: 2}\n", false),
        ("a: \"x\n\"\n", false),
        ("\"a\nb\": 1\n", false),
        // Plain scalars end at column 0 in the whole text too.
        ("a: one\ntwo\n", false),
        ("a: one\ntwo: 2\n", true),
        // Several documents, document markers, directives.
        ("a: 1\n---\nb: 2\n", false),
        ("---\na: 1\n", false),
        ("a: 1\n...\n", false),
        ("a: 1\n...\nb: 2\n", false),
        ("%YAML 1.1\n---\na: 1\n", false),
        // Duplicate top-level keys: yaml_serde's error, from the whole parse.
        ("a: 1\nb: 2\na: 3\n", false),
        ("a: 1\n\"a\": 2\n", false),
        ("1: x\n\"1\": y\n", true),
        // Block scalars followed by a column-0 key, all chompings.
        ("a: |\n  x\n\n\nb: 1\n", true),
        ("a: |+\n  x\n\n\nb: 1\n", true),
        ("a: >-\n  x\n  y\n\nb: 1\n", true),
        ("a: |\n  x\n# not a comment? it is: column 0\nb: |+\n  y\n\n", true),
        ("a: |2\n   x\nb: 1", true),
        // Comments, blank lines, no final line break.
        ("# head\n\n  # indented\napp: 1 # tail\n# mid\n\nb: 2", true),
        ("  x: 1\na: 1\n", false),
        // Block sequences at column 0 under a key; a sequence before any key.
        ("a:\n- 1\n-\n- - 2\nb: x\n", true),
        ("- 1\na: 2\n", false),
        ("a: x\n- 1\n", false),
        // Empty values, also at the end of a section or of the text.
        ("a:\nb:\nc: ~\n", true),
        ("a:\n", true),
        ("a: ~\nb: \"\"\nc: []\n", true),
        // `&` in text is no anchor; anchors and aliases take the whole parse.
        ("a: \"x & y\"\nb: p & q\n", true),
        ("a: &x 1\nb: *x\n", false),
        ("a: &x [1]\nb: &x 2\nc: *x\n", false),
        ("a: *x\n", false),
        // A tag inside a section reads there as in the whole (the reader reads tags).
        ("a: !!str 1\n", true),
        ("a: !t [1]\nb: !t x\n", true),
        // Not a mapping, flow at column 0, complex keys, tabs, CR.
        ("a\n", false),
        ("{a: 1}\n", false),
        ("? a\n: 1\n", false),
        ("a:\n\t- 1\n", false),
        ("a: 1\r\nb: 2\r\n", false),
        ("a: 1\u{2028}b: 2\n", false),
        ("a: x\u{85}y\nb: 1\n", false),
        ("a: é — ü \u{2027}\u{85}\n", false),
        ("a: é — ü \u{2027}\nb: \"\u{a0}\"\n", true),
        ("", false),
        ("# nothing\n", false),
        // Comments before the first key are in no section, and libyaml refuses some characters
        // even there (fuzz finding): C0 controls, DEL, C1 controls but NEL.
        ("# \u{1}\napp: 1\n", false),
        ("  # \u{7f}\napp: 1\n", false),
        ("# \u{80}\napp: 1\n", false),
        ("# fine: é \u{a0} \u{fffd} \u{1f600}\napp: 1\n", true),
        // Bad indentation inside a section fails alone as in the whole.
        ("a:\n    b: 1\n  c: 2\nd: 3\n", false),
        ("a: b: c\n", false),
        // Interpolation: declared variables, with and without value, across sections.
        (
            "environment:\n  variables:\n    - FROM_VAR\n    - key: WITH_DEFAULT\n      default: d\n    - UNSET\nremotes:\n  - key: r\n    baseUrl: https://${FROM_VAR}.${WITH_DEFAULT}.${UNSET}\n",
            true,
        ),
        ("environment:\n  variables: 3\n", true),
        // Scalars that are keys of other types.
        ("true: 1\n1.5: 2\nnull: 3\n", true),
        ("'q''s': 1\n_u: 2\n", true),
    ];
    for (text, answers) in cases {
        assert_eq!(agrees(&cache, text), *answers, "{text:?}");
    }
}

/// A line from pieces that make or break a cut: keys, continuations, sequences, quotes, flow
/// collections, block scalars, documents, anchors, comments.
fn line() -> impl Strategy<Value = String> {
    // Mostly lines that keep a text valid, so that the section path often answers and its
    // answers get compared; the rest are there to be cut.
    let ordinary = prop::sample::select(vec![
        "a: 1",
        "b: x & y",
        "c:",
        "\"d\": |",
        "'e': [1, 2]",
        "f: {k: v}",
        "g: >-",
        "  x: 1",
        "  - y",
        "  y: |+",
        "    text",
        "- item",
        "-",
        "# comment",
        "",
        "  # c",
        // A `modules` section is also read one entry (module type) at a time.
        "modules:",
        "  function:",
        "    - key: k",
        "  webtrigger:",
        "  - key: w",
        "      response: {type: static}",
        "    x: 1",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        3 => ordinary,
        1 => prop::sample::select(vec!["a", "b", "c", "\"a\"", "'b'", "_c", "1", "modules", "  sql", "  1", "  \"t\""]).prop_flat_map(|key| {
            prop::sample::select(vec![
                "", " 1", " x y", " |", " |+", " >-", " \"q", " 'q", " [1,", " {k: v,", " [1]",
                " &n 1", " *n", " x & y", " # c", " ~", " \"\"",
            ])
            .prop_map(move |v| format!("{key}:{v}"))
        }),
        1 => prop::sample::select(vec![
            "  x: 1",
            "  - y",
            "    z",
            "  w",
            "  \"",
            "  ]",
            "  }",
            "  y: |",
            "   deeper",
            "- item",
            "-",
            "- - n",
            "-x",
            "# comment",
            "",
            "  # c",
            "---",
            "...",
            "a",
            "\"",
            "'",
            "]",
            "? k",
            ": v",
            "%YAML 1.1",
            "  x: &m 2",
            "  y: *m",
            "x\tz",
        ])
        .prop_map(str::to_string),
    ]
}

fn text() -> impl Strategy<Value = String> {
    (prop::collection::vec(line(), 1..14), any::<bool>()).prop_map(|(lines, end)| {
        let mut text = lines.join("\n");
        if end {
            text.push('\n');
        }
        text
    })
}

fn shared_cache() -> &'static SectionCache {
    static CACHE: OnceLock<SectionCache> = OnceLock::new();
    CACHE.get_or_init(SectionCache::new)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]

    #[test]
    fn generated_texts(text in text()) {
        agrees(shared_cache(), &text);
    }

    /// Versions of a real manifest with a few lines removed or repeated, as a history has
    /// them: the cache holds the sections of the earlier versions.
    #[test]
    fn edited_manifests(case in 0usize..1000, edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..3), 1..4)) {
        let cases = fixture_texts();
        let mut lines: Vec<String> = cases[case % cases.len()].lines().map(str::to_string).collect();
        for (at, how) in edits {
            if lines.is_empty() {
                break;
            }
            let i = at.index(lines.len());
            match how {
                0 => { lines.remove(i); }
                1 => { let l = lines[i].clone(); lines.insert(i, l); }
                _ => lines[i] = lines[i].trim_start().to_string(),
            }
        }
        agrees(shared_cache(), &(lines.join("\n") + "\n"));
    }
}

/// The fixture manifests, read once.
fn fixture_texts() -> &'static [String] {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let mut out = Vec::new();
        let dir = common::root().join("testdata/cases");
        for case in std::fs::read_dir(dir).unwrap().flatten() {
            for side in ["old.yml", "new.yml"] {
                if let Ok(text) = std::fs::read_to_string(case.path().join(side)) {
                    out.push(text);
                }
            }
        }
        out.sort();
        out
    })
}

/// Whether `log`'s verdict on a pair loaded through one cache (the parts both versions share
/// are the same `Arc`, and the diff skips them) is the report's on the pair loaded the whole
/// way: update level, eligibility change and every change, in order. `None`: a side fails to
/// load (both ways, checked above). `Some(true)`: the versions shared at least one part.
fn verdict_agrees(cache: &SectionCache, old: &str, new: &str) -> Option<bool> {
    let source = |name: &str, text: &str| Source {
        name: name.into(),
        text: text.into(),
    };
    let (old, new) = (source("old.yml", old), source("new.yml", new));
    let shared_old = load_manifest_with(old.clone(), &options(), Some(cache)).ok()?;
    let shared_new = load_manifest_with(new.clone(), &options(), Some(cache)).ok()?;
    let whole_old = load_manifest(old, &options()).unwrap();
    let whole_new = load_manifest(new, &options()).unwrap();
    let (a, b) = (&shared_old.model, &shared_new.model);
    for (old, report) in [
        (Some(a), compare_loaded(Some(&whole_old), &whole_new)),
        (None, compare_loaded(None, &whole_new)),
    ] {
        let got = verdict(old, b);
        assert_eq!(got.update, report.update, "{}", whole_new.source.text);
        assert_eq!(got.roa, report.roa, "{}", whole_new.source.text);
        assert_eq!(got.changes, report.changes, "{}", whole_new.source.text);
    }
    Some(
        Arc::ptr_eq(&a.app, &b.app)
            || Arc::ptr_eq(&a.permissions, &b.permissions)
            || Arc::ptr_eq(&a.remotes, &b.remotes)
            || Arc::ptr_eq(&a.providers, &b.providers)
            || Arc::ptr_eq(&a.modules, &b.modules)
            || Arc::ptr_eq(&a.connect_modules, &b.connect_modules),
    )
}

/// [`verdict_agrees`] on each pair, through one cache; at least `min` pairs must load, and
/// more than half of them share a part (so that skipping shared parts is what is tested).
fn verdicts_agree(what: &str, pairs: impl Iterator<Item = (String, String)>, min: usize) {
    let cache = SectionCache::new();
    let (mut loaded, mut sharing) = (0, 0);
    for (old, new) in pairs {
        if let Some(shared) = verdict_agrees(&cache, &old, &new) {
            loaded += 1;
            sharing += usize::from(shared);
        }
    }
    println!("{what}: {loaded} pairs, {sharing} sharing a part");
    assert!(
        loaded > min && sharing * 2 > loaded,
        "{what}: {loaded} pairs, {sharing} sharing"
    );
}

#[test]
fn verdicts_on_shared_parts_are_the_reports_on_fixture_cases() {
    let cases = std::fs::read_dir(common::root().join("testdata/cases")).unwrap();
    let pairs = cases.flatten().filter_map(|case| {
        let read = |side: &str| std::fs::read_to_string(case.path().join(side)).ok();
        Some((read("old.yml")?, read("new.yml")?))
    });
    verdicts_agree("fixture cases", pairs, 100);
}

#[test]
fn verdicts_on_shared_parts_are_the_reports_on_the_corpus() {
    let Some(dir) = common::corpus_dir() else {
        println!("note: ../shared/corpus/INDEX.tsv not found; corpus test skipped");
        return;
    };
    let read = |file: &str| std::fs::read_to_string(dir.join(file)).unwrap();
    let pairs = common::corpus_pairs(&dir).into_iter();
    verdicts_agree(
        "corpus",
        pairs.map(|(old, new)| (read(&old), read(&new))),
        300,
    );
}
