//! Bounds checked in one streaming pass before the full parse, so that hostile YAML is refused
//! in bounded time and memory with a message that says what is wrong. serde_yaml builds the
//! whole document in memory (about 1 KB per small node) and expands aliases and `%TAG`
//! prefixes as it goes; this pass counts instead of building.
//!
//! The pass uses yaml-rust2's event parser. When yaml-rust2 cannot read a text it stops
//! quietly and leaves the verdict to serde_yaml, the parser of record.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};

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

/// Refuses a text that nests too deep, has too many nodes (directly or through aliases), or
/// whose tags expand too far.
pub fn check(source: &Source) -> Result<()> {
    let mut parser = Parser::new_from_str(&source.text);
    // Size in nodes of every anchored node, so an alias counts as what it expands to.
    let mut anchored: HashMap<usize, u64> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut total: u64 = 0;
    let mut tag_bytes: usize = 0;
    let fail =
        |line: usize, message: String| Err(Error::new(source.name.clone(), message).at(Some(line)));
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(next) => next,
            // yaml-rust2 counts flow levels in a u8; deeper than that is too deep for us too.
            Err(e) if e.info() == "recursion limit exceeded" => {
                return fail(e.marker().line(), too_deep())
            }
            // Past what yaml-rust2 reads, serde_yaml still bounds nesting (128) and alias
            // expansion itself; only a `%TAG` prefix it would expand without bound is left.
            Err(_) => return check_tag_directives(source),
        };
        let line = mark.line();
        let tag = match &event {
            Event::Scalar(_, _, _, tag)
            | Event::SequenceStart(_, tag)
            | Event::MappingStart(_, tag) => tag.as_ref(),
            _ => None,
        };
        if let Some(tag) = tag {
            tag_bytes = tag_bytes.saturating_add(tag.handle.len() + tag.suffix.len());
            if tag_bytes > MAX_TAG_BYTES {
                return fail(line, tag_bomb());
            }
        }
        // Nodes this event adds (an alias adds what it expands to), and a finished node with
        // its size and anchor.
        let (added, finished, alias) = match event {
            Event::StreamEnd => return Ok(()),
            Event::Scalar(_, _, anchor, _) => (1, Some((1, anchor)), false),
            Event::Alias(id) => {
                let size = anchored.get(&id).copied().unwrap_or(1);
                (size, Some((size, 0)), true)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return fail(line, too_deep());
                }
                stack.push(Open { nodes: 1, anchor });
                (1, None, false)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                (0, stack.pop().map(|open| (open.nodes, open.anchor)), false)
            }
            _ => (0, None, false),
        };
        total = total.saturating_add(added);
        if total > MAX_NODES {
            return fail(
                line,
                if alias {
                    format!("aliases expand to more than {MAX_NODES} YAML nodes (an alias bomb?)")
                } else {
                    format!("more than {MAX_NODES} YAML nodes; a Forge manifest has hundreds")
                },
            );
        }
        let Some((nodes, anchor)) = finished else {
            continue;
        };
        if anchor > 0 {
            anchored.insert(anchor, nodes);
        }
        if let Some(parent) = stack.last_mut() {
            parent.nodes = parent.nodes.saturating_add(nodes);
        }
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
        check(&Source {
            name: "m.yml".into(),
            text: text.into(),
        })
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
