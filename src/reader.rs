//! The one reader of a manifest: one pass of an event parser builds the value, the line of
//! every node ([`Positions`]) and the input limits together, on every input.
//!
//! The parser is libyaml-safer, a safe Rust port of libyaml, which yaml_serde parses with: the
//! grammar (what is valid, where a scalar ends) is yaml_serde's, and the value is built as
//! yaml_serde's `Value` deserializer builds it (its tag rules are copied below, its numbers are
//! its own `Number::from_str`). yaml_serde stays the value type and a strict test oracle
//! (`harness::reader_agrees`): the same value, or both refuse, but for the intended
//! differences listed in docs/hardening.md (input limits, an anchor defined twice, yaml_serde's
//! alias repetition limit).
//!
//! Every text gets an answer: its value, or one error with the line it happened on. Lines are
//! counted from each event's byte offset by `\n` only (a lone `\r` is already a `\n`, see
//! `load::source_from_bytes`), so they are the lines every other tool shows, whatever Unicode
//! line breaks the text holds. A node's line is where its event starts: an anchor or tag
//! before the node, a block scalar's `|` or `>` header.

use std::cell::Cell;
use std::collections::HashMap;
use std::io::{BufReader, Read};
use std::panic::AssertUnwindSafe;
use std::str::FromStr;
use std::sync::Once;

use libyaml_safer::{Encoding, Event, EventData, Parser, ScalarStyle};
use yaml_serde::value::{Tag, TaggedValue};
use yaml_serde::{Mapping, Number, Value};

use crate::load::key_str;

// Bounds on what one manifest may make the reader build, checked on each event as it reads, so
// that hostile YAML is refused in bounded time and memory with a message that says what is
// wrong (docs/hardening.md).

/// Deepest nesting accepted, aliases expanded. The deepest corpus manifest nests 8 levels;
/// yaml_serde stops at 128.
pub const MAX_DEPTH: usize = 100;
/// Most YAML nodes (scalars, lists, mappings), aliases counted at their expanded size. Real
/// manifests have hundreds (616 at most in the corpus); 250,000 keeps a parse under 100 MiB.
pub const MAX_NODES: u64 = 250_000;
/// Most bytes of tag text, after `%TAG` prefixes are expanded. Forge manifests use no tags.
pub const MAX_TAG_BYTES: usize = 64 * 1024;

/// The most nodes accepted under a `--max-bytes` limit: [`MAX_NODES`] at the default 16 MiB,
/// more in proportion when the byte limit is raised (a larger manifest has more nodes).
pub fn max_nodes(max_bytes: u64) -> u64 {
    let scaled =
        u128::from(max_bytes) * u128::from(MAX_NODES) / u128::from(crate::load::DEFAULT_MAX_BYTES);
    MAX_NODES.max(u64::try_from(scaled).unwrap_or(u64::MAX))
}

fn too_deep() -> String {
    format!("nested more than {MAX_DEPTH} levels deep; a Forge manifest needs far fewer")
}

/// Why a text does not read: the whole message (`invalid YAML: ...`, or a limit's) and the line.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    pub line: usize,
    pub message: String,
    /// Whether it is one of the input limits above (a text over them may be valid YAML).
    pub limit: bool,
}

/// A failure inside the builder: the byte offset it happened at, the message, and whether it is
/// a limit.
type Failure = (usize, String, bool);

/// The value of the single document in `text` (null for no document) and, when `lines` is
/// set, the line of each of its nodes; or why it does not read.
pub fn read(text: &str, max_nodes: u64, lines: bool) -> ReadResult {
    // libyaml-safer 0.3.0 panics where a block scalar's last line ends the text without a line
    // break (libyaml reads a NUL there; upstream issue 6): the parser is given one, and the
    // builder takes it back out of the scalar it lands in. A last line of only spaces or tabs is
    // the exception: usually a blank line, which adds nothing to a scalar where the given break
    // would add one to a clipped `|` or `>` that nothing can tell from the break of its last
    // line; the parser reads such a text as it is, and panics only where that line is content.
    let add_break = !text.ends_with('\n');
    let last_line = &text[text.rfind('\n').map_or(0, |i| i + 1)..];
    if add_break && last_line.bytes().all(|b| b == b' ' || b == b'\t') {
        if let Ok(read) = parse(text, max_nodes, lines, false) {
            return read;
        }
    }
    // Its few other panics (a tag followed by `,` in a flow collection, upstream issue 7; a
    // `%`-escaped surrogate in a tag) are refusals too, never a crash.
    parse(text, max_nodes, lines, add_break).unwrap_or_else(|last| {
        Err(ReadError {
            line: line_at(text.as_bytes(), last),
            message: invalid("the YAML parser cannot read this text (a malformed tag?)"),
            limit: false,
        })
    })
}

/// One pass of the parser over `text`, with a line break after it when `add_break` is set;
/// `Err` if the parser panicked, with the offset of the last event it gave.
fn parse(text: &str, max_nodes: u64, lines: bool, add_break: bool) -> Result<ReadResult, usize> {
    let end: &[u8] = if add_break { b"\n" } else { b"" };
    let mut parser = Parser::new();
    parser.set_encoding(Encoding::Utf8);
    // In small pieces: the parser decodes all that its input offers into a queue of `char`s
    // (4 bytes each), which for the whole text would be 4 times its size.
    parser.set_input(BufReader::with_capacity(8192, text.as_bytes().chain(end)));
    let mut builder = Builder::new(text, max_nodes, lines);
    builder.added_break = add_break.then_some(text.len());
    let error = |offset, message, limit| ReadError {
        line: line_at(text.as_bytes(), offset),
        message,
        limit,
    };
    let mut last = 0;
    let parsed = catch_parser_panic(|| loop {
        let event = parser.parse().map_err(|e| syntax_error(text, &e))?;
        last = usize::try_from(event.start_mark.index).unwrap_or(usize::MAX);
        match builder.take(event) {
            Ok(false) => {}
            Ok(true) => return Ok(()),
            Err((offset, message, limit)) => return Err(error(offset, message, limit)),
        }
    });
    parsed
        .map(|result| result.map(|()| builder.finish()))
        .map_err(|_| last)
}

/// A value and its lines, or why the text does not read.
pub type ReadResult = Result<(Value, Option<Positions>), ReadError>;

thread_local! {
    /// Set while this thread runs the parser inside [`catch_parser_panic`].
    static IN_PARSER: Cell<bool> = const { Cell::new(false) };
}

/// Runs the parser, catching its panics without printing them: such a panic is a refusal of
/// the input, reported as one error line (exit 2), and Rust's panic message above that line
/// would break the one-line contract. Panics anywhere else still print as before.
fn catch_parser_panic<T>(parse: impl FnOnce() -> T) -> std::thread::Result<T> {
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_PARSER.with(Cell::get) {
                previous(info);
            }
        }));
    });
    IN_PARSER.with(|p| p.set(true));
    let result = std::panic::catch_unwind(AssertUnwindSafe(parse));
    IN_PARSER.with(|p| p.set(false));
    result
}

/// The line (from 1) that byte `offset` of a text is on.
pub fn line_at(text: &[u8], offset: usize) -> usize {
    let before = &text[..offset.min(text.len())];
    before.iter().filter(|&&b| b == b'\n').count() + 1
}

/// The parser's own refusal, named as yaml_serde names it (its problem, without position).
fn syntax_error(text: &str, e: &libyaml_safer::Error) -> ReadError {
    let offset = match e.problem_mark() {
        Some(mark) => usize::try_from(mark.index).unwrap_or(usize::MAX),
        // The reader refuses a character libyaml does not read at all; the error does not
        // say where, so find it.
        None => text
            .char_indices()
            .find(|&(_, c)| !yaml_printable(c))
            .map_or(text.len(), |(i, _)| i),
    };
    ReadError {
        line: line_at(text.as_bytes(), offset),
        message: format!("invalid YAML: {}", e.problem()),
        limit: false,
    }
}

/// Whether libyaml reads `c` at all (YAML 1.1's printable set; its reader refuses any other
/// character, even in a comment).
pub(crate) fn yaml_printable(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}'
        | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

fn invalid(message: impl std::fmt::Display) -> String {
    format!("invalid YAML: {message}")
}

/// The lines of a document's nodes, shaped like its value, in one arena: a node is an index, its
/// children a range of `children` (a mapping's by turns a key and its value). Building it costs
/// a few growing vectors instead of an allocation per node, and dropping it is free (a large
/// manifest has hundreds of thousands of nodes).
#[derive(Debug, Default)]
pub struct Positions {
    nodes: Vec<Slot>,
    children: Vec<u32>,
    root: u32,
}

/// A node: its line, and its children `children[start..start + len]`.
#[derive(Debug, Clone, Copy)]
struct Slot {
    line: u32,
    start: u32,
    len: u32,
}

fn to_u32(n: usize) -> u32 {
    // Lines and counts are bounded by the input limits, far below 4 billion.
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Positions {
    pub fn root(&self) -> PosRef<'_> {
        PosRef {
            positions: self,
            node: self.root,
        }
    }
}

/// One node of a [`Positions`] arena: where it starts, and where its children start.
#[derive(Clone, Copy)]
pub struct PosRef<'a> {
    positions: &'a Positions,
    node: u32,
}

impl<'a> PosRef<'a> {
    fn slot(&self) -> Slot {
        self.positions.nodes[self.node as usize]
    }

    fn children(&self) -> &'a [u32] {
        let Slot { start, len, .. } = self.slot();
        &self.positions.children[start as usize..(start + len) as usize]
    }

    pub fn line(&self) -> usize {
        self.slot().line as usize
    }

    /// The `index`-th item of a list.
    pub fn item(&self, index: usize) -> Option<PosRef<'a>> {
        let node = *self.children().get(index)?;
        Some(PosRef { node, ..*self })
    }

    /// The `index`-th entry of a mapping: the line of its key, and its value.
    pub fn entry(&self, index: usize) -> Option<(usize, PosRef<'a>)> {
        let key = self.item(index.checked_mul(2)?)?;
        Some((key.line(), self.item(index * 2 + 1)?))
    }

    /// Whether this tree has the shape of `value`: as many children as each list has items and
    /// each mapping has keys and values, none for a scalar (checked by the fuzz harness).
    pub fn matches(&self, value: &Value) -> bool {
        let mut stack = vec![(*self, value)];
        while let Some((pos, mut value)) = stack.pop() {
            while let Value::Tagged(t) = value {
                value = &t.value;
            }
            let children = pos.children().iter().map(|&node| PosRef { node, ..pos });
            let fits = match value {
                Value::Sequence(items) => {
                    stack.extend(children.clone().zip(items));
                    items.len()
                }
                Value::Mapping(map) => {
                    stack.extend(children.clone().skip(1).step_by(2).zip(map.values()));
                    map.len() * 2
                }
                _ => 0,
            } == children.len();
            if !fits {
                return false;
            }
        }
        true
    }
}

impl std::fmt::Debug for PosRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PosRef(node {} at line {})", self.node, self.line())
    }
}

/// What the builder keeps to give every node its line: where each line starts (searched by
/// halves), the arena, and the children of the open containers, innermost last, moved into
/// the arena when each closes.
struct Lines {
    starts: Vec<usize>,
    positions: Positions,
    pending: Vec<u32>,
}

impl Lines {
    fn new(text: &str) -> Self {
        let breaks = text.bytes().enumerate().filter(|&(_, b)| b == b'\n');
        Lines {
            starts: std::iter::once(0)
                .chain(breaks.map(|(i, _)| i + 1))
                .collect(),
            positions: Positions::default(),
            pending: Vec::new(),
        }
    }

    /// A new node starting at byte `offset`.
    fn node(&mut self, offset: usize) -> u32 {
        let line = self.starts.partition_point(|&start| start <= offset);
        let nodes = &mut self.positions.nodes;
        nodes.push(Slot {
            line: to_u32(line),
            start: 0,
            len: 0,
        });
        to_u32(nodes.len() - 1)
    }

    /// Closes container `node`, whose children are the pending ones from `from` on.
    fn close(&mut self, node: u32, from: usize) {
        let p = &mut self.positions;
        p.nodes[node as usize].start = to_u32(p.children.len());
        p.nodes[node as usize].len = to_u32(self.pending.len() - from);
        p.children.extend(self.pending.drain(from..));
    }
}

/// A finished node: its value, its line node, and what the limits see of it.
#[derive(Clone)]
struct Built {
    value: Value,
    /// Its node in the position arena, when lines are wanted.
    pos: Option<u32>,
    /// Nodes in it, aliases counted at their expanded size.
    nodes: u64,
    /// Levels of nesting inside it, aliases expanded.
    height: usize,
}

enum Container {
    Seq(Vec<Value>),
    Map {
        map: Mapping,
        /// A key read, waiting for its value, and where it starts.
        key: Option<(Value, usize)>,
    },
}

/// A sequence or mapping being built.
struct Open {
    container: Container,
    anchor: Option<String>,
    /// A local tag (`!name`), which makes the value a `Value::Tagged`.
    tag: Option<Tag>,
    nodes: u64,
    height: usize,
    /// Its node in the position arena, and where its children start among the pending ones.
    pos: Option<(u32, usize)>,
}

struct Builder {
    max_nodes: u64,
    lines: Option<Lines>,
    stack: Vec<Open>,
    /// Each anchor's node; `None` while it is open (an alias to it would contain itself).
    anchors: HashMap<String, Option<Built>>,
    root: Option<Built>,
    documents: usize,
    /// Nodes so far, aliases expanded: counted before an alias's node is copied.
    nodes: u64,
    tag_bytes: usize,
    /// Where the line break given to the parser past the end of the text is, if one was.
    added_break: Option<usize>,
}

impl Builder {
    fn new(text: &str, max_nodes: u64, lines: bool) -> Self {
        Builder {
            max_nodes,
            lines: lines.then(|| Lines::new(text)),
            stack: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            documents: 0,
            nodes: 0,
            tag_bytes: 0,
            added_break: None,
        }
    }

    /// Takes one event: `Ok(true)` at the end of the stream.
    fn take(&mut self, event: Event) -> Result<bool, Failure> {
        let offset = usize::try_from(event.start_mark.index).unwrap_or(usize::MAX);
        let end = usize::try_from(event.end_mark.index).unwrap_or(usize::MAX);
        let fail = |message: String| (offset, invalid(message), false);
        let mapping = matches!(event.data, EventData::MappingStart { .. });
        match event.data {
            EventData::StreamEnd => return Ok(true),
            EventData::DocumentStart { .. } => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(fail(
                        "deserializing from YAML containing more than one document is not supported".into(),
                    ));
                }
            }
            EventData::StreamStart { .. } | EventData::DocumentEnd { .. } => {}
            EventData::Alias { anchor } => {
                let built = match self.anchors.get(&anchor) {
                    None => return Err(fail("unknown anchor".into())),
                    Some(None) => {
                        return Err(fail(format!("alias *{anchor} is inside the node it names")))
                    }
                    Some(Some(built)) => built,
                };
                // Counted before it is copied: an alias bomb stops here, not in the copy.
                let nodes = self.nodes.saturating_add(built.nodes);
                if nodes > self.max_nodes {
                    let max = self.max_nodes;
                    let message =
                        format!("aliases expand to more than {max} YAML nodes (an alias bomb?)");
                    return Err((offset, message, true));
                }
                let built = built.clone();
                self.nodes = nodes;
                self.finish_node(built, offset)?;
            }
            EventData::Scalar {
                anchor,
                tag,
                mut value,
                style,
                ..
            } => {
                let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                if block && self.added_break.is_some_and(|at| end > at) && value.ends_with('\n') {
                    value.pop();
                }
                let tag = c_string(tag);
                self.count(offset, tag.as_deref())?;
                let value = scalar_value(value, style == ScalarStyle::Plain, tag)
                    .map_err(|message| (offset, self.at_path(self.stack.len(), &message), false))?;
                let built = Built {
                    value,
                    pos: self.lines.as_mut().map(|l| l.node(offset)),
                    nodes: 1,
                    height: 0,
                };
                if let Some(name) = anchor {
                    self.anchors.insert(name, Some(built.clone()));
                }
                self.finish_node(built, offset)?;
            }
            EventData::SequenceStart { anchor, tag, .. }
            | EventData::MappingStart { anchor, tag, .. } => {
                let tag = c_string(tag);
                self.count(offset, tag.as_deref())?;
                if self.stack.len() >= MAX_DEPTH {
                    return Err((offset, too_deep(), true));
                }
                if let Some(name) = &anchor {
                    self.anchors.insert(name.clone(), None);
                }
                let container = match mapping {
                    true => Container::Map {
                        map: Mapping::new(),
                        key: None,
                    },
                    false => Container::Seq(Vec::new()),
                };
                let pos = self
                    .lines
                    .as_mut()
                    .map(|l| (l.node(offset), l.pending.len()));
                self.stack.push(Open {
                    container,
                    anchor,
                    tag: tag.as_deref().and_then(local_tag),
                    nodes: 1,
                    height: 1,
                    pos,
                });
            }
            EventData::SequenceEnd | EventData::MappingEnd => {
                // The parser pairs every end with its start.
                let Some(open) = self.stack.pop() else {
                    return Ok(false);
                };
                let mut value = match open.container {
                    Container::Seq(items) => Value::Sequence(items),
                    Container::Map { map, .. } => Value::Mapping(map),
                };
                if let Some(tag) = open.tag {
                    value = Value::Tagged(Box::new(TaggedValue { tag, value }));
                }
                if let (Some(lines), Some((node, from))) = (&mut self.lines, open.pos) {
                    lines.close(node, from);
                }
                let built = Built {
                    value,
                    pos: open.pos.map(|(node, _)| node),
                    nodes: open.nodes,
                    height: open.height,
                };
                if let Some(name) = open.anchor {
                    self.anchors.insert(name, Some(built.clone()));
                }
                self.finish_node(built, offset)?;
            }
        }
        Ok(false)
    }

    /// Counts one more node, and its tag's bytes (after `%TAG` expansion), against the limits.
    fn count(&mut self, offset: usize, tag: Option<&str>) -> Result<(), Failure> {
        self.nodes = self.nodes.saturating_add(1);
        self.tag_bytes = self.tag_bytes.saturating_add(tag.map_or(0, str::len));
        let max = self.max_nodes;
        let message = if self.tag_bytes > MAX_TAG_BYTES {
            format!("YAML tags expand to more than {MAX_TAG_BYTES} bytes (a tag bomb?); Forge manifests use no tags")
        } else if self.nodes > max {
            format!("more than {max} YAML nodes; a Forge manifest has hundreds (--max-bytes raises this limit too)")
        } else {
            return Ok(());
        };
        Err((offset, message, true))
    }

    /// `message` about a node inside the first `depth` open containers, after its key path as
    /// yaml_serde writes it (`a.b[0]`, `.[0]` at the root; nothing for the root itself).
    fn at_path(&self, depth: usize, message: &str) -> String {
        let mut path = String::new();
        for open in &self.stack[..depth] {
            match &open.container {
                Container::Seq(items) => {
                    if path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&format!("[{}]", items.len()));
                }
                Container::Map {
                    key: Some((k, _)), ..
                } => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key_str(k).as_deref().unwrap_or("?"));
                }
                // Inside a key: yaml_serde names the mapping.
                Container::Map { key: None, .. } => {}
            }
        }
        match path.is_empty() {
            true => invalid(message),
            false => invalid(format!("{path}: {message}")),
        }
    }

    /// Places a finished node (which started at `offset`) in its parent, or as the root.
    fn finish_node(&mut self, built: Built, offset: usize) -> Result<(), Failure> {
        let depth = self.stack.len();
        let Some(parent) = self.stack.last_mut() else {
            self.root = Some(built);
            return Ok(());
        };
        parent.nodes = parent.nodes.saturating_add(built.nodes);
        parent.height = parent.height.max(built.height + 1);
        // Nesting with aliases expanded: what building (and later reading) the value costs.
        if depth + built.height > MAX_DEPTH {
            return Err((offset, too_deep(), true));
        }
        if let (Some(lines), Some(pos)) = (&mut self.lines, built.pos) {
            lines.pending.push(pos);
        }
        let (map, key) = match &mut parent.container {
            Container::Seq(items) => {
                items.push(built.value);
                return Ok(());
            }
            Container::Map { map, key } => (map, key),
        };
        let Some((k, key_offset)) = key.take() else {
            *key = Some((built.value, offset));
            return Ok(());
        };
        match map.entry(k) {
            yaml_serde::mapping::Entry::Vacant(e) => {
                e.insert(built.value);
                Ok(())
            }
            yaml_serde::mapping::Entry::Occupied(e) => {
                let message = duplicate_key(e.key());
                Err((key_offset, self.at_path(depth - 1, &message), false))
            }
        }
    }

    fn finish(self) -> (Value, Option<Positions>) {
        let Some(root) = self.root else {
            return (Value::Null, None);
        };
        let positions = self.lines.zip(root.pos).map(|(lines, root)| Positions {
            root,
            ..lines.positions
        });
        (root.value, positions)
    }
}

/// yaml_serde's message for a key a mapping repeats.
fn duplicate_key(key: &Value) -> String {
    match key {
        Value::Null => "duplicate entry with null key".into(),
        Value::Bool(b) => format!("duplicate entry with key `{b}`"),
        Value::Number(n) => format!("duplicate entry with key {n}"),
        Value::String(s) => format!("duplicate entry with key {s:?}"),
        _ => "duplicate entry in YAML map".into(),
    }
}

/// A tag as libyaml, and so yaml_serde, hands it on: as a C string, which a `%00` escape ends
/// (`!a%00b` is `!a`). Found by fuzz run 20.
fn c_string(tag: Option<String>) -> Option<String> {
    tag.map(|mut tag| {
        if let Some(nul) = tag.find('\0') {
            tag.truncate(nul);
        }
        tag
    })
}

/// A local tag (`!name`, and `!` alone) as yaml_serde names it in a `Value::Tagged`; `None`
/// for any other tag (`!!str` and other `tag:yaml.org,2002:` tags), which does not tag.
fn local_tag(tag: &str) -> Option<Tag> {
    let name = tag.strip_prefix('!')?;
    Some(Tag::new(if name.is_empty() { tag } else { name }))
}

/// A scalar as yaml_serde's `Value` deserializer reads it (its `visit_scalar`): a plain scalar
/// resolved (null, boolean, number, else string), any other a string; a local tag wraps that in
/// `Value::Tagged`; the core tags `!!bool`, `!!int`, `!!float` and `!!null` require their
/// type; any other tag reads as a string.
fn scalar_value(text: String, plain: bool, tag: Option<String>) -> Result<Value, String> {
    let untagged = |text: String| match plain {
        true => resolve_plain(text),
        false => Ok(Value::String(text)),
    };
    let Some(tag) = tag else {
        return untagged(text);
    };
    if let Some(tag) = local_tag(&tag) {
        let value = untagged(text)?;
        return Ok(Value::Tagged(Box::new(TaggedValue { tag, value })));
    }
    let number = || Number::from_str(&text).ok();
    let (value, expected) = match tag.strip_prefix("tag:yaml.org,2002:") {
        Some("bool") => (parse_bool(&text).map(Value::Bool), "a boolean"),
        Some("int") => (
            number().filter(|n| !n.is_f64()).map(Value::Number),
            "an integer",
        ),
        // A finite float as Rust reads it, or `.inf`, `-.inf` and `.nan` as YAML writes them.
        Some("float") => {
            let float = text.parse().ok().filter(|f: &f64| f.is_finite());
            let float = float.or_else(|| number().filter(Number::is_f64)?.as_f64());
            (float.map(Value::from), "a float")
        }
        Some("null") => (parse_null(&text).then_some(Value::Null), "null"),
        _ => return Ok(Value::String(text)),
    };
    value.ok_or_else(|| format!("invalid value: string {text:?}, expected {expected}"))
}

/// A plain scalar: null, a boolean, a number (yaml_serde's own reading of one), else a string.
/// An integer too large for 64 bits is an error, as in yaml_serde.
fn resolve_plain(v: String) -> Result<Value, String> {
    if parse_null(&v) {
        return Ok(Value::Null);
    }
    if let Some(b) = parse_bool(&v) {
        return Ok(Value::Bool(b));
    }
    // Every number yaml_serde reads starts with one of these; most scalars do not.
    if !v.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return Ok(Value::String(v));
    }
    match Number::from_str(&v) {
        Ok(n) => Ok(Value::Number(n)),
        // Its number visitor refuses a 128-bit integer as the `Value` visitor does, but for
        // what it expected.
        Err(e) if e.to_string().starts_with("invalid type") => Err(e
            .to_string()
            .replace("expected a number", "expected any YAML value")),
        Err(_) => Ok(Value::String(v)),
    }
}

fn parse_null(v: &str) -> bool {
    matches!(v, "" | "~" | "null" | "Null" | "NULL")
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Value {
        read(text, MAX_NODES, false).unwrap().0
    }

    fn error(text: &str) -> (usize, String) {
        let e = read(text, MAX_NODES, true).unwrap_err();
        (e.line, e.message)
    }

    fn positions(text: &str) -> Positions {
        read(text, MAX_NODES, true).unwrap().1.unwrap()
    }

    fn same_as_yaml_serde(text: &str) {
        let expected = yaml_serde::from_str::<Value>(text);
        match read(text, MAX_NODES, false) {
            Ok((v, _)) => assert_eq!(Some(v), expected.ok(), "{text:?}"),
            Err(e) => assert!(expected.is_err(), "{text:?}: {e:?}"),
        }
    }

    #[test]
    fn plain_scalars_and_tags_read_as_yaml_serde_reads_them() {
        let scalars = "|~|null|NULL|Null|nULL|true|True|TRUE|tRUE|yes|on|0|-0|+0|007|-007|+12|12|-12\
            |0x1F|-0x1F|0x-1|0o17|-0o17|0b101|-0b101|1.5|-1.5|+1.5|.5|5.|1e3|1E-3|.inf|-.inf|+.inf\
            |.nan|.NaN|nan|inf|infinity|-inf|1_000|18446744073709551615|18446744073709551616\
            |-9223372036854775808|-9223372036854775809|1.0.0|++1|+-1|-|+|.|0.|00.5|2001-12-14\
            |12:30|1,5|0xZZ|!!str 1|!!int 1|!!int x|!!int 007|!!int 1e3|!!int 0x1F\
            |!!int 18446744073709551616|!!bool true|!!bool yes|!!float 1|!!float x|!!float 007\
            |!!float 0x10|!!float +1|!!float ++1|!!float .inf|!!float -.Inf|!!float .nan|!!float 1e3\
            |!!null ~|!!null x|!custom x|!custom 1|!custom '1'|! x|!<tag:x> 1|!!map {a: 1}\
            |!t {a: 1}|!t [1]|&a !t x|!%00 x|!a%00b x|!%00 [1]|!!int%00 1|!!str%00x 1";
        for scalar in scalars.split('|') {
            same_as_yaml_serde(&format!("k: {scalar}\nz: 1\n"));
        }
    }

    #[test]
    fn every_refusal_is_one_message_with_its_line() {
        for (text, line, message) in [
            ("a: 1\nb: *nope\n", 2, "unknown anchor"),
            ("a: &x [1, *x]\n", 1, "alias *x is inside the node it names"),
            (
                "a:\n  - k: 1\n    k: 2\n",
                3,
                "a[0]: duplicate entry with key \"k\"",
            ),
            ("- {1: a, 1: b}\n", 1, ".[0]: duplicate entry with key 1"),
            (
                "a: 1\n---\nb: 2\n",
                2,
                "deserializing from YAML containing more than one document is not supported",
            ),
            (
                "a: b: c\n",
                1,
                "mapping values are not allowed in this context",
            ),
            ("a: 1\nb: \u{7}\n", 2, "control characters are not allowed"),
            (
                "a:\n  b: !!bool yes\n",
                2,
                "a.b: invalid value: string \"yes\", expected a boolean",
            ),
            (
                "a: 18446744073709551616\n",
                1,
                "a: invalid type: integer `18446744073709551616` as u128, expected any YAML value",
            ),
        ] {
            assert_eq!(error(text), (line, invalid(message)), "{text:?}");
            same_as_yaml_serde(text);
        }
    }

    #[test]
    fn the_parser_panics_are_refusals_or_answers() {
        // A block scalar's last line ends the text (libyaml-safer panicked on each).
        for text in [
            "a: |\n  x",
            "|1\n\n  ",
            "a: >-\n  x\n  y",
            "- |\n  x",
            "a: |+\n  x",
            "a: |+\n  x\n  ",
            "a: >\n  x\n\n  y",
            "a: 'x'",
            "a: |\n  x\n",
        ] {
            same_as_yaml_serde(text);
        }
        // A last line of only white space: blank (nothing to the scalar, in every chomping) or,
        // past the indentation, content (fuzz run 20 found the clipped blank one read as "i").
        for text in [
            ">\n i\n ",
            "a: |\n  x\n  ",
            "a: |\n  x\n ",
            "a: |+\n  x\n  ",
            "a: |-\n  x\n  ",
            "a: |\n  x \n  ",
            "a: |\n  x\n    ",
            "a: |+\n  x\n    ",
            "a: |\n  x\n  \t",
            "a: >\n  x\n\n  ",
            "- |\n  x\n  ",
            "|+\n ",
            "a: 1\n  ",
        ] {
            same_as_yaml_serde(text);
        }
        assert_eq!(value(">\n i\n "), Value::from("i\n"));
        assert_eq!(value("a: |\n  x\n    ")["a"], Value::from("x\n  "));
        assert_eq!(value("a: |\n  x")["a"], Value::from("x"));
        let (line, message) = error("a: 1\nb: [!,\n");
        assert_eq!(line, 2);
        assert!(message.contains("a malformed tag"), "{message}");
    }

    #[test]
    fn an_anchor_defined_again_is_the_latest_definition() {
        let v = value("a: &x 1\nb: *x\nc: &x 2\nd: *x\n");
        assert_eq!((&v["b"], &v["d"]), (&Value::from(1), &Value::from(2)));
    }

    #[test]
    fn lines_count_newlines_only_and_start_where_the_event_does() {
        let text = "a: 'x\u{2028}y\u{85}z'\nb: |\n  text\nc:\n  - &i\n    k: 1\n  - *i\n";
        let (v, positions) = read(text, 1000, true).unwrap();
        assert_eq!(v, yaml_serde::from_str::<Value>(text).unwrap());
        let positions = positions.unwrap();
        let root = positions.root();
        assert!(root.matches(&v));
        // A block scalar starts at its header, an anchored node at its anchor.
        assert_eq!(root.entry(1).unwrap().0, 2);
        assert_eq!(root.entry(1).unwrap().1.line(), 2);
        let items = root.entry(2).unwrap().1;
        assert_eq!(items.item(0).unwrap().line(), 5);
        // An alias points at the anchored node, so its lines are the anchor's.
        assert_eq!(items.item(1).unwrap().entry(0).unwrap().0, 6);
        assert!(items.item(2).is_none() && root.entry(3).is_none());
        assert!(!root.matches(&value("a: 1\nb: 2\nc: [1, 2]\n")));
    }

    #[test]
    fn entries_are_found_by_their_place_whatever_their_keys() {
        let positions = positions("a: 1\nb: 2\n'1': 3\n1: 4\n? [x]\n: 5\n");
        let root = positions.root();
        let lines: Vec<_> = (0..5).map(|i| root.entry(i).unwrap().0).collect();
        assert_eq!(lines, [1, 2, 3, 4, 5]);
        assert_eq!(root.entry(4).unwrap().1.line(), 6);
    }

    #[test]
    fn raising_max_bytes_raises_the_node_limit_in_proportion() {
        let default = crate::load::DEFAULT_MAX_BYTES;
        assert_eq!(max_nodes(default), MAX_NODES);
        assert_eq!(max_nodes(1), MAX_NODES);
        assert_eq!(max_nodes(4 * default), 4 * MAX_NODES);
        // No overflow at the top of the range.
        assert!(max_nodes(u64::MAX) > 4 * MAX_NODES);
    }

    fn limit(text: &str) -> (usize, String) {
        let e = read(text, MAX_NODES, false).unwrap_err();
        assert!(e.limit, "{e:?}");
        (e.line, e.message)
    }

    #[test]
    fn depth_bound_is_exact_and_counts_aliases_expanded() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(read(&nested(MAX_DEPTH), MAX_NODES, false).is_ok());
        assert_eq!(limit(&nested(MAX_DEPTH + 1)), (1, too_deep()));
        // 60 levels, aliased 60 levels down: 120 once expanded.
        let sixty = nested(60);
        let text = format!("a: &a {sixty}\nb: {}*a{}\n", "[".repeat(59), "]".repeat(59));
        assert_eq!(limit(&text), (2, too_deep()));
    }

    #[test]
    fn aliases_count_at_their_expanded_size_before_the_copy() {
        // 1,000 items aliased 200 times: 200,000 nodes, within the bound; 300 times is not.
        let doc = |uses: usize| {
            let items = vec!["x"; 999].join(", ");
            format!("a: &a [{items}]\nb: [{}]\n", vec!["*a"; uses].join(", "))
        };
        assert!(read(&doc(200), MAX_NODES, false).is_ok());
        let (line, message) = limit(&doc(300));
        assert!(
            message.ends_with("(an alias bomb?)") && line == 2,
            "{message}"
        );
        let (_, message) = limit(&"- x\n".repeat(MAX_NODES as usize));
        assert!(
            message.contains("(--max-bytes raises this limit too)"),
            "{message}"
        );
    }

    #[test]
    fn tags_count_after_prefix_expansion() {
        assert!(read("a: !!str 1\nb: !custom x\n", MAX_NODES, false).is_ok());
        let prefix = "p".repeat(MAX_TAG_BYTES);
        let text = format!("%TAG !e! tag:x,2000:{prefix}\n---\na: 1\nb: [!e!x 1, 2]\n");
        let (line, message) = limit(&text);
        assert!(message.contains("(a tag bomb?)") && line == 4, "{message}");
        assert!(!read("a: *x\n", MAX_NODES, false).unwrap_err().limit);
    }
}
