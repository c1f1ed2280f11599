//! `--context N`: the lines of the textual diff around a change, so a reviewer sees the YAML
//! itself. The diff of the two texts is computed once (with `similar`) and shared by all changes.

use similar::{ChangeTag, TextDiff};

use crate::diff::Side;

/// One row of the interleaved text diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub tag: ChangeTag,
    /// 1-based line numbers in the old and new file.
    pub old_line: Option<usize>,
    pub new_line: Option<usize>,
    pub text: String,
}

/// The whole text diff of two manifests, as rows.
pub struct LineDiff {
    rows: Vec<Row>,
}

impl LineDiff {
    pub fn new(old: &str, new: &str) -> Self {
        let diff = TextDiff::from_lines(old, new);
        let rows = diff
            .iter_all_changes()
            .map(|c| Row {
                tag: c.tag(),
                old_line: c.old_index().map(|i| i + 1),
                new_line: c.new_index().map(|i| i + 1),
                text: c.value().trim_end_matches(['\n', '\r']).to_string(),
            })
            .collect();
        LineDiff { rows }
    }

    /// The rows within `n` of the row holding `line` of `side`; empty when the line is unknown.
    pub fn around(&self, side: Side, line: usize, n: usize) -> &[Row] {
        let found = self.rows.iter().position(|r| match side {
            // On the new side prefer the inserted row; an unchanged row has both numbers.
            Side::New => r.new_line == Some(line),
            Side::Old => r.old_line == Some(line) && r.tag != ChangeTag::Insert,
        });
        match found {
            None => &[],
            Some(i) => &self.rows[i.saturating_sub(n)..(i + n + 1).min(self.rows.len())],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_around_a_new_and_an_old_line() {
        let d = LineDiff::new("a\nb\nc\nd\n", "a\nb\nX\nd\n");
        let rows = d.around(Side::New, 3, 1);
        let texts: Vec<_> = rows.iter().map(|r| (r.tag, r.text.as_str())).collect();
        assert_eq!(
            texts,
            vec![
                (ChangeTag::Delete, "c"),
                (ChangeTag::Insert, "X"),
                (ChangeTag::Equal, "d")
            ]
        );
        let rows = d.around(Side::Old, 3, 0);
        assert_eq!(rows[0].text, "c");
        assert!(d.around(Side::New, 99, 2).is_empty());
    }
}
