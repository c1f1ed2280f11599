//! One pass over a manifest that yields both its value and its line numbers.
//!
//! serde_yaml is the parser of record, and it exposes no positions; the full path of
//! [`crate::load`] therefore reads each text twice (yaml-rust2 for lines and input limits,
//! then serde_yaml). This module reads it once, with **the same parser serde_yaml uses**
//! (unsafe-libyaml, a translation of libyaml), and builds the `serde_yaml::Value` exactly as
//! serde_yaml's own `Value` deserializer would, with the positions beside it.
//!
//! It is a fast path, not a second parser of record: it only answers for the plain shape a
//! manifest has (one document, no tags, no anchor defined twice, within the input limits, no
//! duplicate keys) and returns `None` for everything else, including every text serde_yaml
//! would reject and the few shapes where yaml-rust2 (whose lines the full path reports) reads
//! a different tree, so that the full path gives its verdict, its error message and its lines. Its answers are checked against the full path
//! (value and every line) on the corpus, the fixture cases, the fuzz inputs and generated
//! documents (`tests/reader_equivalence.rs`, the `read_manifest` fuzz target).

use std::collections::HashMap;
use std::ffi::CStr;
use std::mem::MaybeUninit;

use serde_yaml::{Mapping, Value};
use unsafe_libyaml as unsafe_sys;

use crate::limits::MAX_DEPTH;
use crate::spans::{Positions, PositionsBuilder};

/// serde_yaml refuses a document whose alias replays exceed this many times its event count
/// (its "repetition limit"); the fast path leaves such documents to it.
const SERDE_YAML_REPETITION_FACTOR: u64 = 100;

/// The value of the single document in `text` and, when `lines` is set, its position tree;
/// `None` when the text is not one the fast path answers for (see the module docs).
pub fn read(text: &str, max_nodes: u64, lines: bool) -> Option<(Value, Option<Positions>)> {
    if yaml_rust2_reads_differently(text) {
        return None;
    }
    let mut parser = LibyamlParser::new(text);
    let mut builder = Builder::new(text, max_nodes, lines);
    loop {
        let event = parser.next()?;
        if builder.take(event)? {
            break;
        }
    }
    builder.finish()
}

/// Characters that libyaml and yaml-rust2 (whose lines the full path reports) read differently,
/// so the two build different trees (fuzz findings): NEL, LS and PS, line breaks to libyaml
/// and text to yaml-rust2; a byte-order mark at the start of a line, skipped by libyaml and
/// text to yaml-rust2.
fn yaml_rust2_reads_differently(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Only these lead bytes can start one of the characters (a cheap test on the hot path).
    (0..bytes.len()).any(|i| match bytes[i] {
        0xC2 | 0xE2 => unicode_line_break_at(bytes, i),
        0xEF => i > 0 && bytes[i - 1] == b'\n' && bytes[i..].starts_with("\u{feff}".as_bytes()),
        _ => false,
    })
}

/// Whether libyaml reads `b` as part of an anchor (or alias) name.
pub(crate) fn anchor_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')
}

/// Bytes that end an anchor name for libyaml but not for yaml-rust2, which reads on.
const ANCHOR_NAME_ONLY_TO_YAML_RUST2: &[u8] = b":?%@`";

/// Whether an anchor (`&` and a name libyaml reads) is followed by a byte that yaml-rust2
/// still reads as part of its name: yaml-rust2 then reads another tree, and the lines it gives
/// belong to that tree (`&a:b` is anchor `a` and scalar `:b` to libyaml, anchor `a:b` and an
/// empty node to yaml-rust2, a fuzz finding). A `&` inside text can look the same; that only
/// costs line numbers.
pub(crate) fn anchor_names_differ(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'&' && {
            let name = bytes[i + 1..]
                .iter()
                .take_while(|&&b| anchor_name_byte(b))
                .count();
            name > 0
                && bytes
                    .get(i + 1 + name)
                    .is_some_and(|b| ANCHOR_NAME_ONLY_TO_YAML_RUST2.contains(b))
        }
    })
}

/// Whether a NEL, LS or PS (line breaks to libyaml, in UTF-8) starts at byte `i`.
pub(crate) fn unicode_line_break_at(bytes: &[u8], i: usize) -> bool {
    let rest = &bytes[i..];
    rest.starts_with("\u{85}".as_bytes())
        || rest.starts_with("\u{2028}".as_bytes())
        || rest.starts_with("\u{2029}".as_bytes())
}

/// What the builder needs of one libyaml event.
enum Event<'a> {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias {
        anchor: &'a [u8],
    },
    Scalar {
        anchor: Option<&'a [u8]>,
        value: &'a [u8],
        plain: bool,
        /// Literal (`|`) or folded (`>`).
        block: bool,
        line: usize,
        /// Byte offset just past the anchor (properties), for the content's line.
        after_anchor: usize,
    },
    /// A sequence or (`mapping`) a mapping starts.
    CollectionStart {
        mapping: bool,
        /// `[...]` or `{...}`.
        flow: bool,
        anchor: Option<&'a [u8]>,
        line: usize,
        after_anchor: usize,
    },
    SequenceEnd,
    MappingEnd,
    /// A tag, or anything else the fast path does not answer for.
    Unsupported,
}

/// A libyaml parser over borrowed text. libyaml keeps a pointer to its own struct (the input
/// handler's data), so the struct lives in a box and never moves.
struct LibyamlParser<'a> {
    sys: Box<MaybeUninit<unsafe_sys::yaml_parser_t>>,
    /// The current event, kept until the next call so that borrowed slices stay valid.
    event: Option<Box<MaybeUninit<unsafe_sys::yaml_event_t>>>,
    text: &'a str,
    /// After a parse error libyaml must not be asked again.
    failed: bool,
}

impl<'a> LibyamlParser<'a> {
    fn new(text: &'a str) -> Self {
        let mut sys = Box::new(MaybeUninit::<unsafe_sys::yaml_parser_t>::uninit());
        let ptr = sys.as_mut_ptr();
        // SAFETY: `ptr` points at boxed, writable memory that initialize zeroes and fills (it
        // cannot fail: allocation failure aborts); the input outlives the parser (both are tied
        // to 'a, and Drop deletes the parser).
        unsafe {
            let _always_ok = unsafe_sys::yaml_parser_initialize(ptr);
            unsafe_sys::yaml_parser_set_encoding(ptr, unsafe_sys::YAML_UTF8_ENCODING);
            unsafe_sys::yaml_parser_set_input_string(ptr, text.as_ptr(), text.len() as _);
        }
        LibyamlParser {
            sys,
            event: None,
            text,
            failed: false,
        }
    }

    /// The next event, or `None` on a parse error (the full path reports it).
    fn next(&mut self) -> Option<Event<'_>> {
        if self.failed {
            return None;
        }
        self.release_event();
        let mut event = Box::new(MaybeUninit::<unsafe_sys::yaml_event_t>::uninit());
        // SAFETY: the parser was initialized in `new` and has not failed; on success libyaml
        // has written the event, which is deleted in `release_event`.
        let ok = unsafe {
            !unsafe_sys::yaml_parser_parse(self.sys.as_mut_ptr(), event.as_mut_ptr()).fail
        };
        if !ok {
            self.failed = true;
            return None;
        }
        self.event = Some(event);
        let event = self.event.as_ref().map(|e| e.as_ptr())?;
        // SAFETY: the event was written by yaml_parser_parse; its strings live until it is
        // deleted, which happens only on the next call or on drop, after the borrow ends.
        Some(unsafe { convert(&*event, self.text) })
    }

    fn release_event(&mut self) {
        if let Some(mut event) = self.event.take() {
            // SAFETY: the event was written by a successful yaml_parser_parse.
            unsafe { unsafe_sys::yaml_event_delete(event.as_mut_ptr()) };
        }
    }
}

impl Drop for LibyamlParser<'_> {
    fn drop(&mut self) {
        self.release_event();
        // SAFETY: initialized in `new`, deleted once.
        unsafe { unsafe_sys::yaml_parser_delete(self.sys.as_mut_ptr()) };
    }
}

/// # Safety
/// `event` must have been written by a successful `yaml_parser_parse` and not yet deleted.
unsafe fn convert<'e>(event: &'e unsafe_sys::yaml_event_t, text: &str) -> Event<'e> {
    let line = event.start_mark.line as usize + 1;
    let after_anchor = |anchor: Option<&[u8]>| match anchor {
        // `&name` or `*name` starts the event.
        Some(a) => (event.start_mark.index as usize + 1 + a.len()).min(text.len()),
        None => event.start_mark.index as usize,
    };
    // libyaml ends an anchor name at the first character that is not alphanumeric, `-` or `_`;
    // yaml-rust2 (whose lines the full path reports) reads on through `:`, `?`, `%`, `@` and
    // `` ` `` (so `&a:b c` is a different tree to each): such texts go the full path.
    let names_agree = |anchor: Option<&[u8]>| {
        anchor.is_none()
            || !text
                .as_bytes()
                .get(after_anchor(anchor))
                .is_some_and(|&b| ANCHOR_NAME_ONLY_TO_YAML_RUST2.contains(&b))
    };
    let anchor_of = |ptr: *const u8| {
        let anchor = unsafe { c_bytes(ptr) };
        names_agree(anchor).then_some(anchor)
    };
    match event.type_ {
        unsafe_sys::YAML_STREAM_START_EVENT => Event::StreamStart,
        unsafe_sys::YAML_STREAM_END_EVENT => Event::StreamEnd,
        unsafe_sys::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
        unsafe_sys::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
        unsafe_sys::YAML_ALIAS_EVENT => match anchor_of(unsafe { event.data.alias.anchor }) {
            Some(Some(anchor)) => Event::Alias { anchor },
            _ => Event::Unsupported,
        },
        unsafe_sys::YAML_SCALAR_EVENT => {
            let data = unsafe { event.data.scalar };
            if !data.tag.is_null() {
                return Event::Unsupported;
            }
            let Some(anchor) = anchor_of(data.anchor) else {
                return Event::Unsupported;
            };
            let value = if data.length == 0 {
                &[][..]
            } else {
                unsafe { std::slice::from_raw_parts(data.value, data.length as usize) }
            };
            Event::Scalar {
                anchor,
                value,
                plain: data.style == unsafe_sys::YAML_PLAIN_SCALAR_STYLE,
                block: matches!(
                    data.style,
                    unsafe_sys::YAML_LITERAL_SCALAR_STYLE | unsafe_sys::YAML_FOLDED_SCALAR_STYLE
                ),
                line,
                after_anchor: after_anchor(anchor),
            }
        }
        unsafe_sys::YAML_SEQUENCE_START_EVENT | unsafe_sys::YAML_MAPPING_START_EVENT => {
            let mapping = event.type_ == unsafe_sys::YAML_MAPPING_START_EVENT;
            let (tag, anchor, flow) = if mapping {
                let data = unsafe { event.data.mapping_start };
                let flow = data.style == unsafe_sys::YAML_FLOW_MAPPING_STYLE;
                (data.tag, data.anchor, flow)
            } else {
                let data = unsafe { event.data.sequence_start };
                let flow = data.style == unsafe_sys::YAML_FLOW_SEQUENCE_STYLE;
                (data.tag, data.anchor, flow)
            };
            if !tag.is_null() {
                return Event::Unsupported;
            }
            let Some(anchor) = anchor_of(anchor) else {
                return Event::Unsupported;
            };
            Event::CollectionStart {
                mapping,
                flow,
                anchor,
                line,
                after_anchor: after_anchor(anchor),
            }
        }
        unsafe_sys::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
        unsafe_sys::YAML_MAPPING_END_EVENT => Event::MappingEnd,
        _ => Event::Unsupported,
    }
}

/// # Safety
/// `ptr` is null or a NUL-terminated string that outlives `'e`.
unsafe fn c_bytes<'e>(ptr: *const u8) -> Option<&'e [u8]> {
    if ptr.is_null() {
        None
    } else {
        Some(unsafe { CStr::from_ptr(ptr.cast()) }.to_bytes())
    }
}

/// A node that is finished: its value, position, and what serde_yaml's limits see of it.
#[derive(Clone)]
struct Built {
    value: Value,
    /// Its node in the position arena, when lines are wanted.
    pos: Option<u32>,
    /// Nodes, aliases counted at their expanded size (as [`crate::limits::Counter`] counts).
    nodes: u64,
    /// Alias replays serde_yaml makes to build it (its repetition limit counts these).
    replays: u64,
    /// Levels of nesting inside it, aliases expanded (serde_yaml's recursion limit).
    height: usize,
}

enum Container {
    Seq(Vec<Value>),
    Map {
        map: Mapping,
        /// A key read, waiting for its value.
        key: Option<Value>,
    },
}

struct Open {
    container: Container,
    /// The anchor's name, when the node has one.
    anchor: Option<Vec<u8>>,
    flow: bool,
    nodes: u64,
    replays: u64,
    height: usize,
}

struct Builder<'t> {
    text: &'t str,
    max_nodes: u64,
    /// The line arena being built, when lines are wanted.
    positions: Option<PositionsBuilder>,
    stack: Vec<Open>,
    /// Each anchor's node; `None` while it is open (an alias to it is recursive).
    anchors: HashMap<Vec<u8>, Option<Built>>,
    root: Option<Built>,
    documents: usize,
    /// Events serde_yaml would keep for the document (all but stream and document events).
    events: u64,
    /// Nodes so far, aliases expanded.
    total_nodes: u64,
    /// Open flow collections (`[...]`, `{...}`) around the current event.
    flow_open: usize,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, max_nodes: u64, lines: bool) -> Self {
        Builder {
            text,
            max_nodes,
            positions: lines.then(PositionsBuilder::default),
            stack: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            documents: 0,
            events: 0,
            total_nodes: 0,
            flow_open: 0,
        }
    }

    /// Takes one event: `Some(true)` at the end of the stream, `None` to give up.
    fn take(&mut self, event: Event<'_>) -> Option<bool> {
        let finished = match event {
            Event::StreamStart => return Some(false),
            Event::StreamEnd => return Some(true),
            Event::DocumentStart => {
                self.documents += 1;
                // A second document: serde_yaml refuses it, the full path says so.
                return (self.documents == 1).then_some(false);
            }
            Event::DocumentEnd => return Some(false),
            Event::Unsupported => return None,
            Event::Alias { anchor } => {
                self.events += 1;
                // An unknown anchor, or one whose node is still open (a recursive alias):
                // serde_yaml refuses both.
                let nodes = self.anchors.get(anchor)?.as_ref()?.nodes;
                // Counted before it is copied: an alias bomb stops here, not in the copy.
                self.count(nodes)?;
                let mut built = self.anchors.get(anchor)?.clone()?;
                built.replays += 1;
                built
            }
            Event::Scalar {
                anchor,
                value,
                plain,
                block,
                line,
                after_anchor,
            } => {
                self.events += 1;
                self.count(1)?;
                let text = std::str::from_utf8(value).ok()?;
                let value = if plain {
                    resolve_plain(text)?
                } else {
                    Value::String(text.to_owned())
                };
                // The lines yaml-rust2 gives, which the full path reports: a block scalar
                // starts on its first line of text, an empty one where the next token is.
                let pos = match self.positions.is_some() {
                    false => None,
                    true if block => {
                        // The header (`|` or `>`) may be lines after the anchor (a fuzz
                        // finding); its text starts after the header, not after the anchor.
                        let (line, header) = match anchor {
                            Some(_) => self.next_token(line, after_anchor)?,
                            None => (line, after_anchor),
                        };
                        Some(self.block_text_line(line, header)?)
                    }
                    // yaml-rust2 places an empty value in a flow collection at its `:`, not at
                    // the next token (a fuzz finding): left to the full path.
                    true if text.is_empty() && self.flow_open > 0 => return None,
                    true if anchor.is_some() || text.is_empty() => {
                        Some(self.content_line(line, after_anchor)?)
                    }
                    true => Some(line),
                };
                let built = Built {
                    value,
                    pos: pos.and_then(|line| Some(self.positions.as_mut()?.scalar(line))),
                    nodes: 1,
                    replays: 0,
                    height: 0,
                };
                if let Some(a) = anchor {
                    self.define(a, Some(built.clone()))?;
                }
                // The key text the position tree records for a scalar key.
                return self.finish_node(built, Some(text));
            }
            Event::CollectionStart {
                mapping,
                flow,
                anchor,
                line,
                after_anchor,
            } => {
                self.flow_open += usize::from(flow);
                self.events += 1;
                if self.stack.len() >= MAX_DEPTH {
                    return None;
                }
                self.count(1)?;
                let container = if mapping {
                    Container::Map {
                        map: Mapping::new(),
                        key: None,
                    }
                } else {
                    Container::Seq(Vec::new())
                };
                let line = match anchor {
                    Some(_) if self.positions.is_some() => self.content_line(line, after_anchor)?,
                    _ => line,
                };
                if let Some(a) = anchor {
                    self.define(a, None)?;
                }
                if let Some(p) = &mut self.positions {
                    p.open(line, mapping);
                }
                self.stack.push(Open {
                    container,
                    anchor: anchor.map(<[u8]>::to_vec),
                    flow,
                    nodes: 1,
                    replays: 0,
                    height: 1,
                });
                return Some(false);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.events += 1;
                let open = self.stack.pop()?;
                self.flow_open -= usize::from(open.flow);
                let value = match open.container {
                    Container::Seq(items) => Value::Sequence(items),
                    Container::Map { key: Some(_), .. } => return None,
                    Container::Map { map, key: None } => Value::Mapping(map),
                };
                let pos = match &mut self.positions {
                    Some(p) => Some(p.close()?),
                    None => None,
                };
                let built = Built {
                    value,
                    pos,
                    nodes: open.nodes,
                    replays: open.replays,
                    height: open.height,
                };
                if let Some(name) = open.anchor {
                    self.anchors.insert(name, Some(built.clone()));
                }
                return self.finish_node(built, None);
            }
        };
        self.finish_node(finished, None)
    }

    /// Counts `n` more nodes against the limit.
    fn count(&mut self, n: u64) -> Option<()> {
        self.total_nodes = self.total_nodes.saturating_add(n);
        (self.total_nodes <= self.max_nodes).then_some(())
    }

    /// The line a node's content starts on, past its anchor (for an empty scalar: where the
    /// next token is): yaml-rust2 (whose lines the full path reports) places a node there,
    /// libyaml at the anchor. `None` at the end of the text, where yaml-rust2's line depends on
    /// the indentation being closed: the full path answers.
    fn content_line(&self, line: usize, after_anchor: usize) -> Option<usize> {
        self.next_token(line, after_anchor).map(|(line, _)| line)
    }

    /// The line and byte offset of the first byte from `from` on that is neither blank nor in
    /// a comment (`line` is the line `from` is on); `None` at the end of the text.
    fn next_token(&self, line: usize, from: usize) -> Option<(usize, usize)> {
        let rest = self.text.as_bytes().get(from..).unwrap_or_default();
        let mut extra = 0;
        let mut in_comment = false;
        for (i, &b) in rest.iter().enumerate() {
            match b {
                b'\n' => {
                    extra += 1;
                    in_comment = false;
                }
                _ if in_comment => {}
                b' ' | b'\t' | b'\r' => {}
                b'#' => in_comment = true,
                _ => return Some((line + extra, from + i)),
            }
        }
        None
    }

    /// The line of a block scalar's first non-blank line after its header line (its first
    /// line of text, or the next token when it has none), or the header's own line when only
    /// blank lines follow. `None` when that line starts with `#`: whether it is text or a
    /// comment depends on indentation, which the fast path leaves to the full path.
    fn block_text_line(&self, line: usize, header: usize) -> Option<usize> {
        let rest = self.text.as_bytes().get(header..).unwrap_or_default();
        let end_of_header = rest.iter().position(|&b| b == b'\n');
        // An indentation indicator (`|2`) makes spaces past it text, not blank: left to the
        // full path (a fuzz finding).
        let indicator = rest[..end_of_header.unwrap_or(rest.len())]
            .iter()
            .take_while(|b| !matches!(b, b' ' | b'#'))
            .any(u8::is_ascii_digit);
        if indicator {
            return None;
        }
        let Some(end_of_header) = end_of_header else {
            return Some(line);
        };
        let mut extra = 1;
        for text_line in rest[end_of_header + 1..].split(|&b| b == b'\n') {
            match text_line
                .iter()
                .find(|b| !matches!(b, b' ' | b'\t' | b'\r'))
            {
                None => extra += 1,
                Some(b'#') => return None,
                Some(_) => return Some(line + extra),
            }
        }
        Some(line)
    }

    /// Defines anchor `name`: its node, or `None` while the node is open. `None` when the name
    /// was defined before: serde_yaml 0.9 numbers anchors by how many distinct names it has
    /// seen, so a second definition shares its number with another anchor and an earlier alias
    /// can end up replaying a later node; the full path gives serde_yaml's answer.
    fn define(&mut self, name: &[u8], node: Option<Built>) -> Option<()> {
        if self.anchors.contains_key(name) {
            return None;
        }
        self.anchors.insert(name.to_vec(), node);
        Some(())
    }

    /// Places a finished node in its parent (or as the root).
    fn finish_node(&mut self, built: Built, key_text: Option<&str>) -> Option<bool> {
        let Some(parent) = self.stack.last_mut() else {
            if self.root.is_some() {
                return None;
            }
            self.root = Some(built);
            return Some(false);
        };
        parent.nodes = parent.nodes.saturating_add(built.nodes);
        parent.replays = parent.replays.saturating_add(built.replays);
        parent.height = parent.height.max(built.height + 1);
        // Nesting as serde_yaml sees it (aliases expanded), for its recursion limit.
        if self.stack.len() + built.height > MAX_DEPTH {
            return None;
        }
        if let (Some(p), Some(pos)) = (&mut self.positions, built.pos) {
            p.place(pos, key_text);
        }
        let parent = self.stack.last_mut()?;
        match &mut parent.container {
            Container::Seq(items) => items.push(built.value),
            Container::Map { map, key } => match key.take() {
                None => *key = Some(built.value),
                // A repeated key: serde_yaml refuses the document.
                Some(k) => {
                    if map.insert(k, built.value).is_some() {
                        return None;
                    }
                }
            },
        }
        Some(false)
    }

    fn finish(self) -> Option<(Value, Option<Positions>)> {
        if !self.stack.is_empty() {
            return None;
        }
        let Some(root) = self.root else {
            // An empty stream: serde_yaml reads it as null.
            return Some((Value::Null, None));
        };
        let events = self.events.max(1);
        if root.replays > SERDE_YAML_REPETITION_FACTOR.saturating_mul(events) {
            return None;
        }
        let positions = match (self.positions, root.pos) {
            (Some(p), Some(pos)) => Some(p.finish(pos)),
            _ => None,
        };
        Some((root.value, positions))
    }
}

/// A plain (unquoted, untagged) scalar, resolved as serde_yaml's `Value` deserializer does:
/// null, booleans, integers, floats, else a string. `None` where serde_yaml would fail (an
/// integer too large for 64 bits).
fn resolve_plain(v: &str) -> Option<Value> {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    // Every number serde_yaml reads starts with one of these (Rust's float parser would also
    // take `inf` and `nan`, which serde_yaml then rejects as not finite).
    if !v.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return Some(Value::String(v.to_owned()));
    }
    if let Some(n) = parse_unsigned_int(v, u64::from_str_radix) {
        return Some(Value::Number(n.into()));
    }
    if let Some(n) = parse_negative_int(v, i64::from_str_radix) {
        return Some(Value::Number(n.into()));
    }
    // serde_yaml parses these as 128-bit integers, which its `Value` cannot hold: an error.
    if parse_unsigned_int(v, u128::from_str_radix).is_some()
        || parse_negative_int(v, i128::from_str_radix).is_some()
    {
        return None;
    }
    if !digits_but_not_number(v) {
        if let Some(f) = parse_f64(v) {
            return Some(Value::Number(f.into()));
        }
    }
    Some(Value::String(v.to_owned()))
}

// The four functions below are serde_yaml 0.9.34's (src/de.rs), unchanged in behaviour, so that
// a plain scalar means here what it means to the parser of record.

fn parse_unsigned_int<T>(
    scalar: &str,
    from_str_radix: fn(&str, u32) -> Result<T, std::num::ParseIntError>,
) -> Option<T> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) {
        return None;
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(unpositive, 10).ok()
}

fn parse_negative_int<T>(
    scalar: &str,
    from_str_radix: fn(&str, u32) -> Result<T, std::num::ParseIntError>,
) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix) {
            let negative = format!("-{rest}");
            if let Ok(int) = from_str_radix(&negative, radix) {
                return Some(int);
            }
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(scalar, 10).ok()
}

fn parse_f64(scalar: &str) -> Option<f64> {
    let unpositive = if let Some(unpositive) = scalar.strip_prefix('+') {
        if unpositive.starts_with(['+', '-']) {
            return None;
        }
        unpositive
    } else {
        scalar
    };
    if let ".inf" | ".Inf" | ".INF" = unpositive {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = scalar {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = scalar {
        return Some(f64::NAN.copysign(1.0));
    }
    if let Ok(float) = unpositive.parse::<f64>() {
        if float.is_finite() {
            return Some(float);
        }
    }
    None
}

fn digits_but_not_number(scalar: &str) -> bool {
    // Leading zero(s) followed by digits is a string in YAML 1.2.
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_as_serde_yaml(text: &str) {
        let fast = read(text, crate::limits::MAX_NODES, false).map(|(v, _)| v);
        let slow = serde_yaml::from_str::<Value>(text).ok();
        assert_eq!(fast, slow, "{text:?}");
    }

    #[test]
    fn plain_scalars_resolve_as_serde_yaml_does() {
        for scalar in [
            "",
            "~",
            "null",
            "NULL",
            "Null",
            "nULL",
            "true",
            "True",
            "TRUE",
            "tRUE",
            "yes",
            "on",
            "0",
            "-0",
            "+0",
            "007",
            "-007",
            "+12",
            "12",
            "-12",
            "0x1F",
            "-0x1F",
            "0x-1",
            "0o17",
            "-0o17",
            "0b101",
            "-0b101",
            "1.5",
            "-1.5",
            "+1.5",
            ".5",
            "5.",
            "1e3",
            "1E-3",
            ".inf",
            "-.inf",
            "+.inf",
            ".nan",
            ".NaN",
            "nan",
            "inf",
            "infinity",
            "-inf",
            "1_000",
            "18446744073709551615",
            "-9223372036854775808",
            "1.0.0",
            "++1",
            "+-1",
            "-",
            "+",
            ".",
            "0.",
            "00.5",
            "2001-12-14",
            "12:30",
            "1,5",
            "0xZZ",
        ] {
            same_as_serde_yaml(&format!("k: {scalar}\nz: 1\n"));
        }
    }

    #[test]
    fn what_serde_yaml_refuses_or_reads_oddly_is_left_to_it() {
        for text in [
            "k: 18446744073709551616\n",
            "k: -9223372036854775809\n",
            "a: 1\na: 2\n",
            "a: 1\n---\nb: 2\n",
            "a: !!str 1\n",
            "a: !custom x\n",
            "a: *nope\n",
            "a: &x [*x]\n",
            "a: &x 1\nb: &x 2\nc: *x\n",
            "a: [1, 2\n",
            // Shapes yaml-rust2 reads differently (fuzz findings).
            "&sq:l\nlq x\n",
            "\n|1\n\n  ",
            "\n\u{feff}\nem",
            "\u{85}(: x\n",
            "a: x\u{2028}y\n",
            "a: x\u{2029}y\n",
            "[ap:\n] ",
        ] {
            assert!(
                read(text, crate::limits::MAX_NODES, true).is_none(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn aliases_copy_values_and_positions() {
        let text = "base: &b\n  x: 1\nc: *b\nd: &s 'q'\ne: *d2\n";
        assert!(read(text, 1000, true).is_none());
        let text = "base: &b\n  x: 1\nc: *b\nd: &s 'q'\ne: *s\n";
        let (value, pos) = read(text, 1000, true).unwrap();
        assert_eq!(value, serde_yaml::from_str::<Value>(text).unwrap());
        let positions = pos.unwrap();
        let pos = positions.root();
        // The anchored mapping starts at its first key (line 2), as yaml-rust2 reports it.
        assert_eq!(pos.entry("base").unwrap().1.line(), 2);
        assert_eq!(pos.entry("c").unwrap().1.entry("x").unwrap().0, 2);
    }

    #[test]
    fn anchor_names_that_yaml_rust2_reads_on() {
        for differs in [
            "- &oread:jira-work\n",
            "a: &x:y 1\n",
            "&a?b\n",
            "&a-b_1@c\n",
            "&n`",
        ] {
            assert!(anchor_names_differ(differs), "{differs:?}");
        }
        for agrees in [
            "a: x & y\n",
            "a: &x 1\n",
            "u: https://h/?a=1&b=2\n",
            "&",
            "&:x",
            "&x :y",
        ] {
            assert!(!anchor_names_differ(agrees), "{agrees:?}");
        }
    }

    #[test]
    fn limits_defer_to_the_full_path() {
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(read(&deep, 1000, true).is_none());
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(read(&ok, 1000, true).is_some());
        let items = vec!["x"; 50].join(", ");
        let bomb = format!("a: &a [{items}]\nb: [*a, *a, *a]\n");
        assert!(read(&bomb, 150, true).is_none());
        assert!(read(&bomb, 250, true).is_some());
    }
}
