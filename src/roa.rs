//! Runs on Atlassian eligibility of one manifest (SPEC §4). The reason codes are the ones
//! Atlassian's `forge eligibility` prints, so users can match them.

use serde::Serialize;

use crate::model::{EgressTarget, Manifest};
use crate::rules::Basis;

/// One reason code, declared once: docs, `explain` and output read it from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonCode {
    pub code: &'static str,
    pub basis: Basis,
    pub summary: &'static str,
    pub source: &'static str,
}

pub const HAS_REMOTES: ReasonCode = ReasonCode {
    code: "HAS_REMOTES",
    basis: Basis::Doc,
    summary: "remotes has an entry (also one used only by an auth provider or by Connect).",
    source: "developer.atlassian.com platform/forge/runs-on-atlassian (example eligibility output); apps must use Atlassian-hosted compute and storage only",
};
pub const HAS_DEFINED_EGRESS: ReasonCode = ReasonCode {
    code: "HAS_DEFINED_EGRESS",
    basis: Basis::Doc,
    summary: "An egress entry that is not analytics without in-scope End-User Data, a {remote: KEY} egress entry, or configurable egress enabled.",
    source: "Runs on Atlassian page: \"Your app must not egress data, with the exception of egress for analytics purposes\" that does not send in-scope End-User Data",
};
pub const HAS_EGRESS_WEBTRIGGER_MODULE: ReasonCode = ReasonCode {
    code: "HAS_EGRESS_WEBTRIGGER_MODULE",
    basis: Basis::Doc,
    summary: "A dynamic web trigger (response.type not `static`, or missing).",
    source: "developer.atlassian.com platform/forge/manifest-reference/modules/web-trigger: only static web triggers are eligible",
};
pub const HAS_CONNECT_MODULES: ReasonCode = ReasonCode {
    code: "HAS_CONNECT_MODULES",
    basis: Basis::Doc,
    summary: "connectModules has a module.",
    source: "forge eligibility reason code HAS_CONNECT_MODULES (@forge/cli-shared)",
};
pub const HAS_NON_DARE_COMPLIANT_SQL_MODULE: ReasonCode = ReasonCode {
    code: "HAS_NON_DARE_COMPLIANT_SQL_MODULE",
    basis: Basis::Inferred,
    summary: "A modules.sql entry without `dareCompliant: true`.",
    source: "roa-diff, from the code name in @forge/cli-shared and the sql module's dareCompliant field in the manifest schema",
};
pub const HAS_EXPOSED_CREDENTIALS: ReasonCode = ReasonCode {
    code: "HAS_EXPOSED_CREDENTIALS",
    basis: Basis::Inferred,
    summary: "A remote with auth.appSystemToken.enabled or auth.appUserToken.enabled true.",
    source: "roa-diff, from the code name in @forge/cli-shared: a remote given Atlassian tokens can act on the site from outside",
};

/// Every reason code, in report order.
pub const REASON_CODES: &[ReasonCode] = &[
    HAS_REMOTES,
    HAS_DEFINED_EGRESS,
    HAS_EGRESS_WEBTRIGGER_MODULE,
    HAS_CONNECT_MODULES,
    HAS_NON_DARE_COMPLIANT_SQL_MODULE,
    HAS_EXPOSED_CREDENTIALS,
];

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
        let allowed = matches!(e.target, EgressTarget::Address(_))
            && e.is_analytics()
            && !e.in_scope_eud.value;
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
        } else if module.kind == "sql" && !module.dare_compliant {
            found!(
                HAS_NON_DARE_COMPLIANT_SQL_MODULE,
                module.path(),
                module.line
            );
        }
    }
    for r in m.remotes.iter() {
        for (token, line) in &r.exposed_tokens {
            found!(
                HAS_EXPOSED_CREDENTIALS,
                format!("{}.auth.{token}.enabled", r.path()),
                *line
            );
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
        }
    }
}

pub fn reason_code(code: &str) -> Option<&'static ReasonCode> {
    REASON_CODES.iter().find(|c| c.code == code)
}
