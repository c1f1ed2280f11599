//! The normalized model: the parts of a manifest that decide the update level and Runs on
//! Atlassian eligibility (SPEC §2), read with type checks and effective defaults applied.
//! Everything else in the manifest is ignored here (and kept by the loader).

use std::sync::Arc;

use serde_json::Value as Json;
use yaml_serde::Value;

use crate::error::Result;
use crate::load::{Document, Node};

/// Egress kinds under `permissions.external`, as (manifest path, display name).
pub const EGRESS_KINDS: &[(&[&str], &str)] = &[
    (&["fetch", "backend"], "fetch.backend"),
    (&["fetch", "client"], "fetch.client"),
    (&["images"], "images"),
    (&["media"], "media"),
    (&["scripts"], "scripts"),
    (&["styles"], "styles"),
    (&["fonts"], "fonts"),
    (&["frames"], "frames"),
    (&["navigation"], "navigation"),
];

/// Every operation a remote can declare (Forge manifest schema); no list means all of them.
pub const REMOTE_OPERATIONS: &[&str] = &["storage", "compute", "fetch", "other"];

/// A value with the line it was read from (`None` when lines are unknown or it was defaulted).
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub line: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EgressTarget {
    /// A normalized address.
    Address(String),
    /// `{remote: KEY}`.
    Remote(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Egress {
    pub kind: &'static str,
    pub target: EgressTarget,
    /// As written (trimmed); compared lower-cased.
    pub category: Option<Located<String>>,
    /// Effective: a missing value is true.
    pub in_scope_eud: Located<bool>,
    pub line: Option<usize>,
    /// Written as `https://*`, which Forge refuses (the same entry as `*`, SPEC §7).
    pub https_star: bool,
}

impl Egress {
    pub fn identity(&self) -> (&'static str, &EgressTarget) {
        (self.kind, &self.target)
    }

    pub fn is_analytics(&self) -> bool {
        self.category
            .as_ref()
            .is_some_and(|c| c.value.eq_ignore_ascii_case("analytics"))
    }

    pub fn path(&self) -> String {
        match &self.target {
            EgressTarget::Address(a) => {
                format!("permissions.external.{}[{}]", self.kind, escape_identity(a))
            }
            EgressTarget::Remote(r) => format!(
                "permissions.external.{}[remote={}]",
                self.kind,
                escape_identity(r)
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Remote {
    pub key: String,
    pub line: Option<usize>,
    /// A string, or a region map; compared as written.
    pub base_url: Option<Located<Json>>,
    /// `None`: no list, which means every operation.
    pub operations: Option<Located<Vec<Located<String>>>>,
    /// Effective storage.inScopeEUD (missing = true).
    pub storage_eud: Located<bool>,
    /// The line of `configurable`, when the remote is customer-managed (its fields are not
    /// compared: admins approve each URL at run time).
    pub configurable: Option<Located<()>>,
}

impl Remote {
    pub fn has_operation(&self, op: &str) -> bool {
        match &self.operations {
            None => true,
            Some(ops) => ops.value.iter().any(|o| o.value == op),
        }
    }

    pub fn path(&self) -> String {
        format!("remotes[key={}]", escape_identity(&self.key))
    }

    /// The effective region map of `baseUrl` (SPEC §2): a string `x` is `{default: x}`.
    pub fn regions(&self) -> Vec<(&str, &str)> {
        match self.base_url.as_ref().map(|b| &b.value) {
            Some(Json::String(url)) => vec![("default", url.as_str())],
            Some(Json::Object(map)) => map
                .iter()
                .filter_map(|(region, url)| Some((region.as_str(), url.as_str()?)))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// An identity value as written inside `[...]` of a change path: `\` and `]` are escaped with
/// a backslash, so that `remotes[key=a]]` cannot be read two ways and rule + path names one
/// part (docs/output.md, "Paths").
pub fn escape_identity(value: &str) -> String {
    if !value.contains(['\\', ']']) {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        if matches!(c, '\\' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
pub struct WebTrigger {
    pub key: String,
    pub line: Option<usize>,
    /// Static only when `response.type` is exactly `static`.
    pub dynamic: Located<bool>,
}

impl WebTrigger {
    pub fn path(&self) -> String {
        format!("modules.webtrigger[key={}]", escape_identity(&self.key))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    pub key: String,
    pub line: Option<usize>,
    pub client_id: Option<Located<String>>,
    /// The `remotes` list and every `actions.*.remote`, first occurrence of each.
    pub remotes: Vec<Located<String>>,
}

impl Provider {
    pub fn path(&self) -> String {
        format!("providers.auth[key={}]", escape_identity(&self.key))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    /// `modules` or `connectModules`.
    pub section: &'static str,
    pub kind: String,
    pub key: String,
    pub line: Option<usize>,
    /// For `modules.sql`: the line of an explicit `dareCompliant: false` (SPEC §4).
    pub not_dare_compliant: Option<Option<usize>>,
    /// For `modules.endpoint`: the compared fields (`remote`, `service`, `route`, `auth`),
    /// each as a whole value, absent ones left out.
    pub endpoint: Option<Json>,
}

impl Module {
    pub fn path(&self) -> String {
        format!(
            "{}.{}[key={}]",
            self.section,
            self.kind,
            escape_identity(&self.key)
        )
    }

    pub fn is_endpoint(&self) -> bool {
        self.endpoint.is_some()
    }
}

/// One `services[]` entry (Forge Containers): compared by presence only.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub key: String,
    pub line: Option<usize>,
}

impl Service {
    pub fn path(&self) -> String {
        format!("services[key={}]", escape_identity(&self.key))
    }
}

/// What the `app` section gives the model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct App {
    pub id: Option<String>,
    pub licensing: Located<bool>,
    pub connect_key: Option<Located<String>>,
    /// `app.compatibility` as a whole; absent and `{}` are both `None`.
    pub compatibility: Option<Located<Json>>,
}

/// What the `permissions` section gives the model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Permissions {
    pub scopes: Vec<Located<String>>,
    /// (kind, value): `scripts`/`styles` and e.g. `unsafe-inline`, or `sandbox` and a token.
    pub content: Vec<(&'static str, Located<String>)>,
    pub egress: Vec<Egress>,
    pub configurable: Located<bool>,
    /// `permissions.enforcement` (`app-managed` opts into rolling releases).
    pub enforcement: Option<Located<String>>,
}

/// What a `modules` or `connectModules` section gives the model (web triggers only come from
/// `modules`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Modules {
    pub webtriggers: Vec<WebTrigger>,
    pub modules: Vec<Module>,
}

/// One manifest, normalized. Lists keep every entry in document order (RoA looks at all of
/// them); the diff uses the first entry of each identity.
///
/// Each part comes from one top-level section and is read from it alone, so a part can be
/// shared (`Arc`) by every version whose section has the same text (`roa-diff log`, see
/// [`crate::sections`]); the diff skips a part both sides share.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Manifest {
    pub app: Arc<App>,
    pub permissions: Arc<Permissions>,
    pub remotes: Arc<Vec<Remote>>,
    /// `providers.auth`.
    pub providers: Arc<Vec<Provider>>,
    pub modules: Arc<Modules>,
    pub connect_modules: Arc<Modules>,
    /// `services` (Forge Containers).
    pub services: Arc<Vec<Service>>,
}

impl<T: Default> Default for Located<T> {
    fn default() -> Self {
        Located {
            value: T::default(),
            line: None,
        }
    }
}

/// The top-level sections the model reads, in the order it reads them (the first error in
/// this order is the one reported).
pub const MODEL_SECTIONS: &[&str] = &[
    "app",
    "permissions",
    "remotes",
    "providers",
    "modules",
    "connectModules",
    "services",
];

/// The part of the model one top-level section gives.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    App(Arc<App>),
    Permissions(Arc<Permissions>),
    Remotes(Arc<Vec<Remote>>),
    Providers(Arc<Vec<Provider>>),
    Modules(Arc<Modules>),
    ConnectModules(Arc<Modules>),
    Services(Arc<Vec<Service>>),
}

impl Part {
    /// Reads the part of the top-level section `key` (one of [`MODEL_SECTIONS`]) from its
    /// node, checking the type of every key it reads; `None` for any other section.
    pub fn read(key: &str, node: &Node) -> Result<Option<Part>> {
        Ok(Some(match key {
            "app" => Part::App(Arc::new(read_app(node)?)),
            "permissions" => Part::Permissions(Arc::new(read_permissions(node)?)),
            "remotes" => Part::Remotes(Arc::new(
                node.seq()?.iter().map(read_remote).collect::<Result<_>>()?,
            )),
            "providers" => Part::Providers(Arc::new(match node.field("auth")? {
                Some(list) => list
                    .seq()?
                    .iter()
                    .map(read_provider)
                    .collect::<Result<_>>()?,
                None => Vec::new(),
            })),
            "modules" => Part::Modules(Arc::new(read_modules(node, "modules")?)),
            "connectModules" => {
                Part::ConnectModules(Arc::new(read_modules(node, "connectModules")?))
            }
            "services" => Part::Services(Arc::new(
                node.seq()?
                    .iter()
                    .map(|entry| {
                        Ok(Service {
                            key: entry.required_str("key")?.to_string(),
                            line: entry.line,
                        })
                    })
                    .collect::<Result<_>>()?,
            )),
            _ => return Ok(None),
        }))
    }
}

impl Manifest {
    /// Reads the model from a parsed document, checking the type of every key it reads.
    pub fn from_document(doc: &Document) -> Result<Manifest> {
        let root = doc.root();
        let mut m = Manifest::default();
        for key in MODEL_SECTIONS {
            if let Some(node) = root.field(key)? {
                if let Some(part) = Part::read(key, &node)? {
                    m.set(part);
                }
            }
        }
        Ok(m)
    }

    /// Puts one section's part in place.
    pub fn set(&mut self, part: Part) {
        match part {
            Part::App(p) => self.app = p,
            Part::Permissions(p) => self.permissions = p,
            Part::Remotes(p) => self.remotes = p,
            Part::Providers(p) => self.providers = p,
            Part::Modules(p) => self.modules = p,
            Part::ConnectModules(p) => self.connect_modules = p,
            Part::Services(p) => self.services = p,
        }
    }

    /// `app.id`.
    pub fn app_id(&self) -> Option<&str> {
        self.app.id.as_deref()
    }

    /// Whether `permissions.enforcement` is `app-managed` (rolling releases, SPEC §6).
    pub fn rolling_releases(&self) -> bool {
        self.permissions
            .enforcement
            .as_ref()
            .is_some_and(|e| e.value == "app-managed")
    }

    /// Whether `modules` has a module of this type.
    pub fn has_module_type(&self, kind: &str) -> bool {
        self.modules.modules.iter().any(|m| m.kind == kind)
    }

    /// Whether `permissions.scopes` names this scope.
    pub fn has_scope(&self, name: &str) -> bool {
        self.permissions.scopes.iter().any(|s| s.value == name)
    }

    /// Every module of `modules` (but web triggers), then of `connectModules`.
    pub fn all_modules(&self) -> impl Iterator<Item = &Module> {
        self.modules
            .modules
            .iter()
            .chain(&self.connect_modules.modules)
    }
}

/// `key.enabled` under `node`, with its line, when given.
fn enabled_flag(node: &Node, key: &str) -> Result<Option<(bool, Option<usize>)>> {
    match node.field(key)? {
        Some(flag) => flag.opt_bool("enabled"),
        None => Ok(None),
    }
}

fn read_app(app: &Node) -> Result<App> {
    let mut out = App {
        id: app.opt_str("id")?.map(|(s, _)| s.to_string()),
        ..App::default()
    };
    if let Some((enabled, line)) = enabled_flag(app, "licensing")? {
        out.licensing = Located {
            value: enabled,
            line,
        };
    }
    if let Some(connect) = app.field("connect")? {
        out.connect_key = connect.opt_str("key")?.map(|(k, line)| Located {
            value: k.to_string(),
            line,
        });
    }
    if let Some(node) = app.field("compatibility")? {
        let value = node.value.clone();
        let value = serde_json::to_value(&value).map_err(|e| node.error(e.to_string()))?;
        // Absent and `{}` are the same (SPEC §2).
        if value.as_object().is_none_or(|o| !o.is_empty()) {
            out.compatibility = Some(Located {
                value,
                line: node.line,
            });
        }
    }
    Ok(out)
}

fn located_str(node: &Node) -> Result<Located<String>> {
    Ok(Located {
        value: node.str()?.to_string(),
        line: node.line,
    })
}

fn read_permissions(permissions: &Node) -> Result<Permissions> {
    let mut m = Permissions::default();
    if let Some(scopes) = permissions.field("scopes")? {
        if matches!(scopes.value, yaml_serde::Value::Mapping(_)) {
            // Map form: name -> options. Only the names are compared.
            for (name, node) in scopes.entries()? {
                m.scopes.push(Located {
                    value: name,
                    line: node.line,
                });
            }
        } else {
            for item in scopes.seq()? {
                m.scopes.push(located_str(&item)?);
            }
        }
    }
    if let Some(content) = permissions.field("content")? {
        for kind in ["scripts", "styles"] {
            if let Some(list) = content.field(kind)? {
                for item in list.seq()? {
                    m.content.push((kind, located_str(&item)?));
                }
            }
        }
    }
    if let Some(sandbox) = permissions.field("sandbox")? {
        // A list of tokens, or a map token -> options (like scopes); inferred (SPEC §2).
        if matches!(sandbox.value, yaml_serde::Value::Mapping(_)) {
            for (token, node) in sandbox.entries()? {
                m.content.push((
                    "sandbox",
                    Located {
                        value: token,
                        line: node.line,
                    },
                ));
            }
        } else {
            for item in sandbox.seq()? {
                m.content.push(("sandbox", located_str(&item)?));
            }
        }
    }
    m.enforcement = permissions
        .opt_str("enforcement")?
        .map(|(e, line)| Located {
            value: e.to_string(),
            line,
        });
    if let Some(external) = permissions.field("external")? {
        for (keys, kind) in EGRESS_KINDS {
            if let Some(list) = external.at_path(keys)? {
                for item in list.seq()? {
                    m.egress.push(read_egress(&item, kind)?);
                }
            }
        }
        if let Some((enabled, line)) = enabled_flag(&external, "configurable")? {
            m.configurable = Located {
                value: enabled,
                line,
            };
        }
    }
    Ok(m)
}

fn read_egress(item: &Node, kind: &'static str) -> Result<Egress> {
    if let Some(address) = item.value.as_str() {
        return Ok(Egress {
            kind,
            target: EgressTarget::Address(normalize_address(address, kind)),
            category: None,
            in_scope_eud: Located {
                value: true,
                line: None,
            },
            line: item.line,
            https_star: is_https_star(address),
        });
    }
    if !item.value.is_mapping() {
        return Err(item.error(format!(
            "expected an address string or a mapping with `address` or `remote`, found {}",
            crate::load::type_name(item.value)
        )));
    }
    let address = item.opt_str("address")?;
    let https_star = address.is_some_and(|(a, _)| is_https_star(a));
    let target = match (address, item.opt_str("remote")?) {
        (Some((a, _)), None) => EgressTarget::Address(normalize_address(a, kind)),
        (None, Some((r, _))) => EgressTarget::Remote(r.to_string()),
        (Some(_), Some(_)) => {
            return Err(item.error("an egress entry takes `address` or `remote`, not both"))
        }
        (None, None) => return Err(item.error("an egress entry needs `address` or `remote`")),
    };
    let category = item.opt_str("category")?.map(|(c, line)| Located {
        value: c.trim().to_string(),
        line,
    });
    let in_scope_eud = match item.opt_bool("inScopeEUD")? {
        Some((value, line)) => Located { value, line },
        None => Located {
            value: true,
            line: None,
        },
    };
    Ok(Egress {
        kind,
        target,
        category,
        in_scope_eud,
        line: item.line,
        https_star,
    })
}

fn is_https_star(address: &str) -> bool {
    address.trim().eq_ignore_ascii_case("https://*")
}

/// SPEC §2: trim; no scheme means https; scheme and host lower-case; no trailing `/` on a bare
/// host; for fetch.backend only scheme and host count. Never fails: text that is not a URL (a
/// literal `${NAME}`, say) gets what applies and is compared as text.
pub fn normalize_address(address: &str, kind: &str) -> String {
    let address = address.trim();
    if address == "*" {
        return "*".to_string();
    }
    let (scheme, rest) = match address.find("://") {
        Some(i)
            if i > 0
                && address[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            (address[..i].to_ascii_lowercase(), &address[i + 3..])
        }
        _ => ("https".to_string(), address),
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..host_end];
    // A literal `${NAME}` keeps its case: it is a placeholder, not a host name.
    let host = if host.contains("${") {
        host.to_string()
    } else {
        host.to_ascii_lowercase()
    };
    let tail = &rest[host_end..];
    // `*` and `https://*` are one entry: any domain (SPEC §7).
    if host == "*"
        && scheme == "https"
        && (tail.is_empty() || tail == "/" || kind == "fetch.backend")
    {
        return "*".to_string();
    }
    if kind == "fetch.backend" || tail == "/" || tail.is_empty() {
        format!("{scheme}://{host}")
    } else {
        format!("{scheme}://{host}{tail}")
    }
}

fn read_remote(entry: &Node) -> Result<Remote> {
    let key = entry.required_str("key")?.to_string();
    let base_url = match entry.field("baseUrl")? {
        None => None,
        Some(node) => {
            let value = match node.value {
                yaml_serde::Value::String(s) => Json::String(s.clone()),
                yaml_serde::Value::Mapping(_) => {
                    let mut regions = serde_json::Map::new();
                    for (region, url) in node.entries()? {
                        regions.insert(region, Json::String(url.str()?.to_string()));
                    }
                    Json::Object(regions)
                }
                _ => {
                    return Err(node.error(format!(
                        "expected a URL string or a map of region to URL, found {}",
                        crate::load::type_name(node.value)
                    )))
                }
            };
            Some(Located {
                value,
                line: node.line,
            })
        }
    };
    let operations = match entry.field("operations")? {
        None => None,
        Some(node) => {
            let mut ops = Vec::new();
            for op in node.seq()? {
                ops.push(located_str(&op)?);
            }
            Some(Located {
                value: ops,
                line: node.line,
            })
        }
    };
    let storage_eud = match entry
        .field("storage")?
        .map(|s| s.opt_bool("inScopeEUD"))
        .transpose()?
        .flatten()
    {
        Some((value, line)) => Located { value, line },
        None => Located {
            value: true,
            line: None,
        },
    };
    let configurable = entry.field("configurable")?.map(|node| Located {
        value: (),
        line: node.line,
    });
    // Forge refuses both (SPEC §2).
    if base_url.is_none() && configurable.is_none() {
        return Err(entry.error(format!(
            "remote `{key}` has neither `baseUrl` nor `configurable`; Forge refuses it"
        )));
    }
    if operations.as_ref().is_some_and(|ops| ops.value.is_empty()) {
        return Err(entry.error(format!(
            "remote `{key}` has an empty `operations` list; Forge refuses it"
        )));
    }
    Ok(Remote {
        key,
        line: entry.line,
        base_url,
        operations,
        storage_eud,
        configurable,
    })
}

fn read_provider(entry: &Node) -> Result<Provider> {
    let key = entry.required_str("key")?.to_string();
    let client_id = entry.opt_str("clientId")?.map(|(c, line)| Located {
        value: c.to_string(),
        line,
    });
    let mut remotes: Vec<Located<String>> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut add = |r: Located<String>| {
        if seen.insert(r.value.clone()) {
            remotes.push(r);
        }
    };
    if let Some(list) = entry.field("remotes")? {
        for item in list.seq()? {
            add(located_str(&item)?);
        }
    }
    if let Some(actions) = entry.field("actions")? {
        for (_, action) in actions.entries()? {
            if let Some((remote, line)) = action.opt_str("remote")? {
                add(Located {
                    value: remote.to_string(),
                    line,
                });
            }
        }
    }
    Ok(Provider {
        key,
        line: entry.line,
        client_id,
        remotes,
    })
}

fn read_modules(section: &Node, name: &'static str) -> Result<Modules> {
    let mut m = Modules::default();
    for (kind, list) in section.entries()? {
        read_module_list(&kind, &list, name, &mut m)?;
    }
    Ok(m)
}

/// What [`Part::read`] reads from one entry `(module type, list)` of a `modules` section: the
/// `modules` part is these, entry by entry, in document order (`sections` reads a `modules`
/// section one entry at a time).
pub fn read_modules_entry(kind: &Value, list: &Value) -> Result<Modules> {
    let mut m = Modules::default();
    let Some(kind) = crate::load::key_text(kind) else {
        return Err(crate::error::Error::new("", "keys must be strings").key("modules"));
    };
    if let Some(list) = Node::section("", &format!("modules.{kind}"), list) {
        read_module_list(&kind, &list, "modules", &mut m)?;
    }
    Ok(m)
}

/// The modules of one type (`kind`) of a `modules` or `connectModules` section.
fn read_module_list(kind: &str, list: &Node, name: &'static str, m: &mut Modules) -> Result<()> {
    for entry in list.seq()? {
        let key = entry.required_str("key")?.to_string();
        if name == "modules" && kind == "webtrigger" {
            let dynamic = match entry
                .field("response")?
                .map(|r| r.opt_str("type"))
                .transpose()?
                .flatten()
            {
                Some((t, line)) => Located {
                    value: t != "static",
                    line,
                },
                None => Located {
                    value: true,
                    line: None,
                },
            };
            m.webtriggers.push(WebTrigger {
                key,
                line: entry.line,
                dynamic,
            });
            continue;
        }
        let not_dare_compliant = match (name, kind) {
            ("modules", "sql") => match entry.opt_bool("dareCompliant")? {
                Some((false, line)) => Some(line),
                _ => None,
            },
            _ => None,
        };
        let endpoint = match (name, kind) {
            ("modules", "endpoint") => {
                let mut fields = serde_json::Map::new();
                for field in ["remote", "service", "route", "auth"] {
                    if let Some(node) = entry.field(field)? {
                        let value = serde_json::to_value(node.value)
                            .map_err(|e| node.error(e.to_string()))?;
                        fields.insert(field.to_string(), value);
                    }
                }
                Some(Json::Object(fields))
            }
            _ => None,
        };
        m.modules.push(Module {
            section: name,
            kind: kind.to_string(),
            key,
            line: entry.line,
            not_dare_compliant,
            endpoint,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_normalization() {
        let n = |a, k| normalize_address(a, k);
        assert_eq!(
            n(" API.Example.com ", "fetch.client"),
            "https://api.example.com"
        );
        assert_eq!(n("HTTP://Example.com/", "images"), "http://example.com");
        assert_eq!(
            n("https://example.com/Path/", "images"),
            "https://example.com/Path/"
        );
        assert_eq!(
            n("https://example.com/v1/x", "fetch.backend"),
            "https://example.com"
        );
        assert_eq!(n("*.Example.com", "fetch.backend"), "https://*.example.com");
        assert_eq!(n("*", "fetch.backend"), "*");
        assert_eq!(n("HTTPS://*", "fetch.client"), "*");
        assert_eq!(n("https://*", "images"), "*");
        assert_eq!(n("https://${API_URL}", "images"), "https://${API_URL}");
        assert_eq!(n("https://${api_url}", "images"), "https://${api_url}");
        assert_eq!(n("https://${HOST}/a", "fetch.client"), "https://${HOST}/a");
        assert_eq!(n("wss://x.io:443", "fetch.client"), "wss://x.io:443");
    }
}
