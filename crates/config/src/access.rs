//! Typed reads from the tree: each failure names the file, line and dotted key.

use url::Url;

use crate::error::{ConfigError, ConfigWarning};
use crate::node::{Key, Node, Value};
use crate::template::Template;

pub(crate) fn invalid(node: &Node, key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        file: node.pos.file.to_string(),
        line: node.pos.line,
        column: node.pos.column,
        key: key.to_owned(),
        message: message.into(),
    }
}

pub(crate) fn map<'a>(node: &'a Node, key: &str) -> Result<&'a [(Key, Node)], ConfigError> {
    match &node.value {
        Value::Map(entries) => Ok(entries),
        _ => Err(invalid(
            node,
            key,
            format!("expected a mapping, found {}", node.kind()),
        )),
    }
}

pub(crate) fn seq<'a>(node: &'a Node, key: &str) -> Result<&'a [Node], ConfigError> {
    match &node.value {
        Value::Seq(items) => Ok(items),
        _ => Err(invalid(
            node,
            key,
            format!("expected a list, found {}", node.kind()),
        )),
    }
}

pub(crate) fn template<'a>(node: &'a Node, key: &str) -> Result<&'a Template, ConfigError> {
    match &node.value {
        Value::Text(t) => Ok(t),
        _ => Err(invalid(
            node,
            key,
            format!("expected a string, found {}", node.kind()),
        )),
    }
}

/// A string that must not reference a secret (URLs, names, …).
pub(crate) fn plain_string(node: &Node, key: &str) -> Result<String, ConfigError> {
    match &node.value {
        Value::Text(t) => t.as_plain().ok_or_else(|| {
            invalid(
                node,
                key,
                "`${secret:…}` is only allowed in proxy headers and tokens",
            )
        }),
        // Backstage reads numbers and booleans as strings where strings are expected.
        Value::Number(n) => Ok(n.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(invalid(
            node,
            key,
            format!("expected a string, found {}", node.kind()),
        )),
    }
}

pub(crate) fn boolean(node: &Node, key: &str) -> Result<bool, ConfigError> {
    match &node.value {
        Value::Bool(b) => Ok(*b),
        Value::Text(t) => match t.as_plain().as_deref() {
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            _ => Err(invalid(node, key, "expected true or false")),
        },
        _ => Err(invalid(
            node,
            key,
            format!("expected true or false, found {}", node.kind()),
        )),
    }
}

pub(crate) fn unsigned(node: &Node, key: &str) -> Result<u64, ConfigError> {
    let text = match &node.value {
        Value::Number(n) => n.clone(),
        Value::Text(t) => t.as_plain().unwrap_or_default(),
        _ => String::new(),
    };
    text.trim().parse::<u64>().map_err(|_| {
        invalid(
            node,
            key,
            format!(
                "expected a whole non-negative number, found {}",
                node.kind()
            ),
        )
    })
}

pub(crate) fn string_list(node: &Node, key: &str) -> Result<Vec<String>, ConfigError> {
    seq(node, key)?
        .iter()
        .enumerate()
        .map(|(i, item)| plain_string(item, &format!("{key}[{i}]")))
        .collect()
}

pub(crate) fn http_url(node: &Node, key: &str) -> Result<Url, ConfigError> {
    let text = plain_string(node, key)?;
    let url = Url::parse(&text)
        .map_err(|e| invalid(node, key, format!("not a valid URL ({e}): {text}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid(
            node,
            key,
            format!("expected an http(s) URL with a host: {text}"),
        ));
    }
    Ok(url)
}

pub(crate) fn warn_unknown(
    entries: &[(Key, Node)],
    prefix: &str,
    known: &[&str],
    note: &str,
    warnings: &mut Vec<ConfigWarning>,
) {
    for (k, _) in entries {
        if !known.contains(&k.name.as_str()) {
            warnings.push(ConfigWarning {
                file: k.pos.file.to_string(),
                line: k.pos.line,
                key: if prefix.is_empty() {
                    k.name.clone()
                } else {
                    format!("{prefix}.{}", k.name)
                },
                message: format!("unknown key ignored{note}"),
            });
        }
    }
}
