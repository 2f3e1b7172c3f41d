//! JSON written as YAML the way the `yaml` package's `stringify` writes it with its defaults
//! (2-space indent, sequences indented under their key, plain scalars where they read back
//! as the same string, double quotes otherwise, `|` blocks for multi-line strings). Long
//! lines are not folded (the package folds plain scalars past 80 columns).

use serde_json::Value as Json;

use crate::template::js;

pub fn stringify(value: &Json) -> String {
    let mut out = String::new();
    match value {
        Json::Object(map) if !map.is_empty() => write_map(map, 0, &mut out),
        Json::Array(items) if !items.is_empty() => write_seq(items, 0, &mut out),
        other => {
            out.push_str(&scalar(other, 0, false));
            out.push('\n');
        }
    }
    out
}

fn pad(level: usize) -> String {
    " ".repeat(level)
}

fn write_map(map: &serde_json::Map<String, Json>, indent: usize, out: &mut String) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            out.push_str(&pad(indent));
        }
        out.push_str(&string_scalar(key, indent, true));
        out.push(':');
        write_value_after_key(value, indent, out);
    }
}

fn write_value_after_key(value: &Json, indent: usize, out: &mut String) {
    match value {
        Json::Object(m) if !m.is_empty() => {
            out.push('\n');
            out.push_str(&pad(indent + 2));
            write_map(m, indent + 2, out);
        }
        Json::Array(items) if !items.is_empty() => {
            out.push('\n');
            out.push_str(&pad(indent + 2));
            write_seq(items, indent + 2, out);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other, indent + 2, false));
            out.push('\n');
        }
    }
}

fn write_seq(items: &[Json], indent: usize, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(&pad(indent));
        }
        out.push_str("- ");
        match item {
            Json::Object(m) if !m.is_empty() => write_map(m, indent + 2, out),
            Json::Array(inner) if !inner.is_empty() => write_seq(inner, indent + 2, out),
            other => {
                out.push_str(&scalar(other, indent + 2, false));
                out.push('\n');
            }
        }
    }
}

fn scalar(value: &Json, indent: usize, key: bool) -> String {
    match value {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => js::json_number_to_string(n),
        Json::String(s) => string_scalar(s, indent, key),
        Json::Array(_) => "[]".into(),
        Json::Object(_) => "{}".into(),
    }
}

/// Would this plain scalar read back as something other than this string?
fn reads_as_other_type(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "null" | "~" | "true" | "false" | ".nan" | ".inf" | "-.inf" | "+.inf"
    ) {
        return matches!(
            s,
            "null" | "Null" | "NULL" | "~" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
        ) || matches!(lower.as_str(), ".nan" | ".inf" | "-.inf" | "+.inf");
    }
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    if t.is_empty() {
        return false;
    }
    if let Some(hex) = t.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(oct) = t.strip_prefix("0o") {
        return !oct.is_empty() && oct.chars().all(|c| ('0'..='7').contains(&c));
    }
    // Core schema floats and ints: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((a, b)) => {
            (a.is_empty() && !b.is_empty() && b.chars().all(|c| c.is_ascii_digit()))
                || (!a.is_empty()
                    && a.chars().all(|c| c.is_ascii_digit())
                    && b.chars().all(|c| c.is_ascii_digit()))
        }
        None => !mantissa.is_empty() && mantissa.chars().all(|c| c.is_ascii_digit()),
    };
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exp_ok
}

fn needs_quotes(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "\n\t ,[]{}#&*!|>'\"%@`".contains(first) {
        return true;
    }
    if s == "?"
        || s == "-"
        || s.starts_with("? ")
        || s.starts_with("- ")
        || s.starts_with("?\t")
        || s.starts_with("-\t")
    {
        return true;
    }
    let bytes = s.as_bytes();
    for w in bytes.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a == b'\n' || a == b':') && (b == b' ' || b == b'\t') {
            return true;
        }
        if (a == b' ' || a == b'\t') && b == b'\n' {
            return true;
        }
        if (a == b'\n' || a == b'\t' || a == b' ') && b == b'#' {
            return true;
        }
    }
    let last = s.chars().last().unwrap_or(' ');
    if "\n\t :".contains(last) {
        return true;
    }
    if s.starts_with("---") || s.starts_with("...") || s.contains("\n---") || s.contains("\n...") {
        return true;
    }
    if s.chars()
        .any(|c| (c as u32) < 0x20 && c != '\n' && c != '\t' || (0x7f..=0x9f).contains(&(c as u32)))
    {
        return true;
    }
    reads_as_other_type(s)
}

fn string_scalar(s: &str, indent: usize, key: bool) -> String {
    let has_control = s.chars().any(|c| {
        ((c as u32) < 0x20 && c != '\n' && c != '\t') || (0x7f..=0x9f).contains(&(c as u32))
    });
    if !key && !has_control && s.contains('\n') {
        return block_literal(s, indent);
    }
    if needs_quotes(s) || (key && s.contains('\n')) || has_control {
        return quoted(s);
    }
    s.to_string()
}

fn quoted(s: &str) -> String {
    let has_double = s.contains('"');
    let has_single = s.contains('\'');
    if has_double && !has_single {
        // Single quotes: only `'` doubles; newlines would need folding, so keep double then.
        if !s.contains('\n') {
            return format!("'{s}'");
        }
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\u{1b}' => out.push_str("\\e"),
            c if (c as u32) < 0x20 || (0x7f..=0x9f).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn block_literal(s: &str, indent: usize) -> String {
    let trailing = s.len() - s.trim_end_matches('\n').len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let body = if trailing == 0 {
        s
    } else {
        &s[..s.len() - trailing]
    };
    let indicator = if s.starts_with(' ') || s.starts_with('\n') {
        "2"
    } else {
        ""
    };
    let mut out = format!("|{indicator}{chomp}\n");
    let prefix = pad(indent);
    let lines: Vec<&str> = body.split('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        if !line.is_empty() {
            out.push_str(&prefix);
            out.push_str(line);
        }
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
    if trailing > 1 {
        for _ in 1..trailing {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entities_write_as_yaml_stringify_does() {
        let entity = json!({
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Component",
            "metadata": {"name": "x", "tags": ["a", "b"], "annotations": {"a/b": "true"}, "description": "two\nlines"},
            "spec": {"owner": "user:guest", "port": 8080, "list": [{"a": 1, "b": "2"}], "empty": [], "none": null}
        });
        assert_eq!(
            stringify(&entity),
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n  tags:\n    - a\n    - b\n  annotations:\n    a/b: \"true\"\n  description: |-\n    two\n    lines\nspec:\n  owner: user:guest\n  port: 8080\n  list:\n    - a: 1\n      b: \"2\"\n  empty: []\n  none: null\n"
        );
    }

    #[test]
    fn strings_are_quoted_only_when_they_must_be() {
        assert_eq!(string_scalar("plain text", 0, false), "plain text");
        assert_eq!(string_scalar("a: b", 0, false), "\"a: b\"");
        assert_eq!(string_scalar("say \"hi\"", 0, false), "say \"hi\"");
        assert_eq!(
            string_scalar("\"hi\" she said", 0, false),
            "'\"hi\" she said'"
        );
        assert_eq!(string_scalar("", 0, false), "\"\"");
        assert_eq!(string_scalar("1.5", 0, false), "\"1.5\"");
        assert_eq!(string_scalar("#x", 0, false), "\"#x\"");
    }
}
