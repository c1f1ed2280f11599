//! Deterministic generator of a manifest's history for benchmark target 3 (`roa-diff log`
//! against `git log -p`, benches/run.sh) and for tests/log_generated.rs.
//!
//! Version 0 is the typical generated manifest (generate.rs); every later version changes it
//! in one of six ways, by turns, so each commit's verdict is known here, independently of
//! roa-diff. Every version also carries its own `# revision N` line, so no two versions are the
//! same blob: the worst case for the blob caches, and what "each commit changes the manifest"
//! means. The manifest stays about the same size however long the history is.

use std::fmt::Write;

#[path = "generate.rs"]
mod generate;

/// One version of the manifest and what its commit does, as `roa-diff log` should report it.
pub struct Version {
    pub subject: String,
    pub text: String,
    /// Against the previous version. The first version is a first release (`first-release`), with a rule
    /// for each part of the manifest, left out of `rules` (empty).
    pub update: &'static str,
    pub rules: &'static [&'static str],
}

/// Where an added egress address goes: the start of the `fetch.backend` list.
const EGRESS_ANCHOR: &str = "    fetch:\n      backend:\n";
/// Where an added module goes: the start of the `function` modules.
const MODULE_ANCHOR: &str = "  function:\n";
/// The base URL that the sixth kind of change re-points, and back.
const REMOTE_URL: &str = "baseUrl: https://r0.backend.example.net\n";
const REMOTE_URL_MOVED: &str = "baseUrl: https://r0-moved.backend.example.net\n";

/// The first `count` versions of the history, oldest first.
pub fn versions(count: usize) -> Vec<Version> {
    let base = generate::pair(&generate::Shape::typical()).old;
    for anchor in [EGRESS_ANCHOR, MODULE_ANCHOR, REMOTE_URL] {
        assert_eq!(base.matches(anchor).count(), 1, "anchor {anchor:?}");
    }
    // What the six kinds of change toggle.
    let mut egress: Option<usize> = None;
    let mut module: Option<usize> = None;
    let mut moved = false;
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let (subject, update, rules): (String, &'static str, &'static [&'static str]) =
            match (i, i % 6) {
                (0, _) => ("first release".into(), "first-release", &[]),
                (_, 1) => {
                    egress = Some(i);
                    (
                        format!("call hist-{i}.example.com"),
                        "major",
                        &["egress-added"],
                    )
                }
                (_, 2) => (format!("revision {i}: comment only"), "none", &[]),
                (_, 3) => {
                    module = Some(i);
                    (format!("add function hist-{i}"), "minor", &["module-added"])
                }
                (_, 4) => {
                    egress = None;
                    ("stop calling hist".into(), "minor", &["egress-removed"])
                }
                (_, 5) => {
                    module = None;
                    ("remove function hist".into(), "minor", &["module-removed"])
                }
                _ => {
                    moved = !moved;
                    (
                        "re-point remote-0".into(),
                        "major",
                        // provider-0 uses remote-0.
                        &["remote-url-changed", "provider-url-removed"],
                    )
                }
            };
        let mut text = String::with_capacity(base.len() + 256);
        let _ = writeln!(text, "# revision {i}");
        let mut rest = base.as_str();
        // In document order: modules come before permissions.
        for (anchor, insert) in [
            (
                MODULE_ANCHOR,
                module.map(|n| format!("    - key: hist-{n}\n      handler: index.hist{n}\n")),
            ),
            (
                EGRESS_ANCHOR,
                egress.map(|n| format!("        - https://hist-{n}.example.com\n")),
            ),
        ] {
            let at = rest.find(anchor).expect("checked above") + anchor.len();
            text.push_str(&rest[..at]);
            text.push_str(insert.as_deref().unwrap_or(""));
            rest = &rest[at..];
        }
        text.push_str(rest);
        if moved {
            text = text.replacen(REMOTE_URL, REMOTE_URL_MOVED, 1);
        }
        out.push(Version {
            subject,
            text,
            update,
            rules,
        });
    }
    out
}

/// A `git fast-import` stream of the history: one commit per version on `refs/heads/main`, each
/// writing `manifest.yml`, with fixed authors and dates one hour apart.
pub fn fast_import_stream(versions: &[Version]) -> String {
    let mut out = String::new();
    for (i, v) in versions.iter().enumerate() {
        let when = 1_700_000_000 + i * 3600;
        let _ = write!(
            out,
            "commit refs/heads/main\nmark :{mark}\nauthor Bench <bench@example.com> {when} +0000\ncommitter Bench <bench@example.com> {when} +0000\ndata {len}\n{subject}\n",
            mark = i + 1,
            len = v.subject.len() + 1,
            subject = v.subject,
        );
        if i > 0 {
            let _ = writeln!(out, "from :{i}");
        }
        let _ = write!(
            out,
            "M 100644 inline manifest.yml\ndata {}\n{}\n",
            v.text.len(),
            v.text
        );
    }
    out
}
