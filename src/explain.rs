//! Text generated from the rule and reason-code declarations: `roa-diff rules`,
//! `roa-diff explain ID`, and `docs/rules.md` (a test keeps the file in step).

use std::fmt::Write;

use crate::blockers::{analytics, blocker_code, BLOCKER_CODES};
use crate::roa::{reason_code, REASON_CODES, UNREPORTED_CODES};
use crate::rules::{Basis, RuleId, DOCS_AS_OF, RULES};

/// What no manifest shows, so no verdict of roa-diff can include it (SPEC §4 and §7).
pub const CAVEATS: &[(&str, &str)] = &[
    ("Storage", "Runs on Atlassian also requires data to live in data-residency-enabled Forge storage or in Atlassian app entity properties; a manifest does not show where the code stores data."),
    ("Personal access tokens", "Apps that call Atlassian APIs with personal access tokens are ineligible since Nov 2025; the manifest does not show it."),
    ("Undeclared loading", "Feature flags or analytics loaded in ways the manifest does not declare are not seen."),
    ("Large apps", "Apps with more than 50,000 users had every update made major from 19 Mar 2026 (minor updates reintroduced in stages from 8 Jul 2026): a minor verdict may still be major for such an app."),
    ("Connect apps", "A Connect app's first Forge release follows the Connect-to-Forge rules: Atlassian's `connect-to-forge check-upgrade` compares a descriptor with a manifest; roa-diff compares manifests only."),
    ("HAS_EXPOSED_CREDENTIALS", "`forge eligibility` can print it, but it comes from an app-level setting (OAuth credentials exposure in the developer console), not from the manifest: roa-diff never reports it."),
    ("Overrides", "The top-level `overrides` section (per-environment overrides) is not read."),
];

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
    ("First releases", "No old manifest (a new app, a first tag, a path added in this revision), or an old file that is empty or only comments, is a first release: not an update, so its verdict is `first-release`, its changes list what the app requests, its Runs on Atlassian result is its eligibility (never \"lost\"), its rollout is `automatic`, and no update policy trips on it. A file that is `{}` is an ordinary empty manifest."),
    ("Merge keys", "A `<<` key in a section the model reads (app, permissions, remotes, providers, modules, connectModules, services) gets a warning: it is not applied, so what it would merge is not part of the app."),
    ("Paths", "Identity values inside `[...]` of a change path escape `\\` and `]` with a backslash, so a rule and a path name one part."),
    ("Bare `*`", "`*` and `https://*` are the same entry (no scheme means https://); Forge refuses `https://*` in every egress kind, so it gets a warning. A literal `${NAME}` keeps its case: `https://${API_URL}` and `https://${api_url}` are different entries."),
];

/// `roa-diff rules`: one line per rule and reason code.
pub fn rules_table() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Rule book version 2, following Atlassian's documentation as of {DOCS_AS_OF}.\n"
    );
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
    for c in REASON_CODES.iter().chain(UNREPORTED_CODES) {
        let _ = writeln!(out, "{:<37} {:<9} {}", c.code, c.basis.as_str(), c.summary);
    }
    let _ = writeln!(out, "\n{:<37} holds when", "Deploy blocker");
    for b in BLOCKER_CODES {
        let _ = writeln!(out, "{:<37} {}", b.code, b.summary);
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
        let _ = writeln!(out, "  source: {} ({})", rule.url, rule.source);
        docs_date(&mut out);
        return Some(out);
    }
    if let Some(b) = blocker_code(id) {
        let _ = writeln!(out, "{} (deploy blocker: forge deploy refuses it)", b.code);
        let _ = writeln!(out, "  {}", b.summary);
        let _ = writeln!(out, "\n  Blockers are not changes: they do not alter the update level; `--fail-on blocked` (default) fails on them.");
        if b.code == crate::blockers::ANALYTICS_DOMAIN_NOT_ALLOWED.code {
            let _ = writeln!(
                out,
                "\n  Pre-approved analytics domains (as of {}, {}):\n  {}",
                analytics::AS_OF,
                analytics::SOURCE,
                analytics::ALLOWED.join(", ")
            );
        }
        let _ = writeln!(out, "\n  source: {} ({})", b.url, b.source);
        docs_date(&mut out);
        return Some(out);
    }
    let code = reason_code(id)?;
    let _ = writeln!(out, "{} (Runs on Atlassian reason)", code.code);
    let _ = writeln!(out, "  {}", code.summary);
    let _ = writeln!(out, "\n  to qualify: {}", code.qualify);
    let _ = writeln!(out, "\n  basis:  {}", basis_line(code.basis));
    let _ = writeln!(out, "  source: {} ({})", code.url, code.source);
    let _ = writeln!(out, "\n  What a manifest cannot show:");
    for (topic, text) in CAVEATS {
        let _ = writeln!(out, "  - {topic}: {text}");
    }
    docs_date(&mut out);
    Some(out)
}

fn docs_date(out: &mut String) {
    let _ = writeln!(
        out,
        "\n  Follows Atlassian's documentation as of {DOCS_AS_OF}. A manifest cannot show everything: see the caveats in docs/rules.md (e.g. Connect apps' first Forge release, apps over 50,000 users)."
    );
}

/// Every id `explain` knows, for "did you mean" style errors.
pub fn known_ids() -> Vec<&'static str> {
    RULES
        .iter()
        .map(|r| r.id.as_str())
        .chain(REASON_CODES.iter().chain(UNREPORTED_CODES).map(|c| c.code))
        .chain(BLOCKER_CODES.iter().map(|b| b.code))
        .collect()
}

/// The known id `id` is most likely a typo of, for "did you mean".
pub fn closest_id(id: &str) -> Option<&'static str> {
    crate::hints::did_you_mean(id, known_ids())
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
    let _ = writeln!(out, "\nRule book version 2: it follows Atlassian's documentation as of {DOCS_AS_OF}. Each rule names its page on developer.atlassian.com.");
    out.push_str("\nThe update is major if any change is major, else minor if there is any change, else none. A first release (no old manifest) is not an update: its verdict is `first-release`.\n\n## Update rules\n\n");
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
        let _ = writeln!(out, "Source: <{}> ({})", r.url, r.source);
    }
    out.push_str("\n## Runs on Atlassian reasons\n\nA manifest is eligible when none of these holds. The codes are the ones `forge eligibility` prints. The result of an update is `kept`, `lost`, `gained` or `still-ineligible`.\n\n");
    out.push_str("| code | basis | holds when | to qualify (`roa-diff check` says it) | source |\n|---|---|---|---|---|\n");
    for c in REASON_CODES.iter().chain(UNREPORTED_CODES) {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | <{}> {} |",
            c.code,
            c.basis.as_str(),
            md_cell(c.summary),
            md_cell(c.qualify),
            c.url,
            md_cell(c.source)
        );
    }
    out.push_str("\n## Deploy blockers\n\nWhat `forge deploy` refuses. Blockers are not changes: they do not alter the update level, but `--fail-on blocked` (in the default policy) fails on them. They are shown first in every format.\n\n");
    out.push_str("| code | holds when | source |\n|---|---|---|\n");
    for b in BLOCKER_CODES {
        let _ = writeln!(
            out,
            "| `{}` | {} | <{}> {} |",
            b.code,
            md_cell(b.summary),
            b.url,
            md_cell(b.source)
        );
    }
    let _ = writeln!(
        out,
        "\nAtlassian's pre-approved analytics domains, as of {} (<{}>): {}.",
        analytics::AS_OF,
        analytics::SOURCE,
        analytics::ALLOWED
            .iter()
            .map(|d| format!("`{d}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    out.push_str("\n## Code rollout\n\nThe verdict states when the code reaches installations: `held` (major: every installation stays on the old code until its admin approves), `code-only` (major, but the NEW manifest has `permissions.enforcement: app-managed`, i.e. rolling releases, and every major change is scope-added, scope-removed, egress-added, egress-category-changed or egress-eud-enabled, and the update does not first add storage (`storage:app` or an `sql` module), a dynamic web trigger or an `llm` module: the code ships now, only the new permissions wait), or `automatic` (minor, none, or a first release). The update that itself sets `app-managed` is already on rolling releases (inferred). Source: <https://developer.atlassian.com/platform/forge/rolling-releases/> (Preview limitations).\n");
    out.push_str("\n## What a manifest cannot show\n\n");
    for (topic, text) in CAVEATS {
        let _ = writeln!(out, "- **{topic}.** {text}");
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
