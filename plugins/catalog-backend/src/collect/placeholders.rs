//! `$text`, `$json` and `$yaml` placeholders: `{"$text": "./openapi.yaml"}` is replaced by the
//! file's content (as a string, parsed JSON, or parsed YAML). Paths are relative to the
//! descriptor's file and may not leave the location's root folder. Remote URLs are not fetched
//! (Backlot works offline): the value becomes the URL and a warning says so.
//!
//! Bounded: each file is a regular file of at most `MAX_FILE_BYTES` (counted while reading),
//! and one entity resolves at most [`MAX_PER_ENTITY`] placeholders totalling at most
//! [`MAX_BYTES_PER_ENTITY`]; the rest are refused with an error naming the limit.

use std::path::Path;

use serde_json::Value;

use crate::yaml::{self, MAX_FILE_BYTES};

/// Most placeholders resolved in one entity.
pub const MAX_PER_ENTITY: usize = 64;
/// Most bytes read for one entity's placeholders together.
pub const MAX_BYTES_PER_ENTITY: u64 = 16 * 1024 * 1024;

/// What resolving did besides replacing values.
#[derive(Debug, Default)]
pub struct Outcome {
    /// `(field path, message)` of placeholders that could not be resolved.
    pub errors: Vec<(String, String)>,
    pub warnings: Vec<(String, String)>,
    /// Placeholders met so far and bytes read for them.
    count: usize,
    bytes: u64,
}

/// Replaces every placeholder inside `value`.
pub fn resolve(value: &mut Value, file_dir: &Path, root: &Path) -> Outcome {
    let mut out = Outcome::default();
    walk(value, String::new(), file_dir, root, &mut out, 0);
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(value: &mut Value, path: String, dir: &Path, root: &Path, out: &mut Outcome, depth: usize) {
    if depth > 128 {
        return;
    }
    if let Some((kind, target)) = placeholder(value) {
        out.count += 1;
        if out.count > MAX_PER_ENTITY {
            let error = PlaceholderError::TooMany { kind, target };
            out.errors.push((path, error.to_string()));
            return;
        }
        let budget = MAX_BYTES_PER_ENTITY.saturating_sub(out.bytes);
        match load(&kind, &target, dir, root, budget) {
            Ok(Loaded::Value(v, bytes)) => {
                out.bytes += bytes;
                *value = v;
            }
            Ok(Loaded::Remote(url)) => {
                out.warnings.push((path, format!("{kind} {url} was not fetched (remote URLs are not read offline); the URL is kept as the value")));
                *value = Value::String(url);
            }
            Err(error) => out.errors.push((path, error.to_string())),
        }
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                walk(v, join(&path, k), dir, root, out, depth + 1);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                walk(v, join(&path, &i.to_string()), dir, root, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// `{"$text": "x"}` → `("$text", "x")`.
fn placeholder(value: &Value) -> Option<(String, String)> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    let (k, v) = map.iter().next()?;
    if !matches!(k.as_str(), "$text" | "$json" | "$yaml") {
        return None;
    }
    Some((k.clone(), v.as_str()?.to_string()))
}

enum Loaded {
    /// The value and the bytes read for it.
    Value(Value, u64),
    Remote(String),
}

fn is_url(target: &str) -> bool {
    target.split_once("://").is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+')
    })
}

/// Why a `$text`/`$json`/`$yaml` placeholder could not be resolved; its Display is the
/// message the ingest report shows.
#[derive(Debug, thiserror::Error)]
enum PlaceholderError {
    #[error("{kind} {target}: {source}")]
    Unreadable {
        kind: String,
        target: String,
        source: backlot_safe_fs::SafeFsError,
    },
    #[error("{kind} {target} points outside the location's root {root}; refused")]
    OutsideRoot {
        kind: String,
        target: String,
        root: String,
    },
    #[error("{kind} {target}: more than {MAX_PER_ENTITY} placeholders in one entity; refused")]
    TooMany { kind: String, target: String },
    #[error(
        "{kind} {target}: the entity's placeholders together exceed {MAX_BYTES_PER_ENTITY} bytes; refused"
    )]
    OverBudget { kind: String, target: String },
    #[error("$json {target}: invalid JSON: {source}")]
    Json {
        target: String,
        source: serde_json::Error,
    },
    #[error("$yaml {target}: invalid YAML at line {line} column {column}: {message}")]
    Yaml {
        target: String,
        line: usize,
        column: usize,
        message: String,
    },
}

fn load(
    kind: &str,
    target: &str,
    dir: &Path,
    root: &Path,
    budget: u64,
) -> Result<Loaded, PlaceholderError> {
    use backlot_safe_fs::SafeFsError;
    if is_url(target) {
        return Ok(Loaded::Remote(target.to_string()));
    }
    let target = target.strip_prefix("file:").unwrap_or(target);
    let unreadable = |source| PlaceholderError::Unreadable {
        kind: kind.to_owned(),
        target: target.to_owned(),
        source,
    };
    let path = backlot_safe_fs::resolve_inside(root, dir, target).map_err(|e| match e {
        SafeFsError::Outside { .. } => PlaceholderError::OutsideRoot {
            kind: kind.to_owned(),
            target: target.to_owned(),
            root: root.display().to_string(),
        },
        other => unreadable(other),
    })?;
    let cap = budget.min(MAX_FILE_BYTES);
    let text = backlot_safe_fs::read_text_capped(&path, cap).map_err(|e| match e {
        SafeFsError::TooLarge { .. } if cap < MAX_FILE_BYTES => PlaceholderError::OverBudget {
            kind: kind.to_owned(),
            target: target.to_owned(),
        },
        other => unreadable(other),
    })?;
    let bytes = text.len() as u64;
    let value = match kind {
        "$text" => Value::String(text),
        "$json" => serde_json::from_str(&text).map_err(|source| PlaceholderError::Json {
            target: target.to_owned(),
            source,
        })?,
        _ => yaml::parse_one(&text).map_err(|e| PlaceholderError::Yaml {
            target: target.to_owned(),
            line: e.line as usize,
            column: e.column as usize,
            message: e.message.to_string(),
        })?,
    };
    Ok(Loaded::Value(value, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolves_text_json_yaml_and_refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("apis")).unwrap();
        std::fs::write(root.join("apis/def.yaml"), "openapi: 3.0.0\n").unwrap();
        std::fs::write(root.join("apis/d.json"), "{\"a\": [1]}").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "no").unwrap();
        let root = root.canonicalize().unwrap();
        let mut v = json!({"spec": {
            "definition": {"$text": "./def.yaml"},
            "j": {"$json": "d.json"},
            "y": {"$yaml": "def.yaml"},
            "remote": {"$text": "https://example.com/x.yaml"},
            "escape": {"$text": "../../secret.txt"},
            "missing": {"$text": "./nope.yaml"},
            "notaplaceholder": {"$text": "./def.yaml", "other": 1}
        }});
        let out = resolve(&mut v, &root.join("apis"), &root);
        assert_eq!(v["spec"]["definition"], "openapi: 3.0.0\n");
        assert_eq!(v["spec"]["j"], json!({"a": [1]}));
        assert_eq!(v["spec"]["y"], json!({"openapi": "3.0.0"}));
        assert_eq!(v["spec"]["remote"], "https://example.com/x.yaml");
        assert_eq!(out.warnings.len(), 1);
        let fields: Vec<&str> = out.errors.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(fields, ["spec.escape", "spec.missing"]);
        assert!(out.errors[0].1.contains("outside"));
        assert!(v["spec"]["notaplaceholder"].is_object());
    }

    #[test]
    fn placeholders_per_entity_are_bounded_in_count_and_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("small.txt"), "x").unwrap();
        let many: serde_json::Map<String, Value> = (0..MAX_PER_ENTITY + 3)
            .map(|i| (format!("f{i:03}"), json!({"$text": "small.txt"})))
            .collect();
        let mut v = Value::Object(many);
        let out = resolve(&mut v, &root, &root);
        assert_eq!(out.errors.len(), 3, "{:?}", out.errors);
        assert!(
            out.errors[0].1.contains("more than 64 placeholders"),
            "{:?}",
            out.errors
        );
        assert_eq!(v["f000"], "x");

        // Two files that each fit under the per-file cap but not together.
        let half = (MAX_BYTES_PER_ENTITY / 2 + 1) as usize;
        std::fs::write(root.join("a.txt"), vec![b'a'; half]).unwrap();
        std::fs::write(root.join("b.txt"), vec![b'b'; half]).unwrap();
        let mut v = json!({"a": {"$text": "a.txt"}, "b": {"$text": "b.txt"}});
        let out = resolve(&mut v, &root, &root);
        assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
        assert_eq!(out.errors[0].0, "b");
        assert!(
            out.errors[0].1.contains("together exceed"),
            "{:?}",
            out.errors
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_links_out_of_the_root_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.join("zero")).unwrap();
        let mut v = json!({
            "direct": {"$text": "/dev/zero"},
            "linked": {"$text": "zero"},
        });
        let out = resolve(&mut v, &root, &root);
        assert_eq!(out.errors.len(), 2, "{:?}", out.errors);
        assert!(
            out.errors.iter().all(|e| e.1.contains("outside")),
            "{:?}",
            out.errors
        );
    }
}
