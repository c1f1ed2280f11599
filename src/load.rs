//! Reading one manifest: bytes to text, text to a YAML value ([`crate::reader`]), `${VAR}`
//! interpolation, and a typed cursor over the result that reports errors with file, line and
//! key path.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use yaml_serde::Value;

use crate::error::{Error, Result};
use crate::reader::{line_at, PosRef, Positions};

/// Default refusal threshold for one manifest. Real manifests are a few KB.
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// How to read manifests: variable values and limits.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// `--var NAME=VALUE`, consulted before the process environment.
    pub vars: BTreeMap<String, String>,
    /// The values the process environment may give: only the names the user allowed
    /// (`crate::trust::allowed_env`); never the whole environment, which holds CI secrets.
    pub env: BTreeMap<String, String>,
    pub max_bytes: u64,
    /// Whether to record the line of every node ([`Positions`]). `roa-diff log` prints no
    /// lines and turns it off; errors name their line either way.
    pub lines: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            vars: BTreeMap::new(),
            env: BTreeMap::new(),
            max_bytes: DEFAULT_MAX_BYTES,
            lines: true,
        }
    }
}

/// The text of one manifest version and the name it is reported under.
#[derive(Debug, Clone)]
pub struct Source {
    /// What messages call it: a path as the user wrote it, or `REV:PATH`.
    pub name: String,
    pub text: String,
}

/// Reads a file from disk, refusing what is too large or is not UTF-8 text.
pub fn read_file(path: &Path, max_bytes: u64) -> Result<Source> {
    read_file_as(path, path.display().to_string(), max_bytes)
}

/// [`read_file`], reported under `name` (a working-tree file is named by its repository path).
pub fn read_file_as(path: &Path, name: String, max_bytes: u64) -> Result<Source> {
    let fail = |message: String| Error::new(name.clone(), message);
    let file = std::fs::File::open(path).map_err(|e| fail(io_message(&e)))?;
    let meta = file.metadata().map_err(|e| fail(io_message(&e)))?;
    if meta.is_dir() {
        return Err(fail("is a directory, not a manifest file".into()));
    }
    // The file's size when known, so a large text is not held in a buffer up to twice its size.
    let expected = meta.len().min(max_bytes.saturating_add(1));
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    // Read at most one byte past the limit, so a huge file (or an endless device) is never
    // pulled into memory whole.
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| fail(io_message(&e)))?;
    source_from_bytes(name, bytes, max_bytes)
}

/// Checks raw bytes (from a file, a git blob or stdin) and turns them into a [`Source`].
pub fn source_from_bytes(name: String, bytes: Vec<u8>, max_bytes: u64) -> Result<Source> {
    let fail = |message: String| Error::new(name.clone(), message);
    if bytes.len() as u64 > max_bytes {
        return Err(fail(format!(
            "larger than the {max_bytes}-byte limit (raise it with --max-bytes)"
        )));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || looks_utf16(&bytes) {
        return Err(fail(
            "is UTF-16 encoded; Forge manifests must be UTF-8 (convert it with iconv)".into(),
        ));
    }
    // `contains` on bytes is a memchr; `position` would look at one byte at a time.
    if bytes.contains(&0) {
        let line = line_at(&bytes, bytes.iter().position(|&b| b == 0).unwrap_or(0));
        return Err(fail("contains a NUL byte: not a text file".into()).at(Some(line)));
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = line_at(e.as_bytes(), valid);
        fail(format!("is not valid UTF-8 (byte offset {valid})")).at(Some(line))
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(Source {
        name,
        text: normalize_line_breaks(text),
    })
}

/// A lone `\r` (classic Mac line ending) is a line break in YAML but not for Rust's `lines()`
/// or the `--context` diff; turning it into `\n` keeps every line number roa-diff prints
/// pointing at the same line everywhere. `\r\n` is left alone.
fn normalize_line_breaks(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// UTF-16 without a byte-order mark: in its first bytes, every other byte is NUL (ASCII text)
/// and the bytes between are not.
fn looks_utf16(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64) & !1];
    let nul_at = |parity: usize| head.iter().skip(parity).step_by(2).all(|&b| b == 0);
    let text_at = |parity: usize| head.iter().skip(parity).step_by(2).all(|&b| b != 0);
    head.len() >= 4 && ((nul_at(1) && text_at(0)) || (nul_at(0) && text_at(1)))
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => format!("cannot read: {e}"),
    }
}

/// A parsed manifest: its value after interpolation, and the positions of its nodes.
#[derive(Debug)]
pub struct Document {
    pub name: String,
    pub value: Value,
    positions: Option<Positions>,
    pub warnings: Vec<String>,
}

impl Document {
    /// An empty manifest: what a missing old version is compared as.
    pub fn empty(name: impl Into<String>) -> Self {
        Document {
            name: name.into(),
            value: Value::Null,
            positions: None,
            warnings: Vec::new(),
        }
    }

    /// The root node, through which the model reads the manifest.
    pub fn root(&self) -> Node<'_> {
        Node {
            doc_name: &self.name,
            value: &self.value,
            pos: self.positions.as_ref().map(Positions::root),
            line: self.positions.as_ref().map(|p| p.root().line()),
            path: String::new(),
        }
    }
}

pub fn parse(source: &Source, options: &LoadOptions) -> Result<Document> {
    let max_nodes = crate::reader::max_nodes(options.max_bytes);
    let (value, positions) = crate::reader::read(&source.text, max_nodes, options.lines)
        .map_err(|e| Error::new(source.name.clone(), e.message).at(Some(e.line)))?;
    document_from_value(source, options, value, positions)
}

/// The checks and `${VAR}` interpolation that follow a parse (of the whole text, or of its
/// sections: [`crate::sections`]).
pub(crate) fn document_from_value(
    source: &Source,
    options: &LoadOptions,
    mut value: Value,
    positions: Option<Positions>,
) -> Result<Document> {
    let mut doc = Document {
        name: source.name.clone(),
        value: Value::Null,
        positions,
        warnings: Vec::new(),
    };
    match &value {
        Value::Null | Value::Mapping(_) => {}
        other => {
            return Err(Error::new(
                source.name.clone(),
                format!("a manifest must be a mapping, found {}", type_name(other)),
            )
            .at(Some(1)))
        }
    }
    let declared = {
        doc.value = value;
        let declared = declared_variables(&doc)?;
        value = std::mem::take(&mut doc.value);
        declared
    };
    if !declared.is_empty() {
        let mut values = BTreeMap::new();
        for (name, default) in &declared {
            let found = options
                .vars
                .get(name)
                .or_else(|| options.env.get(name))
                .or(default.as_ref());
            match found {
                Some(v) => {
                    values.insert(name.clone(), v.clone());
                }
                None => doc.warnings.push(format!(
                    "{}: environment variable {name} is declared but has no value (pass --var {name}=VALUE, or --env {name} to read it from the environment); `${{{name}}}` is compared as written",
                    source.name
                )),
            }
        }
        interpolate(&mut value, &values);
    }
    doc.value = value;
    Ok(doc)
}

/// `environment.variables`: each entry a name, or `{key: NAME, default: VALUE}`.
fn declared_variables(doc: &Document) -> Result<Vec<(String, Option<String>)>> {
    let mut out = Vec::new();
    let root = doc.root();
    let Some(vars) = root.at_path(&["environment", "variables"])? else {
        return Ok(out);
    };
    for entry in vars.seq()? {
        if let Some(name) = entry.value.as_str() {
            out.push((name.to_string(), None));
            continue;
        }
        let name = entry.required_str("key")?;
        let default = match entry.field("default")? {
            None => None,
            Some(d) => Some(d.scalar_text()?),
        };
        out.push((name.to_string(), default));
    }
    Ok(out)
}

/// Replaces `${NAME}` in every string value (never in keys) where NAME has a value.
fn interpolate(value: &mut Value, values: &BTreeMap<String, String>) {
    // Explicit stack: documents can nest deeply and this must not recurse without bound.
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) if s.contains("${") => *s = substitute(s, values),
            Value::Sequence(items) => stack.extend(items.iter_mut()),
            Value::Mapping(map) => stack.extend(map.values_mut()),
            Value::Tagged(tagged) => stack.push(&mut tagged.value),
            _ => {}
        }
    }
}

fn substitute(text: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let name_len = after
            .char_indices()
            .take_while(|&(i, c)| {
                c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())
            })
            .count();
        let name = &after[..name_len];
        match (after[name_len..].starts_with('}'), values.get(name)) {
            (true, Some(v)) if name_len > 0 => {
                out.push_str(v);
                rest = &after[name_len + 1..];
            }
            _ => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A mapping key as the model reads it: a string, or a number or boolean as written (`None` for
/// any other key, which the model refuses).
pub fn key_text(key: &Value) -> Option<String> {
    key_str(key).map(Cow::into_owned)
}

/// [`key_text`], borrowed when the key is a string.
pub(crate) fn key_str(key: &Value) -> Option<Cow<'_, str>> {
    match key {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        _ => None,
    }
}

/// A key written with no value (`key:`, `key: null`, `key: ~`) counts as absent. A tagged null
/// (`app: !`) is not absent: it is a tagged value, reported as one like every other tag, on
/// every path (yaml_serde's `is_null` would look through the tag).
fn is_absent(v: &Value) -> bool {
    matches!(v, Value::Null)
}

/// A human name for a YAML value's type, for error messages.
pub fn type_name(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(_) => "a number".into(),
        Value::String(_) => "a string".into(),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        // yaml_serde prints the bare local tag `!` as `!!`, which reads as a core tag.
        Value::Tagged(t) => match t.tag.to_string() {
            tag if tag == "!!" => "a value tagged !".into(),
            tag => format!("a value tagged {tag}"),
        },
    }
}

/// A node of a parsed manifest, with its line and key path, and typed accessors whose errors
/// name both. A known key whose value is `null` reads as absent.
#[derive(Clone, Debug)]
pub struct Node<'a> {
    doc_name: &'a str,
    pub value: &'a Value,
    pos: Option<PosRef<'a>>,
    /// Where the node starts: the key's line for a mapping value, the item's for a list item.
    pub line: Option<usize>,
    /// Key path from the root, e.g. `remotes[2].baseUrl`.
    pub path: String,
}

impl<'a> Node<'a> {
    /// A top-level section's value read on its own, without positions: the node
    /// `Document::root().field(key)` gives for it in a document without line numbers (`None`
    /// for a null value, which reads as absent).
    pub fn section(doc_name: &'a str, key: &str, value: &'a Value) -> Option<Node<'a>> {
        (!is_absent(value)).then(|| Node {
            doc_name,
            value,
            pos: None,
            line: None,
            path: key.to_string(),
        })
    }

    /// An error about this node, naming file, line and key path.
    pub fn error(&self, message: impl Into<String>) -> Error {
        let e = Error::new(self.doc_name, message).at(self.line);
        if self.path.is_empty() {
            e
        } else {
            e.key(self.path.clone())
        }
    }

    fn wrong_type(&self, expected: &str) -> Error {
        self.error(format!(
            "expected {expected}, found {}",
            type_name(self.value)
        ))
    }

    /// The value of the `index`-th entry of this mapping, under `key_text`.
    fn child(&self, key_text: &str, index: usize, value: &'a Value) -> Node<'a> {
        let pos = self.pos.and_then(|p| p.entry(index));
        let path = if self.path.is_empty() {
            key_text.to_string()
        } else {
            format!("{}.{key_text}", self.path)
        };
        Node {
            doc_name: self.doc_name,
            value,
            pos: pos.map(|(_, n)| n),
            line: pos.map(|(l, _)| l).or(self.line),
            path,
        }
    }

    /// The value under `key` if this is a mapping that has it (and it is not null).
    /// Not a mapping: an error.
    pub fn field(&self, key: &str) -> Result<Option<Node<'a>>> {
        match self.value {
            Value::Mapping(map) => {
                let mut entries = map.iter().enumerate();
                Ok(match entries.find(|(_, (k, _))| k.as_str() == Some(key)) {
                    None => None,
                    Some((_, (_, v))) if is_absent(v) => None,
                    Some((i, (_, v))) => Some(self.child(key, i, v)),
                })
            }
            Value::Null => Ok(None),
            _ => Err(self.wrong_type("a mapping")),
        }
    }

    /// The entries of a mapping, in document order. Keys must be strings.
    pub fn entries(&self) -> Result<Vec<(String, Node<'a>)>> {
        let Value::Mapping(map) = self.value else {
            return Err(self.wrong_type("a mapping"));
        };
        let mut out = Vec::with_capacity(map.len());
        for (i, (k, v)) in map.iter().enumerate() {
            let Some(key) = key_text(k) else {
                return Err(self.error(format!("keys must be strings, found {}", type_name(k))));
            };
            if is_absent(v) {
                continue;
            }
            let child = self.child(&key, i, v);
            out.push((key, child));
        }
        Ok(out)
    }

    /// The items of a list.
    pub fn seq(&self) -> Result<Vec<Node<'a>>> {
        let Value::Sequence(items) = self.value else {
            return Err(self.wrong_type("a list"));
        };
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let pos = self.pos.and_then(|p| p.item(i));
                Node {
                    doc_name: self.doc_name,
                    value: v,
                    pos,
                    line: pos.map(|p| p.line()).or(self.line),
                    path: format!("{}[{i}]", self.path),
                }
            })
            .collect())
    }

    pub fn str(&self) -> Result<&'a str> {
        self.value
            .as_str()
            .ok_or_else(|| self.wrong_type("a string"))
    }

    pub fn bool(&self) -> Result<bool> {
        self.value
            .as_bool()
            .ok_or_else(|| self.wrong_type("a boolean (true or false)"))
    }

    /// A scalar as text (variable defaults may be written as numbers).
    pub fn scalar_text(&self) -> Result<String> {
        match self.value {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            _ => Err(self.wrong_type("a string")),
        }
    }

    pub fn opt_str(&self, key: &str) -> Result<Option<(&'a str, Option<usize>)>> {
        match self.field(key)? {
            None => Ok(None),
            Some(n) => Ok(Some((n.str()?, n.line))),
        }
    }

    pub fn opt_bool(&self, key: &str) -> Result<Option<(bool, Option<usize>)>> {
        match self.field(key)? {
            None => Ok(None),
            Some(n) => Ok(Some((n.bool()?, n.line))),
        }
    }

    pub fn required_str(&self, key: &str) -> Result<&'a str> {
        match self.field(key)? {
            Some(n) => n.str(),
            None => Err(self.error(format!("missing required `{key}`"))),
        }
    }

    /// Follows a dotted path of mapping keys; `None` when any step is absent.
    pub fn at_path(&self, keys: &[&str]) -> Result<Option<Node<'a>>> {
        let mut node = self.clone();
        for key in keys {
            match node.field(key)? {
                Some(n) => node = n,
                None => return Ok(None),
            }
        }
        Ok(Some(node))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Result<Document> {
        parse(
            &Source {
                name: "m.yml".into(),
                text: text.into(),
            },
            &LoadOptions::default(),
        )
    }

    #[test]
    fn substitute_only_known_names() {
        let mut values = BTreeMap::new();
        values.insert("HOST".to_string(), "example.com".to_string());
        assert_eq!(
            substitute("https://${HOST}/x", &values),
            "https://example.com/x"
        );
        assert_eq!(
            substitute("${OTHER}-${HOST}", &values),
            "${OTHER}-example.com"
        );
        assert_eq!(substitute("${1X} ${HOST", &values), "${1X} ${HOST");
        assert_eq!(substitute("$${HOST}}", &values), "$example.com}");
    }

    #[test]
    fn errors_carry_file_line_and_path() {
        let d = doc("app:\n  id: x\npermissions:\n  scopes: 42\n").unwrap();
        let scopes = d
            .root()
            .at_path(&["permissions", "scopes"])
            .unwrap()
            .unwrap();
        let e = scopes.seq().unwrap_err();
        assert_eq!(
            e.to_string(),
            "m.yml:4: permissions.scopes: expected a list, found a number"
        );
    }

    #[test]
    fn a_tagged_null_is_a_tagged_value_not_an_absent_key() {
        // Found by fuzz run 20: the section path of `log` skipped `app: !` as absent while the
        // whole read refused it; both now refuse it, naming the tag as written.
        for (text, message) in [
            (
                "app: !",
                "m.yml:1: app: expected a mapping, found a value tagged !",
            ),
            (
                "modules:\n  jira:issuePanel: !foo\n",
                "m.yml:2: modules.jira:issuePanel: expected a list, found a value tagged !foo",
            ),
        ] {
            let d = doc(text).unwrap();
            let e = crate::model::Manifest::from_document(&d).unwrap_err();
            assert_eq!(e.to_string(), message);
        }
        // Untagged, the key is absent.
        let d = doc("app:\nmodules:\n  jira:issuePanel: ~\n").unwrap();
        assert!(crate::model::Manifest::from_document(&d).is_ok());
    }

    #[test]
    fn yaml_errors_and_documents() {
        let e = doc("a: 1\na: 2\n").unwrap_err();
        assert!(e.to_string().contains("duplicate"), "{e}");
        assert_eq!(e.line, Some(2));
        let e = doc("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(e.to_string().contains("more than one document"), "{e}");
        assert_eq!(e.line, Some(2));
        let e = doc("a: [1,\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "m.yml:2: invalid YAML: did not find expected node content"
        );
        // Lines count `\n` only: a Unicode line break inside a value does not move them.
        let e = doc("a: 'x\u{2028}y'\nb: 1\nb: 2\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "m.yml:3: invalid YAML: duplicate entry with key \"b\""
        );
        assert!(doc("# only a comment\n").unwrap().value.is_null());
        let e = doc("- a\n").unwrap_err();
        assert!(e.to_string().contains("must be a mapping"), "{e}");
    }

    #[test]
    fn large_texts_get_the_same_lines_and_errors() {
        let padding: String = (0..4000).map(|i| format!("  k{i}: value {i}\n")).collect();
        let head = format!("padding:\n{padding}");
        let first = head.lines().count() + 1;
        let d = doc(&format!(
            "{head}remotes:\n  - &r\n    key: a\n    baseUrl: b\nother: *r\n"
        ))
        .unwrap();
        let root = d.root();
        let remotes = root.field("remotes").unwrap().unwrap();
        assert_eq!(remotes.line, Some(first));
        // An anchored item starts at its anchor.
        assert_eq!(remotes.seq().unwrap()[0].line, Some(first + 1));
        let aliased = root.at_path(&["other", "baseUrl"]).unwrap().unwrap();
        assert_eq!(aliased.line, Some(first + 3));
        let e = doc(&format!("{head}a: 1\npadding: 2\n")).unwrap_err();
        assert!(e.to_string().contains("duplicate"), "{e}");
        assert_eq!(e.line, Some(first + 1));
    }

    #[test]
    fn without_lines_the_values_are_the_same() {
        let source = Source {
            name: "m.yml".into(),
            text: "app:\n  id: x\nremotes:\n  - key: a\n".into(),
        };
        let with = parse(&source, &LoadOptions::default()).unwrap();
        let options = LoadOptions {
            lines: false,
            ..LoadOptions::default()
        };
        let without = parse(&source, &options).unwrap();
        assert_eq!(with.value, without.value);
        let remotes = |d: &Document| d.root().field("remotes").unwrap().unwrap().line;
        assert_eq!(remotes(&with), Some(3));
        assert_eq!(remotes(&without), None);
    }

    #[test]
    fn yes_and_on_are_strings_and_merge_keys_stay() {
        let d = doc("a: yes\nb: on\nbase: &b {x: 1}\nc:\n  <<: *b\n").unwrap();
        assert_eq!(d.value["a"].as_str(), Some("yes"));
        assert_eq!(d.value["b"].as_str(), Some("on"));
        assert!(d.value["c"].get("x").is_none());
        assert!(d.value["c"].get("<<").is_some());
    }

    #[test]
    fn bytes_checks() {
        let e = source_from_bytes("f".into(), vec![0xFF, 0xFE, b'a', 0], 100).unwrap_err();
        assert!(e.message.contains("UTF-16"));
        let e = source_from_bytes("f".into(), b"a: 1\n\0".to_vec(), 100).unwrap_err();
        assert_eq!(e.line, Some(2));
        let e = source_from_bytes("f".into(), b"a: \xff\n".to_vec(), 100).unwrap_err();
        assert!(e.message.contains("UTF-8"));
        let e = source_from_bytes("f".into(), vec![b' '; 101], 100).unwrap_err();
        assert!(e.message.contains("--max-bytes"));
        let s = source_from_bytes("f".into(), b"\xef\xbb\xbfa: 1".to_vec(), 100).unwrap();
        assert_eq!(s.text, "a: 1");
        let s = source_from_bytes("f".into(), b"a: 1\rb: 2\r\nc: 3\r".to_vec(), 100).unwrap();
        assert_eq!(s.text, "a: 1\nb: 2\r\nc: 3\n");
    }
}
