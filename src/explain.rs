//! Text generated from the rule and reason-code declarations: `roa-diff rules`,
//! `roa-diff explain ID`, and `docs/rules.md` (a test keeps the file in step).

use std::fmt::Write;

use crate::roa::{reason_code, REASON_CODES};
use crate::rules::{Basis, RuleId, RULES};

/// Decisions roa-diff makes where Atlassian's sources are silent (SPEC §5 and our own).
pub const DECISIONS: &[(&str, &str)] = &[
    ("Reading", "YAML 1.2 (`yes`/`on` are strings), one document, duplicate keys are an error, anchors and aliases resolve, the `<<` merge key is NOT applied (Forge's parser does not apply it)."),
    ("Types", "Every key the model reads is type-checked, scalars included: `inScopeEUD: \"false\"`, `dareCompliant: yes` or `key: 123` are errors naming the file, line and key path. A known key whose value is `null` counts as absent. Unknown keys are kept and ignored."),
    ("Required keys", "A remote, provider, web trigger or module without `key` is an error; an egress object needs exactly one of `address` and `remote`."),
    ("Empty files", "An empty file, or one with only comments, is an empty manifest (Forge itself crashes on it). A missing old manifest (first release) is compared as an empty manifest."),
    ("Variables", "`${NAME}` in string values (never keys) is replaced when NAME is declared under `environment.variables`: `--var NAME=VALUE` first, then the process environment, only for names the user allowed (`--env NAME`, or `env:` in the trusted accept file; a variable set to an empty string counts as set, as in Forge), then the declared default. A declared variable with no value stays literal with a warning; an undeclared `${X}` stays literal. An address built from a variable therefore compares as the default on one side and as the literal `${NAME}` on the other when only one side can resolve it (an egress-added/removed pair, seen in the corpus): pass `--var NAME=VALUE` for the verdict of a real deploy."),
    ("Addresses", "Trimmed; no scheme means https://; scheme and host lower-cased (Forge's runtime matcher is case-sensitive, but hosts are case-insensitive in DNS and the CLI's own reader lower-cases them); no trailing `/` on a bare host; for fetch.backend only scheme and host count. Text that is not a URL (a literal `${NAME}`) gets what applies and is compared as text."),
    ("Wildcards", "Compared as text: api.example.com added beside *.example.com, or any address added beside a bare `*`, is still egress-added (the consent check is not known to expand wildcards), and the message names the covering wildcard. A bare `*` is reported as ANY domain."),
    ("App id", "`app.id` is not compared, but when both sides have one and they differ, a warning says the two files look like different apps (seen in the corpus when a repository re-creates its app): the verdict is still computed as if the new one updated the old."),
    ("Renamed parts", "Identity is the key, so a remote, web trigger or module whose key changes is one removal and one addition, even with the same URL or function (a remote renamed from `connect` to `dx-ssr` is remote-added, major)."),
    ("Categories", "Compared case-insensitively everywhere, RoA included. Forge's schema accepts only lower-case `analytics`, so `ANALYTICS` (which appears in Atlassian's own examples) gets a warning."),
    ("Repeated identities", "Two entries with one identity in one manifest (two remotes with one key): the first is diffed, with a warning; RoA reasons look at every entry. Egress entries that normalize to the same identity warn only when their category or inScopeEUD differ (fetch.backend entries that differ only by path are common and harmless)."),
    ("Remote base URLs", "Compared as written after interpolation, with no address normalization; a string and a region map always differ."),
    ("Remote operations", "No `operations` list means every operation (storage, compute, fetch, other). Dropping the list is one remote-operation-added on `operations`; adding a list is one remote-operation-removed; otherwise one change per operation. storage.inScopeEUD counts only while the remote has the storage operation on both sides."),
    ("Providers", "A provider's remotes are its `remotes` list and every `actions.*.remote`. A used remote that is removed from `remotes` gives both remote-removed and provider-url-removed; re-pointing it gives remote-url-changed and provider-url-removed. Adding a remote to a provider is no change."),
    ("Uncovered fields", "Fields no rule covers produce no change: a web trigger's function, a remote's auth tokens, a provider's integration, `app.connect.remote`, scope options such as allowImpersonation."),
    ("Web triggers", "Static only when `response.type` is exactly `static`; without `response.type` a web trigger is dynamic."),
    ("Reported once", "A part that appears or disappears is reported once, as added or removed; its fields are not reported again."),
    ("Lines", "1-based. An entry's line is where the entry starts, a field's line is its key's line, a removal's line is in the old file, and through an alias it is the anchored node's line."),
    ("What Forge would reject", "roa-diff still gives a verdict but warns, for the new manifest, about what Forge's own validators refuse: http:// egress (Forge accepts https:// and wss://), a `{remote: KEY}` egress entry or a provider remote naming no remote, and a category other than lower-case `analytics`."),
    ("HAS_EXPOSED_CREDENTIALS", "Forge's CLI only displays this code (the server computes eligibility), and it may stem from an app-level setting that the manifest does not show. roa-diff reports it for remotes with app tokens enabled, marked inferred."),
];

/// `roa-diff rules`: one line per rule and reason code.
pub fn rules_table() -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{:<30} {:<6} {:<9} summary", "rule", "level", "basis");
    for r in RULES {
        let _ = writeln!(
            out,
            "{:<30} {:<6} {:<9} {}",
            r.id.as_str(),
            r.level.as_str(),
            r.basis.as_str(),
            r.summary
        );
    }
    let _ = writeln!(
        out,
        "\n{:<37} {:<9} holds when",
        "Runs on Atlassian reason", "basis"
    );
    for c in REASON_CODES {
        let _ = writeln!(out, "{:<37} {:<9} {}", c.code, c.basis.as_str(), c.summary);
    }
    out
}

fn basis_line(basis: Basis) -> String {
    format!("{} ({})", basis.as_str(), basis.meaning())
}

/// `roa-diff explain ID`: one rule or reason code in full; `None` for an unknown id.
pub fn explain(id: &str) -> Option<String> {
    let mut out = String::new();
    if let Some(rule) = RuleId::from_id(id).map(RuleId::rule) {
        let _ = writeln!(out, "{} ({} update)", rule.id.as_str(), rule.level.as_str());
        let _ = writeln!(out, "  {}", rule.summary);
        if !rule.detail.is_empty() {
            let _ = writeln!(out, "\n  {}", rule.detail);
        }
        let _ = writeln!(out, "\n  basis:  {}", basis_line(rule.basis));
        let _ = writeln!(out, "  source: {}", rule.source);
        return Some(out);
    }
    let code = reason_code(id)?;
    let _ = writeln!(out, "{} (Runs on Atlassian reason)", code.code);
    let _ = writeln!(out, "  {}", code.summary);
    let _ = writeln!(out, "\n  basis:  {}", basis_line(code.basis));
    let _ = writeln!(out, "  source: {}", code.source);
    Some(out)
}

/// Every id `explain` knows, for "did you mean" style errors.
pub fn known_ids() -> Vec<&'static str> {
    RULES
        .iter()
        .map(|r| r.id.as_str())
        .chain(REASON_CODES.iter().map(|c| c.code))
        .collect()
}

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The content of `docs/rules.md`.
pub fn rules_markdown() -> String {
    let mut out = String::new();
    out.push_str("# roa-diff rules\n\n");
    out.push_str("<!-- Generated from src/rules.rs, src/roa.rs and src/explain.rs by `roa-diff rules --markdown`. Do not edit by hand: `cargo test` fails when this file is stale; regenerate with `cargo run -q -- rules --markdown > docs/rules.md`. -->\n\n");
    out.push_str("Each rule says which change it reports, whether that change makes the update **major** (site admins must approve it by hand) or **minor** (it rolls out by itself), and its basis:\n\n");
    for b in [Basis::Doc, Basis::Practice, Basis::Inferred] {
        let _ = writeln!(out, "- **{}**: {}.", b.as_str(), b.meaning());
    }
    out.push_str("\nThe update is major if any change is major, else minor if there is any change, else none.\n\n## Update rules\n\n");
    out.push_str("| rule | level | basis | change |\n|---|---|---|---|\n");
    for r in RULES {
        let _ = writeln!(
            out,
            "| [`{}`](#{}) | {} | {} | {} |",
            r.id.as_str(),
            r.id.as_str(),
            r.level.as_str(),
            r.basis.as_str(),
            md_cell(r.summary)
        );
    }
    for r in RULES {
        let _ = writeln!(out, "\n### {}\n", r.id.as_str());
        let _ = writeln!(
            out,
            "**{}** update, basis **{}**. {}\n",
            r.level.as_str(),
            r.basis.as_str(),
            r.summary
        );
        if !r.detail.is_empty() {
            let _ = writeln!(out, "{}\n", r.detail);
        }
        let _ = writeln!(out, "Source: {}", r.source);
    }
    out.push_str("\n## Runs on Atlassian reasons\n\nA manifest is eligible when none of these holds. The codes are the ones `forge eligibility` prints. The result of an update is `kept`, `lost`, `gained` or `still-ineligible`.\n\n");
    out.push_str("| code | basis | holds when | source |\n|---|---|---|---|\n");
    for c in REASON_CODES {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            c.code,
            c.basis.as_str(),
            md_cell(c.summary),
            md_cell(c.source)
        );
    }
    out.push_str("\n## Decisions where the sources are silent\n\n");
    for (topic, text) in DECISIONS {
        let _ = writeln!(out, "- **{topic}.** {text}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_knows_every_rule_and_code() {
        for id in known_ids() {
            let text = explain(id).unwrap();
            assert!(text.starts_with(id), "{text}");
            assert!(text.contains("source: "), "{text}");
        }
        assert!(explain("no-such-rule").is_none());
        assert!(explain("egress-added").unwrap().contains("major update"));
    }
}
