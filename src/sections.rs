//! Parsing a manifest one top-level section at a time, reusing the sections already parsed.
//!
//! `roa-diff log` loads every version of a history, and most commits change one top-level
//! section (`modules`, `permissions`, ...) of a manifest whose other sections are the text of
//! the version before. [`SectionCache`] keeps the parsed `(key, value)` pair of each section
//! text it has seen, so a version costs the parse of its changed sections only
//! (docs/performance.md, target 3).
//!
//! This is a fast path and must give exactly the value of a whole-document parse: it only
//! answers for texts where cutting at column-0 keys cannot change the meaning (see `split`)
//! and where every section parses alone to a one-entry mapping; for anything else it returns
//! `None` and the caller parses the whole text as before, which also gives every error. The
//! equivalence with `yaml_serde` is checked in `tests/sections_equivalence.rs`.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use yaml_serde::{Mapping, Value};

use crate::error::Result;
use crate::load::{document_from_value, Document, LoadOptions, Node, Source};
use crate::model::{Manifest, Modules, Part};

/// Section text kept per generation of the cache. A history is loaded in order, so the sections
/// a version shares are those of the versions just before it; this holds a few hundred of them
/// and bounds memory however long the history is.
const GENERATION_BYTES: usize = 256 * 1024;

/// A section text and what has been read from it, each at most once: every version with this
/// text shares them. The first thread to need one reads it; another that needs it meanwhile
/// waits for that read instead of repeating it (two loader threads load neighbouring versions,
/// which share the sections the one commit between them did not change).
type Cell = Arc<Section>;

/// One top-level section's text (or one entry of the `modules` section, see
/// [`SectionCache::modules_part`]), read lazily.
#[derive(Default)]
struct Section {
    /// The text parsed alone: its one entry, `None` unless it is a mapping of exactly one entry
    /// (a text cut in the middle of a construct fails or has another shape).
    entry: OnceLock<Option<(Value, Value)>>,
    /// What the model reads from it: the section's part, shared by every version with this
    /// text (the same `Arc`, which the diff skips when both sides have it). `Ok(None)`: a
    /// section the model does not read; `Err`: the model refuses it (the whole parse gives the
    /// error, with its line).
    part: OnceLock<std::result::Result<Option<Part>, ()>>,
}

impl Section {
    /// The text's entry, parsed on first use (counted in `parsed`).
    fn entry(&self, text: &str, max_nodes: u64, parsed: &mut usize) -> Option<&(Value, Value)> {
        self.entry
            .get_or_init(|| {
                *parsed += 1;
                parse_section(text, max_nodes)
            })
            .as_ref()
    }
}

/// What the model reads from a top-level section's `(key, value)`: what `Node::field` gives
/// it for this section in the whole document.
fn read_part(key: &Value, value: &Value) -> std::result::Result<Option<Part>, ()> {
    let Some(key) = key.as_str() else {
        return Ok(None);
    };
    match Node::section("", key, value) {
        None => Ok(None),
        Some(node) => Part::read(key, &node).map_err(|_| ()),
    }
}

/// Parsed top-level sections by exact text, shared by the threads that load a history.
#[derive(Default)]
pub struct SectionCache {
    generations: Mutex<Generations>,
    /// Versions the section path answered for, their sections, and the sections parsed.
    versions: AtomicUsize,
    sections: AtomicUsize,
    parsed: AtomicUsize,
    modules_by_entry: AtomicUsize,
}

/// Two generations: when the current one is full it becomes the previous one, and the old
/// previous one is dropped; a hit in the previous generation moves back into the current one.
#[derive(Default)]
struct Generations {
    current: HashMap<String, Cell>,
    current_bytes: usize,
    previous: HashMap<String, Cell>,
    /// The generation just dropped from the cache, for the caller to free after unlocking
    /// (freeing a few hundred parsed sections would keep the other loader threads waiting).
    evicted: Option<HashMap<String, Cell>>,
}

impl Generations {
    /// The cell of a section text, a new empty one if it has none.
    fn cell(&mut self, text: &str) -> Cell {
        if let Some(cell) = self.current.get(text) {
            return cell.clone();
        }
        let cell = self.previous.remove(text).unwrap_or_default();
        self.insert(text, cell.clone());
        cell
    }

    fn insert(&mut self, text: &str, cell: Cell) {
        if self.current_bytes + text.len() > GENERATION_BYTES {
            let previous = std::mem::replace(&mut self.previous, std::mem::take(&mut self.current));
            self.evicted = Some(previous);
            self.current_bytes = 0;
        }
        self.current_bytes += text.len();
        self.current.insert(text.to_string(), cell);
    }
}

/// What the section path has done so far (for tests and measurements).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Versions the section path answered for.
    pub versions: usize,
    /// Their top-level sections, all told.
    pub sections: usize,
    /// Of those, the sections that had to be parsed (not found in the cache), and the
    /// entries of `modules` sections read one entry at a time.
    pub parsed: usize,
    /// `modules` sections whose part was read one entry at a time.
    pub modules_by_entry: usize,
}

impl SectionCache {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn stats(&self) -> Stats {
        Stats {
            versions: self.versions.load(Ordering::Relaxed),
            sections: self.sections.load(Ordering::Relaxed),
            parsed: self.parsed.load(Ordering::Relaxed),
            modules_by_entry: self.modules_by_entry.load(Ordering::Relaxed),
        }
    }

    /// The value of `text` assembled from its sections, or `None` when the section path does
    /// not answer for it. When it answers, the value is the one `yaml_serde` gives the whole
    /// text, and the whole text is within `max_nodes` (see `split`).
    pub fn read(&self, text: &str, max_nodes: u64) -> Option<Value> {
        let (sections, cells) = self.sections_and_cells(text, max_nodes)?;
        let mut parsed = 0;
        let mut root = Mapping::with_capacity(cells.len());
        for (cell, text) in cells.iter().zip(&sections) {
            let (key, value) = cell.entry(text, max_nodes, &mut parsed)?;
            // yaml_serde refuses a repeated key; the whole parse gives that error.
            if root.contains_key(key) {
                return None;
            }
            root.insert(key.clone(), value.clone());
        }
        self.count(cells.len(), parsed);
        Some(Value::Mapping(root))
    }

    /// The model of `text` put together from the parts of its sections, each read once per
    /// section text, or `None` when the section path does not answer for it: where
    /// [`SectionCache::read`] does not, where a part fails to read (the whole parse gives the
    /// error), and where the model needs the whole value (an `environment` section: its
    /// variables are interpolated into every other section). When it answers, the model is
    /// the one [`Manifest::from_document`] reads from the whole text.
    pub fn manifest(&self, text: &str, max_nodes: u64) -> Option<Manifest> {
        let (sections, cells) = self.sections_and_cells(text, max_nodes)?;
        let mut parsed = 0;
        let modules_key = Value::String("modules".into());
        let mut keys = HashSet::with_capacity(cells.len());
        let mut model = Manifest::default();
        for (cell, text) in cells.iter().zip(&sections) {
            let (key, part) = match self.modules_part(cell, text, max_nodes, &mut parsed) {
                Some(part) => (&modules_key, part),
                None => {
                    let (key, value) = cell.entry(text, max_nodes, &mut parsed)?;
                    (key, cell.part.get_or_init(|| read_part(key, value)))
                }
            };
            if !keys.insert(key) || key.as_str() == Some("environment") {
                return None;
            }
            if let Some(part) = part.as_ref().ok()? {
                model.set(part.clone());
            }
        }
        self.count(cells.len(), parsed);
        Some(model)
    }

    /// The part of a `modules` section read one entry (module type) at a time, each entry's
    /// text parsed and read once, so that adding a module costs the parse of its type's list,
    /// not of every module. `None` where this does not answer (see [`split_entries`]): the
    /// caller reads the section whole. When it answers, the part is what the whole section
    /// gives: each entry parses alone to a one-entry mapping, no key repeats, and the model
    /// reads the `modules` mapping one entry at a time.
    fn modules_part<'c>(
        &self,
        cell: &'c Section,
        text: &str,
        max_nodes: u64,
        parsed: &mut usize,
    ) -> Option<&'c std::result::Result<Option<Part>, ()>> {
        modules_header(text)?;
        // Read before, one way or the other: the same part either way.
        if let Some(part) = cell.part.get() {
            return Some(part);
        }
        let entries = split_entries(text)?;
        let cells = self.cells(&entries);
        let mut keys = HashSet::with_capacity(cells.len());
        let mut modules = Modules::default();
        for (entry_cell, entry) in cells.iter().zip(&entries) {
            let (key, value) = entry_cell.entry(entry, max_nodes, parsed)?;
            if !keys.insert(key) {
                return None;
            }
            let fragment = entry_cell.part.get_or_init(|| {
                crate::model::read_modules_entry(key, value)
                    .map(|m| Some(Part::Modules(Arc::new(m))))
                    .map_err(|_| ())
            });
            let Ok(Some(Part::Modules(fragment))) = fragment else {
                return None;
            };
            modules.webtriggers.extend_from_slice(&fragment.webtriggers);
            modules.modules.extend_from_slice(&fragment.modules);
        }
        self.modules_by_entry.fetch_add(1, Ordering::Relaxed);
        let part = Ok(Some(Part::Modules(Arc::new(modules))));
        Some(cell.part.get_or_init(|| part))
    }

    /// The top-level sections of `text` (see `split`) and their cells, or `None` when the
    /// section path does not answer for it.
    fn sections_and_cells<'t>(
        &self,
        text: &'t str,
        max_nodes: u64,
    ) -> Option<(Vec<&'t str>, Vec<Cell>)> {
        // Without aliases a node takes at least one byte, so a text of at most `max_nodes / 2`
        // bytes cannot pass the node limit as a whole when its sections do not.
        if (text.len() as u64).saturating_mul(2) > max_nodes {
            return None;
        }
        let sections = split(text)?;
        let cells = self.cells(&sections);
        Some((sections, cells))
    }

    /// The cells of these texts, new empty ones for texts not seen before. Locked once, to
    /// take every cell; the parses run unlocked, in parallel with the other loader threads. A
    /// section's result does not depend on `max_nodes`: within the bound checked by the
    /// callers, no section can reach it.
    fn cells(&self, texts: &[&str]) -> Vec<Cell> {
        let (cells, evicted) = {
            let mut cache = self.lock();
            let cells: Vec<Cell> = texts.iter().map(|s| cache.cell(s)).collect();
            (cells, cache.evicted.take())
        };
        drop(evicted);
        cells
    }

    fn count(&self, sections: usize, parsed: usize) {
        self.versions.fetch_add(1, Ordering::Relaxed);
        self.sections.fetch_add(sections, Ordering::Relaxed);
        self.parsed.fetch_add(parsed, Ordering::Relaxed);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generations> {
        // A panic while the lock was held left at worst a missing entry: the map stays usable.
        self.generations.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// [`crate::load::parse`] with the section path first, when no line numbers are wanted (a
/// value assembled from sections has no positions). Same document, same errors: every text the
/// section path does not answer for, and every error, take the whole parse.
pub fn parse(source: &Source, options: &LoadOptions, cache: &SectionCache) -> Result<Document> {
    if !options.lines {
        let max_nodes = crate::reader::max_nodes(options.max_bytes);
        if let Some(value) = cache.read(&source.text, max_nodes) {
            return document_from_value(source, options, value, None);
        }
    }
    crate::load::parse(source, options)
}

/// [`SectionCache::manifest`] for a source, when no line numbers are wanted (a model put
/// together from sections has none). `None`: the caller loads it the whole way.
pub fn manifest(source: &Source, options: &LoadOptions, cache: &SectionCache) -> Option<Manifest> {
    if options.lines {
        return None;
    }
    cache.manifest(&source.text, crate::reader::max_nodes(options.max_bytes))
}

/// One section parsed alone: its one entry, `None` unless it is a mapping of exactly one
/// entry (a section cut in the middle of a construct fails or has another shape).
fn parse_section(text: &str, max_nodes: u64) -> Option<(Value, Value)> {
    match crate::reader::read(text, max_nodes, false).ok()? {
        (Value::Mapping(mapping), _) if mapping.len() == 1 => mapping.into_iter().next(),
        _ => None,
    }
}

/// The length of a `modules` section's first line when it is `modules:` with nothing after the
/// colon but spaces and a comment, so that the section's key is `modules`; `None` otherwise.
fn modules_header(text: &str) -> Option<usize> {
    let after_key = text.strip_prefix("modules:")?;
    let header = after_key.split_inclusive('\n').next()?;
    let rest = header.strip_suffix('\n').unwrap_or(header);
    let plain = rest.is_empty()
        || (rest.starts_with(' ')
            && matches!(
                rest.trim_start_matches(' ').as_bytes().first(),
                None | Some(b'#')
            ));
    plain.then_some("modules:".len() + header.len())
}

/// The entries (module types) of a `modules` section, one text each, or `None` where cutting
/// there could mean something else than the whole section does. The section must start with a
/// `modules:` line with nothing after the colon but spaces and a comment (so its key is
/// `modules`); each entry starts at a line indented by the body's indentation N (that of its
/// first line that is neither blank nor a comment; at least 1) whose next byte may begin a key.
/// Blank lines, comments, lines indented more than N, and block sequence entries at N (which
/// belong to the key above) go with the entry above; any other line (indented less than N, or
/// at N a flow collection, a `?` key...) refuses. What passes can still be cut inside a
/// construct that continues at N, like a quoted scalar: such an entry does not parse alone to
/// a one-entry mapping, which [`SectionCache::modules_part`] checks for every entry. The text
/// has passed [`split`]: no tabs, anchors or other line breaks than `\n`.
fn split_entries(text: &str) -> Option<Vec<&str>> {
    let mut offset = modules_header(text)?;
    let mut indent = None;
    let mut starts = Vec::new();
    for line in text[offset..].split_inclusive('\n') {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let rest = content.trim_start_matches(' ');
        let spaces = content.len() - rest.len();
        match rest.as_bytes().first() {
            None | Some(b'#') => {}
            Some(&first) => {
                let n = *indent.get_or_insert(spaces);
                let starts_key = may_begin_key(first);
                let sequence_entry = rest == "-" || rest.starts_with("- ");
                match spaces.cmp(&n) {
                    _ if n == 0 => return None,
                    std::cmp::Ordering::Greater if !starts.is_empty() => {}
                    std::cmp::Ordering::Equal if starts_key => starts.push(offset),
                    std::cmp::Ordering::Equal if sequence_entry && !starts.is_empty() => {}
                    _ => return None,
                }
            }
        }
        offset += line.len();
    }
    cut_at(text, &starts)
}

/// The top-level sections of `text`: each starts at a line whose first byte may begin a
/// top-level key (ASCII alphanumeric, `_`, `"` or `'`) and runs to the next. `None` when
/// cutting there could mean something else than the whole text does:
/// - an anchor could be aliased from another section, and yaml_serde numbers anchors over the
///   whole document (a name defined in two sections confuses it), so any `&` that could start
///   one (followed by a byte of an anchor name, `[0-9A-Za-z_-]` for libyaml) is refused; a `&`
///   in text such as `status & details` is not an anchor. Without anchors there are no
///   aliases, so each node takes at least one byte of text, which [`SectionCache::read`]'s
///   node bound relies on;
/// - a tab or a line break other than `\n` (`\r`, NEL, LS, PS, which libyaml also breaks
///   lines at) would make "column 0" differ from libyaml's;
/// - any other line at column 0 (flow collections, `?` or `:` keys, `---` and `...`,
///   directives, tags...) that is not empty, a comment or a block sequence entry (which
///   belongs to the key above it); before the first key, only blank lines and comments.
///
/// Whatever passes this can still be cut inside a quoted or flow scalar that continues at
/// column 0, or a multi-line key: such a section does not parse alone to a one-entry mapping,
/// which [`SectionCache::read`] checks for every section.
fn split(text: &str) -> Option<Vec<&str>> {
    // One pass over the bytes, stopping only at the few that matter: this runs on every
    // version of a history. (Measured: faster than a memchr search per line, as lines are
    // short.)
    let bytes = text.as_bytes();
    let mut starts = Vec::with_capacity(16);
    line_start(bytes, 0, &mut starts)?;
    for (i, &b) in bytes.iter().enumerate() {
        if !NOTABLE[usize::from(b)] {
            continue;
        }
        let refused = match b {
            b'\n' => {
                line_start(bytes, i + 1, &mut starts)?;
                false
            }
            // A `&` that starts an anchor; in text such as `status & details` it does not.
            b'&' => bytes.get(i + 1).is_some_and(|&b| anchor_name_byte(b)),
            b'\t' | b'\r' => true,
            _ => unicode_line_break_at(bytes, i),
        };
        if refused {
            return None;
        }
    }
    cut_at(text, &starts)
}

/// The bytes [`split`] looks at: line breaks, `&`, tab, `\r`, and the first bytes of NEL, LS
/// and PS in UTF-8.
const NOTABLE: [bool; 256] = {
    let mut notable = [false; 256];
    let mut i = 0;
    let bytes = [b'\n', b'&', b'\t', b'\r', 0xC2, 0xE2];
    while i < bytes.len() {
        notable[bytes[i] as usize] = true;
        i += 1;
    }
    notable
};

/// `text` cut at each of `starts` (ascending offsets), from the first; `None` when there is none,
/// or when the text before the first (blank lines and comments, which no piece holds and so
/// nothing parses) has a character libyaml refuses anywhere: the whole parse fails on it.
fn cut_at<'t>(text: &'t str, starts: &[usize]) -> Option<Vec<&'t str>> {
    if !text[..*starts.first()?]
        .chars()
        .all(crate::reader::yaml_printable)
    {
        return None;
    }
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    let pieces: Vec<&str> = starts.iter().zip(ends).map(|(&s, e)| &text[s..e]).collect();
    (!pieces.is_empty()).then_some(pieces)
}

/// Whether libyaml reads `b` as part of an anchor (or alias) name.
pub(crate) fn anchor_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')
}

/// Whether a NEL, LS or PS (line breaks to libyaml, in UTF-8) starts at byte `i`.
fn unicode_line_break_at(bytes: &[u8], i: usize) -> bool {
    let rest = &bytes[i..];
    rest.starts_with("\u{85}".as_bytes())
        || rest.starts_with("\u{2028}".as_bytes())
        || rest.starts_with("\u{2029}".as_bytes())
}

/// Whether a line whose first byte (after its indentation) is `b` may begin a key: a plain
/// scalar's first byte or a quote.
fn may_begin_key(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'"' | b'\'')
}

/// The line starting at `start`: a top-level key starts a section (its offset goes into
/// `starts`); blank lines, comments, and block sequence entries or indented lines after the
/// first key belong to the section above; anything else refuses the text (`None`).
fn line_start(bytes: &[u8], start: usize, starts: &mut Vec<usize>) -> Option<()> {
    // The rest of the text from the line's start; only its first bytes are looked at.
    let rest = &bytes[start.min(bytes.len())..];
    match rest.first() {
        Some(&b) if may_begin_key(b) => starts.push(start),
        None | Some(b'#' | b'\n') => {}
        // `-` alone or `- ...`.
        Some(b'-') if !starts.is_empty() && matches!(rest.get(1), None | Some(b'\n' | b' ')) => {}
        Some(b' ') if !starts.is_empty() => {}
        Some(b' ') if matches!(rest.iter().find(|&&b| b != b' '), None | Some(b'#' | b'\n')) => {}
        _ => return None,
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first version of [`split`] (a closure per byte, then a second pass by lines), kept
    /// to check the faster one against.
    fn split_before(text: &str) -> Option<Vec<&str>> {
        // One pass over the bytes (a `str::contains` per character would be several, and slow).
        let bytes = text.as_bytes();
        let next = |i: usize, n: usize| bytes.get(i + n).copied().unwrap_or(0);
        let refused = |(i, &b): (usize, &u8)| match b {
            b'&' => next(i, 1).is_ascii_alphanumeric() || matches!(next(i, 1), b'_' | b'-'),
            b'\t' | b'\r' => true,
            0xC2 | 0xE2 => unicode_line_break_at(bytes, i),
            _ => false,
        };
        if bytes.iter().enumerate().any(refused) {
            return None;
        }
        let mut starts = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let content = line.strip_suffix('\n').unwrap_or(line);
            match content.as_bytes().first() {
                Some(b) if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'"' | b'\'') => {
                    starts.push(offset)
                }
                None | Some(b'#') => {}
                Some(b'-')
                    if !starts.is_empty() && (content == "-" || content.starts_with("- ")) => {}
                Some(b' ') if !starts.is_empty() => {}
                Some(b' ')
                    if matches!(
                        content.trim_start_matches(' ').as_bytes().first(),
                        None | Some(b'#')
                    ) => {}
                _ => return None,
            }
            offset += line.len();
        }
        let mut sections = Vec::with_capacity(starts.len());
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            sections.push(&text[start..end]);
        }
        (!sections.is_empty()).then_some(sections)
    }

    #[test]
    fn split_agrees_with_its_first_version() {
        let mut texts: Vec<String> = Vec::new();
        let cases = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cases");
        for case in std::fs::read_dir(cases).unwrap().flatten() {
            for side in ["old.yml", "new.yml"] {
                texts.extend(std::fs::read_to_string(case.path().join(side)));
            }
        }
        assert!(texts.len() > 200);
        // Each fixture with bytes replaced, a deterministic sequence of them, by the bytes
        // split looks at and the ones that start lines.
        let alphabet = [
            "\n", "&", "&a", "\t", "\r", "\u{85}", "\u{2028}", "#", "- ", "-", " ", "a", "\"", "[",
            "---\n",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let (mut answered, mut total) = (0, 0);
        for text in &texts {
            for round in 0..20 {
                let mut t = text.clone();
                for _ in 0..round % 4 {
                    let mut at = next(t.len() + 1);
                    while !t.is_char_boundary(at) {
                        at -= 1;
                    }
                    t.insert_str(at, alphabet[next(alphabet.len())]);
                }
                assert_eq!(split(&t), split_before(&t), "{t:?}");
                answered += usize::from(split(&t).is_some());
                total += 1;
            }
        }
        assert!(answered * 4 > total, "{answered} of {total}");
    }

    #[test]
    fn splits_at_column_0_keys_only() {
        let text = "# head\n\napp:\n  id: x & y\n# between\nmodules:\n- a\n-\n\"q\": 1&\n";
        assert_eq!(
            split(text).unwrap(),
            [
                "app:\n  id: x & y\n# between\n",
                "modules:\n- a\n-\n",
                "\"q\": 1&\n"
            ]
        );
        for refused in [
            "a: &x 1\nb: *x\n",
            "a: &_ 1\n",
            "a: [&-x 1]\n",
            "a: 1\n\tb: 2\n",
            "a: 1\r\nb: 2\r\n",
            "a: x\u{85}y\n",
            "a: x\u{2028}y\n",
            "a: x\u{2029}y\n",
            "---\na: 1\n",
            "a: 1\n...\n",
            "%YAML 1.1\n---\na: 1\n",
            "- a\nb: 1\n",
            "  x: 1\na: 1\n",
            "a: [1,\n]\n",
            "? a\n: 1\n",
            "a: 1\n-x\n",
            "",
            "# only a comment\n",
        ] {
            assert_eq!(split(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn reuses_unchanged_sections_and_counts_them() {
        let cache = SectionCache::new();
        let max = crate::reader::MAX_NODES;
        let v1 = "app:\n  id: a\nmodules:\n  x: 1\n";
        let v2 = "app:\n  id: a\nmodules:\n  x: 2\n";
        for text in [v1, v2, v1] {
            let expected: Value = yaml_serde::from_str(text).unwrap();
            assert_eq!(cache.read(text, max), Some(expected));
        }
        let stats = cache.stats();
        assert_eq!((stats.versions, stats.sections, stats.parsed), (3, 6, 3));
    }

    #[test]
    fn a_full_generation_keeps_the_previous_one() {
        let mut generations = Generations::default();
        let a = generations.cell("a");
        let big = "k".repeat(GENERATION_BYTES / 2 + 1);
        generations.cell(&big);
        generations.cell(&format!("{big}2"));
        assert!(generations.previous.contains_key("a"), "moved, not dropped");
        assert!(Arc::ptr_eq(&generations.cell("a"), &a), "the same cell");
        assert!(generations.current.contains_key("a"), "a hit comes back");
    }
}
