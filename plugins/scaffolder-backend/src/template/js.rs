//! JavaScript's view of values: how nunjucks prints them, how `JSON.stringify` writes them,
//! and the conversions between minijinja values and JSON that keep JavaScript's rules
//! (undefined dropped from objects, `null` in arrays, `1.0` is `1`).

use minijinja::value::{Value, ValueKind};
use serde_json::Value as Json;

/// Deepest nesting walked when converting or printing a value (beyond: refused).
pub const MAX_DEPTH: usize = 200;

/// A number as JavaScript's `String(n)` writes it.
pub fn number_to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if n == 0.0 {
        return "0".into();
    }
    let abs = n.abs();
    if (1e-6..1e21).contains(&abs) {
        // Rust's shortest round-trip decimal, never in exponent form in this range.
        let text = format!("{n}");
        return text;
    }
    // Exponent form: Rust writes `1.5e-7` / `1e21`, JavaScript `1.5e-7` / `1e+21`.
    let text = format!("{n:e}");
    match text.split_once('e') {
        Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp}"),
        _ => text,
    }
}

/// A JSON number as JavaScript prints it.
pub fn json_number_to_string(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    number_to_string(n.as_f64().unwrap_or(f64::NAN))
}

/// How nunjucks prints a value in `${{ }}`: undefined and null print nothing, arrays join
/// their items with commas, objects are `[object Object]`.
pub fn display(value: &Value, out: &mut String) {
    display_depth(value, out, 0);
}

fn display_depth(value: &Value, out: &mut String, depth: usize) {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => {}
        ValueKind::Bool => out.push_str(if value.is_true() { "true" } else { "false" }),
        ValueKind::Number => out.push_str(&value_number_to_string(value)),
        ValueKind::String => out.push_str(value.as_str().unwrap_or_default()),
        ValueKind::Bytes => out.push_str(&String::from_utf8_lossy(
            value.as_bytes().unwrap_or_default(),
        )),
        ValueKind::Seq | ValueKind::Iterable => {
            if depth > MAX_DEPTH {
                return;
            }
            if let Ok(items) = value.try_iter() {
                for (i, item) in items.enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    display_depth(&item, out, depth + 1);
                }
            }
        }
        ValueKind::Map => out.push_str("[object Object]"),
        _ => out.push_str(&value.to_string()),
    }
}

/// Largest integer a JavaScript number holds exactly (2^53).
const MAX_SAFE: i64 = 9_007_199_254_740_992;

/// A computed number as a template value: integral values become integers (they print
/// without a fraction, as in JavaScript).
pub fn number_value(f: f64) -> Value {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < MAX_SAFE as f64 {
        Value::from(f as i64)
    } else {
        Value::from(f)
    }
}

/// A number value as JavaScript prints it (integers beyond 2^53 are rounded to a double,
/// as JavaScript reads them: `12345678901234567890` prints `12345678901234567000`).
pub fn value_number_to_string(value: &Value) -> String {
    if value.is_integer()
        && let Some(i) = value
            .as_i64()
            .filter(|i| i.unsigned_abs() <= MAX_SAFE as u64)
    {
        return i.to_string();
    }
    match f64::try_from(value.clone()) {
        Ok(f) => number_to_string(f),
        Err(_) => value.to_string(),
    }
}

/// The string nunjucks would print for `value`.
pub fn to_display_string(value: &Value) -> String {
    let mut out = String::new();
    display(value, &mut out);
    out
}

/// `value` as JSON the way `JSON.stringify` sees it: `None` for undefined (and functions);
/// undefined inside an object drops the key, inside an array becomes `null`; non-finite
/// numbers are `null`.
pub fn to_json(value: &Value) -> Option<Json> {
    to_json_depth(value, 0)
}

fn to_json_depth(value: &Value, depth: usize) -> Option<Json> {
    if depth > MAX_DEPTH {
        return Some(Json::Null);
    }
    Some(match value.kind() {
        ValueKind::Undefined => return None,
        ValueKind::None => Json::Null,
        ValueKind::Bool => Json::Bool(value.is_true()),
        ValueKind::Number => {
            if value.is_integer()
                && let Some(i) = value
                    .as_i64()
                    .filter(|i| i.unsigned_abs() <= MAX_SAFE as u64)
            {
                return Some(Json::from(i));
            }
            match f64::try_from(value.clone()) {
                Ok(f) => f64_to_json(f),
                Err(_) => Json::Null,
            }
        }
        ValueKind::String => Json::String(value.as_str().unwrap_or_default().to_string()),
        ValueKind::Bytes => {
            Json::String(String::from_utf8_lossy(value.as_bytes().unwrap_or_default()).into_owned())
        }
        ValueKind::Seq | ValueKind::Iterable => {
            let mut items = Vec::new();
            if let Ok(iter) = value.try_iter() {
                for item in iter {
                    items.push(to_json_depth(&item, depth + 1).unwrap_or(Json::Null));
                }
            }
            Json::Array(items)
        }
        ValueKind::Map => {
            let mut map = serde_json::Map::new();
            if let Ok(keys) = value.try_iter() {
                for key in keys {
                    let item = value.get_item(&key).unwrap_or(Value::UNDEFINED);
                    if let Some(json) = to_json_depth(&item, depth + 1) {
                        map.insert(to_display_string(&key), json);
                    }
                }
            }
            Json::Object(map)
        }
        ValueKind::Plain => return None,
        _ => Json::String(value.to_string()),
    })
}

/// A float as a JSON number: integral values become integers (JavaScript has one number
/// type, so `1.0` is `1`), non-finite ones `null`.
pub fn f64_to_json(f: f64) -> Json {
    if !f.is_finite() {
        return Json::Null;
    }
    if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        return Json::from(f as i64);
    }
    serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)
}

/// A template map (an object) keeping the entries' order.
pub fn make_map(entries: impl IntoIterator<Item = (String, Value)>) -> Value {
    let map: indexmap::IndexMap<Value, Value> = entries
        .into_iter()
        .map(|(k, v)| (Value::from(k), v))
        .collect();
    Value::from_object(map)
}

/// JSON as a template value.
pub fn from_json(json: &Json) -> Value {
    from_json_depth(json, 0)
}

fn from_json_depth(json: &Json, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::from(());
    }
    match json {
        Json::Null => Value::from(()),
        Json::Bool(b) => Value::from(*b),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                Value::from(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(items) => Value::from(
            items
                .iter()
                .map(|i| from_json_depth(i, depth + 1))
                .collect::<Vec<_>>(),
        ),
        Json::Object(map) => make_map(
            map.iter()
                .map(|(k, v)| (k.clone(), from_json_depth(v, depth + 1))),
        ),
    }
}

/// `JSON.stringify(value, null, indent)`: `indent` is the gap string (at most 10 chars).
pub fn stringify(json: &Json, indent: &str) -> String {
    let mut out = String::new();
    write_json(json, indent, 0, &mut out);
    out
}

fn write_json(json: &Json, indent: &str, level: usize, out: &mut String) {
    match json {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0);
            if n.is_f64() && !f.is_finite() {
                out.push_str("null");
            } else {
                out.push_str(&json_number_to_string(n));
            }
        }
        Json::String(s) => quote(s, out),
        Json::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(indent, level + 1, out);
                write_json(item, indent, level + 1, out);
            }
            newline(indent, level, out);
            out.push(']');
        }
        Json::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(indent, level + 1, out);
                quote(key, out);
                out.push(':');
                if !indent.is_empty() {
                    out.push(' ');
                }
                write_json(item, indent, level + 1, out);
            }
            newline(indent, level, out);
            out.push('}');
        }
    }
}

fn newline(indent: &str, level: usize, out: &mut String) {
    if indent.is_empty() {
        return;
    }
    out.push('\n');
    for _ in 0..level {
        out.push_str(indent);
    }
}

/// A JSON string literal as `JSON.stringify` writes it.
pub fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// JavaScript truthiness of a JSON value (`[]` and `{}` are true).
pub fn json_truthy(json: &Json) -> bool {
    match json {
        Json::Null => false,
        Json::Bool(b) => *b,
        Json::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Json::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// JavaScript truthiness of a template value (`[]` and `{}` are true, unlike Jinja).
pub fn truthy(value: &Value) -> bool {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => false,
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable | ValueKind::Plain => true,
        _ => value.is_true(),
    }
}

/// A JavaScript `Number(value)`-like conversion.
pub fn to_number(value: &Value) -> f64 {
    match value.kind() {
        ValueKind::Undefined => f64::NAN,
        ValueKind::None => 0.0,
        ValueKind::Bool => {
            if value.is_true() {
                1.0
            } else {
                0.0
            }
        }
        ValueKind::Number => f64::try_from(value.clone()).unwrap_or(f64::NAN),
        ValueKind::String => string_to_number(value.as_str().unwrap_or_default()),
        ValueKind::Seq => string_to_number(&to_display_string(value)),
        _ => f64::NAN,
    }
}

/// `Number("…")`.
pub fn string_to_number(s: &str) -> f64 {
    let t = s.trim();
    if t.is_empty() {
        return 0.0;
    }
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).map_or(f64::NAN, |v| v as f64);
    }
    match t {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    if t.chars()
        .any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
    {
        return f64::NAN;
    }
    t.parse::<f64>().unwrap_or(f64::NAN)
}

/// `parseFloat("…")`: the longest numeric prefix.
pub fn parse_float(s: &str) -> f64 {
    let t = s.trim_start();
    let bytes = t.as_bytes();
    let mut end = 0;
    let mut seen_digit = false;
    let mut seen_dot = false;
    let mut seen_exp = false;
    let mut i = 0;
    if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
        i += 1;
    }
    if t[i..].starts_with("Infinity") {
        return if t.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_digit() {
            seen_digit = true;
            end = i + 1;
        } else if b == b'.' && !seen_dot && !seen_exp {
            seen_dot = true;
        } else if (b == b'e' || b == b'E') && seen_digit && !seen_exp {
            seen_exp = true;
            if i + 1 < bytes.len() && (bytes[i + 1] == b'+' || bytes[i + 1] == b'-') {
                i += 1;
            }
        } else {
            break;
        }
        i += 1;
    }
    if !seen_digit {
        return f64::NAN;
    }
    let mut candidate = &t[..end];
    loop {
        if let Ok(v) = candidate.parse::<f64>() {
            return v;
        }
        if candidate.is_empty() {
            return f64::NAN;
        }
        candidate = &candidate[..candidate.len() - 1];
    }
}

/// `parseInt("…", base)`.
pub fn parse_int(s: &str, base: u32) -> Option<i64> {
    let t = s.trim_start();
    let (neg, rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (base, rest) =
        if (base == 16 || base == 0) && (rest.starts_with("0x") || rest.starts_with("0X")) {
            (16, &rest[2..])
        } else if base == 0 {
            (10, rest)
        } else {
            (base, rest)
        };
    if !(2..=36).contains(&base) {
        return None;
    }
    let digits: String = rest.chars().take_while(|c| c.is_digit(base)).collect();
    if digits.is_empty() {
        return None;
    }
    let v = i64::from_str_radix(&digits, base).ok()?;
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_javascript() {
        assert_eq!(number_to_string(1.0), "1");
        assert_eq!(number_to_string(1.5), "1.5");
        assert_eq!(number_to_string(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(number_to_string(1e21), "1e+21");
        assert_eq!(number_to_string(1.5e-7), "1.5e-7");
        assert_eq!(number_to_string(-0.0), "0");
        assert_eq!(number_to_string(f64::NAN), "NaN");
    }

    #[test]
    fn values_print_as_nunjucks() {
        let v = from_json(&serde_json::json!([1, null, "a", [2, 3], {"x": 1}, true, 2.0]));
        assert_eq!(to_display_string(&v), "1,,a,2,3,[object Object],true,2");
        assert_eq!(to_display_string(&Value::UNDEFINED), "");
    }

    #[test]
    fn stringify_matches_json_stringify() {
        let json =
            serde_json::json!({"a": [1, 2.5, {"b": null}], "c": "q\"\n\u{1}", "d": {}, "e": []});
        assert_eq!(
            stringify(&json, ""),
            r#"{"a":[1,2.5,{"b":null}],"c":"q\"\n\u0001","d":{},"e":[]}"#
        );
        assert_eq!(
            stringify(&serde_json::json!({"a": [1]}), "  "),
            "{\n  \"a\": [\n    1\n  ]\n}"
        );
    }

    #[test]
    fn parsing_numbers_as_javascript() {
        assert_eq!(parse_float("3.5abc"), 3.5);
        assert!(parse_float("abc").is_nan());
        assert_eq!(parse_int("42px", 10), Some(42));
        assert_eq!(parse_int("ff", 16), Some(255));
        assert_eq!(parse_int("x", 10), None);
        assert_eq!(string_to_number(" 12 "), 12.0);
        assert!(string_to_number("12a").is_nan());
    }
}
