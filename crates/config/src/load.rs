//! Reading files into one merged tree, the way Backstage's config loader does: each file
//! is parsed and transformed on its own (env substitution, `null` and undefined values
//! dropped), then files are merged in order — later files win, mappings merge key by key,
//! lists and scalars are replaced whole.

use std::sync::Arc;

use serde_saphyr::Spanned;

use crate::error::{ConfigError, ConfigWarning};
use crate::node::{Key, Node, RawKey, RawValue, SourcePos, Value};
use crate::substitute::{Substituted, substitute};

/// Parses one file's text into a tree (with substitution applied).
pub(crate) fn parse_document(
    file: &str,
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
    warnings: &mut Vec<ConfigWarning>,
) -> Result<Node, ConfigError> {
    let file: Arc<str> = Arc::from(file);
    let root_pos = SourcePos {
        file: file.clone(),
        line: 1,
        column: 1,
    };
    if text.trim().is_empty() {
        return Ok(Node {
            value: Value::Map(Vec::new()),
            pos: root_pos,
        });
    }
    // YAML 1.2 booleans only (as the `yaml` package Backstage uses): `y`, `on`, `no` stay strings.
    let options = serde_saphyr::options! { strict_booleans: true };
    let raw: Spanned<RawValue> =
        serde_saphyr::from_str_with_options(text, options).map_err(|e| {
            let (line, column) = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((0, 0));
            ConfigError::Syntax {
                file: file.to_string(),
                line,
                column,
                message: e.without_snippet().to_string(),
            }
        })?;
    let mut cx = Convert {
        file: file.clone(),
        env,
        warnings,
    };
    match cx.node(raw, "")? {
        Some(
            node @ Node {
                value: Value::Map(_),
                ..
            },
        ) => Ok(node),
        None => Ok(Node {
            value: Value::Map(Vec::new()),
            pos: root_pos,
        }),
        Some(other) => Err(ConfigError::NotAMapping {
            file: file.to_string(),
            found: other.kind(),
        }),
    }
}

struct Convert<'a> {
    file: Arc<str>,
    env: &'a dyn Fn(&str) -> Option<String>,
    warnings: &'a mut Vec<ConfigWarning>,
}

impl Convert<'_> {
    fn pos<T>(&self, s: &Spanned<T>) -> SourcePos {
        SourcePos {
            file: self.file.clone(),
            line: s.referenced.line(),
            column: s.referenced.column(),
        }
    }

    /// `None`: the value is undefined (null, or an unset env var) and its key is dropped.
    fn node(&mut self, raw: Spanned<RawValue>, path: &str) -> Result<Option<Node>, ConfigError> {
        let pos = self.pos(&raw);
        let value = match raw.value {
            RawValue::Null => return Ok(None),
            RawValue::Bool(b) => Value::Bool(b),
            RawValue::Number(n) => Value::Number(n),
            RawValue::Str(s) => match substitute(&s, self.env) {
                Substituted::Value(t) => Value::Text(t),
                Substituted::MissingEnv(var) => {
                    self.warnings.push(ConfigWarning {
                        file: self.file.to_string(),
                        line: pos.line,
                        key: path.to_owned(),
                        message: format!(
                            "environment variable `{var}` is not set; the value is left out (as Backstage does)"
                        ),
                    });
                    return Ok(None);
                }
                Substituted::InvalidSecretName(name) => {
                    return Err(ConfigError::Invalid {
                        file: self.file.to_string(),
                        line: pos.line,
                        column: pos.column,
                        key: path.to_owned(),
                        message: format!(
                            "`{name}` is not a valid secret name (use letters, digits, `_`, `.`, `-`)"
                        ),
                    });
                }
            },
            RawValue::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    if let Some(node) = self.node(item, &format!("{path}[{i}]"))? {
                        out.push(node);
                    }
                }
                Value::Seq(out)
            }
            RawValue::Map(entries) => {
                let mut out: Vec<(Key, Node)> = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    let key_pos = self.pos(&key);
                    let RawKey(name) = key.value;
                    let child_path = if path.is_empty() {
                        name.clone()
                    } else {
                        format!("{path}.{name}")
                    };
                    if let Some(node) = self.node(value, &child_path)? {
                        // A duplicate key: the later one wins, as in JS object literals.
                        out.retain(|(k, _)| k.name != name);
                        out.push((Key { name, pos: key_pos }, node));
                    }
                }
                Value::Map(out)
            }
        };
        Ok(Some(Node { value, pos }))
    }
}

/// Merges `over` on top of `base` (Backstage: later config wins, objects merge deeply).
pub(crate) fn merge(base: Node, over: Node) -> Node {
    match (base.value, over.value) {
        (Value::Map(mut base_entries), Value::Map(over_entries)) => {
            for (key, over_child) in over_entries {
                if let Some(slot) = base_entries.iter_mut().find(|(k, _)| k.name == key.name) {
                    let placeholder = Node {
                        value: Value::Null,
                        pos: over_child.pos.clone(),
                    };
                    let base_child = std::mem::replace(&mut slot.1, placeholder);
                    slot.1 = merge(base_child, over_child);
                    slot.0 = key;
                } else {
                    base_entries.push((key, over_child));
                }
            }
            Node {
                value: Value::Map(base_entries),
                pos: over.pos,
            }
        }
        (_, value) => Node {
            value,
            pos: over.pos,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn parse(text: &str) -> Node {
        let mut w = Vec::new();
        parse_document("t.yaml", text, &no_env, &mut w).expect("parses")
    }

    #[test]
    fn merge_is_deep_for_maps_and_replaces_lists() {
        let base = parse("a:\n  x: 1\n  y: [1, 2]\nb: keep\n");
        let over = parse("a:\n  y: [3]\n  z: new\n");
        let merged = merge(base, over);
        assert_eq!(
            merged.path("a.x").map(|n| &n.value),
            Some(&Value::Number("1".into()))
        );
        match &merged.path("a.y").expect("a.y").value {
            Value::Seq(items) => assert_eq!(items.len(), 1),
            other => panic!("expected a list, got {other:?}"),
        }
        assert!(merged.path("a.z").is_some());
        assert!(merged.get("b").is_some());
    }

    #[test]
    fn yaml_1_1_booleans_are_strings() {
        let n = parse(
            "y: on
n: true
",
        );
        assert!(matches!(n.get("y").map(|n| &n.value), Some(Value::Text(_))));
        assert_eq!(n.get("n").map(|n| &n.value), Some(&Value::Bool(true)));
    }

    #[test]
    fn nulls_do_not_override() {
        let merged = merge(parse("a: 1\n"), parse("a:\n"));
        assert_eq!(
            merged.get("a").map(|n| &n.value),
            Some(&Value::Number("1".into()))
        );
    }

    #[test]
    fn positions_are_one_based_lines() {
        let n = parse("# comment\nbackend:\n  baseUrl: http://x\n");
        assert_eq!(n.path("backend.baseUrl").map(|n| n.pos.line), Some(3));
    }
}
