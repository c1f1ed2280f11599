//! `--context N`: the lines of the textual diff around a change, so a reviewer sees the YAML
//! itself. The diff of the two texts is computed once (with `similar`) and shared by all changes.

use std::collections::HashMap;
use std::time::Duration;

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
    /// Row of each line number, per side, so `around` does not scan every row per change.
    new_rows: HashMap<usize, usize>,
    old_rows: HashMap<usize, usize>,
}

/// Past this, `similar` returns a coarser (still correct) diff instead of the minimal one:
/// two large, very different texts would otherwise take minutes.
const DIFF_DEADLINE: Duration = Duration::from_millis(500);

impl LineDiff {
    pub fn new(old: &str, new: &str) -> Self {
        let diff = TextDiff::configure()
            .timeout(DIFF_DEADLINE)
            .diff_lines(old, new);
        let rows: Vec<Row> = diff
            .iter_all_changes()
            .map(|c| Row {
                tag: c.tag(),
                old_line: c.old_index().map(|i| i + 1),
                new_line: c.new_index().map(|i| i + 1),
                text: c.value().trim_end_matches(['\n', '\r']).to_string(),
            })
            .collect();
        let mut new_rows = HashMap::new();
        let mut old_rows = HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            if let Some(l) = r.new_line {
                new_rows.entry(l).or_insert(i);
            }
            if let (Some(l), false) = (r.old_line, r.tag == ChangeTag::Insert) {
                old_rows.entry(l).or_insert(i);
            }
        }
        LineDiff {
            rows,
            new_rows,
            old_rows,
        }
    }

    /// The rows within `n` of the row holding `line` of `side`; empty when the line is unknown.
    pub fn around(&self, side: Side, line: usize, n: usize) -> &[Row] {
        let found = match side {
            Side::New => self.new_rows.get(&line),
            Side::Old => self.old_rows.get(&line),
        };
        match found.copied() {
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
