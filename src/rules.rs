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

/// The date of Atlassian's documentation this catalogue follows (SPEC version 2).
pub const DOCS_AS_OF: &str =
    "November 2026 (SPEC version 2: Atlassian's developer documentation as last seen in 2026)";

/// Pages on developer.atlassian.com the rules cite.
pub mod url {
    pub const VERSIONS: &str = "https://developer.atlassian.com/platform/forge/versions/";
    pub const IN_SCOPE_EUD: &str =
        "https://developer.atlassian.com/platform/forge/in-scope-end-user-data/";
    pub const WEB_TRIGGER: &str =
        "https://developer.atlassian.com/platform/forge/manifest-reference/modules/web-trigger/";
    pub const REMOTES: &str =
        "https://developer.atlassian.com/platform/forge/manifest-reference/remotes/";
    pub const PERMISSIONS: &str =
        "https://developer.atlassian.com/platform/forge/manifest-reference/permissions/";
    pub const ENDPOINT: &str =
        "https://developer.atlassian.com/platform/forge/manifest-reference/endpoint/";
    pub const SQL: &str = "https://developer.atlassian.com/platform/forge/storage-reference/sql/";
    pub const LLM: &str =
        "https://developer.atlassian.com/platform/forge/runtime-reference/forge-llms-api-reference/";
    pub const OBJECT_STORE: &str =
        "https://developer.atlassian.com/platform/forge/storage-reference/object-store/";
    pub const CONTAINERS: &str =
        "https://developer.atlassian.com/platform/forge/containers-reference/managing-service/";
    pub const COMPATIBILITY: &str =
        "https://developer.atlassian.com/platform/forge/app-compatibility/";
    pub const ROLLING_RELEASES: &str =
        "https://developer.atlassian.com/platform/forge/rolling-releases/";
    pub const CUSTOMER_MANAGED: &str =
        "https://developer.atlassian.com/platform/forge/customer-managed-egress-and-remotes/";
    pub const ANALYTICS_POLICY: &str =
        "https://developer.atlassian.com/platform/forge/analytics-tool-policy/";
    pub const RUNS_ON_ATLASSIAN: &str =
        "https://developer.atlassian.com/platform/forge/runs-on-atlassian-apps/";
    pub const ELIGIBILITY: &str =
        "https://developer.atlassian.com/platform/forge/cli-reference/eligibility/";
    pub const CONNECT_VERSIONING: &str =
        "https://developer.atlassian.com/platform/adopting-forge-from-connect/versioning-in-connect-vs-forge/";
}

/// One rule: what it detects, how severe it is, and why we believe so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: RuleId,
    pub level: Level,
    pub basis: Basis,
    /// One line: the change this rule reports.
    pub summary: &'static str,
    /// The page on developer.atlassian.com the rule follows.
    pub url: &'static str,
    /// What that page (or the seed) says, or why roa-diff infers the rule.
    pub source: &'static str,
    /// What exactly triggers it, and the decisions behind it.
    pub detail: &'static str,
}

macro_rules! rules {
    ($($variant:ident = $id:literal, $level:ident, $basis:ident,
        summary: $summary:literal, url: $url:expr, source: $source:expr, detail: $detail:literal;)*) => {
        /// The id of a rule; `RuleId::X.rule()` is its declaration.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId { $($variant),* }

        /// Every rule, in catalogue order.
        pub static RULES: &[Rule] = &[$(Rule {
            id: RuleId::$variant,
            level: Level::$level,
            basis: Basis::$basis,
            summary: $summary,
            url: $url,
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

const SEED_FAQ: &str = "seed seeds/000_7b5e48b904be39e7.txt (Runs on Atlassian page, May 2025, major-update FAQ, since removed from the current page)";

rules! {
    ScopeAdded = "scope-added", Major, Doc,
        summary: "A scope appears in permissions.scopes.",
        url: url::VERSIONS,
        source: "major version upgrades: adding a scope needs admins' approval",
        detail: "Scopes are compared by name. The list form and the map form (name -> options) are the same thing; options are not compared. A first `storage:app` scope keeps a rolling-release app's code held (SPEC §6).";
    ScopeRemoved = "scope-removed", Major, Doc,
        summary: "A scope disappears from permissions.scopes.",
        url: url::VERSIONS,
        source: "major version upgrades: \"removing a scope\"",
        detail: "Any change to the set of scopes is a permission change.";
    ContentPermissionAdded = "content-permission-added", Major, Doc,
        summary: "A content permission appears: a permissions.content scripts/styles value, or a permissions.sandbox token.",
        url: url::VERSIONS,
        source: "major version upgrades: adding a CSP content permission (scripts, styles); for sandbox tokens roa-diff infers the same",
        detail: "Compared as a set of (kind, value), e.g. (scripts, unsafe-inline) or (sandbox, allow-downloads). The CSP kinds are doc; `sandbox` is inferred (the page lists only CSP values). Replaces version 1's content-permission-changed.";
    ContentPermissionRemoved = "content-permission-removed", Minor, Doc,
        summary: "A content permission disappears.",
        url: url::VERSIONS,
        source: "major version upgrades lists only additions and swaps of content permissions",
        detail: "Replaces version 1's content-permission-changed (which was major both ways).";
    EgressAdded = "egress-added", Major, Doc,
        summary: "A new egress entry: a (kind, address) or (kind, remote) not there before.",
        url: url::VERSIONS,
        source: "major version upgrades: adding egress; also the seed FAQ (\"A major update is triggered when a new URL is added\")",
        detail: "Kinds: fetch.backend, fetch.client, images, media, scripts, styles, fonts, frames, navigation. Addresses are normalized first (https:// when no scheme, lower-case scheme and host, no trailing / on a bare host, no path for fetch.backend), so rewriting an entry is no change; `*` and `https://*` are one entry. Wildcards are compared as text: api.example.com added beside *.example.com is still new, because the consent check is not known to expand wildcards. A bare `*` (any domain) is called out. A new entry is reported once, here; its category and inScopeEUD are not reported again. `{remote: KEY}` entries under fetch.backend that name a remote-added-from-egress remote belong to that move and are not reported.";
    EgressRemoved = "egress-removed", Minor, Doc,
        summary: "An egress entry disappears.",
        url: url::VERSIONS,
        source: "seed FAQ: \"removing egress is considered a minor update\"",
        detail: "Identity is (kind, normalized address) or (kind, remote key).";
    EgressCategoryChanged = "egress-category-changed", Major, Doc,
        summary: "An egress entry's category is set, cleared or changed.",
        url: url::VERSIONS,
        source: "major version upgrades; seed FAQ: \"Adding or modifying the category of an existing egress permission\"",
        detail: "Categories are compared case-insensitively (ANALYTICS = analytics).";
    EgressEudEnabled = "egress-eud-enabled", Major, Doc,
        summary: "An egress entry's effective inScopeEUD goes from false to true, and no address entry of the old manifest had inScopeEUD true.",
        url: url::IN_SCOPE_EUD,
        source: "in-scope End-User Data, impact on app versioning: the first egress that carries in-scope End-User Data is a major update",
        detail: "A missing inScopeEUD means true, so deleting `inScopeEUD: false` counts. \"The old manifest had none\": no address entry of the OLD manifest had effective inScopeEUD true (a plain string counts as true; `{remote: KEY}` entries and remotes' storage do not count). Otherwise the change is egress-eud-enabled-not-first.";
    EgressEudEnabledNotFirst = "egress-eud-enabled-not-first", Minor, Doc,
        summary: "An egress entry's effective inScopeEUD goes from false to true when the old manifest already had an address entry with inScopeEUD true.",
        url: url::IN_SCOPE_EUD,
        source: "in-scope End-User Data, example 3: the app already egresses in-scope End-User Data, so another such entry is minor",
        detail: "New in version 2.";
    EgressEudDisabled = "egress-eud-disabled", Minor, Inferred,
        summary: "An egress entry's effective inScopeEUD goes from true to false.",
        url: url::IN_SCOPE_EUD,
        source: "roa-diff: the page names only false -> true; sending less data needs no consent",
        detail: "A missing inScopeEUD means true.";
    EgressConfigurableEnabled = "egress-configurable-enabled", Major, Doc,
        summary: "permissions.external.configurable.enabled goes from false to true.",
        url: url::VERSIONS,
        source: "major version upgrades: enabling customer-managed (configurable) egress",
        detail: "A missing value is false.";
    EgressConfigurableDisabled = "egress-configurable-disabled", Minor, Doc,
        summary: "permissions.external.configurable.enabled goes from true to false.",
        url: url::PERMISSIONS,
        source: "permissions reference (Sep 2026): configurable egress is immutable once deployed to production",
        detail: "Minor as an update, but `forge deploy` refuses it in production: also reported as the deploy blocker CONFIGURABLE_EGRESS_REMOVED. A missing value is false.";
    RemoteAdded = "remote-added", Major, Doc,
        summary: "A remote key appears in remotes (other than remote-added-from-egress and remote-added-configurable).",
        url: url::REMOTES,
        source: "remotes reference, major upgrade table: adding a remote",
        detail: "A new remote is reported once; its fields are not reported again.";
    RemoteAddedFromEgress = "remote-added-from-egress", Minor, Doc,
        summary: "A remote appears whose every URL's host is the host of a fetch.backend address of the old manifest.",
        url: url::REMOTES,
        source: "remotes reference, minor upgrade table: \"moving a URL from a fetch.backend declaration to the remotes section\"",
        detail: "Hosts compare with their port; scheme and path are ignored; wildcards are text (a URL is covered only by the same host). The old address counts whether or not the new manifest still lists it. The remote needs at least one URL. The fetch.backend `{remote: KEY}` entries naming it are part of the move and are not reported; one under fetch.client is new browser egress.";
    RemoteAddedConfigurable = "remote-added-configurable", Minor, Doc,
        summary: "A customer-managed remote (with `configurable`) appears without baseUrl.",
        url: url::REMOTES,
        source: "remotes reference, minor upgrade table: admins approve each URL of a customer-managed remote at run time",
        detail: "New in version 2.";
    RemoteRemoved = "remote-removed", Minor, Doc,
        summary: "A remote key disappears from remotes.",
        url: url::REMOTES,
        source: "remotes reference, minor upgrade table: removing a remote",
        detail: "If an auth provider used the remote, provider-url-removed (major) is reported as well.";
    RemoteUrlChanged = "remote-url-changed", Major, Doc,
        summary: "A URL of a remote's baseUrl region map is added, removed or changed.",
        url: url::REMOTES,
        source: "remotes reference, major upgrade table: changing a remote's URLs; \"converting baseUrl from string to object type without adding new URLs\" is not major",
        detail: "A string baseUrl `x` is the region map `{default: x}`, so that rewrite is no change. One change per region; the path is `remotes[key=K].baseUrl` for the default region and `remotes[key=K].baseUrl.REGION` otherwise. URLs are compared as written after ${VAR} interpolation.";
    RemoteUrlRemoved = "remote-url-removed", Minor, Doc,
        summary: "A remote that has `configurable` in the new manifest loses its whole baseUrl.",
        url: url::REMOTES,
        source: "remotes reference, minor upgrade table: dropping the fixed URLs of a customer-managed remote",
        detail: "New in version 2.";
    RemoteMadeConfigurable = "remote-made-configurable", Major, Doc,
        summary: "A remote gains `configurable` (becomes customer-managed).",
        url: url::REMOTES,
        source: "remotes reference, major upgrade table",
        detail: "The fields inside `configurable` (name, description, supportedPatterns) are not compared: admins approve each URL at run time.";
    RemoteConfigurableRemoved = "remote-configurable-removed", Major, Inferred,
        summary: "A remote loses `configurable`.",
        url: url::REMOTES,
        source: "roa-diff: a fixed URL replaces the admin's own choice, which admins never approved",
        detail: "New in version 2.";
    RemoteOperationAdded = "remote-operation-added", Major, Inferred,
        summary: "A remote gains an operation, or loses its operations list (no list = every operation).",
        url: url::REMOTES,
        source: "roa-diff, from the remotes reference: expanding an existing remote's scope is major",
        detail: "Dropping the whole operations list is one change on `operations`; otherwise one change per operation gained (storage, compute, fetch, other).";
    RemoteOperationRemoved = "remote-operation-removed", Minor, Doc,
        summary: "A remote loses some, not all, operations, or gains an operations list where it had none.",
        url: url::REMOTES,
        source: "remotes reference, minor upgrade table",
        detail: "Adding a list where there was none is one change on `operations`; otherwise one change per operation dropped. An empty operations list is a reading error (Forge refuses it).";
    RemoteEudEnabled = "remote-eud-enabled", Major, Doc,
        summary: "A remote's storage.inScopeEUD goes from false to true.",
        url: url::REMOTES,
        source: "remotes reference, major upgrade table",
        detail: "Counts only while the remote has the storage operation on both sides (no operations list counts as having it). A missing value means true.";
    RemoteEudDisabled = "remote-eud-disabled", Minor, Doc,
        summary: "A remote's storage.inScopeEUD goes from true to false.",
        url: url::REMOTES,
        source: "remotes reference, minor upgrade table",
        detail: "Counts only while the remote has the storage operation on both sides.";
    ProviderAdded = "provider-added", Major, Doc,
        summary: "An auth provider appears in providers.auth.",
        url: url::VERSIONS,
        source: "major version upgrades: changes to external authentication providers",
        detail: "Identified by key.";
    ProviderRemoved = "provider-removed", Major, Doc,
        summary: "An auth provider disappears from providers.auth.",
        url: url::VERSIONS,
        source: "major version upgrades: changes to external authentication providers",
        detail: "Identified by key.";
    ProviderClientIdChanged = "provider-client-id-changed", Major, Doc,
        summary: "An auth provider's clientId changes.",
        url: url::VERSIONS,
        source: "major version upgrades: changes to external authentication providers",
        detail: "Compared after ${VAR} interpolation.";
    ProviderUrlRemoved = "provider-url-removed", Major, Doc,
        summary: "A remote an auth provider uses is dropped from it, removed from remotes, or re-pointed.",
        url: url::RUNS_ON_ATLASSIAN,
        source: SEED_FAQ,
        detail: "The seed FAQ said \"removing an existing URL of an external provider from the providers section of the manifest is considered a major update\"; the current pages no longer say so. A provider's remotes are its `remotes` list and every `actions.*.remote`. Re-pointing: a URL the remote had, in any region, is changed or gone (a region added is not). Adding a remote to a provider is no change.";
    WebtriggerDynamicAdded = "webtrigger-dynamic-added", Major, Doc,
        summary: "A new dynamic web trigger (explicitly, or by default) when the old manifest had no dynamic web trigger.",
        url: url::WEB_TRIGGER,
        source: "web trigger reference: adding a dynamic web trigger \"and your app currently does not have other dynamic\" web triggers is a major update",
        detail: "A web trigger is static only when response.type is exactly `static`; without response.type it is dynamic (documented default). With a dynamic one in the old manifest the change is webtrigger-dynamic-added-not-first.";
    WebtriggerDynamicAddedNotFirst = "webtrigger-dynamic-added-not-first", Minor, Doc,
        summary: "A new dynamic web trigger when the old manifest already had a dynamic one.",
        url: url::WEB_TRIGGER,
        source: "web trigger reference: only the first dynamic web trigger needs approval",
        detail: "New in version 2.";
    WebtriggerMadeDynamic = "webtrigger-made-dynamic", Major, Doc,
        summary: "An existing web trigger goes from static to dynamic.",
        url: url::WEB_TRIGGER,
        source: "web trigger reference and major version upgrades: static -> dynamic",
        detail: "Removing `response.type: static` makes the trigger dynamic. No first-time condition: every static -> dynamic change is major.";
    WebtriggerStaticAdded = "webtrigger-static-added", Minor, Doc,
        summary: "A new web trigger whose response.type is static.",
        url: url::WEB_TRIGGER,
        source: "web trigger reference: static web triggers need no approval and keep Runs on Atlassian",
        detail: "";
    WebtriggerMadeStatic = "webtrigger-made-static", Minor, Inferred,
        summary: "An existing web trigger goes from dynamic to static.",
        url: url::WEB_TRIGGER,
        source: "roa-diff: narrowing what a trigger can do needs no consent",
        detail: "";
    WebtriggerRemoved = "webtrigger-removed", Minor, Inferred,
        summary: "A web trigger disappears.",
        url: url::WEB_TRIGGER,
        source: "roa-diff: removing a capability needs no consent",
        detail: "";
    EndpointChanged = "endpoint-changed", Major, Doc,
        summary: "A modules.endpoint entry appears, disappears, or its remote, service, route or auth changes.",
        url: url::ENDPOINT,
        source: "endpoint reference: \"modifying the endpoint entries results in a major version upgrade\"",
        detail: "remote, service, route and auth are each compared as a whole value; other keys are ignored. New in version 2 (version 1 reported an endpoint as module-added).";
    CapabilityAdded = "capability-added", Major, Doc,
        summary: "The first module of type sql, llm or objectStore, or a services entry when the old manifest had no service.",
        url: url::SQL,
        source: "Forge SQL (storage-reference/sql), Forge LLMs (runtime-reference/forge-llms-api-reference), Object Store (storage-reference/object-store) and Containers (containers-reference/managing-service) pages: adding the capability is a major version",
        detail: "\"The old manifest had none\" of that kind. Forge allows one module each of sql, llm and objectStore: one under a new key where the old manifest had one of that type is module-added (with the old one's module-removed). A further service is module-added; a service that disappears is module-removed.";
    LicensingEnabled = "licensing-enabled", Major, Doc,
        summary: "app.licensing.enabled goes from false to true.",
        url: url::VERSIONS,
        source: "major version upgrades: enabling licensing",
        detail: "A missing value is false. Replaces version 1's licensing-changed.";
    LicensingDisabled = "licensing-disabled", Minor, Doc,
        summary: "app.licensing.enabled goes from true to false.",
        url: url::VERSIONS,
        source: "major version upgrades lists only enabling licensing (the older Connect-vs-Forge versioning table said \"between Free and Paid\", both ways)",
        detail: "Replaces version 1's licensing-changed (major both ways).";
    ConnectKeyChanged = "connect-key-changed", Major, Inferred,
        summary: "app.connect.key is set, removed or changed.",
        url: url::CONNECT_VERSIONING,
        source: "roa-diff: the Connect key ties the app to its Connect installation; changing it changes what admins installed",
        detail: "app.connect.remote is not compared. A Connect app's first Forge release follows Atlassian's Connect-to-Forge rules, which compare a descriptor with a manifest: roa-diff does not model them.";
    CompatibilityChanged = "compatibility-changed", Minor, Doc,
        summary: "app.compatibility changes.",
        url: url::COMPATIBILITY,
        source: "app compatibility: minor unless scopes or egress are added (which their own rules report)",
        detail: "Compared as a whole value; absent and `{}` are the same.";
    EnforcementChanged = "enforcement-changed", Minor, Inferred,
        summary: "permissions.enforcement is set, cleared or changed.",
        url: url::ROLLING_RELEASES,
        source: "roa-diff: `app-managed` opts into rolling releases; no consent is involved",
        detail: "The update that sets `app-managed` is already on rolling releases (inferred), see the rollout.";
    ModuleAdded = "module-added", Minor, Doc,
        summary: "A module appears (modules other than webtrigger and endpoint, connectModules, a further services entry).",
        url: url::VERSIONS,
        source: "major version upgrades / versioning table: modules need no approval",
        detail: "Identified by (section and type, key), e.g. modules.jira:issuePanel[key=panel]. Not the first sql, llm or objectStore module or the first service (capability-added).";
    ModuleRemoved = "module-removed", Minor, Doc,
        summary: "A module disappears (including a service).",
        url: url::VERSIONS,
        source: "major version upgrades / versioning table: modules need no approval",
        detail: "Identified by (section and type, key).";
}

/// Rule ids of version 1 that version 2 replaced, with the ids that replaced them.
pub const REPLACED_IDS: &[(&str, &[RuleId])] = &[
    (
        "content-permission-changed",
        &[
            RuleId::ContentPermissionAdded,
            RuleId::ContentPermissionRemoved,
        ],
    ),
    (
        "licensing-changed",
        &[RuleId::LicensingEnabled, RuleId::LicensingDisabled],
    ),
];

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
            ScopeRemoved => ScopeAdded,
            ContentPermissionAdded => ContentPermissionRemoved,
            EgressAdded => EgressRemoved,
            RemoteAdded | RemoteAddedFromEgress | RemoteAddedConfigurable => RemoteRemoved,
            ProviderAdded => ProviderRemoved,
            ModuleAdded | CapabilityAdded => ModuleRemoved,
            WebtriggerDynamicAdded | WebtriggerDynamicAddedNotFirst | WebtriggerStaticAdded => {
                WebtriggerRemoved
            }
            RemoteOperationAdded => RemoteOperationRemoved,
            EgressConfigurableEnabled => EgressConfigurableDisabled,
            EgressEudEnabled | EgressEudEnabledNotFirst => EgressEudDisabled,
            RemoteEudEnabled => RemoteEudDisabled,
            WebtriggerMadeDynamic => WebtriggerMadeStatic,
            RemoteMadeConfigurable => RemoteConfigurableRemoved,
            LicensingEnabled => LicensingDisabled,
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

    #[test]
    fn every_rule_cites_a_developer_atlassian_page() {
        for rule in RULES {
            assert!(
                rule.url.starts_with("https://developer.atlassian.com/"),
                "{}: {}",
                rule.id,
                rule.url
            );
            assert!(!rule.source.is_empty(), "{}", rule.id);
        }
        for (old, new) in REPLACED_IDS {
            assert!(RuleId::from_id(old).is_none(), "{old} is still a rule id");
            assert!(!new.is_empty());
        }
    }
}
