//! What an API definition holds, for the search index: OpenAPI/Swagger operations, AsyncAPI
//! channels, GraphQL types and their fields. Reading stops at the bounds below; a
//! definition that cannot be parsed yields nothing (the API tab shows why).

use serde_json::Value;

/// Definitions bigger than this are not indexed.
const MAX_DEFINITION_BYTES: usize = 4 * 1024 * 1024;
/// Documents per definition.
const MAX_OPERATIONS: usize = 5_000;
/// Text kept per document.
const MAX_TEXT: usize = 4 * 1024;
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One indexed place of an API definition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Operation {
    /// `GET /payments`, `channel orders/created`, `type Order`.
    pub title: String,
    /// Its summary or operation id.
    pub summary: String,
    pub text: String,
    /// The element id on the API tab (`op-get-payments`, as the API docs plugin writes it).
    pub anchor: String,
}

/// The operations, channels or types of a definition of `kind` (`spec.type`).
pub fn operations(kind: &str, definition: &str) -> Vec<Operation> {
    if definition.len() > MAX_DEFINITION_BYTES {
        return Vec::new();
    }
    let mut out = match kind.to_ascii_lowercase().as_str() {
        "openapi" | "swagger" => parse(definition).map(|d| openapi(&d)).unwrap_or_default(),
        "asyncapi" => parse(definition).map(|d| asyncapi(&d)).unwrap_or_default(),
        "graphql" => graphql(definition),
        _ => Vec::new(),
    };
    out.truncate(MAX_OPERATIONS);
    for op in &mut out {
        if op.text.len() > MAX_TEXT {
            op.text = op.text.chars().take(MAX_TEXT).collect();
        }
    }
    out
}

fn parse(text: &str) -> Option<Value> {
    if text.trim_start().starts_with(['{', '[']) {
        return serde_json::from_str(text).ok();
    }
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 128;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_nodes = 500_000;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.with_snippet = false;
    serde_saphyr::from_str_with_options::<Value>(text, options).ok()
}

fn slug(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn joined(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn openapi(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let tags: Vec<&str> = op
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| t.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let summary = match str_of(op, "summary") {
                "" => str_of(op, "operationId"),
                s => s,
            };
            out.push(Operation {
                title: format!("{} {path}", method.to_uppercase()),
                summary: summary.to_string(),
                text: joined(&[
                    str_of(op, "description"),
                    str_of(op, "operationId"),
                    &tags.join(" "),
                ]),
                anchor: format!("op-{method}{}", slug(path)),
            });
            if out.len() >= MAX_OPERATIONS {
                return out;
            }
        }
    }
    out
}

fn asyncapi(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(channels) = doc.get("channels").and_then(Value::as_object) else {
        return out;
    };
    for (name, channel) in channels {
        // AsyncAPI 2 puts operations on the channel; 3 has them apart (the channel's own
        // address, title and description are what is indexed then).
        let ops: Vec<&str> = ["publish", "subscribe"]
            .iter()
            .filter_map(|k| channel.get(*k))
            .flat_map(|op| {
                [
                    str_of(op, "summary"),
                    str_of(op, "description"),
                    str_of(op, "operationId"),
                ]
            })
            .collect();
        let address = str_of(channel, "address");
        out.push(Operation {
            title: format!(
                "channel {}",
                if address.is_empty() { name } else { address }
            ),
            summary: str_of(channel, "title").to_string(),
            text: joined(&[str_of(channel, "description"), &ops.join("\n")]),
            anchor: format!("channel-{}", slug(name)),
        });
        if out.len() >= MAX_OPERATIONS {
            break;
        }
    }
    out
}

/// GraphQL SDL: each `type`/`interface`/`input`/`enum`/`union`/`scalar` with the names of
/// its fields (or values). A scan, not a parser: strings and comments are skipped, nesting
/// is bounded by the text itself.
fn graphql(text: &str) -> Vec<Operation> {
    const KEYWORDS: [&str; 6] = ["type", "interface", "input", "enum", "union", "scalar"];
    let tokens = tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < tokens.len() && out.len() < MAX_OPERATIONS {
        let (keyword, name) = (tokens[i].as_str(), tokens[i + 1].as_str());
        if !KEYWORDS.contains(&keyword) || !is_name(name) {
            i += 1;
            continue;
        }
        i += 2;
        let mut fields = Vec::new();
        // Up to the body's `{`, if any, before the next definition.
        while i < tokens.len() && tokens[i] != "{" && !KEYWORDS.contains(&tokens[i].as_str()) {
            i += 1;
        }
        if i < tokens.len() && tokens[i] == "{" {
            let mut depth = 0usize;
            while i < tokens.len() {
                match tokens[i].as_str() {
                    "{" | "(" => depth += 1,
                    "}" | ")" => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    t if depth == 1 && is_name(t) => {
                        let next = tokens.get(i + 1).map(String::as_str);
                        if matches!(next, Some(":" | "(")) || keyword == "enum" {
                            fields.push(t.to_string());
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        out.push(Operation {
            title: format!("{keyword} {name}"),
            summary: String::new(),
            text: fields.join(" "),
            anchor: format!("type-{}", slug(name)),
        });
    }
    out
}

fn is_name(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Names and punctuation of SDL, without strings, block strings and comments.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                // `""` is an empty string; `"""` opens a block string.
                let mut ahead = chars.clone();
                let block = ahead.next() == Some('"') && ahead.next() == Some('"');
                if block {
                    chars.next();
                    chars.next();
                } else if chars.peek() == Some(&'"') {
                    chars.next();
                    continue;
                }
                let mut quotes = 0;
                let mut escaped = false;
                for c in chars.by_ref() {
                    if block {
                        quotes = if c == '"' { quotes + 1 } else { 0 };
                        if quotes == 3 {
                            break;
                        }
                    } else if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' || c == '\n' {
                        break;
                    }
                }
            }
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let mut word = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_ascii_alphanumeric() || n == '_' {
                        word.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(word);
            }
            '{' | '}' | '(' | ')' | ':' => out.push(c.to_string()),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests;
