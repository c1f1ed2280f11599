//! Properties of the diff over generated manifests. A manifest is generated as the parts the
//! model reads (scopes, egress, remotes, providers, web triggers, modules, flags) and written
//! out as YAML in a chosen layout: list and key order, and how each egress entry is spelled
//! (plain string or `{address: ...}`, scheme or not, host case, trailing `/`). Layout must
//! never matter; content must.
//!
//! Identities are unique within a generated manifest: with repeated identities the first entry
//! is the one compared (a documented decision), so reordering them is a change by design.

use proptest::prelude::*;
use proptest::sample::subsequence;
use yaml_serde::{Mapping, Value};

use roa_diff::diff::Change;
use roa_diff::load::{LoadOptions, Source};
use roa_diff::model::{EGRESS_KINDS, REMOTE_OPERATIONS};
use roa_diff::report::{compare, Report, UpdateLevel};
use roa_diff::rules::{Level, RuleId};

#[derive(Debug, Clone, PartialEq)]
enum Target {
    /// A host name (lower case, no scheme), spelled in various ways by the layout.
    Host(String),
    Remote(String),
}

#[derive(Debug, Clone)]
struct Egress {
    kind: usize,
    target: Target,
    category: Option<&'static str>,
    eud: Option<bool>,
}

#[derive(Debug, Clone)]
struct Remote {
    key: String,
    base_url: String,
    operations: Option<Vec<&'static str>>,
    storage_eud: Option<bool>,
}

#[derive(Debug, Clone)]
struct Provider {
    key: String,
    client_id: String,
    remotes: Vec<String>,
}

#[derive(Debug, Clone)]
struct Manifest {
    scopes: Vec<String>,
    egress: Vec<Egress>,
    remotes: Vec<Remote>,
    providers: Vec<Provider>,
    /// (key, response.type)
    webtriggers: Vec<(String, Option<&'static str>)>,
    /// (type, key)
    modules: Vec<(&'static str, String)>,
    licensing: Option<bool>,
    configurable: Option<bool>,
}

/// How a manifest is written: a seed for every list and key order and for spellings, and
/// how bare egress addresses are written.
#[derive(Debug, Clone, Copy)]
struct Layout {
    seed: u64,
    bare: Bare,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Bare {
    /// Each as the dice choose.
    Mixed,
    /// `- example.com`
    Strings,
    /// `- address: example.com`
    Objects,
}

/// A tiny deterministic generator (xorshift), so one seed fixes a whole layout.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

fn name() -> impl Strategy<Value = String> {
    "[a-e]{1,4}"
}

fn egress_kinds_with_remotes() -> Vec<usize> {
    (0..EGRESS_KINDS.len())
        .filter(|&i| EGRESS_KINDS[i].1.starts_with("fetch."))
        .collect()
}

fn egress_entry() -> impl Strategy<Value = Egress> {
    let host = (name(), prop_oneof![Just("com"), Just("io")]).prop_map(|(n, tld)| {
        // Wildcards appear too: they are compared as text.
        if n.starts_with('e') {
            format!("*.{n}.{tld}")
        } else {
            format!("{n}.{tld}")
        }
    });
    let target = prop_oneof![
        4 => host.prop_map(Target::Host),
        1 => name().prop_map(Target::Remote),
    ];
    (
        0..EGRESS_KINDS.len(),
        target,
        prop::option::of(prop_oneof![Just("analytics"), Just("ANALYTICS")]),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(kind, target, category, eud)| {
            let kind = match target {
                // `{remote: KEY}` belongs under fetch.backend / fetch.client.
                Target::Remote(_) => {
                    let kinds = egress_kinds_with_remotes();
                    kinds[kind % kinds.len()]
                }
                Target::Host(_) => kind,
            };
            Egress {
                kind,
                target,
                category,
                eud,
            }
        })
}

fn remote() -> impl Strategy<Value = Remote> {
    (
        name(),
        name(),
        // An empty `operations` list is a reading error (Forge refuses it, SPEC §2).
        prop::option::of(subsequence(REMOTE_OPERATIONS.to_vec(), 1..=4)),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(key, host, operations, storage_eud)| Remote {
            key,
            base_url: format!("https://{host}.example.com"),
            operations,
            storage_eud,
        })
}

/// Keeps the first item of each identity.
fn unique<T>(items: Vec<T>, identity: impl Fn(&T) -> String) -> Vec<T> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .filter(|i| seen.insert(identity(i)))
        .collect()
}

fn egress_identity(e: &Egress) -> String {
    format!("{}|{:?}", e.kind, e.target)
}

fn manifest() -> impl Strategy<Value = Manifest> {
    let scopes = prop::collection::btree_set("(read|write|manage):[a-d]{1,3}", 0..6);
    let egress = prop::collection::vec(egress_entry(), 0..8);
    let remotes = prop::collection::vec(remote(), 0..4);
    let webtriggers = prop::collection::btree_map(
        name(),
        prop::option::of(prop_oneof![Just("static"), Just("dynamic")]),
        0..4,
    );
    let modules = prop::collection::btree_set(
        (
            prop_oneof![Just("jira:issuePanel"), Just("trigger"), Just("function")],
            name(),
        ),
        0..5,
    );
    let providers = prop::collection::btree_map(name(), (name(), any::<u64>()), 0..3);
    (
        scopes,
        egress,
        remotes,
        webtriggers,
        modules,
        providers,
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
    )
        .prop_map(
            |(
                scopes,
                egress,
                remotes,
                webtriggers,
                modules,
                providers,
                licensing,
                configurable,
            )| {
                let remotes = unique(remotes, |r| r.key.clone());
                let remote_keys: Vec<String> = remotes.iter().map(|r| r.key.clone()).collect();
                let providers = providers
                    .into_iter()
                    .map(|(key, (client_id, pick))| Provider {
                        key,
                        client_id,
                        // Any subset of the remotes, chosen by the bits of `pick`.
                        remotes: remote_keys
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| pick >> i & 1 == 1)
                            .map(|(_, k)| k.clone())
                            .collect(),
                    })
                    .collect();
                Manifest {
                    scopes: scopes.into_iter().collect(),
                    egress: unique(egress, egress_identity),
                    remotes,
                    providers,
                    webtriggers: webtriggers.into_iter().collect(),
                    modules: modules.into_iter().collect(),
                    licensing,
                    configurable,
                }
            },
        )
}

fn s(text: &str) -> Value {
    Value::String(text.to_string())
}

/// A mapping from (key, value) pairs, in an order the dice choose.
fn map(dice: &mut Dice, mut entries: Vec<(&str, Value)>) -> Value {
    dice.shuffle(&mut entries);
    let mut m = Mapping::new();
    for (k, v) in entries {
        m.insert(s(k), v);
    }
    Value::Mapping(m)
}

fn list(dice: &mut Dice, mut items: Vec<Value>) -> Value {
    dice.shuffle(&mut items);
    Value::Sequence(items)
}

/// The address as written: maybe with `https://`, maybe upper-case, maybe a trailing `/`.
fn spell_host(dice: &mut Dice, host: &str) -> String {
    let host = if dice.coin() {
        host.to_ascii_uppercase()
    } else {
        host.to_string()
    };
    let scheme = if dice.coin() { "https://" } else { "" };
    let slash = if dice.coin() { "/" } else { "" };
    format!("{scheme}{host}{slash}")
}

fn egress_value(dice: &mut Dice, layout: Layout, e: &Egress) -> Value {
    match &e.target {
        Target::Remote(key) => map(dice, vec![("remote", s(key))]),
        Target::Host(host) => {
            let address = spell_host(dice, host);
            let mut fields = vec![("address", s(&address))];
            if let Some(c) = e.category {
                fields.push(("category", s(c)));
            }
            if let Some(eud) = e.eud {
                fields.push(("inScopeEUD", Value::Bool(eud)));
            }
            // A bare address may be written as a plain string: the same entry.
            let as_string = match layout.bare {
                Bare::Mixed => dice.coin(),
                Bare::Strings => true,
                Bare::Objects => false,
            };
            if fields.len() == 1 && as_string {
                s(&address)
            } else {
                map(dice, fields)
            }
        }
    }
}

fn write(m: &Manifest, layout: Layout) -> String {
    let mut dice = Dice(layout.seed | 1);
    let d = &mut dice;
    let scopes = m.scopes.iter().map(|x| s(x)).collect();
    let scopes = list(d, scopes);

    // permissions.external: kind path -> entries.
    let mut fetch: Vec<(&str, Value)> = Vec::new();
    let mut external: Vec<(&str, Value)> = Vec::new();
    for (i, (path, _)) in EGRESS_KINDS.iter().enumerate() {
        let entries: Vec<Value> = m
            .egress
            .iter()
            .filter(|e| e.kind == i)
            .map(|e| egress_value(d, layout, e))
            .collect();
        if entries.is_empty() {
            continue;
        }
        let entries = list(d, entries);
        match path {
            [_, sub] => fetch.push((sub, entries)),
            [only] => external.push((only, entries)),
            _ => unreachable!("egress kinds are one or two keys deep"),
        }
    }
    if !fetch.is_empty() {
        external.push(("fetch", map(d, fetch)));
    }
    if let Some(enabled) = m.configurable {
        external.push((
            "configurable",
            map(d, vec![("enabled", Value::Bool(enabled))]),
        ));
    }
    let mut permissions = vec![("scopes", scopes)];
    if !external.is_empty() {
        permissions.push(("external", map(d, external)));
    }

    let remotes = m
        .remotes
        .iter()
        .map(|r| {
            let mut fields = vec![("key", s(&r.key)), ("baseUrl", s(&r.base_url))];
            if let Some(ops) = &r.operations {
                let ops = ops.iter().map(|o| s(o)).collect();
                fields.push(("operations", list(d, ops)));
            }
            if let Some(eud) = r.storage_eud {
                fields.push(("storage", map(d, vec![("inScopeEUD", Value::Bool(eud))])));
            }
            map(d, fields)
        })
        .collect();
    let providers = m
        .providers
        .iter()
        .map(|p| {
            let remotes = p.remotes.iter().map(|r| s(r)).collect();
            let remotes = list(d, remotes);
            map(
                d,
                vec![
                    ("key", s(&p.key)),
                    ("clientId", s(&p.client_id)),
                    ("remotes", remotes),
                ],
            )
        })
        .collect();

    let mut modules: Vec<(&str, Value)> = Vec::new();
    let triggers: Vec<Value> = m
        .webtriggers
        .iter()
        .map(|(key, response)| {
            let mut fields = vec![("key", s(key)), ("function", s("fn"))];
            if let Some(t) = response {
                fields.push(("response", map(d, vec![("type", s(t))])));
            }
            map(d, fields)
        })
        .collect();
    if !triggers.is_empty() {
        modules.push(("webtrigger", list(d, triggers)));
    }
    for kind in ["jira:issuePanel", "trigger", "function"] {
        let items: Vec<Value> = m
            .modules
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, key)| map(d, vec![("key", s(key))]))
            .collect();
        if !items.is_empty() {
            modules.push((kind, list(d, items)));
        }
    }

    let mut app = vec![("id", s("ari:cloud:ecosystem::app/prop"))];
    if let Some(enabled) = m.licensing {
        app.push(("licensing", map(d, vec![("enabled", Value::Bool(enabled))])));
    }
    let mut top = vec![("app", map(d, app)), ("permissions", map(d, permissions))];
    if !m.remotes.is_empty() {
        top.push(("remotes", list(d, remotes)));
    }
    if !m.providers.is_empty() {
        let auth = list(d, providers);
        top.push(("providers", map(d, vec![("auth", auth)])));
    }
    if !modules.is_empty() {
        top.push(("modules", map(d, modules)));
    }
    yaml_serde::to_string(&map(d, top)).expect("a generated manifest serializes")
}

fn run(old: &str, new: &str) -> Report {
    let source = |name: &str, text: &str| Source {
        name: name.into(),
        text: text.into(),
    };
    compare(
        Some(&source("old.yml", old)),
        &source("new.yml", new),
        &LoadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("generated manifest rejected: {e}\n{old}\n---\n{new}"))
}

fn rules(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .map(|c| format!("{} {}", c.rule, c.path))
        .collect()
}

/// Replaces one part of a manifest with another manifest's.
type PartSwap<'a> = Box<dyn Fn(&mut Manifest) + 'a>;

fn layout() -> impl Strategy<Value = Layout> {
    any::<u64>().prop_map(|seed| Layout {
        seed,
        bare: Bare::Mixed,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_manifest_against_itself_is_none(m in manifest(), l in layout()) {
        let text = write(&m, l);
        let r = run(&text, &text);
        prop_assert_eq!(r.update, UpdateLevel::None, "{:?}", rules(&r.changes));
        prop_assert!(r.changes.is_empty());
    }

    #[test]
    fn order_and_spelling_are_no_change(m in manifest(), a in layout(), b in layout()) {
        let r = run(&write(&m, a), &write(&m, b));
        prop_assert_eq!(r.update, UpdateLevel::None, "{:?}", rules(&r.changes));
    }

    #[test]
    fn string_egress_equals_address_object(m in manifest(), l in layout()) {
        // Without category and inScopeEUD every address entry can be written either way.
        let mut bare = m.clone();
        for e in &mut bare.egress {
            e.category = None;
            e.eud = None;
        }
        let as_strings = write(&bare, Layout { bare: Bare::Strings, ..l });
        let as_objects = write(&bare, Layout { bare: Bare::Objects, ..l });
        prop_assert!(as_strings != as_objects || bare.egress.iter().all(|e| matches!(e.target, Target::Remote(_))));
        let r = run(&as_strings, &as_objects);
        prop_assert_eq!(r.update, UpdateLevel::None, "{:?}\n{}\n{}", rules(&r.changes), as_strings, as_objects);
    }

    #[test]
    fn every_addition_is_the_matching_removal_in_reverse(
        a in manifest(), b in manifest(), l in layout()
    ) {
        let (ta, tb) = (write(&a, l), write(&b, l));
        let forward = run(&ta, &tb);
        let backward = run(&tb, &ta);
        for c in &forward.changes {
            if let Some(undo) = c.rule.undone_by() {
                prop_assert!(
                    backward.changes.iter().any(|r| r.rule == undo && r.path == c.path),
                    "{} {} has no {} in reverse: {:?}", c.rule, c.path, undo, rules(&backward.changes)
                );
            }
        }
    }

    #[test]
    fn the_verdict_is_at_least_each_part_changed_alone(
        a in manifest(), c in manifest(), l in layout()
    ) {
        let whole = run(&write(&a, l), &write(&c, l));
        let worst = whole.changes.iter().map(|x| x.level).max();
        prop_assert_eq!(whole.update, UpdateLevel::from(worst));
        // a with one part taken from c: a single-part update contained in a -> c.
        let parts: Vec<PartSwap> = vec![
            Box::new(|m| m.scopes = c.scopes.clone()),
            Box::new(|m| m.egress = c.egress.clone()),
            Box::new(|m| m.webtriggers = c.webtriggers.clone()),
            Box::new(|m| m.modules = c.modules.clone()),
            Box::new(|m| m.licensing = c.licensing),
            Box::new(|m| m.configurable = c.configurable),
            // Providers refer to remotes, so the two move together.
            Box::new(|m| {
                m.remotes = c.remotes.clone();
                m.providers = c.providers.clone();
            }),
        ];
        for (i, apply) in parts.iter().enumerate() {
            let mut one = a.clone();
            apply(&mut one);
            let alone = run(&write(&a, l), &write(&one, l));
            prop_assert!(
                whole.update >= alone.update,
                "part {}: a->c is {:?} but the part alone is {:?}: {:?}",
                i, whole.update, alone.update, rules(&alone.changes)
            );
        }
    }

    #[test]
    fn adding_egress_a_remote_a_scope_or_a_dynamic_trigger_is_never_none(
        m in manifest(), e in egress_entry(), r in remote(), scope in "zz:[a-z]{1,4}",
        trigger in "zz[a-z]{1,4}", dynamic in prop::option::of(Just("dynamic")), l in layout()
    ) {
        let before = write(&m, l);
        let mut additions: Vec<(&str, Manifest)> = Vec::new();
        if !m.egress.iter().any(|x| egress_identity(x) == egress_identity(&e)) {
            let mut n = m.clone();
            n.egress.push(e.clone());
            additions.push(("egress", n));
        }
        if !m.remotes.iter().any(|x| x.key == r.key) {
            let mut n = m.clone();
            n.remotes.push(r.clone());
            additions.push(("remote", n));
        }
        let mut n = m.clone();
        n.scopes.push(scope.clone());
        additions.push(("scope", n));
        let mut n = m.clone();
        n.webtriggers.push((trigger.clone(), dynamic));
        additions.push(("dynamic web trigger", n));
        // SPEC v2 §3: a dynamic web trigger is major only for the first time (the old manifest
        // had no dynamic one); otherwise it is webtrigger-dynamic-added-not-first, minor.
        let had_dynamic = m.webtriggers.iter().any(|(_, t)| *t != Some("static"));
        for (what, n) in additions {
            let report = run(&before, &write(&n, l));
            prop_assert!(report.update != UpdateLevel::None, "adding a {} gave none", what);
            if what == "dynamic web trigger" && had_dynamic {
                prop_assert!(
                    report.changes.iter().any(|c| c.rule == RuleId::WebtriggerDynamicAddedNotFirst),
                    "adding a further dynamic trigger: {:?}", rules(&report.changes)
                );
                continue;
            }
            prop_assert!(
                report.changes.iter().any(|c| c.level == Level::Major),
                "adding a {} is not major: {:?}", what, rules(&report.changes)
            );
        }
    }
}
