//! A definition's text as a JSON value: JSON when it looks like JSON, else YAML. Errors
//! carry the 1-based line and column within the definition's text.

use serde_json::Value;

/// Why a definition could not be shown as its type; what the user reads above the source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    #[error("invalid YAML: {message}")]
    Yaml {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("invalid JSON: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("invalid GraphQL schema: {message}")]
    GraphQl {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("invalid protobuf: {message}")]
    Proto {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("not {expected}: {reason}")]
    Shape {
        expected: &'static str,
        reason: String,
    },
}

impl DefinitionError {
    /// The 1-based line the error is on, when it has one.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Yaml { line, .. }
            | Self::Json { line, .. }
            | Self::GraphQl { line, .. }
            | Self::Proto { line, .. } => Some(*line).filter(|l| *l > 0),
            Self::Shape { .. } => None,
        }
    }

    pub fn column(&self) -> Option<usize> {
        match self {
            Self::Yaml { column, .. }
            | Self::Json { column, .. }
            | Self::GraphQl { column, .. }
            | Self::Proto { column, .. } => Some(*column).filter(|c| *c > 0),
            Self::Shape { .. } => None,
        }
    }
}

/// Does the text look like JSON (first non-blank character `{` or `[`)?
pub fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with(['{', '['])
}

/// Parses an OpenAPI/AsyncAPI document written as JSON or YAML.
pub fn parse(text: &str) -> Result<Value, DefinitionError> {
    if looks_like_json(text) {
        return serde_json::from_str(text).map_err(|e| DefinitionError::Json {
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        });
    }
    parse_yaml(text)
}

fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 128;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_nodes = 500_000;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    // The tab shows the source with the line marked; no rendered snippet in the message.
    options.with_snippet = false;
    options
}

fn parse_yaml(text: &str) -> Result<Value, DefinitionError> {
    serde_saphyr::from_str_with_options::<Value>(text, yaml_options()).map_err(|e| {
        let (line, column) = e
            .location()
            .map_or((0, 0), |l| (l.line() as usize, l.column() as usize));
        let message = e.to_string();
        let first = message.lines().next().unwrap_or("invalid YAML").trim();
        DefinitionError::Yaml {
            line,
            column,
            message: strip_position(first),
        }
    })
}

/// serde_json appends "at line N column M" and the YAML parser starts with
/// "error: line N column M: "; the tab shows the position apart.
fn strip_position(message: &str) -> String {
    let mut m = message.trim();
    m = m.strip_prefix("error: ").unwrap_or(m);
    if m.starts_with("line ")
        && let Some((position, rest)) = m.split_once(": ")
        && position.contains(" column ")
    {
        m = rest;
    }
    match m.find(" at line ") {
        Some(i) => m[..i].to_string(),
        None => m.to_string(),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_json_parse() {
        assert_eq!(parse("a: 1\nb: [x]\n").unwrap()["b"][0], "x");
        assert_eq!(parse("  {\"a\": {\"b\": 2}}").unwrap()["a"]["b"], 2);
    }

    #[test]
    fn yaml_errors_have_their_line() {
        let err =
            parse("openapi: 3.0.0\ninfo:\n  title: x\n  version: [1\npaths: {}\n").unwrap_err();
        assert!(matches!(err, DefinitionError::Yaml { .. }), "{err:?}");
        let line = err.line().expect("a line");
        assert!((4..=5).contains(&line), "line {line}: {err}");
        assert!(
            !err.to_string().contains("line "),
            "the position is shown apart: {err}"
        );
    }

    #[test]
    fn json_errors_have_their_line() {
        let err = parse("{\n  \"openapi\": \"3.0.0\",\n  \"paths\": {,}\n}").unwrap_err();
        assert_eq!(err.line(), Some(3), "{err}");
        assert!(!err.to_string().contains("at line"), "{err}");
    }
}
