//! The rule catalogue: every kind of change roa-diff reports, declared once. `docs/rules.md`,
//! `roa-diff rules`, `roa-diff explain` and the JSON output all read these declarations.

use std::fmt;

use serde::Serialize;

/// Whether a change needs site admins to approve the new version by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Minor,
    Major,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }
}

/// How well a rule is founded (SPEC: doc, practice, inferred).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// Stated in Atlassian's documentation.
    Doc,
    /// Reported by Forge developers from real deploys.
    Practice,
    /// roa-diff's own reading where the sources are silent.
    Inferred,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Doc => "doc",
            Basis::Practice => "practice",
            Basis::Inferred => "inferred",
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Basis::Doc => "stated in Atlassian's documentation",
            Basis::Practice => {
                "reported by Forge developers from real deploys, not stated by Atlassian"
            }
            Basis::Inferred => "roa-diff's own reading where Atlassian's sources are silent",
        }
    }
}

/// One rule: what it detects, how severe it is, and why we believe so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: RuleId,
    pub level: Level,
    pub basis: Basis,
    /// One line: the change this rule reports.
    pub summary: &'static str,
    /// Where the rule comes from.
    pub source: &'static str,
    /// What exactly triggers it, and the decisions behind it.
    pub detail: &'static str,
}

macro_rules! rules {
    ($($variant:ident = $id:literal, $level:ident, $basis:ident,
        summary: $summary:literal, source: $source:expr, detail: $detail:literal;)*) => {
        /// The id of a rule; `RuleId::X.rule()` is its declaration.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId { $($variant),* }

        /// Every rule, in catalogue order.
        pub static RULES: &[Rule] = &[$(Rule {
            id: RuleId::$variant,
            level: Level::$level,
            basis: Basis::$basis,
            summary: $summary,
            source: $source,
            detail: $detail,
        }),*];

        impl RuleId {
            pub fn as_str(self) -> &'static str {
                match self { $(RuleId::$variant => $id),* }
            }
        }
    };
}

const SEEDS_FAQ: &str = "Runs on Atlassian page, May 2025 (FAQ: \"If an app receives an update that invalidates Runs on Atlassian eligibility, will customers know?\")";

rules! {
    ScopeAdded = "scope-added", Major, Doc,
        summary: "A scope appears in permissions.scopes.",
        source: "developer.atlassian.com platform/adopting-forge-from-connect/versioning-in-connect-vs-forge: \"increases or changes to scopes\" need a major version",
        detail: "Scopes are compared by name. The list form and the map form (name -> options) are the same thing; options are not compared.";
    ScopeRemoved = "scope-removed", Major, Practice,
        summary: "A scope disappears from permissions.scopes.",
        source: "Forge developers report that removing a scope bumps the major version; the versioning table says \"changes to scopes\"",
        detail: "Reported as major because Forge treats any change to the set of scopes as a permission change.";
    EgressAdded = "egress-added", Major, Doc,
        summary: "A new egress entry: a (kind, address) or (kind, remote) not there before.",
        source: "Runs on Atlassian page, May 2025 FAQ: \"A major update is triggered when a new URL is added\"",
        detail: "Kinds: fetch.backend, fetch.client, images, media, scripts, styles, fonts, frames, navigation. Addresses are normalized first (https:// when no scheme, lower-case scheme and host, no trailing / on a bare host, no path for fetch.backend), so rewriting an entry is no change. Wildcards are compared as text: api.example.com added beside *.example.com is still new, because the consent check is not known to expand wildcards. A bare `*` (any domain) is called out in the message. A new entry is reported once, here; its category and inScopeEUD are not reported again.";
    EgressCategoryChanged = "egress-category-changed", Major, Doc,
        summary: "An egress entry's category is set, cleared or changed.",
        source: SEEDS_FAQ,
        detail: "\"Adding or modifying the category of an existing egress permission\" is a major update. Categories are compared case-insensitively (ANALYTICS = analytics).";
    EgressEudEnabled = "egress-eud-enabled", Major, Doc,
        summary: "An egress entry's effective inScopeEUD goes from false to true.",
        source: SEEDS_FAQ,
        detail: "\"Modifying inScopeEUD from false to true for an egress permission element\" is a major update. A missing inScopeEUD means true, so deleting `inScopeEUD: false` triggers this rule.";
    EgressConfigurableEnabled = "egress-configurable-enabled", Major, Inferred,
        summary: "permissions.external.configurable.enabled goes from false to true.",
        source: "roa-diff: configurable egress lets the app reach addresses the admin did not see at install, like adding egress",
        detail: "A missing value is false.";
    EgressConfigurableDisabled = "egress-configurable-disabled", Minor, Inferred,
        summary: "permissions.external.configurable.enabled goes from true to false.",
        source: "roa-diff: narrowing egress, like removing it, needs no consent",
        detail: "A missing value is false.";
    EgressRemoved = "egress-removed", Minor, Doc,
        summary: "An egress entry disappears.",
        source: "Runs on Atlassian page, May 2025 FAQ: \"removing egress is considered a minor update\"",
        detail: "Identity is (kind, normalized address) or (kind, remote key). Removing a provider's remote is a different rule (provider-url-removed).";
    EgressEudDisabled = "egress-eud-disabled", Minor, Inferred,
        summary: "An egress entry's effective inScopeEUD goes from true to false.",
        source: "roa-diff: the FAQ names only false -> true as major; sending less data needs no consent",
        detail: "A missing inScopeEUD means true.";
    ContentPermissionChanged = "content-permission-changed", Major, Doc,
        summary: "A value appears in or disappears from permissions.content (scripts, styles).",
        source: "developer.atlassian.com versioning-in-connect-vs-forge: changes to permissions need a major version",
        detail: "Compared as a set of (kind, value), e.g. (scripts, unsafe-inline).";
    RemoteAdded = "remote-added", Major, Doc,
        summary: "A remote key appears in remotes.",
        source: "Runs on Atlassian page, May 2025 FAQ: \"Adding remotes\" is a major update",
        detail: "A new remote is reported once; its fields are not reported again.";
    RemoteUrlChanged = "remote-url-changed", Major, Doc,
        summary: "A remote's baseUrl changes (the string, or any region of a region map).",
        source: "developer.atlassian.com versioning-in-connect-vs-forge and the remote data residency page",
        detail: "baseUrl is compared as written after ${VAR} interpolation, with no address normalization; a string and a region map always differ.";
    RemoteOperationAdded = "remote-operation-added", Major, Inferred,
        summary: "A remote gains an operation, or loses its operations list (no list = every operation).",
        source: "roa-diff: like a new egress category, a new use of the remote widens what admins agreed to",
        detail: "Dropping the whole operations list is one change on `operations`; otherwise one change per operation gained (storage, compute, fetch, other).";
    RemoteEudEnabled = "remote-eud-enabled", Major, Inferred,
        summary: "A remote's storage.inScopeEUD goes from false to true.",
        source: "roa-diff: the egress inScopeEUD rule of the May 2025 FAQ, applied to remote storage",
        detail: "Counts only while the remote has the storage operation on both sides (no operations list counts as having it). A missing value means true.";
    RemoteOperationRemoved = "remote-operation-removed", Minor, Inferred,
        summary: "A remote loses an operation, or gains an operations list where it had none.",
        source: "roa-diff: narrowing a remote, like removing egress, needs no consent",
        detail: "Adding a list where there was none is one change on `operations`; otherwise one change per operation dropped.";
    RemoteEudDisabled = "remote-eud-disabled", Minor, Inferred,
        summary: "A remote's storage.inScopeEUD goes from true to false.",
        source: "roa-diff: sending less data needs no consent",
        detail: "Counts only while the remote has the storage operation on both sides.";
    RemoteRemoved = "remote-removed", Minor, Inferred,
        summary: "A remote key disappears from remotes.",
        source: "roa-diff: removing egress is minor (May 2025 FAQ), and a remote is egress",
        detail: "If an auth provider used the remote, provider-url-removed (major) is reported as well.";
    ProviderAdded = "provider-added", Major, Doc,
        summary: "An auth provider appears in providers.auth.",
        source: "developer.atlassian.com versioning-in-connect-vs-forge: changes to external authentication providers need a major version",
        detail: "Identified by key.";
    ProviderRemoved = "provider-removed", Major, Doc,
        summary: "An auth provider disappears from providers.auth.",
        source: "developer.atlassian.com versioning-in-connect-vs-forge",
        detail: "Identified by key.";
    ProviderClientIdChanged = "provider-client-id-changed", Major, Doc,
        summary: "An auth provider's clientId changes.",
        source: "developer.atlassian.com versioning-in-connect-vs-forge",
        detail: "Compared after ${VAR} interpolation.";
    ProviderUrlRemoved = "provider-url-removed", Major, Doc,
        summary: "A remote an auth provider uses is dropped from it, removed from remotes, or re-pointed.",
        source: "Runs on Atlassian page, May 2025 FAQ: \"removing an existing URL of an external provider from the providers section of the manifest is considered a major update\"",
        detail: "A provider's remotes are its `remotes` list and every `actions.*.remote`. Adding a remote to a provider is no change.";
    WebtriggerDynamicAdded = "webtrigger-dynamic-added", Major, Doc,
        summary: "A new web trigger that is dynamic (explicitly, or by default).",
        source: "Runs on Atlassian page, May 2025 FAQ: \"Adding a new dynamic web trigger\"",
        detail: "A web trigger is static only when response.type is exactly `static`; without response.type it is dynamic (documented default).";
    WebtriggerMadeDynamic = "webtrigger-made-dynamic", Major, Doc,
        summary: "An existing web trigger goes from static to dynamic.",
        source: "Runs on Atlassian page, May 2025 FAQ: \"Modifying a static web trigger to dynamic\"",
        detail: "Removing `response.type: static` makes the trigger dynamic.";
    WebtriggerStaticAdded = "webtrigger-static-added", Minor, Inferred,
        summary: "A new web trigger whose response.type is static.",
        source: "roa-diff: the FAQ names only dynamic web triggers as major",
        detail: "Static web triggers return a fixed response and keep Runs on Atlassian eligibility.";
    WebtriggerMadeStatic = "webtrigger-made-static", Minor, Inferred,
        summary: "An existing web trigger goes from dynamic to static.",
        source: "roa-diff: narrowing what a trigger can do needs no consent",
        detail: "";
    WebtriggerRemoved = "webtrigger-removed", Minor, Inferred,
        summary: "A web trigger disappears.",
        source: "roa-diff: removing a capability needs no consent",
        detail: "";
    LicensingChanged = "licensing-changed", Major, Doc,
        summary: "app.licensing.enabled flips.",
        source: "developer.atlassian.com versioning-in-connect-vs-forge: enabling or disabling licensing needs a major version",
        detail: "A missing value is false.";
    ConnectKeyChanged = "connect-key-changed", Major, Inferred,
        summary: "app.connect.key is set, removed or changed.",
        source: "roa-diff: the Connect key ties the app to its Connect installation; changing it changes what admins installed",
        detail: "app.connect.remote is not compared.";
    ModuleAdded = "module-added", Minor, Doc,
        summary: "A module appears (any type under modules except webtrigger, and under connectModules).",
        source: "developer.atlassian.com versioning-in-connect-vs-forge: adding modules needs no approval",
        detail: "Identified by (section and type, key), e.g. modules.jira:issuePanel[key=panel].";
    ModuleRemoved = "module-removed", Minor, Doc,
        summary: "A module disappears (any type under modules except webtrigger, and under connectModules).",
        source: "developer.atlassian.com versioning-in-connect-vs-forge",
        detail: "Identified by (section and type, key).";
}

impl RuleId {
    pub fn rule(self) -> &'static Rule {
        // RULES is declared in enum order by the macro.
        &RULES[self as usize]
    }

    pub fn level(self) -> Level {
        self.rule().level
    }

    pub fn from_id(id: &str) -> Option<RuleId> {
        RULES.iter().map(|r| r.id).find(|r| r.as_str() == id)
    }

    /// The rule that the reverse update (new -> old) reports, on the same path, for a change
    /// this rule reports; `None` when the reverse is the same rule or has no single rule
    /// (a changed URL, category or client id).
    pub fn undone_by(self) -> Option<RuleId> {
        use RuleId::*;
        Some(match self {
            ScopeAdded => ScopeRemoved,
            EgressAdded => EgressRemoved,
            RemoteAdded => RemoteRemoved,
            ProviderAdded => ProviderRemoved,
            ModuleAdded => ModuleRemoved,
            WebtriggerDynamicAdded | WebtriggerStaticAdded => WebtriggerRemoved,
            RemoteOperationAdded => RemoteOperationRemoved,
            EgressConfigurableEnabled => EgressConfigurableDisabled,
            EgressEudEnabled => EgressEudDisabled,
            RemoteEudEnabled => RemoteEudDisabled,
            WebtriggerMadeDynamic => WebtriggerMadeStatic,
            _ => return None,
        })
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_in_enum_order_and_ids_are_unique() {
        for (i, rule) in RULES.iter().enumerate() {
            assert_eq!(rule.id as usize, i);
            assert_eq!(RuleId::from_id(rule.id.as_str()), Some(rule.id));
        }
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
    }
}
