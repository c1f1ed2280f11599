//! Line numbers for a YAML document: a tree of positions only, shaped like the value, so that
//! any node the model reads can be given the line it starts on. Built by [`crate::reader`] in
//! the same pass as the value.

/// The lines of a document's nodes, all in one arena: a node is an index, a container's
/// children are a range of `items` or `entries`, and key texts share one string. Building it
/// costs a few growing vectors instead of an allocation per node, and dropping it is free
/// (it is built for every manifest read, and a large one has hundreds of thousands of nodes).
#[derive(Debug, Default)]
pub struct Positions {
    nodes: Vec<Slot>,
    items: Vec<u32>,
    entries: Vec<Entry>,
    keys: String,
    root: u32,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    line: u32,
    kind: Kind,
    /// The children: `items[start..start + len]` or `entries[start..start + len]`.
    start: u32,
    len: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    Seq,
    Map,
}

/// A mapping entry: the key's text (in `keys`) and line, and the value node. Non-scalar keys
/// are recorded with an empty text.
#[derive(Debug, Clone, Copy)]
struct Entry {
    key_start: u32,
    key_len: u32,
    line: u32,
    value: u32,
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

    fn key(&self, e: &Entry) -> &str {
        &self.keys[e.key_start as usize..(e.key_start + e.key_len) as usize]
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

    fn at(&self, node: u32) -> PosRef<'a> {
        PosRef {
            positions: self.positions,
            node,
        }
    }

    fn entries(&self) -> &'a [Entry] {
        let slot = self.slot();
        match slot.kind {
            Kind::Map => {
                &self.positions.entries[slot.start as usize..(slot.start + slot.len) as usize]
            }
            _ => &[],
        }
    }

    fn items(&self) -> &'a [u32] {
        let slot = self.slot();
        match slot.kind {
            Kind::Seq => {
                &self.positions.items[slot.start as usize..(slot.start + slot.len) as usize]
            }
            _ => &[],
        }
    }

    pub fn line(&self) -> usize {
        self.slot().line as usize
    }

    /// The value under `key` in a mapping, with the line of the key itself.
    pub fn entry(&self, key: &str) -> Option<(usize, PosRef<'a>)> {
        self.entries()
            .iter()
            .find(|e| self.positions.key(e) == key)
            .map(|e| (e.line as usize, self.at(e.value)))
    }

    /// Like [`PosRef::entry`] for the `index`-th entry of a mapping read in order: that entry
    /// when its key is `key` (constant time, so reading a whole mapping is linear), else the
    /// first entry with that key.
    pub fn entry_at(&self, index: usize, key: &str) -> Option<(usize, PosRef<'a>)> {
        match self.entries().get(index) {
            Some(e) if self.positions.key(e) == key => Some((e.line as usize, self.at(e.value))),
            _ => self.entry(key),
        }
    }

    pub fn item(&self, index: usize) -> Option<PosRef<'a>> {
        self.items().get(index).map(|&n| self.at(n))
    }
}

impl PosRef<'_> {
    /// Whether this tree has the shape of `value`: a scalar for each scalar, as many items and
    /// entries as each list and mapping has (checked by the fuzz harness).
    pub fn matches(&self, value: &serde_yaml::Value) -> bool {
        use serde_yaml::Value;
        let mut stack = vec![(*self, value)];
        while let Some((pos, mut value)) = stack.pop() {
            while let Value::Tagged(t) = value {
                value = &t.value;
            }
            let slot = pos.slot();
            match value {
                Value::Sequence(items) => {
                    if slot.kind != Kind::Seq || slot.len as usize != items.len() {
                        return false;
                    }
                    stack.extend(pos.items().iter().map(|&n| pos.at(n)).zip(items));
                }
                Value::Mapping(map) => {
                    if slot.kind != Kind::Map || slot.len as usize != map.len() {
                        return false;
                    }
                    stack.extend(
                        pos.entries()
                            .iter()
                            .map(|e| pos.at(e.value))
                            .zip(map.values()),
                    );
                }
                _ => {
                    if slot.kind != Kind::Scalar {
                        return false;
                    }
                }
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

/// Builds a [`Positions`] arena from parser events in document order.
#[derive(Default)]
pub struct PositionsBuilder {
    positions: Positions,
    open: Vec<OpenPos>,
    /// Children of the open containers, innermost last, moved into the arena when it closes.
    pending_items: Vec<u32>,
    pending_entries: Vec<Entry>,
}

struct OpenPos {
    node: u32,
    pending_start: usize,
    /// A mapping's key, waiting for its value: (text start, text length, line).
    key: Option<(u32, u32, u32)>,
}

impl PositionsBuilder {
    fn push(&mut self, line: usize, kind: Kind) -> u32 {
        let id = to_u32(self.positions.nodes.len());
        self.positions.nodes.push(Slot {
            line: to_u32(line),
            kind,
            start: 0,
            len: 0,
        });
        id
    }

    /// A scalar starting at `line`; its node.
    pub fn scalar(&mut self, line: usize) -> u32 {
        self.push(line, Kind::Scalar)
    }

    /// A sequence or mapping starts at `line`; its children follow until [`Self::close`].
    pub fn open(&mut self, line: usize, mapping: bool) {
        let node = self.push(line, if mapping { Kind::Map } else { Kind::Seq });
        let pending_start = if mapping {
            self.pending_entries.len()
        } else {
            self.pending_items.len()
        };
        self.open.push(OpenPos {
            node,
            pending_start,
            key: None,
        });
    }

    /// Closes the innermost container; its node, or `None` when none is open.
    pub fn close(&mut self) -> Option<u32> {
        let open = self.open.pop()?;
        let p = &mut self.positions;
        let slot = &mut p.nodes[open.node as usize];
        match slot.kind {
            Kind::Map => {
                slot.start = to_u32(p.entries.len());
                slot.len = to_u32(self.pending_entries.len() - open.pending_start);
                p.entries
                    .extend(self.pending_entries.drain(open.pending_start..));
            }
            _ => {
                slot.start = to_u32(p.items.len());
                slot.len = to_u32(self.pending_items.len() - open.pending_start);
                p.items
                    .extend(self.pending_items.drain(open.pending_start..));
            }
        }
        Some(open.node)
    }

    /// Places a finished node in the innermost open container: an item of a sequence, or by
    /// turns a key (with its text when it is a scalar) and a value of a mapping.
    pub fn place(&mut self, node: u32, key_text: Option<&str>) {
        let Some(open) = self.open.last_mut() else {
            return;
        };
        let p = &mut self.positions;
        if p.nodes[open.node as usize].kind != Kind::Map {
            self.pending_items.push(node);
            return;
        }
        match open.key.take() {
            None => {
                let text = key_text.unwrap_or_default();
                let start = to_u32(p.keys.len());
                p.keys.push_str(text);
                open.key = Some((start, to_u32(text.len()), p.nodes[node as usize].line));
            }
            Some((key_start, key_len, line)) => self.pending_entries.push(Entry {
                key_start,
                key_len,
                line,
                value: node,
            }),
        }
    }

    /// The arena, rooted at `root`.
    pub fn finish(mut self, root: u32) -> Positions {
        self.positions.root = root;
        self.positions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn positions(text: &str) -> Positions {
        crate::reader::read(text, 1000, true).unwrap().1.unwrap()
    }

    #[test]
    fn lines_of_keys_items_and_aliases() {
        let text =
            "app:\n  id: x\nremotes:\n  - &r\n    key: a\n    baseUrl: b\n  - key: c\nother: *r\n";
        let positions = positions(text);
        let root = positions.root();
        let (remotes_line, remotes) = root.entry("remotes").unwrap();
        assert_eq!(remotes_line, 3);
        // An anchored item starts at its anchor.
        assert_eq!(remotes.item(0).unwrap().line(), 4);
        let second = remotes.item(1).unwrap();
        assert_eq!(second.line(), 7);
        assert_eq!(second.entry("key").unwrap().0, 7);
        // An alias points at the anchored node, so its lines are the anchor's.
        let (_, other) = root.entry("other").unwrap();
        assert_eq!(other.entry("baseUrl").unwrap().0, 6);
        assert!(root.matches(&crate::reader::read(text, 1000, false).unwrap().0));
    }

    #[test]
    fn entry_at_uses_the_index_only_when_the_key_matches() {
        let positions = positions("a: 1\nb: 2\n'1': 3\n1: 4\n");
        let root = positions.root();
        assert_eq!(root.entry_at(1, "b").unwrap().0, 2);
        // A wrong index falls back to the first entry with the key.
        assert_eq!(root.entry_at(0, "b").unwrap().0, 2);
        assert_eq!(root.entry_at(9, "a").unwrap().0, 1);
        // Two keys with the same text (a string and a number): each gets its own line by index.
        assert_eq!(root.entry_at(2, "1").unwrap().0, 3);
        assert_eq!(root.entry_at(3, "1").unwrap().0, 4);
        assert!(root.entry_at(0, "nope").is_none());
    }
}
