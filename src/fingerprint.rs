//! Stable change fingerprints: the same change gets the same fingerprint across runs, line
//! moves, file renames and roa-diff versions, so a team can accept it once (`.roa-diff.yml`).
//!
//! "The same change" is the rule id, the manifest path of the part (by identity, never by
//! position) and the values compared (`before`, `after`). Lines, file names, the side, the app
//! id and the message wording are left out. A change whose values differ (a remote re-pointed
//! to another URL) is a different change and needs its own acceptance.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::rules::RuleId;

/// Hex digits in a fingerprint: 128 bits of SHA-256. 64 bits were too few: a collision between
/// an accepted change and an attacker's was found in minutes on two cores (birthday bound 2^32).
pub const FINGERPRINT_LEN: usize = 32;

/// Hex digits of the fingerprints roa-diff printed before 128 bits, recognized only to tell
/// the user how to migrate an accept file.
pub const LEGACY_FINGERPRINT_LEN: usize = 16;

/// Bumped only if the inputs ever have to change; it is part of what is hashed.
const DOMAIN: &str = "roa-diff fingerprint v1";

/// The fingerprint of one change.
pub fn fingerprint(rule: RuleId, path: &str, before: &Value, after: &Value) -> String {
    let mut text = String::new();
    for part in [DOMAIN, rule.as_str(), path] {
        push_string(&mut text, part);
    }
    canonical(before, &mut text);
    canonical(after, &mut text);
    let digest = Sha256::digest(text.as_bytes());
    digest[..FINGERPRINT_LEN / 2]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `text` has the shape of a fingerprint (lower-case hex of the right length).
pub fn is_fingerprint(text: &str) -> bool {
    is_hex_of_len(text, FINGERPRINT_LEN)
}

/// Whether `text` is a fingerprint of the old 64-bit form.
pub fn is_legacy_fingerprint(text: &str) -> bool {
    is_hex_of_len(text, LEGACY_FINGERPRINT_LEN)
}

fn is_hex_of_len(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn push_string(out: &mut String, s: &str) {
    // JSON string quoting makes every part self-delimiting.
    out.push_str(&Value::String(s.to_string()).to_string());
}

/// JSON with object keys sorted, whatever map order serde_json was built with (its
/// `preserve_order` feature may be switched on by another crate).
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_string(out, key);
                out.push(':');
                canonical(&map[key], out);
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_does_not_matter_but_values_do() {
        let a = fingerprint(
            RuleId::RemoteAdded,
            "remotes[key=b]",
            &Value::Null,
            &json!({"key": "b", "baseUrl": "https://b.example.com"}),
        );
        let mut reordered = serde_json::Map::new();
        reordered.insert("baseUrl".into(), json!("https://b.example.com"));
        reordered.insert("key".into(), json!("b"));
        let b = fingerprint(
            RuleId::RemoteAdded,
            "remotes[key=b]",
            &Value::Null,
            &Value::Object(reordered),
        );
        assert_eq!(a, b);
        assert!(is_fingerprint(&a), "{a}");
        let other_url = fingerprint(
            RuleId::RemoteAdded,
            "remotes[key=b]",
            &Value::Null,
            &json!({"key": "b", "baseUrl": "https://c.example.com"}),
        );
        assert_ne!(a, other_url);
        let other_rule = fingerprint(
            RuleId::RemoteRemoved,
            "remotes[key=b]",
            &Value::Null,
            &json!({"key": "b", "baseUrl": "https://b.example.com"}),
        );
        assert_ne!(a, other_rule);
    }

    #[test]
    fn parts_cannot_run_into_each_other() {
        let a = fingerprint(RuleId::ScopeAdded, "ab", &json!("c"), &Value::Null);
        let b = fingerprint(RuleId::ScopeAdded, "a", &json!("bc"), &Value::Null);
        assert_ne!(a, b);
    }

    #[test]
    fn known_value_is_pinned_so_accept_files_keep_working() {
        // If this changes, every checked-in .roa-diff.yml fingerprint goes stale.
        let fp = fingerprint(
            RuleId::ScopeAdded,
            "permissions.scopes[read:jira-work]",
            &Value::Null,
            &json!("read:jira-work"),
        );
        assert_eq!(fp.len(), FINGERPRINT_LEN);
        assert_eq!(fp, PINNED);
    }

    const PINNED: &str = "4c445e36cf919328d03b5803313a5a4f";

    #[test]
    fn a_legacy_fingerprint_is_the_prefix_of_the_new_one() {
        // What the migration message relies on: the old 16 digits start the new 32.
        assert!(is_legacy_fingerprint(&PINNED[..LEGACY_FINGERPRINT_LEN]));
        assert!(!is_fingerprint(&PINNED[..LEGACY_FINGERPRINT_LEN]));
        assert!(!is_legacy_fingerprint(PINNED));
    }
}
