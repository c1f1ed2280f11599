//! Runs on Atlassian eligibility of one manifest (SPEC §4). The reason codes are the ones
//! Atlassian's `forge eligibility` prints, so users can match them.

use serde::Serialize;

use crate::blockers::analytics;
use crate::diff::url_host;
use crate::model::{EgressTarget, Manifest};
use crate::rules::{url, Basis};

/// One reason code, declared once: docs, `explain` and output read it from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonCode {
    pub code: &'static str,
    pub basis: Basis,
    pub summary: &'static str,
    /// The page on developer.atlassian.com the reason follows.
    pub url: &'static str,
    pub source: &'static str,
    /// The concrete way to make the manifest eligible again (`roa-diff check` prints it).
    pub qualify: &'static str,
}

pub const HAS_REMOTES: ReasonCode = ReasonCode {
    code: "HAS_REMOTES",
    basis: Basis::Doc,
    summary: "remotes has an entry (customer-managed ones too; also one used only by an auth provider or by Connect).",
    url: url::RUNS_ON_ATLASSIAN,
    source: "Build Runs on Atlassian apps: no \"remotes\"; providers require remotes, so this also covers \"providers\"",
    qualify: "Remove the remote (and any provider that needs it): keep the back end in Forge functions, containers or Forge storage instead of your own server. A customer-managed remote does not qualify either.",
};
pub const HAS_DEFINED_EGRESS: ReasonCode = ReasonCode {
    code: "HAS_DEFINED_EGRESS",
    basis: Basis::Doc,
    summary: "An egress entry that is not analytics without in-scope End-User Data; an analytics entry on a Statsig or LaunchDarkly domain; a {remote: KEY} egress entry; or configurable egress enabled.",
    url: url::RUNS_ON_ATLASSIAN,
    source: "Runs on Atlassian page and seeds: no egress except analytics without in-scope End-User Data; customer-managed egress page; changelog 27 Apr 2026: Statsig and LaunchDarkly no longer allowed for Runs on Atlassian apps from 28 Jul 2026",
    qualify: "Remove the egress entry. Only analytics may stay: `category: analytics` and `inScopeEUD: false` on a host of Atlassian's pre-approved analytics list (not Statsig or LaunchDarkly). Atlassian's own APIs, called through @forge/api (requestJira, requestConfluence, requestGraph), need no egress entry, so an entry only for them can go. A `{remote: KEY}` entry and configurable egress (`permissions.external.configurable.enabled: true`) never qualify.",
};
pub const HAS_EGRESS_WEBTRIGGER_MODULE: ReasonCode = ReasonCode {
    code: "HAS_EGRESS_WEBTRIGGER_MODULE",
    basis: Basis::Doc,
    summary: "A dynamic web trigger (response.type not `static`, or missing).",
    url: url::WEB_TRIGGER,
    source: "web trigger reference: only static web triggers are eligible",
    qualify: "Make the web trigger static: set `response.type: static` (a web trigger without `response.type` is dynamic), or remove it.",
};
pub const HAS_CONNECT_MODULES: ReasonCode = ReasonCode {
    code: "HAS_CONNECT_MODULES",
    basis: Basis::Doc,
    summary: "connectModules has a module.",
    url: url::RUNS_ON_ATLASSIAN,
    source: "Build Runs on Atlassian apps: no \"Connect modules\"",
    qualify: "Move each Connect module to its Forge module and remove `connectModules`.",
};
pub const HAS_NON_DARE_COMPLIANT_SQL_MODULE: ReasonCode = ReasonCode {
    code: "HAS_NON_DARE_COMPLIANT_SQL_MODULE",
    basis: Basis::Inferred,
    summary: "A modules.sql entry with `dareCompliant: false` written explicitly.",
    url: url::SQL,
    source: "roa-diff: the CLI prints this code as \"an SQL module that is in Preview\"; Forge SQL is GA with data residency and the platform sets dareCompliant itself, so a plain sql module keeps Runs on Atlassian",
    qualify: "Remove `dareCompliant: false` from the sql module: the platform sets it, and a plain sql module keeps Runs on Atlassian.",
};
/// A code `forge eligibility` prints that no manifest shows: roa-diff never reports it, and
/// `explain` says where to look.
pub const HAS_EXPOSED_CREDENTIALS: ReasonCode = ReasonCode {
    code: "HAS_EXPOSED_CREDENTIALS",
    basis: Basis::Doc,
    summary: "Never reported by roa-diff: it comes from an app-level setting (OAuth credentials exposure in the developer console), not from the manifest. If `forge eligibility` prints it, look at the app's settings in the developer console, not at manifest.yml.",
    url: url::ELIGIBILITY,
    source: "forge eligibility prints it (@forge/cli-shared reason codes); the setting behind it lives in the developer console. Version 1 derived it from remotes' app tokens; version 2 does not",
    qualify: "Not in the manifest: turn off OAuth credentials exposure in the app's settings in the developer console.",
};

/// Every reason code roa-diff reports, in report order.
pub const REASON_CODES: &[ReasonCode] = &[
    HAS_REMOTES,
    HAS_DEFINED_EGRESS,
    HAS_EGRESS_WEBTRIGGER_MODULE,
    HAS_CONNECT_MODULES,
    HAS_NON_DARE_COMPLIANT_SQL_MODULE,
];

/// Codes `forge eligibility` prints that roa-diff never reports (`explain` knows them).
pub const UNREPORTED_CODES: &[ReasonCode] = &[HAS_EXPOSED_CREDENTIALS];

/// One entry that makes a manifest ineligible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub path: String,
    pub line: Option<usize>,
}

/// Why a manifest is not eligible; empty means eligible.
pub fn reasons(m: &Manifest) -> Vec<Reason> {
    let mut out = Vec::new();
    each_reason(m, |code, path, line| {
        out.push(Reason {
            code: code.code,
            path: path(),
            line,
        });
        true
    });
    out.sort_by_key(|r| REASON_CODES.iter().position(|c| c.code == r.code));
    out
}

/// Whether a manifest is eligible: [`reasons`] is empty, found without building any of them
/// (`roa-diff log` asks this of thousands of versions).
pub fn eligible(m: &Manifest) -> bool {
    let mut eligible = true;
    each_reason(m, |_, _, _| {
        eligible = false;
        false
    });
    eligible
}

/// Calls `found` with each entry that makes `m` ineligible (its code, a function that gives
/// its path, its line) until `found` returns false.
fn each_reason(
    m: &Manifest,
    mut found: impl FnMut(ReasonCode, &dyn Fn() -> String, Option<usize>) -> bool,
) {
    macro_rules! found {
        ($code:expr, $path:expr, $line:expr) => {
            if !found($code, &|| $path, $line) {
                return;
            }
        };
    }
    for r in m.remotes.iter() {
        found!(HAS_REMOTES, r.path(), r.line);
    }
    for e in &m.permissions.egress {
        // Analytics without in-scope End-User Data is allowed, except on the feature-flag
        // services Atlassian no longer allows for Runs on Atlassian apps.
        let allowed = match &e.target {
            EgressTarget::Address(a) => {
                e.is_analytics()
                    && !e.in_scope_eud.value
                    && !analytics::matches(&url_host(a), analytics::NOT_FOR_RUNS_ON_ATLASSIAN)
            }
            EgressTarget::Remote(_) => false,
        };
        if !allowed {
            found!(HAS_DEFINED_EGRESS, e.path(), e.line);
        }
    }
    let configurable = &m.permissions.configurable;
    if configurable.value {
        found!(
            HAS_DEFINED_EGRESS,
            "permissions.external.configurable.enabled".into(),
            configurable.line
        );
    }
    for w in m.modules.webtriggers.iter().filter(|w| w.dynamic.value) {
        found!(HAS_EGRESS_WEBTRIGGER_MODULE, w.path(), w.line);
    }
    for module in m.all_modules() {
        if module.section == "connectModules" {
            found!(HAS_CONNECT_MODULES, module.path(), module.line);
        } else if let Some(line) = module.not_dare_compliant {
            found!(HAS_NON_DARE_COMPLIANT_SQL_MODULE, module.path(), line);
        }
    }
}

/// What an update does to eligibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoaChange {
    Kept,
    Lost,
    Gained,
    StillIneligible,
    /// No old version: the new side's eligibility stands alone (never "lost").
    FirstRelease,
}

impl RoaChange {
    pub fn between(before: bool, after: bool) -> RoaChange {
        match (before, after) {
            (true, true) => RoaChange::Kept,
            (true, false) => RoaChange::Lost,
            (false, true) => RoaChange::Gained,
            (false, false) => RoaChange::StillIneligible,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RoaChange::Kept => "kept",
            RoaChange::Lost => "lost",
            RoaChange::Gained => "gained",
            RoaChange::StillIneligible => "still-ineligible",
            RoaChange::FirstRelease => "first-release",
        }
    }
}

pub fn reason_code(code: &str) -> Option<&'static ReasonCode> {
    REASON_CODES
        .iter()
        .chain(UNREPORTED_CODES)
        .find(|c| c.code == code)
}
