//! The one reader of a manifest: one pass of an event parser builds the value, the line of
//! every node and the input limits ([`crate::limits`]) together, on every input.
//!
//! The parser is libyaml-safer, a safe Rust port of libyaml, which serde_yaml parses with: the
//! grammar (what is valid, where a scalar ends) is serde_yaml's, and the value is built as
//! serde_yaml's `Value` deserializer builds it (its plain-scalar and tag rules are copied
//! below). serde_yaml stays the value type and a strict test oracle
//! (`harness::reader_agrees`): the same value, or both refuse, but for the intended
//! differences listed in docs/hardening.md (input limits, an anchor defined twice, serde_yaml's
//! alias repetition limit).
//!
//! Every text gets an answer: its value, or one error with the line it happened on. Lines are
//! counted from each event's byte offset by `\n` only (a lone `\r` is already a `\n`, see
//! `load::source_from_bytes`), so they are the lines every other tool shows, whatever Unicode
//! line breaks the text holds. A node's line is where its event starts: an anchor or tag
//! before the node, a block scalar's `|` or `>` header.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::io::{BufReader, Read};
use std::panic::AssertUnwindSafe;
use std::sync::Once;

use libyaml_safer::{Encoding, Event, EventData, Parser, ScalarStyle};
use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Value};

use crate::limits::{self, MAX_DEPTH, MAX_TAG_BYTES};
use crate::load::key_str;
use crate::spans::{Positions, PositionsBuilder};

/// Why a text does not read: the whole message (`invalid YAML: ...`, or a limit's) and the line.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    pub line: usize,
    pub message: String,
}

/// A failure inside the builder: the byte offset it happened at, and the message.
type Failure = (usize, String);

/// The value of the single document in `text` (null for no document) and, when `lines` is
/// set, the line of each of its nodes; or why it does not read.
pub fn read(
    text: &str,
    max_nodes: u64,
    lines: bool,
) -> Result<(Value, Option<Positions>), ReadError> {
    // libyaml-safer 0.3.0 panics where a block scalar's last line ends the text without a line
    // break (libyaml reads a NUL there; upstream issue 6): the parser is given one, and the
    // builder takes it back out of the scalar it lands in.
    let end: &[u8] = if text.ends_with('\n') { b"" } else { b"\n" };
    let mut parser = Parser::new();
    parser.set_encoding(Encoding::Utf8);
    // In small pieces: the parser decodes all that its input offers into a queue of `char`s
    // (4 bytes each), which for the whole text would be 4 times its size.
    parser.set_input(BufReader::with_capacity(8192, text.as_bytes().chain(end)));
    let mut builder = Builder::new(text, max_nodes, lines);
    builder.added_break = (!end.is_empty()).then_some(text.len());
    // Its few other panics (a tag followed by `,` in a flow collection, upstream issue 7; a
    // `%`-escaped surrogate in a tag) are refusals too, never a crash.
    let mut last = 0;
    let parsed = catch_parser_panic(|| loop {
        let event = parser.parse().map_err(|e| syntax_error(text, &e))?;
        last = usize::try_from(event.start_mark.index).unwrap_or(usize::MAX);
        match builder.take(event) {
            Ok(false) => {}
            Ok(true) => return Ok(()),
            Err((offset, message)) => {
                return Err(ReadError {
                    line: line_at(text, offset),
                    message,
                })
            }
        }
    });
    match parsed {
        Ok(result) => result.map(|()| builder.finish()),
        Err(_) => Err(ReadError {
            line: line_at(text, last),
            message: invalid("the YAML parser cannot read this text (a malformed tag?)"),
        }),
    }
}

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

/// The line (from 1) that byte `offset` is on.
pub fn line_at(text: &str, offset: usize) -> usize {
    let before = &text.as_bytes()[..offset.min(text.len())];
    before.iter().filter(|&&b| b == b'\n').count() + 1
}

/// The parser's own refusal, named as serde_yaml names it (its problem, without position).
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
        line: line_at(text, offset),
        message: format!("invalid YAML: {}", e.problem()),
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

/// Line numbers by byte offset: where each line starts, searched by halves.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> Self {
        let breaks = text.bytes().enumerate().filter(|&(_, b)| b == b'\n');
        LineStarts(
            std::iter::once(0)
                .chain(breaks.map(|(i, _)| i + 1))
                .collect(),
        )
    }

    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset)
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
}

struct Builder {
    max_nodes: u64,
    /// The line arena being built and the line table it is built with, when lines are wanted.
    lines: Option<(LineStarts, PositionsBuilder)>,
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
            lines: lines.then(|| (LineStarts::new(text), PositionsBuilder::default())),
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
        let fail = |message: String| (offset, message);
        let mapping = matches!(event.data, EventData::MappingStart { .. });
        match event.data {
            EventData::StreamEnd => return Ok(true),
            EventData::DocumentStart { .. } => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(fail(invalid(
                        "deserializing from YAML containing more than one document is not supported",
                    )));
                }
            }
            EventData::StreamStart { .. } | EventData::DocumentEnd { .. } => {}
            EventData::Alias { anchor } => {
                let nodes = match self.anchors.get(&anchor) {
                    None => return Err(fail(invalid("unknown anchor"))),
                    Some(None) => {
                        return Err(fail(invalid(format!(
                            "alias *{anchor} is inside the node it names"
                        ))))
                    }
                    Some(Some(built)) => built.nodes,
                };
                // Counted before it is copied: an alias bomb stops here, not in the copy.
                self.count(nodes, true).map_err(fail)?;
                let built = self.anchors.get(&anchor).cloned().flatten();
                if let Some(built) = built {
                    self.finish_node(built, offset)?;
                }
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
                self.check_tag(tag.as_deref()).map_err(fail)?;
                self.count(1, false).map_err(fail)?;
                let value = scalar_value(value, style == ScalarStyle::Plain, tag)
                    .map_err(|message| fail(self.at_path(self.stack.len(), &message)))?;
                let built = Built {
                    value,
                    pos: self.lines.as_mut().map(|(l, p)| p.scalar(l.line(offset))),
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
                self.check_tag(tag.as_deref()).map_err(fail)?;
                if self.stack.len() >= MAX_DEPTH {
                    return Err(fail(limits::too_deep()));
                }
                self.count(1, false).map_err(fail)?;
                if let Some((l, p)) = &mut self.lines {
                    p.open(l.line(offset), mapping);
                }
                if let Some(name) = &anchor {
                    self.anchors.insert(name.clone(), None);
                }
                let container = if mapping {
                    Container::Map {
                        map: Mapping::new(),
                        key: None,
                    }
                } else {
                    Container::Seq(Vec::new())
                };
                self.stack.push(Open {
                    container,
                    anchor,
                    tag: tag.as_deref().and_then(local_tag),
                    nodes: 1,
                    height: 1,
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
                let built = Built {
                    value,
                    pos: self.lines.as_mut().and_then(|(_, p)| p.close()),
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

    /// Counts `n` more nodes against the limit (`alias`: they are an alias's expansion).
    fn count(&mut self, n: u64, alias: bool) -> Result<(), String> {
        self.nodes = self.nodes.saturating_add(n);
        match self.nodes > self.max_nodes {
            true => Err(limits::too_many_nodes(self.max_nodes, alias)),
            false => Ok(()),
        }
    }

    /// Counts a tag's bytes (after `%TAG` expansion) against the limit.
    fn check_tag(&mut self, tag: Option<&str>) -> Result<(), String> {
        self.tag_bytes = self.tag_bytes.saturating_add(tag.map_or(0, str::len));
        match self.tag_bytes > MAX_TAG_BYTES {
            true => Err(limits::tag_bomb()),
            false => Ok(()),
        }
    }

    /// `message` about a node inside the first `depth` open containers, after its key path as
    /// serde_yaml writes it (`a.b[0]`; nothing at the root).
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
                // Inside a key: serde_yaml names the mapping.
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
            return Err((offset, limits::too_deep()));
        }
        let duplicate = match &mut parent.container {
            Container::Seq(items) => {
                if let (Some((_, p)), Some(pos)) = (&mut self.lines, built.pos) {
                    p.place(pos, None);
                }
                items.push(built.value);
                None
            }
            Container::Map { map, key } => match key.take() {
                None => {
                    if let (Some((_, p)), Some(pos)) = (&mut self.lines, built.pos) {
                        let text = key_str(&built.value).unwrap_or(Cow::Borrowed(""));
                        p.place(pos, Some(&text));
                    }
                    *key = Some((built.value, offset));
                    None
                }
                Some((k, key_offset)) => {
                    if let (Some((_, p)), Some(pos)) = (&mut self.lines, built.pos) {
                        p.place(pos, None);
                    }
                    match map.entry(k) {
                        serde_yaml::mapping::Entry::Vacant(e) => {
                            e.insert(built.value);
                            None
                        }
                        serde_yaml::mapping::Entry::Occupied(e) => {
                            Some((duplicate_key(e.key()), key_offset))
                        }
                    }
                }
            },
        };
        match duplicate {
            None => Ok(()),
            Some((message, key_offset)) => Err((key_offset, self.at_path(depth - 1, &message))),
        }
    }

    fn finish(self) -> (Value, Option<Positions>) {
        match (self.root, self.lines) {
            (None, _) => (Value::Null, None),
            (Some(root), Some((_, p))) => (root.value, root.pos.map(|pos| p.finish(pos))),
            (Some(root), None) => (root.value, None),
        }
    }
}

/// serde_yaml's message for a key a mapping repeats.
fn duplicate_key(key: &Value) -> String {
    match key {
        Value::Null => "duplicate entry with null key".into(),
        Value::Bool(b) => format!("duplicate entry with key `{b}`"),
        Value::Number(n) => format!("duplicate entry with key {n}"),
        Value::String(s) => format!("duplicate entry with key {s:?}"),
        _ => "duplicate entry in YAML map".into(),
    }
}

/// A local tag (`!name`, and `!` alone) as serde_yaml names it in a `Value::Tagged`; `None`
/// for any other tag (`!!str` and other `tag:yaml.org,2002:` tags), which does not tag.
fn local_tag(tag: &str) -> Option<Tag> {
    let name = tag.strip_prefix('!')?;
    Some(Tag::new(if name.is_empty() { tag } else { name }))
}

/// A scalar as serde_yaml's `Value` deserializer reads it: a plain scalar resolved (null,
/// boolean, number, else string), any other a string; a local tag wraps that in
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
    let (value, expected) = match tag.strip_prefix("tag:yaml.org,2002:") {
        Some("bool") => (parse_bool(&text).map(Value::Bool), "a boolean"),
        Some("int") => (parse_int(&text), "an integer"),
        Some("float") => (parse_f64(&text).map(Value::from), "a float"),
        Some("null") => (parse_null(&text).then_some(Value::Null), "null"),
        _ => return Ok(Value::String(text)),
    };
    value.ok_or_else(|| format!("invalid value: string {text:?}, expected {expected}"))
}

/// A plain scalar: null, a boolean, an integer, a float, else a string. An integer too large
/// for 64 bits is an error, as in serde_yaml.
fn resolve_plain(v: String) -> Result<Value, String> {
    if parse_null(&v) {
        return Ok(Value::Null);
    }
    if let Some(b) = parse_bool(&v) {
        return Ok(Value::Bool(b));
    }
    // Every number serde_yaml reads starts with one of these (Rust's float parser would also
    // take `inf` and `nan`, which serde_yaml then rejects as not finite).
    if !v.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return Ok(Value::String(v));
    }
    if let Some(n) = parse_int(&v) {
        return Ok(n);
    }
    if let Some(n) = parse_unsigned_int(&v, u128::from_str_radix) {
        return Err(format!(
            "invalid type: integer `{n}` as u128, expected any YAML value"
        ));
    }
    if let Some(n) = parse_negative_int(&v, i128::from_str_radix) {
        return Err(format!(
            "invalid type: integer `{n}` as i128, expected any YAML value"
        ));
    }
    if !digits_but_not_number(&v) {
        if let Some(f) = parse_f64(&v) {
            return Ok(Value::Number(f.into()));
        }
    }
    Ok(Value::String(v))
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

/// A 64-bit integer, as serde_yaml reads one.
fn parse_int(v: &str) -> Option<Value> {
    parse_unsigned_int(v, u64::from_str_radix)
        .map(Value::from)
        .or_else(|| parse_negative_int(v, i64::from_str_radix).map(Value::from))
}

// The four functions below are serde_yaml 0.9.34's (src/de.rs), unchanged in behaviour, so that
// a plain scalar means here what it means to serde_yaml.

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

    fn value(text: &str) -> Value {
        read(text, crate::limits::MAX_NODES, false).unwrap().0
    }

    fn error(text: &str) -> (usize, String) {
        let e = read(text, crate::limits::MAX_NODES, true).unwrap_err();
        (e.line, e.message)
    }

    fn same_as_serde_yaml(text: &str) {
        let expected = serde_yaml::from_str::<Value>(text);
        match read(text, crate::limits::MAX_NODES, false) {
            Ok((v, _)) => assert_eq!(Some(v), expected.ok(), "{text:?}"),
            Err(e) => assert!(expected.is_err(), "{text:?}: {e:?}"),
        }
    }

    #[test]
    fn plain_scalars_and_tags_read_as_serde_yaml_reads_them() {
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
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
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
            "!!str 1",
            "!!int 1",
            "!!int x",
            "!!int 007",
            "!!bool true",
            "!!bool yes",
            "!!float 1",
            "!!float x",
            "!!null ~",
            "!!null x",
            "!custom x",
            "!custom 1",
            "!custom '1'",
            "! x",
            "!<tag:x> 1",
            "!!map {a: 1}",
            "!t {a: 1}",
            "!t [1]",
            "&a !t x",
        ] {
            same_as_serde_yaml(&format!("k: {scalar}\nz: 1\n"));
        }
    }

    #[test]
    fn every_refusal_is_one_message_with_its_line() {
        for (text, line, message) in [
            ("a: 1\nb: *nope\n", 2, "invalid YAML: unknown anchor"),
            (
                "a: &x [1, *x]\n",
                1,
                "invalid YAML: alias *x is inside the node it names",
            ),
            (
                "a:\n  - k: 1\n    k: 2\n",
                3,
                "invalid YAML: a[0]: duplicate entry with key \"k\"",
            ),
            (
                "- {1: a, 1: b}\n",
                1,
                "invalid YAML: .[0]: duplicate entry with key 1",
            ),
            (
                "a: 1\n---\nb: 2\n",
                2,
                "invalid YAML: deserializing from YAML containing more than one document is not supported",
            ),
            (
                "a: b: c\n",
                1,
                "invalid YAML: mapping values are not allowed in this context",
            ),
            (
                "a: 1\nb: \u{7}\n",
                2,
                "invalid YAML: control characters are not allowed",
            ),
            (
                "a:\n  b: !!bool yes\n",
                2,
                "invalid YAML: a.b: invalid value: string \"yes\", expected a boolean",
            ),
            (
                "a: 18446744073709551616\n",
                1,
                "invalid YAML: a: invalid type: integer `18446744073709551616` as u128, expected any YAML value",
            ),
        ] {
            assert_eq!(error(text), (line, message.to_string()), "{text:?}");
            same_as_serde_yaml(text);
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
            same_as_serde_yaml(text);
        }
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
        assert_eq!(v, serde_yaml::from_str::<Value>(text).unwrap());
        let root = positions.unwrap();
        let root = root.root();
        assert_eq!(root.entry("b").unwrap().0, 2);
        // A block scalar starts at its header, an anchored node at its anchor.
        assert_eq!(root.entry("b").unwrap().1.line(), 2);
        let items = root.entry("c").unwrap().1;
        assert_eq!(items.item(0).unwrap().line(), 5);
        assert_eq!(items.item(1).unwrap().entry("k").unwrap().0, 6);
    }
}
