//! Bounds on what one manifest may make the reader build, checked by [`crate::reader`] on each
//! event as it reads, so that hostile YAML is refused in bounded time and memory with a message
//! that says what is wrong (docs/hardening.md).

/// Deepest nesting accepted, aliases expanded. The deepest corpus manifest nests 8 levels;
/// serde_yaml stops at 128.
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

/// Past the node limit; `alias`: the nodes that passed it are an alias's expansion.
pub fn too_many_nodes(max: u64, alias: bool) -> String {
    if alias {
        format!("aliases expand to more than {max} YAML nodes (an alias bomb?)")
    } else {
        format!("more than {max} YAML nodes; a Forge manifest has hundreds (--max-bytes raises this limit too)")
    }
}

pub fn tag_bomb() -> String {
    format!("YAML tags expand to more than {MAX_TAG_BYTES} bytes (a tag bomb?); Forge manifests use no tags")
}

pub fn too_deep() -> String {
    format!("nested more than {MAX_DEPTH} levels deep; a Forge manifest needs far fewer")
}

/// Whether a reader's message is one of the limits above (a text within them may be valid
/// YAML all the same).
pub fn is_limit(message: &str) -> bool {
    [too_deep(), tag_bomb()].contains(&message.to_string())
        || message.ends_with("(an alias bomb?)")
        || message.ends_with("(--max-bytes raises this limit too)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_text(text: &str) -> Result<(), crate::reader::ReadError> {
        crate::reader::read(text, MAX_NODES, false).map(|_| ())
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
    fn depth_bound_is_exact_and_counts_aliases_expanded() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(check_text(&nested(MAX_DEPTH)).is_ok());
        let e = check_text(&nested(MAX_DEPTH + 1)).unwrap_err();
        assert!(e.message.contains("nested more than 100"), "{e:?}");
        assert!(is_limit(&e.message));
        // 60 levels, aliased 60 levels down: 120 once expanded.
        let sixty = nested(60);
        let text = format!("a: &a {sixty}\nb: {}*a{}\n", "[".repeat(59), "]".repeat(59));
        let e = check_text(&text).unwrap_err();
        assert_eq!((e.line, e.message), (2, too_deep()));
    }

    #[test]
    fn aliases_count_at_their_expanded_size_before_the_copy() {
        // 1,000 items aliased 200 times: 200,000 nodes, within the bound; 300 times is not.
        let doc = |uses: usize| {
            let items = vec!["x"; 999].join(", ");
            format!("a: &a [{items}]\nb: [{}]\n", vec!["*a"; uses].join(", "))
        };
        assert!(check_text(&doc(200)).is_ok());
        let e = check_text(&doc(300)).unwrap_err();
        assert!(e.message.contains("alias bomb"), "{e:?}");
        assert!(is_limit(&e.message));
        assert_eq!(e.line, 2);
    }

    #[test]
    fn tags_count_after_prefix_expansion() {
        assert!(check_text("a: !!str 1\nb: !custom x\n").is_ok());
        let text = format!(
            "%TAG !e! tag:x,2000:{}\n---\na: 1\nb: [!e!x 1, 2]\n",
            "p".repeat(MAX_TAG_BYTES)
        );
        let e = check_text(&text).unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (4, tag_bomb().as_str()));
        assert!(is_limit(&e.message));
        assert!(!is_limit("invalid YAML: unknown anchor"));
    }
}
