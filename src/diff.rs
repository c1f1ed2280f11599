//! The semantic diff: which parts of the model appeared, disappeared or changed between two
//! manifests, each change tagged with the rule that classifies it (SPEC §3, §5).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Value as Json};

use crate::fingerprint::fingerprint;
use crate::model::REMOTE_OPERATIONS;
use crate::model::{
    escape_identity, Egress, EgressTarget, Located, Manifest, Module, Provider, Remote, Service,
    WebTrigger,
};
use crate::rules::{Level, RuleId};

/// Which file a change's line is in: removals point into the old file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Old,
    New,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub rule: RuleId,
    pub level: Level,
    pub path: String,
    pub line: Option<usize>,
    pub side: Side,
    pub message: String,
    pub before: Json,
    pub after: Json,
    /// Stable identity of this change (see `fingerprint`), for accepting it.
    pub fingerprint: String,
    /// Set when a `.roa-diff.yml` entry accepts the change (see `accept`).
    pub accepted: Option<Acceptance>,
    /// Set when a `levels:` entry of `.roa-diff.yml` changed `level` (see `accept`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overridden: Option<Overridden>,
}

/// How a change (or the loss of Runs on Atlassian) was accepted by an entry of the accept
/// file ([`crate::accept`]); shown in every format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Acceptance {
    pub reason: String,
    /// `fingerprint`, `rule+path` or `roa`: which kind of entry matched.
    pub by: &'static str,
    /// `FILE:LINE` of the entry.
    pub entry: String,
}

/// How a `levels:` entry of the accept file overrode a change's level; shown in every format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overridden {
    /// The rule book's level for the rule.
    pub rule_level: Level,
    /// `FILE:LINE` of the `levels:` entry.
    pub entry: String,
}

/// The two manifests being compared, with the names warnings use.
pub struct Sides<'a> {
    pub old: &'a Manifest,
    pub old_name: &'a str,
    pub new: &'a Manifest,
    pub new_name: &'a str,
}

#[derive(Debug, Default)]
pub struct Diff {
    pub changes: Vec<Change>,
    pub warnings: Vec<String>,
}

impl Diff {
    fn push(
        &mut self,
        rule: RuleId,
        path: String,
        (line, side): (Option<usize>, Side),
        message: String,
        before: Json,
        after: Json,
    ) {
        self.changes.push(Change {
            rule,
            level: rule.level(),
            fingerprint: fingerprint(rule, &path, &before, &after),
            path,
            line,
            side,
            message,
            before,
            after,
            accepted: None,
            overridden: None,
        });
    }
}

fn at_new(line: Option<usize>) -> (Option<usize>, Side) {
    (line, Side::New)
}

fn at_old(line: Option<usize>) -> (Option<usize>, Side) {
    (line, Side::Old)
}

/// A part of the model that is matched across versions by an identity.
trait Part {
    /// Borrowed from the part: indexing allocates nothing per entry.
    type Key<'k>: Ord
    where
        Self: 'k;
    fn identity(&self) -> Self::Key<'_>;
    fn describe(&self) -> String;
    fn line(&self) -> Option<usize>;
    /// Whether a repeat of the same identity is worth a warning.
    fn conflicts(&self, _first: &Self) -> bool {
        true
    }
}

/// Indexes entries by identity, keeping the first of each and warning about conflicting
/// repeats (in document order).
fn index<'a, T: Part + 'a>(
    items: impl IntoIterator<Item = &'a T>,
    file: &str,
    warnings: &mut Vec<String>,
) -> Index<'a, T> {
    // (identity, place in the document, entry), sorted by identity; the sort is stable, so the
    // first of equal identities is the first in the document.
    let mut entries: Vec<(T::Key<'a>, usize, &'a T)> = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| (item.identity(), i, item))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut repeats: Vec<(usize, String)> = Vec::new();
    entries.dedup_by(|(key, at, item), (first_key, _, first)| {
        if key != first_key {
            return false;
        }
        if item.conflicts(first) {
            repeats.push((
                *at,
                format!(
                    "{file}{}: {} is declared again (first at line {}); only the first is compared",
                    item.line().map(|l| format!(":{l}")).unwrap_or_default(),
                    item.describe(),
                    first.line().map_or("?".to_string(), |l| l.to_string()),
                ),
            ));
        }
        true
    });
    repeats.sort_by_key(|(at, _)| *at);
    warnings.extend(repeats.into_iter().map(|(_, warning)| warning));
    Index { entries }
}

/// One side's entries of a part by identity, the first of each, in order of identity. A sorted
/// vector: building it costs a sort, much less than a tree map (`roa-diff log` builds them
/// for thousands of pairs).
struct Index<'a, T: Part + 'a> {
    entries: Vec<(T::Key<'a>, usize, &'a T)>,
}

impl<'a, T: Part + 'a> Index<'a, T> {
    fn get(&self, key: &T::Key<'a>) -> Option<&'a T> {
        let found = self.entries.binary_search_by(|(k, _, _)| k.cmp(key));
        found.ok().map(|i| self.entries[i].2)
    }

    fn contains_key(&self, key: &T::Key<'a>) -> bool {
        self.get(key).is_some()
    }

    fn keys(&self) -> impl Iterator<Item = &T::Key<'a>> {
        self.entries.iter().map(|(key, _, _)| key)
    }

    fn iter(&self) -> impl Iterator<Item = (&T::Key<'a>, &'a T)> {
        self.entries.iter().map(|(key, _, item)| (key, *item))
    }
}

/// Both sides' indexes of one part.
fn index_both<'a, T: Part + 'a, I: IntoIterator<Item = &'a T>>(
    s: &Sides<'a>,
    items: impl Fn(&'a Manifest) -> I,
    warnings: &mut Vec<String>,
) -> (Index<'a, T>, Index<'a, T>) {
    (
        index(items(s.old), s.old_name, warnings),
        index(items(s.new), s.new_name, warnings),
    )
}

impl Part for Located<String> {
    type Key<'k> = &'k str;
    fn identity(&self) -> &str {
        &self.value
    }
    fn describe(&self) -> String {
        format!("scope `{}`", self.value)
    }
    fn line(&self) -> Option<usize> {
        self.line
    }
    fn conflicts(&self, _first: &Self) -> bool {
        false
    }
}

impl Part for Egress {
    type Key<'k> = (&'static str, &'k EgressTarget);
    fn identity(&self) -> Self::Key<'_> {
        (self.kind, &self.target)
    }
    fn describe(&self) -> String {
        format!("egress {}", describe_target(self.kind, &self.target))
    }
    fn line(&self) -> Option<usize> {
        self.line
    }
    fn conflicts(&self, first: &Self) -> bool {
        category_key(self) != category_key(first)
            || self.in_scope_eud.value != first.in_scope_eud.value
    }
}

/// Parts identified by their `key` alone, and described as `<what> \`key\``.
macro_rules! keyed_part {
    ($($part:ty => $what:literal),* $(,)?) => {$(
        impl Part for $part {
            type Key<'k> = &'k str;
            fn identity(&self) -> &str {
                &self.key
            }
            fn describe(&self) -> String {
                format!(concat!($what, " `{}`"), self.key)
            }
            fn line(&self) -> Option<usize> {
                self.line
            }
        }
    )*};
}

keyed_part!(Remote => "remote", Provider => "auth provider", WebTrigger => "web trigger", Service => "service");

impl Part for Module {
    type Key<'k> = (&'static str, &'k str, &'k str);
    fn identity(&self) -> Self::Key<'_> {
        (self.section, &self.kind, &self.key)
    }
    fn describe(&self) -> String {
        format!("module {}.{} `{}`", self.section, self.kind, self.key)
    }
    fn line(&self) -> Option<usize> {
        self.line
    }
}

/// Computes every change from `old` to `new`, ordered by part (scopes, content, egress,
/// remotes, providers, web triggers, app, modules) and within a part by identity, and the
/// warnings about either side.
pub fn diff(sides: &Sides) -> Diff {
    diff_parts(sides, false)
}

/// The changes of [`diff`] alone, without comparing the parts of the model both sides share
/// (the same `Arc`: read once from the same section text, see [`crate::sections`]). A part
/// compared with itself has no change, so the changes are the same; the warnings such a part
/// would give are not computed. For `roa-diff log`, which compares thousands of versions that
/// differ in one section each.
pub fn changes(sides: &Sides) -> Vec<Change> {
    diff_parts(sides, true).changes
}

fn diff_parts(s: &Sides, skip_shared: bool) -> Diff {
    fn same<T>(skip: bool, old: &Arc<T>, new: &Arc<T>) -> bool {
        skip && Arc::ptr_eq(old, new)
    }
    let (old, new) = (s.old, s.new);
    let mut d = Diff::default();
    // Remotes that a URL moved into from fetch.backend: both the egress and the remote diff
    // treat them as one move (SPEC §3, remote-added-from-egress).
    let moved = remotes_from_egress(s);
    if !same(skip_shared, &old.permissions, &new.permissions) {
        diff_scopes(s, &mut d);
        diff_content(s, &mut d);
        diff_egress(s, &moved, &mut d);
        diff_enforcement(s, &mut d);
    }
    // A provider's changes also depend on the remotes it uses.
    let remotes_same = same(skip_shared, &old.remotes, &new.remotes);
    if !(remotes_same && same(skip_shared, &old.providers, &new.providers)) {
        diff_remotes_and_providers(s, &moved, &mut d);
    }
    let modules_same = same(skip_shared, &old.modules, &new.modules);
    if !modules_same {
        diff_webtriggers(s, &mut d);
    }
    if !same(skip_shared, &old.app, &new.app) {
        diff_app(s, &mut d);
    }
    if !(modules_same && same(skip_shared, &old.connect_modules, &new.connect_modules)) {
        diff_modules(s, &mut d);
    }
    if !same(skip_shared, &old.services, &new.services) {
        diff_services(s, &mut d);
    }
    d
}

fn diff_scopes(s: &Sides, d: &mut Diff) {
    let (old, new) = index_both(s, |m| &m.permissions.scopes, &mut d.warnings);
    for (name, scope) in new.iter() {
        if !old.contains_key(name) {
            d.push(
                RuleId::ScopeAdded,
                format!("permissions.scopes[{}]", escape_identity(name)),
                at_new(scope.line),
                format!("scope `{name}` added"),
                Json::Null,
                json!(name),
            );
        }
    }
    for (name, scope) in old.iter() {
        if !new.contains_key(name) {
            d.push(
                RuleId::ScopeRemoved,
                format!("permissions.scopes[{}]", escape_identity(name)),
                at_old(scope.line),
                format!("scope `{name}` removed"),
                json!(name),
                Json::Null,
            );
        }
    }
}

fn diff_content(s: &Sides, d: &mut Diff) {
    fn index(m: &Manifest) -> BTreeMap<(&'static str, &str), Option<usize>> {
        let mut map = BTreeMap::new();
        for (kind, value) in &m.permissions.content {
            map.entry((*kind, value.value.as_str()))
                .or_insert(value.line);
        }
        map
    }
    fn path(kind: &str, value: &str) -> String {
        match kind {
            "sandbox" => format!("permissions.sandbox[{}]", escape_identity(value)),
            _ => format!("permissions.content.{kind}[{}]", escape_identity(value)),
        }
    }
    let (old, new) = (index(s.old), index(s.new));
    for ((kind, value), line) in &new {
        if !old.contains_key(&(*kind, *value)) {
            d.push(
                RuleId::ContentPermissionAdded,
                path(kind, value),
                at_new(*line),
                format!("content permission {kind} `{value}` added"),
                Json::Null,
                json!(value),
            );
        }
    }
    for ((kind, value), line) in &old {
        if !new.contains_key(&(*kind, *value)) {
            d.push(
                RuleId::ContentPermissionRemoved,
                path(kind, value),
                at_old(*line),
                format!("content permission {kind} `{value}` removed"),
                json!(value),
                Json::Null,
            );
        }
    }
}

fn egress_json(e: &Egress) -> Json {
    let mut obj = serde_json::Map::new();
    match &e.target {
        EgressTarget::Address(a) => obj.insert("address".into(), json!(a)),
        EgressTarget::Remote(r) => obj.insert("remote".into(), json!(r)),
    };
    if let Some(c) = &e.category {
        obj.insert("category".into(), json!(c.value));
    }
    if matches!(e.target, EgressTarget::Address(_)) {
        obj.insert("inScopeEUD".into(), json!(e.in_scope_eud.value));
    }
    Json::Object(obj)
}

fn describe_target(kind: &str, target: &EgressTarget) -> String {
    match target {
        EgressTarget::Address(a) if a == "*" => format!("ANY domain (`*`) in {kind}"),
        EgressTarget::Address(a) => format!("{a} in {kind}"),
        EgressTarget::Remote(r) => format!("remote `{r}` in {kind}"),
    }
}

/// A wildcard among `known` addresses that covers `address` (`https://*.example.com` covers
/// `https://api.example.com`, `*` covers all), the most specific first. Looks up each parent domain of the
/// host, so the cost does not grow with the number of known addresses.
fn covering_wildcard<'a>(address: &str, known: &HashSet<&'a str>) -> Option<&'a str> {
    let (scheme, host) = address.split_once("://")?;
    let host = host.split('/').next()?;
    host.match_indices('.')
        .find_map(|(i, _)| {
            let wildcard = format!("{scheme}://*{}", &host[i..]);
            known.get(wildcard.as_str()).copied()
        })
        // A bare `*` (any domain) covers every address.
        .or_else(|| known.get("*").copied())
}

fn category_key(e: &Egress) -> Option<String> {
    e.category.as_ref().map(|c| c.value.to_ascii_lowercase())
}

/// The host (with port) of a URL, lower-cased: scheme, path, query and fragment dropped.
pub fn url_host(url: &str) -> String {
    let url = url.trim();
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    rest[..end].to_ascii_lowercase()
}

/// The keys of remotes added by this update whose every URL's host is the host of an old
/// `fetch.backend` address (SPEC §3 remote-added-from-egress; wildcards compare as text).
fn remotes_from_egress<'a>(s: &Sides<'a>) -> BTreeSet<&'a str> {
    let mut moved = BTreeSet::new();
    let old_keys: HashSet<&str> = s.old.remotes.iter().map(|r| r.key.as_str()).collect();
    let mut backend_hosts: Option<HashSet<String>> = None;
    for r in s.new.remotes.iter() {
        let regions = r.regions();
        if old_keys.contains(r.key.as_str()) || regions.is_empty() {
            continue;
        }
        let hosts = backend_hosts.get_or_insert_with(|| {
            s.old
                .permissions
                .egress
                .iter()
                .filter(|e| e.kind == "fetch.backend")
                .filter_map(|e| match &e.target {
                    EgressTarget::Address(a) => Some(url_host(a)),
                    EgressTarget::Remote(_) => None,
                })
                .collect()
        });
        if regions
            .iter()
            .all(|(_, url)| hosts.contains(&url_host(url)))
        {
            moved.insert(r.key.as_str());
        }
    }
    moved
}

fn diff_egress(s: &Sides, moved: &BTreeSet<&str>, d: &mut Diff) {
    let (old, new) = index_both(s, |m| &m.permissions.egress, &mut d.warnings);
    // SPEC §3 egress-eud-enabled: "for the first time" means no address entry of the old
    // manifest carried in-scope End-User Data.
    let old_had_eud = s
        .old
        .permissions
        .egress
        .iter()
        .any(|e| matches!(e.target, EgressTarget::Address(_)) && e.in_scope_eud.value);
    // The old side's addresses by kind, for the wildcards that cover an added one: built at
    // the first addition (most pairs in a history add none).
    let mut known: Option<HashMap<&str, HashSet<&str>>> = None;
    for (key, e) in new.iter() {
        let Some(before) = old.get(key) else {
            if let (EgressTarget::Remote(r), "fetch.backend") = (&e.target, e.kind) {
                if moved.contains(r.as_str()) {
                    continue;
                }
            }
            let mut message = format!("new egress to {}", describe_target(e.kind, &e.target));
            if let EgressTarget::Address(a) = &e.target {
                let known = known.get_or_insert_with(|| {
                    let mut known: HashMap<&str, HashSet<&str>> = HashMap::new();
                    for (kind, target) in old.keys() {
                        if let EgressTarget::Address(a) = target {
                            known.entry(kind).or_default().insert(a);
                        }
                    }
                    known
                });
                let cover = known.get(e.kind).and_then(|k| covering_wildcard(a, k));
                if let Some(w) = cover {
                    message.push_str(&format!(
                        " (already covered by {w}, but the consent check is not known to expand wildcards)"
                    ));
                }
            }
            d.push(
                RuleId::EgressAdded,
                e.path(),
                at_new(e.line),
                message,
                Json::Null,
                egress_json(e),
            );
            continue;
        };
        let (cat_before, cat_after) = (category_key(before), category_key(e));
        if cat_before != cat_after {
            let line = e.category.as_ref().and_then(|c| c.line).or(e.line);
            d.push(
                RuleId::EgressCategoryChanged,
                format!("{}.category", e.path()),
                at_new(line),
                format!(
                    "egress category of {} {}",
                    describe_target(e.kind, &e.target),
                    match (&before.category, &e.category) {
                        (None, Some(c)) => format!("set to `{}`", c.value),
                        (Some(c), None) => format!("cleared (was `{}`)", c.value),
                        (Some(b), Some(a)) =>
                            format!("changed from `{}` to `{}`", b.value, a.value),
                        (None, None) => String::new(),
                    }
                ),
                json!(before.category.as_ref().map(|c| &c.value)),
                json!(e.category.as_ref().map(|c| &c.value)),
            );
        }
        if matches!(e.target, EgressTarget::Address(_))
            && before.in_scope_eud.value != e.in_scope_eud.value
        {
            let enabled = e.in_scope_eud.value;
            let line = e.in_scope_eud.line.or(e.line);
            d.push(
                match (enabled, old_had_eud) {
                    (true, false) => RuleId::EgressEudEnabled,
                    (true, true) => RuleId::EgressEudEnabledNotFirst,
                    (false, _) => RuleId::EgressEudDisabled,
                },
                format!("{}.inScopeEUD", e.path()),
                at_new(line),
                format!(
                    "egress to {} {} in-scope End-User Data{}",
                    describe_target(e.kind, &e.target),
                    if enabled {
                        "now carries"
                    } else {
                        "no longer carries"
                    },
                    match (enabled, e.in_scope_eud.line, old_had_eud) {
                        (true, None, false) => " (inScopeEUD is missing, which means true)",
                        (true, None, true) => " (inScopeEUD is missing, which means true; another entry already did, so not for the first time)",
                        (true, Some(_), true) => " (another entry already did, so not for the first time)",
                        _ => "",
                    }
                ),
                json!(before.in_scope_eud.value),
                json!(enabled),
            );
        }
    }
    for (key, e) in old.iter() {
        if !new.contains_key(key) {
            d.push(
                RuleId::EgressRemoved,
                e.path(),
                at_old(e.line),
                format!("egress to {} removed", describe_target(e.kind, &e.target)),
                egress_json(e),
                Json::Null,
            );
        }
    }
    let (before, after) = (
        &s.old.permissions.configurable,
        &s.new.permissions.configurable,
    );
    if before.value != after.value {
        let (rule, line, verb) = if after.value {
            (
                RuleId::EgressConfigurableEnabled,
                at_new(after.line),
                "enabled",
            )
        } else {
            (
                RuleId::EgressConfigurableDisabled,
                if after.line.is_some() {
                    at_new(after.line)
                } else {
                    at_old(before.line)
                },
                "disabled",
            )
        };
        d.push(
            rule,
            "permissions.external.configurable.enabled".into(),
            line,
            format!("configurable egress {verb}"),
            json!(before.value),
            json!(after.value),
        );
    }
}

fn diff_enforcement(s: &Sides, d: &mut Diff) {
    let (before, after) = (
        s.old.permissions.enforcement.as_ref(),
        s.new.permissions.enforcement.as_ref(),
    );
    let (was, now) = (before.map(|e| &e.value), after.map(|e| &e.value));
    if was != now {
        d.push(
            RuleId::EnforcementChanged,
            "permissions.enforcement".into(),
            match after {
                Some(a) => at_new(a.line),
                None => at_old(before.and_then(|b| b.line)),
            },
            format!(
                "permission enforcement {} -> {}",
                was.map_or("(none)", |v| v.as_str()),
                now.map_or("(none)", |v| v.as_str())
            ),
            json!(was),
            json!(now),
        );
    }
}

fn remote_json(r: &Remote) -> Json {
    json!({
        "key": r.key,
        "baseUrl": r.base_url.as_ref().map(|b| &b.value),
        "operations": r.operations.as_ref().map(|o| o.value.iter().map(|x| &x.value).collect::<Vec<_>>()),
        "configurable": r.configurable.is_some(),
    })
}

fn operation_set(r: &Remote) -> BTreeSet<&str> {
    match &r.operations {
        None => REMOTE_OPERATIONS.iter().copied().collect(),
        Some(ops) => ops.value.iter().map(|o| o.value.as_str()).collect(),
    }
}

fn diff_remotes_and_providers(s: &Sides, moved: &BTreeSet<&str>, d: &mut Diff) {
    let (old, new) = index_both(s, |m| m.remotes.iter(), &mut d.warnings);
    // Remotes whose address a provider would lose: removed or re-pointed.
    let mut lost_address: BTreeMap<&str, &'static str> = BTreeMap::new();
    for (key, r) in new.iter() {
        let Some(before) = old.get(key) else {
            let (rule, why) = if r.configurable.is_some() && r.base_url.is_none() {
                (
                    RuleId::RemoteAddedConfigurable,
                    " (customer-managed: admins approve each URL at run time)",
                )
            } else if moved.contains(key) {
                (
                    RuleId::RemoteAddedFromEgress,
                    " (its URLs moved from fetch.backend)",
                )
            } else {
                (RuleId::RemoteAdded, "")
            };
            d.push(
                rule,
                r.path(),
                at_new(r.line),
                format!(
                    "new remote `{key}`{}{why}",
                    r.base_url
                        .as_ref()
                        .map(|b| format!(" at {}", short_json(&b.value)))
                        .unwrap_or_default()
                ),
                Json::Null,
                remote_json(r),
            );
            continue;
        };
        diff_base_url(before, r, &mut lost_address, d);
        match (&before.configurable, &r.configurable) {
            (None, Some(c)) => d.push(
                RuleId::RemoteMadeConfigurable,
                format!("{}.configurable", r.path()),
                at_new(c.line.or(r.line)),
                format!("remote `{key}` becomes customer-managed (configurable)"),
                json!(false),
                json!(true),
            ),
            (Some(c), None) => d.push(
                RuleId::RemoteConfigurableRemoved,
                format!("{}.configurable", r.path()),
                at_old(c.line.or(before.line)),
                format!("remote `{key}` is no longer customer-managed (configurable removed)"),
                json!(true),
                json!(false),
            ),
            _ => {}
        }
        diff_operations(before, r, d);
        if before.has_operation("storage")
            && r.has_operation("storage")
            && before.storage_eud.value != r.storage_eud.value
        {
            let enabled = r.storage_eud.value;
            d.push(
                if enabled {
                    RuleId::RemoteEudEnabled
                } else {
                    RuleId::RemoteEudDisabled
                },
                format!("{}.storage.inScopeEUD", r.path()),
                at_new(r.storage_eud.line.or(r.line)),
                format!(
                    "remote `{key}` {} in-scope End-User Data",
                    if enabled {
                        "now stores"
                    } else {
                        "no longer stores"
                    }
                ),
                json!(before.storage_eud.value),
                json!(enabled),
            );
        }
    }
    for (key, r) in old.iter() {
        if !new.contains_key(key) {
            lost_address.insert(key, "removed from remotes");
            d.push(
                RuleId::RemoteRemoved,
                r.path(),
                at_old(r.line),
                format!("remote `{key}` removed"),
                remote_json(r),
                Json::Null,
            );
        }
    }
    diff_providers(s, d, &lost_address);
}

/// The URLs of a remote's region map (SPEC §2: a string is `{default: x}`), region by region.
fn diff_base_url<'a>(
    before: &Remote,
    after: &'a Remote,
    lost_address: &mut BTreeMap<&'a str, &'static str>,
    d: &mut Diff,
) {
    let key = &after.key;
    let (was, now): (BTreeMap<&str, &str>, BTreeMap<&str, &str>) = (
        before.regions().into_iter().collect(),
        after.regions().into_iter().collect(),
    );
    if was == now {
        return;
    }
    // A region that had a URL and now has another or none re-points the remote.
    if was.iter().any(|(region, url)| now.get(region) != Some(url)) {
        lost_address.insert(key, "re-pointed");
    }
    let line = after.base_url.as_ref().and_then(|b| b.line).or(after.line);
    if now.is_empty() && after.configurable.is_some() {
        d.push(
            RuleId::RemoteUrlRemoved,
            format!("{}.baseUrl", after.path()),
            at_old(
                before
                    .base_url
                    .as_ref()
                    .and_then(|b| b.line)
                    .or(before.line),
            ),
            format!("customer-managed remote `{key}` drops its fixed baseUrl"),
            json!(before.base_url.as_ref().map(|b| &b.value)),
            Json::Null,
        );
        return;
    }
    let regions: BTreeSet<&str> = was.keys().chain(now.keys()).copied().collect();
    for region in regions {
        let (b, a) = (was.get(region), now.get(region));
        if b == a {
            continue;
        }
        let path = match region {
            "default" => format!("{}.baseUrl", after.path()),
            _ => format!("{}.baseUrl.{region}", after.path()),
        };
        let message = match (b, a) {
            (None, Some(a)) => format!("remote `{key}` gains URL {a} (region {region})"),
            (Some(b), None) => format!("remote `{key}` loses URL {b} (region {region})"),
            (Some(b), Some(a)) => {
                format!("remote `{key}` baseUrl ({region}) changed from {b} to {a}")
            }
            (None, None) => continue,
        };
        d.push(
            RuleId::RemoteUrlChanged,
            path,
            if a.is_some() {
                at_new(line)
            } else {
                at_old(
                    before
                        .base_url
                        .as_ref()
                        .and_then(|b| b.line)
                        .or(before.line),
                )
            },
            message,
            json!(b),
            json!(a),
        );
    }
}

fn diff_operations(before: &Remote, after: &Remote, d: &mut Diff) {
    let key = &after.key;
    match (&before.operations, &after.operations) {
        (Some(list), None) => d.push(
            RuleId::RemoteOperationAdded,
            format!("{}.operations", after.path()),
            at_new(after.line),
            format!("remote `{key}` dropped its operations list, so it may now do every operation"),
            json!(list.value.iter().map(|o| &o.value).collect::<Vec<_>>()),
            Json::Null,
        ),
        (None, Some(list)) => d.push(
            RuleId::RemoteOperationRemoved,
            format!("{}.operations", after.path()),
            at_new(list.line.or(after.line)),
            format!(
                "remote `{key}` now lists its operations ({}), no longer every operation",
                list.value
                    .iter()
                    .map(|o| o.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Json::Null,
            json!(list.value.iter().map(|o| &o.value).collect::<Vec<_>>()),
        ),
        (Some(_), Some(list)) => {
            let (was, now) = (operation_set(before), operation_set(after));
            for op in now.difference(&was) {
                let line = list
                    .value
                    .iter()
                    .find(|o| o.value == *op)
                    .and_then(|o| o.line);
                d.push(
                    RuleId::RemoteOperationAdded,
                    format!("{}.operations[{op}]", after.path()),
                    at_new(line),
                    format!("remote `{key}` gains operation `{op}`"),
                    Json::Null,
                    json!(op),
                );
            }
            for op in was.difference(&now) {
                let line = before
                    .operations
                    .as_ref()
                    .and_then(|l| l.value.iter().find(|o| o.value == *op))
                    .and_then(|o| o.line);
                d.push(
                    RuleId::RemoteOperationRemoved,
                    format!("{}.operations[{op}]", after.path()),
                    at_old(line),
                    format!("remote `{key}` loses operation `{op}`"),
                    json!(op),
                    Json::Null,
                );
            }
        }
        (None, None) => {}
    }
}

fn diff_providers(s: &Sides, d: &mut Diff, lost_address: &BTreeMap<&str, &'static str>) {
    let (old, new) = index_both(s, |m| m.providers.iter(), &mut d.warnings);
    let provider_json = |p: &Provider| {
        json!({
            "key": p.key,
            "clientId": p.client_id.as_ref().map(|c| &c.value),
            "remotes": p.remotes.iter().map(|r| &r.value).collect::<Vec<_>>(),
        })
    };
    for (key, p) in new.iter() {
        let Some(before) = old.get(key) else {
            d.push(
                RuleId::ProviderAdded,
                p.path(),
                at_new(p.line),
                format!("new auth provider `{key}`"),
                Json::Null,
                provider_json(p),
            );
            continue;
        };
        let (cid_before, cid_after) = (
            before.client_id.as_ref().map(|c| &c.value),
            p.client_id.as_ref().map(|c| &c.value),
        );
        if cid_before != cid_after {
            d.push(
                RuleId::ProviderClientIdChanged,
                format!("{}.clientId", p.path()),
                at_new(p.client_id.as_ref().and_then(|c| c.line).or(p.line)),
                format!("auth provider `{key}` clientId changed"),
                json!(cid_before),
                json!(cid_after),
            );
        }
        let now_used: HashMap<&str, &Located<String>> =
            p.remotes.iter().map(|r| (r.value.as_str(), r)).collect();
        for remote in &before.remotes {
            let still_used = now_used.contains_key(remote.value.as_str());
            let why = if !still_used {
                Some("no longer uses")
            } else {
                lost_address
                    .get(remote.value.as_str())
                    .map(|why| match *why {
                        "re-pointed" => "uses a re-pointed",
                        _ => "uses a removed",
                    })
            };
            if let Some(why) = why {
                let line = if still_used {
                    at_new(now_used.get(remote.value.as_str()).and_then(|r| r.line))
                } else {
                    at_old(remote.line)
                };
                d.push(
                    RuleId::ProviderUrlRemoved,
                    format!("{}.remotes[{}]", p.path(), escape_identity(&remote.value)),
                    line,
                    format!("auth provider `{key}` {why} remote `{}`", remote.value),
                    json!(remote.value),
                    if still_used {
                        json!(remote.value)
                    } else {
                        Json::Null
                    },
                );
            }
        }
    }
    for (key, p) in old.iter() {
        if !new.contains_key(key) {
            d.push(
                RuleId::ProviderRemoved,
                p.path(),
                at_old(p.line),
                format!("auth provider `{key}` removed"),
                provider_json(p),
                Json::Null,
            );
        }
    }
}

fn diff_webtriggers(s: &Sides, d: &mut Diff) {
    let (old, new) = index_both(s, |m| &m.modules.webtriggers, &mut d.warnings);
    let kind = |t: &WebTrigger| if t.dynamic.value { "dynamic" } else { "static" };
    // SPEC §3: a new dynamic trigger is major only when the old manifest had none (one that
    // this update removes still counts).
    let old_had_dynamic = s.old.modules.webtriggers.iter().any(|t| t.dynamic.value);
    for (key, t) in new.iter() {
        match old.get(key) {
            None => d.push(
                match (t.dynamic.value, old_had_dynamic) {
                    (true, false) => RuleId::WebtriggerDynamicAdded,
                    (true, true) => RuleId::WebtriggerDynamicAddedNotFirst,
                    (false, _) => RuleId::WebtriggerStaticAdded,
                },
                t.path(),
                at_new(t.line),
                format!(
                    "new {} web trigger `{key}`{}",
                    kind(t),
                    if t.dynamic.value && t.dynamic.line.is_none() {
                        " (no response.type, so dynamic by default)"
                    } else {
                        ""
                    }
                ),
                Json::Null,
                json!({"key": key, "response": {"type": kind(t)}}),
            ),
            Some(before) if before.dynamic.value != t.dynamic.value => d.push(
                if t.dynamic.value {
                    RuleId::WebtriggerMadeDynamic
                } else {
                    RuleId::WebtriggerMadeStatic
                },
                format!("{}.response.type", t.path()),
                at_new(t.dynamic.line.or(t.line)),
                format!("web trigger `{key}` goes {} -> {}", kind(before), kind(t)),
                json!(kind(before)),
                json!(kind(t)),
            ),
            Some(_) => {}
        }
    }
    for (key, t) in old.iter() {
        if !new.contains_key(key) {
            d.push(
                RuleId::WebtriggerRemoved,
                t.path(),
                at_old(t.line),
                format!("{} web trigger `{key}` removed", kind(t)),
                json!({"key": key, "response": {"type": kind(t)}}),
                Json::Null,
            );
        }
    }
}

fn diff_app(s: &Sides, d: &mut Diff) {
    if let (Some(before), Some(after)) = (s.old.app_id(), s.new.app_id()) {
        if before != after {
            d.warnings.push(format!(
                "{}: app.id differs from {} (`{before}` -> `{after}`): these look like two different apps; the verdict treats the new one as an update of the old",
                s.new_name, s.old_name
            ));
        }
    }
    let (before, after) = (&s.old.app.licensing, &s.new.app.licensing);
    if before.value != after.value {
        d.push(
            if after.value {
                RuleId::LicensingEnabled
            } else {
                RuleId::LicensingDisabled
            },
            "app.licensing.enabled".into(),
            if after.line.is_some() {
                at_new(after.line)
            } else {
                at_old(before.line)
            },
            format!(
                "licensing {}",
                if after.value { "enabled" } else { "disabled" }
            ),
            json!(before.value),
            json!(after.value),
        );
    }
    let (before, after) = (
        s.old.app.connect_key.as_ref(),
        s.new.app.connect_key.as_ref(),
    );
    if before.map(|k| &k.value) != after.map(|k| &k.value) {
        let message = match (before, after) {
            (None, Some(a)) => format!("Connect key set to `{}`", a.value),
            (Some(b), None) => format!("Connect key `{}` removed", b.value),
            (Some(b), Some(a)) => {
                format!("Connect key changed from `{}` to `{}`", b.value, a.value)
            }
            (None, None) => String::new(),
        };
        d.push(
            RuleId::ConnectKeyChanged,
            "app.connect.key".into(),
            match after {
                Some(a) => at_new(a.line),
                None => at_old(before.and_then(|b| b.line)),
            },
            message,
            json!(before.map(|k| &k.value)),
            json!(after.map(|k| &k.value)),
        );
    }
    let (before, after) = (
        s.old.app.compatibility.as_ref(),
        s.new.app.compatibility.as_ref(),
    );
    if before.map(|c| &c.value) != after.map(|c| &c.value) {
        d.push(
            RuleId::CompatibilityChanged,
            "app.compatibility".into(),
            match after {
                Some(a) => at_new(a.line),
                None => at_old(before.and_then(|b| b.line)),
            },
            "app compatibility changed".into(),
            json!(before.map(|c| &c.value)),
            json!(after.map(|c| &c.value)),
        );
    }
}

/// Module types Forge allows once each whose first appearance is `capability-added`.
const CAPABILITY_MODULES: &[&str] = &["sql", "llm", "objectStore"];

fn diff_modules(s: &Sides, d: &mut Diff) {
    let (old, new) = index_both(s, |m| m.all_modules(), &mut d.warnings);
    for (id, m) in new.iter() {
        if m.is_endpoint() {
            diff_endpoint(old.get(id), Some(m), d);
            continue;
        }
        if !old.contains_key(id) {
            let first = m.section == "modules"
                && CAPABILITY_MODULES.contains(&m.kind.as_str())
                && !s.old.has_module_type(&m.kind);
            d.push(
                if first {
                    RuleId::CapabilityAdded
                } else {
                    RuleId::ModuleAdded
                },
                m.path(),
                at_new(m.line),
                format!(
                    "new {} module `{}`{}",
                    m.kind,
                    m.key,
                    if first {
                        " (the app's first of this type)"
                    } else {
                        ""
                    }
                ),
                Json::Null,
                json!({"type": m.kind, "key": m.key}),
            );
        }
    }
    for (id, m) in old.iter() {
        if m.is_endpoint() {
            if !new.contains_key(id) {
                diff_endpoint(Some(m), None, d);
            }
            continue;
        }
        if !new.contains_key(id) {
            d.push(
                RuleId::ModuleRemoved,
                m.path(),
                at_old(m.line),
                format!("{} module `{}` removed", m.kind, m.key),
                json!({"type": m.kind, "key": m.key}),
                Json::Null,
            );
        }
    }
}

/// `modules.endpoint`: any entry added or removed, or any compared field changed, is major.
fn diff_endpoint(before: Option<&Module>, after: Option<&Module>, d: &mut Diff) {
    let fields = |m: &Module| m.endpoint.clone().unwrap_or(Json::Null);
    match (before, after) {
        (None, Some(m)) => d.push(
            RuleId::EndpointChanged,
            m.path(),
            at_new(m.line),
            format!("new endpoint `{}`", m.key),
            Json::Null,
            fields(m),
        ),
        (Some(m), None) => d.push(
            RuleId::EndpointChanged,
            m.path(),
            at_old(m.line),
            format!("endpoint `{}` removed", m.key),
            fields(m),
            Json::Null,
        ),
        (Some(b), Some(a)) => {
            let (was, now) = (fields(b), fields(a));
            for field in ["remote", "service", "route", "auth"] {
                let (x, y) = (&was[field], &now[field]);
                if x != y {
                    d.push(
                        RuleId::EndpointChanged,
                        format!("{}.{field}", a.path()),
                        at_new(a.line),
                        format!(
                            "endpoint `{}` {field} changed from {} to {}",
                            a.key,
                            short_json(x),
                            short_json(y)
                        ),
                        x.clone(),
                        y.clone(),
                    );
                }
            }
        }
        (None, None) => {}
    }
}

/// `services` (Forge Containers): the first services are `capability-added`, later ones
/// `module-added`; a service that disappears is `module-removed`.
fn diff_services(s: &Sides, d: &mut Diff) {
    let (old, new) = index_both(s, |m| m.services.iter(), &mut d.warnings);
    let first = s.old.services.is_empty();
    for (key, svc) in new.iter() {
        if !old.contains_key(key) {
            d.push(
                if first {
                    RuleId::CapabilityAdded
                } else {
                    RuleId::ModuleAdded
                },
                svc.path(),
                at_new(svc.line),
                format!(
                    "new service `{key}`{}",
                    if first {
                        " (the app's first container service)"
                    } else {
                        ""
                    }
                ),
                Json::Null,
                json!({"type": "service", "key": key}),
            );
        }
    }
    for (key, svc) in old.iter() {
        if !new.contains_key(key) {
            d.push(
                RuleId::ModuleRemoved,
                svc.path(),
                at_old(svc.line),
                format!("service `{key}` removed"),
                json!({"type": "service", "key": key}),
                Json::Null,
            );
        }
    }
}

/// A JSON value in one short line, for messages.
fn short_json(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(text: &str) -> Manifest {
        let source = crate::load::Source {
            name: "m.yml".into(),
            text: text.into(),
        };
        let doc = crate::load::parse(&source, &crate::load::LoadOptions::default()).unwrap();
        Manifest::from_document(&doc).unwrap()
    }

    #[test]
    fn repeats_keep_the_first_and_warn_in_document_order() {
        let text = "permissions:\n  scopes: [a, b, a]\n  external:\n    fetch:\n      backend:\n        - address: https://x.io\n          category: analytics\n          inScopeEUD: false\n        - https://y.io\n        - https://x.io\nremotes:\n  - key: r1\n    baseUrl: https://one\n  - key: r2\n    configurable: {}\n  - key: r1\n    baseUrl: https://two\nmodules:\n  function:\n    - key: f\n    - key: g\n    - key: f\n";
        let (empty, m) = (Manifest::default(), model(text));
        let sides = |old| Sides {
            old,
            old_name: "old.yml",
            new: &m,
            new_name: "new.yml",
        };
        let d = diff(&sides(&empty));
        assert_eq!(
            d.warnings,
            [
                "new.yml:10: egress https://x.io in fetch.backend is declared again (first at line 6); only the first is compared",
                "new.yml:16: remote `r1` is declared again (first at line 12); only the first is compared",
                "new.yml:22: module modules.function `f` is declared again (first at line 20); only the first is compared",
            ]
        );
        let added = |rule: RuleId| -> Vec<(&str, &Json)> {
            let of_rule = d.changes.iter().filter(|c| c.rule == rule);
            of_rule.map(|c| (c.path.as_str(), &c.after)).collect()
        };
        // The first of each identity is the one compared, and each identity once, in order.
        let egress = added(RuleId::EgressAdded);
        assert_eq!(egress.len(), 2);
        assert_eq!(egress[0].1["category"], "analytics");
        let remotes = added(RuleId::RemoteAdded);
        assert_eq!(remotes[0].1["baseUrl"], "https://one");
        let scopes: Vec<&str> = added(RuleId::ScopeAdded).iter().map(|c| c.0).collect();
        assert_eq!(scopes, ["permissions.scopes[a]", "permissions.scopes[b]"]);
        let modules: Vec<&str> = added(RuleId::ModuleAdded).iter().map(|c| c.0).collect();
        assert_eq!(
            modules,
            ["modules.function[key=f]", "modules.function[key=g]"]
        );
        // Against itself: no change; each side warns, the old one first.
        let d = diff(&sides(&m));
        assert!(d.changes.is_empty());
        assert_eq!(d.warnings.len(), 6);
        assert!(
            d.warnings[0].starts_with("old.yml:10:") && d.warnings[1].starts_with("new.yml:10:")
        );
    }

    #[test]
    fn wildcard_cover() {
        let known: HashSet<&str> = ["https://*.example.com", "https://*.a.example.com"]
            .into_iter()
            .chain(["https://other.io"])
            .collect();
        assert_eq!(
            covering_wildcard("https://api.example.com", &known),
            Some("https://*.example.com")
        );
        // Several cover it: the most specific.
        assert_eq!(
            covering_wildcard("https://x.a.example.com/p", &known),
            Some("https://*.a.example.com")
        );
        assert_eq!(covering_wildcard("https://example.com", &known), None);
        assert_eq!(covering_wildcard("wss://api.example.com", &known), None);
        let any: HashSet<&str> = ["*", "https://*.example.com"].into_iter().collect();
        assert_eq!(
            covering_wildcard("https://api.example.com", &any),
            Some("https://*.example.com")
        );
        assert_eq!(covering_wildcard("https://other.io/x", &any), Some("*"));
    }
}
