//! Entry points shared by the fuzz targets (`fuzz/`) and by `tests/fuzz_regressions.rs`, which
//! replays every input the fuzzer ever found under `testdata/fuzz/`. Each one feeds raw bytes
//! through the real pipeline and panics only when an invariant breaks, so a finding reproduces
//! the same way under `cargo fuzz` and under `cargo test`.

use crate::diff::Side;
use crate::error::Error;
use crate::load::{parse, source_from_bytes, LoadOptions, Source};
use crate::model::Manifest;
use crate::report::human::{self, HumanOptions};
use crate::report::{
    compare, compare_loaded, json, load_manifest, load_manifest_with, verdict, Report, UpdateLevel,
};
use crate::sections::{anchor_name_byte, SectionCache};
use yaml_serde::Value;

/// The size limit the harness reads with (the default the CLI uses).
const MAX_BYTES: u64 = crate::load::DEFAULT_MAX_BYTES;

/// A named way to render a report.
pub type Renderer = (&'static str, fn(&Report) -> String);

/// Every output format, rendered from one report. Adding a format is one line here.
pub const RENDERERS: &[Renderer] = &[
    ("json", json::render),
    ("human", |r| human::render(r, &HumanOptions::default())),
    ("human-color-context", |r| {
        human::render(
            r,
            &HumanOptions {
                color: true,
                context: 3,
                fingerprints: Some(crate::rules::Level::Minor),
                verbose: true,
            },
        )
    }),
];

/// An error must be one line (the CLI's contract for exit status 2).
fn check_error(e: &Error) {
    let text = e.to_string();
    assert!(!text.contains('\n'), "error spans lines: {text:?}");
    assert!(!e.file.is_empty(), "error names no file: {text:?}");
}

fn source(name: &str, data: &[u8]) -> Result<Source, Error> {
    source_from_bytes(name.to_string(), data.to_vec(), MAX_BYTES)
}

/// The reader against yaml_serde, its strict oracle: the same value, or both refuse, but for
/// the intended differences (docs/hardening.md): the reader's input limits, which yaml_serde
/// may pass; yaml_serde's alias repetition limit, which the node limit replaces; and an anchor
/// defined twice, which yaml_serde can confuse with another (the reader takes the latest
/// definition, as YAML and Forge's parser do). The value and the error are the same with and
/// without lines, and the lines are shaped like the value and lines of the text.
pub fn reader_agrees(source: &Source) {
    let max_nodes = crate::reader::max_nodes(MAX_BYTES);
    let read = crate::reader::read(&source.text, max_nodes, true);
    let without_lines = crate::reader::read(&source.text, max_nodes, false);
    let value_or_error =
        |r: &crate::reader::ReadResult| r.as_ref().map(|(v, _)| v.clone()).map_err(Clone::clone);
    assert_eq!(
        value_or_error(&read),
        value_or_error(&without_lines),
        "with and without lines"
    );
    if let Ok((value, Some(positions))) = &read {
        assert!(
            positions.root().matches(value),
            "lines not shaped like the value"
        );
    }
    let last_line = source.text.split('\n').count();
    if let Err(e) = &read {
        assert!(
            (1..=last_line).contains(&e.line),
            "error on line {} of {last_line}",
            e.line
        );
    }
    let oracle = yaml_serde::from_str::<Value>(&source.text);
    match (read, oracle) {
        (Ok((value, _)), Ok(expected)) => assert!(
            value == expected || anchor_defined_twice(&source.text),
            "values differ: {}",
            source.name
        ),
        (Err(_), Err(_)) => {}
        (Err(e), Ok(_)) => assert!(
            e.limit
                || (e.message.contains("cannot read this text") && tag_then_comma(&source.text)),
            "the reader refuses what yaml_serde reads: {}: {e:?}",
            source.name
        ),
        (Ok(_), Err(e)) => assert!(
            e.to_string().starts_with("repetition limit exceeded")
                || anchor_defined_twice(&source.text),
            "the reader reads what yaml_serde refuses ({e}): {}",
            source.name
        ),
    }
}

/// Whether some tag may run straight into a `,` (`[!x,]`), where libyaml-safer 0.3.0 panics
/// (upstream issue 7) and the reader refuses the text, while libyaml reads it. Loose like
/// [`anchor_defined_twice`]: a `!` in text can look the same.
fn tag_then_comma(text: &str) -> bool {
    text.match_indices('!').any(|(i, _)| {
        let rest = &text[i..];
        let end = rest.find(|c: char| c.is_whitespace() || c == ',');
        end.is_some_and(|end| rest[end..].starts_with(','))
    })
}

/// Whether some anchor name may be defined twice (`&name` twice; a `&` in text can look the
/// same, which only loosens the check for that text).
fn anchor_defined_twice(text: &str) -> bool {
    let mut seen = std::collections::HashSet::new();
    let bytes = text.as_bytes();
    let anchors = bytes.iter().enumerate().filter(|&(_, &b)| b == b'&');
    anchors.map(|(i, _)| &bytes[i + 1..]).any(|rest| {
        let name = rest.iter().take_while(|&&b| anchor_name_byte(b)).count();
        name > 0 && !seen.insert(&rest[..name])
    })
}

/// How `roa-diff log` loads: without line numbers.
fn log_options() -> LoadOptions {
    LoadOptions {
        lines: false,
        ..LoadOptions::default()
    }
}

/// The section path of `roa-diff log` ([`crate::sections`]) answers only with what the whole
/// parse gives: the value, and the model put together from cached section parts.
pub fn sections_agree(source: &Source) {
    let max_nodes = crate::reader::max_nodes(MAX_BYTES);
    let options = log_options();
    let cache = SectionCache::new();
    if let Some(value) = cache.read(&source.text, max_nodes) {
        match crate::reader::read(&source.text, max_nodes, false) {
            Err(e) => panic!("the section path accepted what the reader refuses: {e:?}"),
            Ok((whole, _)) => assert_eq!(value, whole, "section values differ"),
        }
    }
    // Twice: the second time every part comes from the cache.
    for _ in 0..2 {
        let Some(model) = cache.manifest(&source.text, max_nodes) else {
            return;
        };
        match parse(source, &options).and_then(|d| Manifest::from_document(&d)) {
            Err(e) => panic!("the section model accepted what the whole read refuses: {e}"),
            Ok(whole) => assert_eq!(model, whole, "section models differ"),
        }
    }
}

/// `roa-diff log`'s verdict on two versions loaded through one section cache (the parts they
/// share are the same `Arc`, which the diff skips) is the report's on the two loaded whole.
fn log_verdict_agrees(old: Option<&Source>, new: &Source) {
    let options = log_options();
    let cache = SectionCache::new();
    let shared = |s: &Source| load_manifest_with(s.clone(), &options, Some(&cache)).ok();
    let whole = |s: &Source| load_manifest(s.clone(), &options).expect("loads through the cache");
    let Some(shared_new) = shared(new) else {
        return;
    };
    let shared_old = match old.map(shared) {
        None => None,
        Some(None) => return,
        Some(loaded) => loaded,
    };
    let whole_old = old.map(whole);
    let report = compare_loaded(whole_old.as_ref(), &whole(new));
    let verdict = verdict(shared_old.as_ref().map(|l| &l.model), &shared_new.model);
    assert_eq!(verdict.update, report.update, "log's update level");
    assert_eq!(verdict.roa, report.roa, "log's eligibility change");
    assert_eq!(verdict.changes, report.changes, "log's changes");
}

/// Reads one manifest. When it reads, comparing it with itself must give no change.
pub fn read_one(data: &[u8]) {
    if let Ok(s) = source("m.yml", data) {
        reader_agrees(&s);
        sections_agree(&s);
    }
    let options = LoadOptions::default();
    let read = source("m.yml", data).and_then(|s| {
        let doc = parse(&s, &options)?;
        Manifest::from_document(&doc)?;
        Ok(s)
    });
    match read {
        Err(e) => check_error(&e),
        Ok(s) => match compare(Some(&s), &s, &options) {
            Err(e) => panic!("read alone but not when compared with itself: {e}"),
            Ok(r) => assert!(
                r.update == UpdateLevel::None && r.changes.is_empty(),
                "a manifest differs from itself: {:?}",
                r.changes
            ),
        },
    }
}

/// Splits fuzz input into an old and a new manifest at the first NUL byte; without one, the
/// input is a first release (no old manifest).
fn split(data: &[u8]) -> (Option<&[u8]>, &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (Some(&data[..i]), &data[i + 1..]),
        None => (None, data),
    }
}

fn compare_sources(old: Option<&[u8]>, new: &[u8]) -> Option<Report> {
    let options = LoadOptions::default();
    let result = (|| {
        let old = old.map(|o| source("old.yml", o)).transpose()?;
        let new = source("new.yml", new)?;
        compare(old.as_ref(), &new, &options)
    })();
    result.map_err(|e| check_error(&e)).ok()
}

fn compare_bytes(data: &[u8]) -> Option<Report> {
    let (old, new) = split(data);
    compare_sources(old, new)
}

/// Diffs two manifests. The verdict must be the worst level among the changes, and every
/// change with an inverse rule must come back as that inverse when the update is reversed.
pub fn diff_two(data: &[u8]) {
    let Some(report) = compare_bytes(data) else {
        return;
    };
    let (old, new) = split(data);
    let old = old.map(|o| source("old.yml", o)).transpose();
    if let (Ok(old), Ok(new)) = (old, source("new.yml", new)) {
        log_verdict_agrees(old.as_ref(), &new);
    }
    let worst = report.changes.iter().map(|c| c.level).max();
    assert_eq!(
        report.update,
        UpdateLevel::from(worst),
        "verdict vs changes"
    );
    check_lines(&report);
    let (Some(old), new) = split(data) else {
        return;
    };
    let reverse = compare_sources(Some(new), old).expect("both sides read forward");
    for change in &report.changes {
        if let Some(undo) = change.rule.undone_by() {
            assert!(
                reverse
                    .changes
                    .iter()
                    .any(|c| c.rule == undo && c.path == change.path),
                "{} {} has no {undo} in reverse",
                change.rule,
                change.path
            );
        }
    }
}

/// Every line a report points at is a line of the file it names.
fn check_lines(report: &Report) {
    let last_line = |text: &str| text.lines().count().max(1);
    let changes = report.changes.iter().map(|c| {
        let side = match c.side {
            Side::Old => &report.old,
            Side::New => &report.new,
        };
        (c.line, side, format!("{} {}", c.rule, c.path))
    });
    let reasons = [&report.old, &report.new].into_iter().flat_map(|side| {
        side.reasons
            .iter()
            .map(move |r| (r.line, side, format!("{} {}", r.code, r.path)))
    });
    for (line, side, what) in changes.chain(reasons) {
        if let Some(line) = line {
            let last = last_line(&side.text);
            assert!(
                (1..=last).contains(&line),
                "{what} points at line {line} of a {last}-line file"
            );
        }
    }
}

/// Diffs two manifests and renders the report in every format; JSON must parse back, and
/// lines must be lines of their files (`--context` looks them up).
pub fn render_all(data: &[u8]) {
    let Some(report) = compare_bytes(data) else {
        return;
    };
    check_lines(&report);
    for (name, render) in RENDERERS {
        let text = render(&report);
        assert!(!text.is_empty(), "{name} rendered nothing");
        if *name == "json" {
            let back: serde_json::Value = serde_json::from_str(&text).expect("json parses back");
            assert_eq!(back["verdict"]["update"], report.verdict_update().as_str());
        }
    }
}

/// A hostile or huge input, generated at run time (never committed), with what the CLI must
/// do with it: `roa-diff [args] OLD FILE`, where OLD is [`HOSTILE_OLD`].
pub struct HostileInput {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub args: &'static [&'static str],
    /// Expected exit status.
    pub exit: i32,
    /// For exit 2, a substring of the one-line error; otherwise of the report.
    pub expect: &'static str,
}

/// The manifest hostile inputs are compared with.
pub const HOSTILE_OLD: &str = "app:\n  id: ari:cloud:ecosystem::app/hostile\n";

fn repeat_lines(head: &str, line: impl Fn(usize) -> String, count: usize) -> Vec<u8> {
    let mut text = String::from(head);
    for i in 0..count {
        text.push_str(&line(i));
    }
    text.into_bytes()
}

/// Every hostile input of the hardening issue, plus large valid inputs that once took
/// quadratic time. `tests/hostile.rs` asserts the outcomes; `scripts/bench-hostile.sh`
/// measures time and memory on the same files (written by `examples/write_hostile.rs`).
pub fn hostile_inputs() -> Vec<HostileInput> {
    let mib = 1024 * 1024;
    // Billion laughs: ten levels of nine aliases each, 10^9 strings when expanded.
    let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    // One %TAG prefix of 1 MiB, used 10,000 times: 10 GiB of tag text once expanded.
    let tag_bomb = repeat_lines(
        &format!("%TAG !e! tag:x,2000:{}\n---\n", "p".repeat(mib)),
        |i| format!("k{i}: !e!x v\n"),
        10_000,
    );
    let utf16 = |big_endian: bool, bom: bool| {
        let mut out = Vec::new();
        if bom {
            out.extend(if big_endian {
                [0xFE, 0xFF]
            } else {
                [0xFF, 0xFE]
            });
        }
        for unit in HOSTILE_OLD.encode_utf16() {
            out.extend(if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        out
    };
    let too_deep = "nested more than 100 levels deep";
    vec![
        HostileInput {
            name: "alias-bomb",
            bytes: bomb.into_bytes(),
            args: &[],
            exit: 2,
            expect: "aliases expand to more than 250000 YAML nodes (an alias bomb?)",
        },
        HostileInput {
            name: "nesting-flow-10000",
            bytes: format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
            args: &[],
            exit: 2,
            expect: too_deep,
        },
        HostileInput {
            name: "nesting-flow-mapping-10000",
            bytes: format!("a: {}x{}\n", "{a: ".repeat(10_000), "}".repeat(10_000)).into_bytes(),
            args: &[],
            exit: 2,
            expect: too_deep,
        },
        HostileInput {
            name: "nesting-block-10000",
            bytes: format!("a:\n  {}x\n", "- ".repeat(10_000)).into_bytes(),
            args: &[],
            exit: 2,
            expect: too_deep,
        },
        HostileInput {
            name: "file-100mib",
            bytes: repeat_lines("", |i| format!("# {i:061}\n"), 100 * mib / 64),
            args: &[],
            exit: 2,
            expect: "larger than the 16777216-byte limit (raise it with --max-bytes)",
        },
        HostileInput {
            name: "nul-bytes",
            bytes: vec![0; 4096],
            args: &[],
            exit: 2,
            expect: "contains a NUL byte: not a text file",
        },
        HostileInput {
            name: "utf16le-bom",
            bytes: utf16(false, true),
            args: &[],
            exit: 2,
            expect: "is UTF-16 encoded",
        },
        HostileInput {
            name: "utf16le-no-bom",
            bytes: utf16(false, false),
            args: &[],
            exit: 2,
            expect: "is UTF-16 encoded",
        },
        HostileInput {
            name: "utf16be-bom",
            bytes: utf16(true, true),
            args: &[],
            exit: 2,
            expect: "is UTF-16 encoded",
        },
        HostileInput {
            name: "tag-bomb",
            bytes: tag_bomb,
            args: &[],
            exit: 2,
            expect: "YAML tags expand to more than 65536 bytes (a tag bomb?)",
        },
        HostileInput {
            name: "wrong-type-100000-items",
            bytes: repeat_lines(
                "permissions:\n  scopes:\n",
                |i| format!("    - {i}\n"),
                100_000,
            ),
            args: &[],
            exit: 2,
            expect: ":3: permissions.scopes[0]: expected a string, found a number",
        },
        HostileInput {
            name: "wrong-type-100000-mappings",
            bytes: repeat_lines(
                "permissions:\n  scopes:\n",
                |_| "    - {a: 1}\n".into(),
                100_000,
            ),
            args: &[],
            exit: 2,
            expect: "more than 250000 YAML nodes",
        },
        HostileInput {
            name: "valid-40000-module-types",
            bytes: repeat_lines("modules:\n", |i| format!("  t{i}: []\n"), 40_000),
            args: &["--fail-on", "never"],
            exit: 0,
            expect: "No semantic change",
        },
        HostileInput {
            name: "valid-20000-scopes-context",
            bytes: repeat_lines(
                "permissions:\n  scopes:\n",
                |i| format!("    - s{i}\n"),
                20_000,
            ),
            args: &["--context", "2", "--fail-on", "never"],
            exit: 0,
            expect: "scope `s19999` added",
        },
        HostileInput {
            name: "duplicate-key-after-40000-keys",
            bytes: repeat_lines("", |i| format!("k{i}: 1\n"), 40_000)
                .into_iter()
                .chain(b"k0: 2\n".iter().copied())
                .collect(),
            args: &[],
            exit: 2,
            expect: ":40001: invalid YAML: duplicate entry with key \"k0\"",
        },
    ]
}
