//! Line numbers for a YAML document.
//!
//! serde_yaml is the parser of record (it decides what is valid and gives the values), but it
//! exposes no positions for values. This module re-reads the same text with yaml-rust2's event
//! parser and builds a tree of positions only, shaped like the document, so that any node the
//! model reads can be given the line it starts on. It is best effort: if yaml-rust2 cannot read
//! a text that serde_yaml accepted, the caller simply has no line numbers.

use std::collections::HashMap;
use std::rc::Rc;

use yaml_rust2::parser::{Event, Parser};

/// Where a node starts, and where its children start.
#[derive(Debug)]
pub enum PosNode {
    Scalar {
        line: usize,
    },
    Seq {
        line: usize,
        items: Vec<Rc<PosNode>>,
    },
    Map {
        line: usize,
        /// (key text, line of the key, value). Non-scalar keys are recorded with an empty text.
        entries: Vec<(String, usize, Rc<PosNode>)>,
        /// Key text to the index of its first entry, so lookups stay O(1) in huge mappings.
        first: HashMap<String, usize>,
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
    pub fn entry(&self, key: &str) -> Option<(usize, &Rc<PosNode>)> {
        match self {
            PosNode::Map { entries, first, .. } => first.get(key).map(|&i| {
                let (_, line, node) = &entries[i];
                (*line, node)
            }),
            _ => None,
        }
    }

    pub fn item(&self, index: usize) -> Option<&Rc<PosNode>> {
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
            PosNode::Map { entries, first, .. } => {
                for (i, (key, line, value)) in entries.iter().enumerate() {
                    let repeated = first.get(key).is_some_and(|&f| f < i);
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
        items: Vec<Rc<PosNode>>,
    },
    Map {
        line: usize,
        anchor: usize,
        entries: Vec<(String, usize, Rc<PosNode>)>,
        pending_key: Option<(String, usize)>,
    },
}

/// Builds the position tree of the first document in `text`, or `None` when yaml-rust2 cannot
/// read it. Iterative (an explicit stack), so nesting depth cannot overflow the call stack.
pub fn positions(text: &str) -> Option<Rc<PosNode>> {
    let mut parser = Parser::new_from_str(text);
    let mut anchors: HashMap<usize, Rc<PosNode>> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Rc<PosNode>> = None;

    loop {
        let (event, mark) = parser.next_token().ok()?;
        let line = mark.line();
        // A finished node (scalar, alias, closed container) and, for scalars, its text.
        let finished: Option<(Rc<PosNode>, Option<String>)> = match event {
            Event::StreamEnd | Event::DocumentEnd => break,
            Event::Scalar(value, _, anchor, _) => {
                let node = Rc::new(PosNode::Scalar { line });
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                Some((node, Some(value)))
            }
            Event::Alias(id) => {
                let node = anchors
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| Rc::new(PosNode::Scalar { line }));
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
                let (node, anchor) = match stack.pop()? {
                    Open::Seq {
                        line,
                        anchor,
                        items,
                    } => (Rc::new(PosNode::Seq { line, items }), anchor),
                    Open::Map {
                        line,
                        anchor,
                        entries,
                        ..
                    } => {
                        let mut first = HashMap::with_capacity(entries.len());
                        for (i, (key, _, _)) in entries.iter().enumerate() {
                            first.entry(key.clone()).or_insert(i);
                        }
                        let map = PosNode::Map {
                            line,
                            entries,
                            first,
                        };
                        (Rc::new(map), anchor)
                    }
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
    root
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
    }

    #[test]
    fn unreadable_text_gives_none() {
        assert!(positions("a: [1, 2").is_none());
    }
}
