//! Line numbers for a YAML document.
//!
//! serde_yaml is the parser of record (it decides what is valid and gives the values), but it
//! exposes no positions for values. This module re-reads the same text with yaml-rust2's event
//! parser and builds a tree of positions only, shaped like the document, so that any node the
//! model reads can be given the line it starts on. It is best effort: if yaml-rust2 cannot read
//! a text that serde_yaml accepted, the caller simply has no line numbers.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::ScanError;

use crate::error::{Error, Result};
use crate::limits::{self, Counter};
use crate::load::Source;

/// Where a node starts, and where its children start.
#[derive(Debug, PartialEq)]
pub enum PosNode {
    Scalar {
        line: usize,
    },
    Seq {
        line: usize,
        items: Vec<Arc<PosNode>>,
    },
    Map {
        line: usize,
        /// (key text, line of the key, value). Non-scalar keys are recorded with an empty text.
        entries: Vec<(String, usize, Arc<PosNode>)>,
    },
}

impl PosNode {
    pub fn line(&self) -> usize {
        match self {
            PosNode::Scalar { line } | PosNode::Seq { line, .. } | PosNode::Map { line, .. } => {
                *line
            }
        }
    }

    /// The value under `key` in a mapping, with the line of the key itself.
    pub fn entry(&self, key: &str) -> Option<(usize, &Arc<PosNode>)> {
        match self {
            PosNode::Map { entries, .. } => entries
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, line, node)| (*line, node)),
            _ => None,
        }
    }

    /// Like [`PosNode::entry`] for the `index`-th entry of a mapping read in order: that entry
    /// when its key is `key` (constant time, so reading a whole mapping is linear), else the
    /// first entry with that key.
    pub fn entry_at(&self, index: usize, key: &str) -> Option<(usize, &Arc<PosNode>)> {
        match self {
            PosNode::Map { entries, .. } => match entries.get(index) {
                Some((k, line, node)) if k == key => Some((*line, node)),
                _ => self.entry(key),
            },
            _ => None,
        }
    }

    pub fn item(&self, index: usize) -> Option<&Arc<PosNode>> {
        match self {
            PosNode::Seq { items, .. } => items.get(index),
            _ => None,
        }
    }
}

/// The first key that a mapping repeats, with the line of its second occurrence, in document
/// order. serde_yaml rejects such a document but points at the mapping, not the repeat.
pub fn first_duplicate_key(root: &PosNode) -> Option<(String, usize)> {
    let mut best: Option<(String, usize)> = None;
    let mut stack = vec![root];
    // Aliases share nodes, so a node may be reached twice; the answer is the same.
    while let Some(node) = stack.pop() {
        match node {
            PosNode::Scalar { .. } => {}
            PosNode::Seq { items, .. } => stack.extend(items.iter().map(|n| &**n)),
            PosNode::Map { entries, .. } => {
                // A set of the keys seen so far keeps a large mapping linear, not quadratic.
                let mut seen = HashSet::with_capacity(entries.len());
                for (key, line, value) in entries {
                    let repeated = !seen.insert(key.as_str());
                    if repeated && best.as_ref().is_none_or(|(_, l)| line < l) {
                        best = Some((key.clone(), *line));
                    }
                    stack.push(value);
                }
            }
        }
    }
    best
}

/// A container being built: its start line, anchor id, and children so far.
enum Open {
    Seq {
        line: usize,
        anchor: usize,
        items: Vec<Arc<PosNode>>,
    },
    Map {
        line: usize,
        anchor: usize,
        entries: Vec<(String, usize, Arc<PosNode>)>,
        pending_key: Option<(String, usize)>,
    },
}

/// Builds the position tree of the first document in `text`, or `None` when yaml-rust2 cannot
/// read it. Iterative (an explicit stack), so nesting depth cannot overflow the call stack.
pub fn positions(text: &str) -> Option<Arc<PosNode>> {
    build(text, None).ok().flatten()
}

/// The position tree, and the input limits of [`crate::limits`] checked on the same events:
/// one pass of yaml-rust2 does both, before serde_yaml parses (so hostile input is refused
/// before the parser of record builds anything). `Ok(None)`: yaml-rust2 cannot read the text
/// and the limits that still apply passed; serde_yaml gives the verdict.
pub fn positions_within_limits(source: &Source, max_nodes: u64) -> Result<Option<Arc<PosNode>>> {
    let mut counter = Counter::new(max_nodes);
    match build(&source.text, Some(&mut counter)) {
        Ok(root) => Ok(root),
        Err(Stop::Limit(line, message)) => {
            Err(Error::new(source.name.clone(), message).at(Some(line)))
        }
        Err(Stop::Scan(e)) => limits::on_scan_error(source, &e).map(|()| None),
    }
}

/// Why [`build`] stopped early.
enum Stop {
    Scan(ScanError),
    Limit(usize, String),
}

fn build(
    text: &str,
    mut counter: Option<&mut Counter>,
) -> std::result::Result<Option<Arc<PosNode>>, Stop> {
    let mut parser = Parser::new_from_str(text);
    let mut anchors: HashMap<usize, Arc<PosNode>> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Arc<PosNode>> = None;

    loop {
        let (event, mark) = parser.next_token().map_err(Stop::Scan)?;
        let line = mark.line();
        if let Some(c) = counter.as_deref_mut() {
            c.observe(&event, line)
                .map_err(|(line, message)| Stop::Limit(line, message))?;
        }
        // A finished node (scalar, alias, closed container) and, for scalars, its text.
        let finished: Option<(Arc<PosNode>, Option<String>)> = match event {
            Event::StreamEnd => break,
            Event::DocumentEnd => {
                // Only the first document has lines, but every document counts for the limits
                // (serde_yaml refuses a second one, after reading it).
                if let Some(c) = counter.as_deref_mut() {
                    loop {
                        let (event, mark) = parser.next_token().map_err(Stop::Scan)?;
                        if matches!(event, Event::StreamEnd) {
                            break;
                        }
                        c.observe(&event, mark.line())
                            .map_err(|(line, message)| Stop::Limit(line, message))?;
                    }
                }
                break;
            }
            Event::Scalar(value, _, anchor, _) => {
                let node = Arc::new(PosNode::Scalar { line });
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                Some((node, Some(value)))
            }
            Event::Alias(id) => {
                let node = anchors
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| Arc::new(PosNode::Scalar { line }));
                Some((node, None))
            }
            Event::SequenceStart(anchor, _) => {
                stack.push(Open::Seq {
                    line,
                    anchor,
                    items: Vec::new(),
                });
                None
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Open::Map {
                    line,
                    anchor,
                    entries: Vec::new(),
                    pending_key: None,
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = stack.pop() else {
                    return Ok(None);
                };
                let (node, anchor) = match open {
                    Open::Seq {
                        line,
                        anchor,
                        items,
                    } => (Arc::new(PosNode::Seq { line, items }), anchor),
                    Open::Map {
                        line,
                        anchor,
                        entries,
                        ..
                    } => (Arc::new(PosNode::Map { line, entries }), anchor),
                };
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                Some((node, None))
            }
            _ => None,
        };
        let Some((node, text)) = finished else {
            continue;
        };
        match stack.last_mut() {
            None => {
                root = Some(node);
            }
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some((text.unwrap_or_default(), node.line())),
                Some((key, key_line)) => entries.push((key, key_line, node)),
            },
        }
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_keys_items_and_aliases() {
        let text =
            "app:\n  id: x\nremotes:\n  - &r\n    key: a\n    baseUrl: b\n  - key: c\nother: *r\n";
        let root = positions(text).unwrap();
        let (remotes_line, remotes) = root.entry("remotes").unwrap();
        assert_eq!(remotes_line, 3);
        assert_eq!(remotes.item(0).unwrap().line(), 5);
        let second = remotes.item(1).unwrap();
        assert_eq!(second.line(), 7);
        assert_eq!(second.entry("key").unwrap().0, 7);
        // An alias points at the anchored node, so its lines are the anchor's.
        let (_, other) = root.entry("other").unwrap();
        assert_eq!(other.entry("baseUrl").unwrap().0, 6);
    }

    #[test]
    fn duplicate_key_line() {
        let root = positions("a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n").unwrap();
        assert_eq!(first_duplicate_key(&root), Some(("c".to_string(), 5)));
        let root = positions("a: 1\nb: 2\n").unwrap();
        assert_eq!(first_duplicate_key(&root), None);
        // The earliest repeat in the document wins, wherever its mapping is.
        let root = positions("x:\n  p: 1\n  q: 2\n  p: 3\ny: 1\nz: 2\ny: 3\n").unwrap();
        assert_eq!(first_duplicate_key(&root), Some(("p".to_string(), 4)));
    }

    #[test]
    fn entry_at_uses_the_index_only_when_the_key_matches() {
        let root = positions("a: 1\nb: 2\n'1': 3\n1: 4\n").unwrap();
        assert_eq!(root.entry_at(1, "b").unwrap().0, 2);
        // A wrong index falls back to the first entry with the key.
        assert_eq!(root.entry_at(0, "b").unwrap().0, 2);
        assert_eq!(root.entry_at(9, "a").unwrap().0, 1);
        // Two keys with the same text (a string and a number): each gets its own line by index.
        assert_eq!(root.entry_at(2, "1").unwrap().0, 3);
        assert_eq!(root.entry_at(3, "1").unwrap().0, 4);
        assert!(root.entry_at(0, "nope").is_none());
    }

    #[test]
    fn unreadable_text_gives_none() {
        assert!(positions("a: [1, 2").is_none());
    }
}
