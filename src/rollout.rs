//! Code rollout (SPEC §6): when an update's code reaches installations. Apps on rolling
//! releases (`permissions.enforcement: app-managed`) ship the code of some major updates at
//! once; only the new permissions wait for admins.

use serde::Serialize;

use crate::diff::Change;
use crate::model::Manifest;
use crate::rules::{Level, RuleId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rollout {
    /// Major: every installation stays on the old code until its admin approves.
    Held,
    /// Major on rolling releases: the code ships now, the new permissions wait.
    CodeOnly,
    /// Minor, none, or a first release: no installation waits.
    Automatic,
}

impl Rollout {
    pub fn as_str(self) -> &'static str {
        match self {
            Rollout::Held => "held",
            Rollout::CodeOnly => "code-only",
            Rollout::Automatic => "automatic",
        }
    }

    /// The rollout in words, for the verdict line.
    pub fn words(self) -> &'static str {
        match self {
            Rollout::Held => "until site admins approve it, every installation stays on the old version (code included)",
            Rollout::CodeOnly => "rolling releases: the new code reaches every installation now; only the new permissions wait for site admins' approval",
            Rollout::Automatic => "it rolls out to every installation by itself",
        }
    }
}

/// The major rules whose permissions can wait while the code rolls out (rolling releases,
/// Preview limitations).
pub const ROLLING_RULES: &[RuleId] = &[
    RuleId::ScopeAdded,
    RuleId::ScopeRemoved,
    RuleId::EgressAdded,
    RuleId::EgressCategoryChanged,
    RuleId::EgressEudEnabled,
];

/// The rollout of an update from `old` to `new` with these changes (`first_release`: no
/// installation runs `old`).
pub fn rollout(old: &Manifest, new: &Manifest, changes: &[Change], first_release: bool) -> Rollout {
    if first_release || !changes.iter().any(|c| c.level == Level::Major) {
        return Rollout::Automatic;
    }
    // The update that itself sets app-managed is already on rolling releases (inferred).
    if !new.rolling_releases() {
        return Rollout::Held;
    }
    let only_rolling_rules = changes
        .iter()
        .filter(|c| c.level == Level::Major)
        .all(|c| ROLLING_RULES.contains(&c.rule));
    let had_storage = old.has_scope("storage:app") || old.has_module_type("sql");
    let first_storage =
        !had_storage && (new.has_scope("storage:app") || new.has_module_type("sql"));
    let first_dynamic_trigger = !old.modules.webtriggers.iter().any(|t| t.dynamic.value)
        && new.modules.webtriggers.iter().any(|t| t.dynamic.value);
    let first_llm = !old.has_module_type("llm") && new.has_module_type("llm");
    if only_rolling_rules && !first_storage && !first_dynamic_trigger && !first_llm {
        Rollout::CodeOnly
    } else {
        Rollout::Held
    }
}
