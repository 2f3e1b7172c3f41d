//! `$text`, `$json` and `$yaml` placeholders: `{"$text": "./openapi.yaml"}` is replaced by the
//! file's content (as a string, parsed JSON, or parsed YAML). Paths are relative to the
//! descriptor's file and may not leave the location's root folder. Remote URLs are not fetched
//! (Backlot works offline): the value becomes the URL and a warning says so.

use std::path::Path;

use serde_json::Value;

use crate::yaml::{self, MAX_FILE_BYTES};

/// What resolving did besides replacing values.
#[derive(Debug, Default)]
pub struct Outcome {
    /// `(field path, message)` of placeholders that could not be resolved.
    pub errors: Vec<(String, String)>,
    pub warnings: Vec<(String, String)>,
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
        match load(&kind, &target, dir, root) {
            Ok(Loaded::Value(v)) => *value = v,
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
    Value(Value),
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
    #[error("{kind} {target}: cannot read {path}: {source}")]
    Unreadable {
        kind: String,
        target: String,
        path: String,
        source: std::io::Error,
    },
    #[error("{kind} {target} points outside the location's root {root}; refused")]
    OutsideRoot {
        kind: String,
        target: String,
        root: String,
    },
    #[error("{kind} {target} is larger than {MAX_FILE_BYTES} bytes; refused")]
    TooLarge { kind: String, target: String },
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

fn load(kind: &str, target: &str, dir: &Path, root: &Path) -> Result<Loaded, PlaceholderError> {
    if is_url(target) {
        return Ok(Loaded::Remote(target.to_string()));
    }
    let target = target.strip_prefix("file:").unwrap_or(target);
    let joined = dir.join(target);
    let unreadable = |path: &Path, source| PlaceholderError::Unreadable {
        kind: kind.to_owned(),
        target: target.to_owned(),
        path: path.display().to_string(),
        source,
    };
    let path = joined.canonicalize().map_err(|e| unreadable(&joined, e))?;
    if !path.starts_with(root) {
        return Err(PlaceholderError::OutsideRoot {
            kind: kind.to_owned(),
            target: target.to_owned(),
            root: root.display().to_string(),
        });
    }
    let meta = std::fs::metadata(&path).map_err(|e| unreadable(&path, e))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(PlaceholderError::TooLarge {
            kind: kind.to_owned(),
            target: target.to_owned(),
        });
    }
    let text = std::fs::read_to_string(&path).map_err(|e| unreadable(&path, e))?;
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
    Ok(Loaded::Value(value))
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
}
