//! Bounds checked in one streaming pass before the full parse (the line-number pass of `spans`,
//! or [`check`] when no lines are wanted), so that hostile YAML is refused
//! in bounded time and memory with a message that says what is wrong. serde_yaml builds the
//! whole document in memory (about 1 KB per small node) and expands aliases and `%TAG`
//! prefixes as it goes; this pass counts instead of building.
//!
//! The pass uses yaml-rust2's event parser. When yaml-rust2 cannot read a text it stops
//! quietly and leaves the verdict to serde_yaml, the parser of record.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::ScanError;

use crate::error::{Error, Result};
use crate::load::Source;

/// Deepest nesting accepted. The deepest corpus manifest nests 8 levels; serde_yaml stops at 128.
pub const MAX_DEPTH: usize = 100;
/// Most YAML nodes (scalars, lists, mappings), aliases counted at their expanded size. Real
/// manifests have hundreds (616 at most in the corpus); 250,000 keeps a parse under 100 MiB.
pub const MAX_NODES: u64 = 250_000;
/// Most bytes of tag text, after `%TAG` prefixes are expanded. Forge manifests use no tags.
pub const MAX_TAG_BYTES: usize = 64 * 1024;

/// A container being counted: nodes inside it so far (itself included) and its anchor.
struct Open {
    nodes: u64,
    anchor: usize,
}

/// The most nodes accepted under a `--max-bytes` limit: [`MAX_NODES`] at the default 16 MiB,
/// more in proportion when the byte limit is raised (a larger manifest has more nodes).
pub fn max_nodes(max_bytes: u64) -> u64 {
    let scaled =
        u128::from(max_bytes) * u128::from(MAX_NODES) / u128::from(crate::load::DEFAULT_MAX_BYTES);
    MAX_NODES.max(u64::try_from(scaled).unwrap_or(u64::MAX))
}

/// The bounds, counted event by event. Fed by [`check`], or by the line-number pass in
/// `spans`, which reads the same events, so that checking costs no extra parse.
pub struct Counter {
    max_nodes: u64,
    /// Size in nodes of every anchored node, so an alias counts as what it expands to.
    anchored: HashMap<usize, u64>,
    stack: Vec<Open>,
    total: u64,
    tag_bytes: usize,
}

impl Counter {
    pub fn new(max_nodes: u64) -> Self {
        Counter {
            max_nodes,
            anchored: HashMap::new(),
            stack: Vec::new(),
            total: 0,
            tag_bytes: 0,
        }
    }

    /// Counts one event at `line`; the message when a bound is passed.
    pub fn observe(
        &mut self,
        event: &Event,
        line: usize,
    ) -> std::result::Result<(), (usize, String)> {
        let tag = match event {
            Event::Scalar(_, _, _, tag)
            | Event::SequenceStart(_, tag)
            | Event::MappingStart(_, tag) => tag.as_ref(),
            _ => None,
        };
        if let Some(tag) = tag {
            self.tag_bytes = self
                .tag_bytes
                .saturating_add(tag.handle.len() + tag.suffix.len());
            if self.tag_bytes > MAX_TAG_BYTES {
                return Err((line, tag_bomb()));
            }
        }
        // Nodes this event adds (an alias adds what it expands to), and a finished node with
        // its size and anchor.
        let (added, finished, alias) = match *event {
            Event::Scalar(_, _, anchor, _) => (1, Some((1, anchor)), false),
            Event::Alias(id) => {
                let size = self.anchored.get(&id).copied().unwrap_or(1);
                (size, Some((size, 0)), true)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err((line, too_deep()));
                }
                self.stack.push(Open { nodes: 1, anchor });
                (1, None, false)
            }
            Event::SequenceEnd | Event::MappingEnd => (
                0,
                self.stack.pop().map(|open| (open.nodes, open.anchor)),
                false,
            ),
            _ => (0, None, false),
        };
        self.total = self.total.saturating_add(added);
        if self.total > self.max_nodes {
            let max = self.max_nodes;
            return Err((
                line,
                if alias {
                    format!("aliases expand to more than {max} YAML nodes (an alias bomb?)")
                } else {
                    format!("more than {max} YAML nodes; a Forge manifest has hundreds (--max-bytes raises this limit too)")
                },
            ));
        }
        if let Some((nodes, anchor)) = finished {
            if anchor > 0 {
                self.anchored.insert(anchor, nodes);
            }
            if let Some(parent) = self.stack.last_mut() {
                parent.nodes = parent.nodes.saturating_add(nodes);
            }
        }
        Ok(())
    }
}

/// What to do when yaml-rust2 cannot read the text: too deep for it is too deep for us;
/// otherwise serde_yaml (the parser of record) gives the verdict, after the text-level tag check.
pub fn on_scan_error(source: &Source, e: &ScanError) -> Result<()> {
    // yaml-rust2 counts flow levels in a u8; deeper than that is too deep for us too.
    if e.info() == "recursion limit exceeded" {
        return Err(Error::new(source.name.clone(), too_deep()).at(Some(e.marker().line())));
    }
    // Past what yaml-rust2 reads, serde_yaml still bounds nesting (128) and alias expansion
    // itself; only a `%TAG` prefix it would expand without bound is left.
    check_tag_directives(source)
}

/// Refuses a text that nests too deep, has too many nodes (directly or through aliases), or
/// whose tags expand too far. (The line-number pass in `spans` does the same while it reads.)
pub fn check(source: &Source, max_nodes: u64) -> Result<()> {
    let mut parser = Parser::new_from_str(&source.text);
    let mut counter = Counter::new(max_nodes);
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(next) => next,
            Err(e) => return on_scan_error(source, &e),
        };
        if matches!(event, Event::StreamEnd) {
            return Ok(());
        }
        counter
            .observe(&event, mark.line())
            .map_err(|(line, message)| Error::new(source.name.clone(), message).at(Some(line)))?;
    }
}

/// The text-level check when the event parser gives up: no `%TAG` prefix longer than 1 KiB.
fn check_tag_directives(source: &Source) -> Result<()> {
    match source
        .text
        .lines()
        .position(|l| l.starts_with("%TAG") && l.len() > 1024)
    {
        Some(i) => Err(Error::new(source.name.clone(), tag_bomb()).at(Some(i + 1))),
        None => Ok(()),
    }
}

fn tag_bomb() -> String {
    format!("YAML tags expand to more than {MAX_TAG_BYTES} bytes (a tag bomb?); Forge manifests use no tags")
}

fn too_deep() -> String {
    format!("nested more than {MAX_DEPTH} levels deep; a Forge manifest needs far fewer")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_text(text: &str) -> Result<()> {
        check(
            &Source {
                name: "m.yml".into(),
                text: text.into(),
            },
            MAX_NODES,
        )
    }

    #[test]
    fn raising_max_bytes_raises_the_node_limit_in_proportion() {
        assert_eq!(max_nodes(crate::load::DEFAULT_MAX_BYTES), MAX_NODES);
        assert_eq!(max_nodes(1), MAX_NODES);
        assert_eq!(max_nodes(4 * crate::load::DEFAULT_MAX_BYTES), 4 * MAX_NODES);
        // No overflow at the top of the range.
        assert!(max_nodes(u64::MAX) > 4 * MAX_NODES);
    }

    #[test]
    fn depth_bound_is_exact() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(check_text(&nested(MAX_DEPTH)).is_ok());
        let e = check_text(&nested(MAX_DEPTH + 1)).unwrap_err();
        assert!(e.message.contains("nested more than 100"), "{e}");
    }

    #[test]
    fn aliases_count_at_their_expanded_size() {
        // 1,000 items aliased 200 times: 200,000 nodes, within the bound; 300 times is not.
        let doc = |uses: usize| {
            let items = vec!["x"; 999].join(", ");
            format!("a: &a [{items}]\nb: [{}]\n", vec!["*a"; uses].join(", "))
        };
        assert!(check_text(&doc(200)).is_ok());
        let e = check_text(&doc(300)).unwrap_err();
        assert!(e.message.contains("alias bomb"), "{e}");
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn short_tags_pass_and_unreadable_text_is_left_to_serde_yaml() {
        assert!(check_text("a: !!str 1\nb: !custom x\n").is_ok());
        assert!(check_text("a: [1, 2").is_ok());
    }

    #[test]
    fn a_long_tag_prefix_is_refused_even_where_the_event_parser_gives_up() {
        let text = format!(
            "%TAG !e! tag:x,2000:{}\n---\na: [!e!x 1, 2\n",
            "p".repeat(2000)
        );
        let e = check_text(&text).unwrap_err();
        assert!(e.message.contains("tag bomb"), "{e}");
        assert_eq!(e.line, Some(1));
    }
}
