//! Prints, for each file named on stdin (one path a line), the YAML value roa-diff reads from
//! it as one JSON line: `{"file": ..., "value": ...}` or `{"file": ..., "error": ...}`. For
//! `scripts/forge-parser-agreement.sh`, which compares these values with Forge's parser's.
//! Mapping keys become text (as JavaScript objects have them); a tag is dropped, keeping its
//! value; a float that JSON cannot hold (infinity, NaN) becomes its YAML text.

use std::io::{BufRead, Write};

use roa_diff::load::{key_text, source_from_bytes, DEFAULT_MAX_BYTES};
use serde_json::{json, Value as Json};
use yaml_serde::Value;

fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && !f.is_finite() => Json::String(n.to_string()),
            _ => serde_json::to_value(n).unwrap_or(Json::Null),
        },
        Value::String(s) => Json::String(s.clone()),
        Value::Sequence(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Mapping(map) => Json::Object(
            map.iter()
                .map(|(k, v)| {
                    (
                        key_text(k).unwrap_or_else(|| to_json(k).to_string()),
                        to_json(v),
                    )
                })
                .collect(),
        ),
        Value::Tagged(tagged) => to_json(&tagged.value),
    }
}

fn main() -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in std::io::stdin().lock().lines() {
        let path = path?;
        let line = match std::fs::read(&path) {
            Err(e) => json!({"file": path, "error": e.to_string()}),
            Ok(bytes) => {
                let max_nodes = roa_diff::reader::max_nodes(DEFAULT_MAX_BYTES);
                let read = source_from_bytes(path.clone(), bytes, DEFAULT_MAX_BYTES)
                    .map_err(|e| e.to_string())
                    .and_then(|s| {
                        roa_diff::reader::read(&s.text, max_nodes, false)
                            .map_err(|e| format!("{path}:{}: {}", e.line, e.message))
                    });
                match read {
                    Ok((value, _)) => json!({"file": path, "value": to_json(&value)}),
                    Err(e) => json!({"file": path, "error": e}),
                }
            }
        };
        writeln!(out, "{line}")?;
    }
    Ok(())
}
