//! Checks a page's values against its fields: required, types, lengths, ranges, patterns,
//! formats, enums, and the field extensions' own rules (entity names, repository
//! locations). One message per field, keyed by the field's id. Pure: tested natively; the
//! pattern matcher is given (JavaScript's RegExp in the window, as JSON schema means).

use std::collections::BTreeMap;

use serde_json::Value;

use super::repo_url::RepoUrl;
use super::schema::{Extension, Field, FieldKind, is_empty};

/// `pattern, text → Some(matches)`, `None` when the pattern does not compile.
pub type Matcher<'a> = &'a dyn Fn(&str, &str) -> Option<bool>;

/// Field id → what is wrong with its value.
pub type Problems = BTreeMap<String, String>;

pub fn page(fields: &[Field], values: &Value, matches: Matcher<'_>) -> Problems {
    let mut problems = Problems::new();
    check_all(fields, values, matches, &mut problems);
    problems
}

fn check_all(fields: &[Field], values: &Value, matches: Matcher<'_>, out: &mut Problems) {
    for field in fields {
        let value = value_at(values, &field.path);
        if let FieldKind::Object(inner) = &field.kind {
            check_all(inner, values, matches, out);
            continue;
        }
        if let Some(problem) = check(field, value, matches) {
            out.insert(field.id(), problem);
        }
    }
}

pub fn value_at<'a>(values: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut v = values;
    for key in path {
        v = v.get(key)?;
    }
    Some(v)
}

/// Backstage's rule for entity names: 1–63 characters, letters and digits separated by
/// single `-`, `_` or `.`.
pub fn valid_entity_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !name.is_empty()
        && name.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !bytes
            .windows(2)
            .any(|w| !w[0].is_ascii_alphanumeric() && !w[1].is_ascii_alphanumeric())
}

fn check(field: &Field, value: Option<&Value>, matches: Matcher<'_>) -> Option<String> {
    // A repository location with neither owner nor repository is not given; one half
    // typed is incomplete (refused below even when not required, as Backstage's check).
    let missing = value.is_none_or(is_empty)
        || matches!(field.kind, FieldKind::Extension(Extension::RepoUrlPicker))
            && value.and_then(Value::as_str).is_some_and(|v| {
                let url = RepoUrl::parse(v);
                url.owner.is_empty() && url.repo.is_empty()
            });
    if missing {
        return field
            .required
            .then(|| format!("{} is required.", field.title));
    }
    let value = value?;
    let s = &field.schema;
    let num = |k: &str| s.get(k).and_then(Value::as_f64);
    match (&field.kind, value) {
        (FieldKind::Number { integer }, Value::Number(n)) => {
            let n = n.as_f64().unwrap_or(0.0);
            if *integer && n.fract() != 0.0 {
                return Some("A whole number, please.".into());
            }
            if let Some(min) = num("minimum")
                && n < min
            {
                return Some(format!("At least {min}."));
            }
            if let Some(max) = num("maximum")
                && n > max
            {
                return Some(format!("At most {max}."));
            }
        }
        (FieldKind::Number { .. }, _) => return Some("A number, please.".into()),
        (FieldKind::Extension(Extension::EntityNamePicker), Value::String(name))
            if !valid_entity_name(name) =>
        {
            return Some(
                "Letters and digits, separated by single -, _ or . (at most 63 characters).".into(),
            );
        }
        (FieldKind::Extension(Extension::RepoUrlPicker), Value::String(url)) => {
            return RepoUrl::parse(url).problem(field);
        }
        (FieldKind::Choice(_, options), v) if !options.iter().any(|o| &o.value == v) => {
            return Some("Choose one of the options.".into());
        }
        (_, Value::String(text)) => return check_text(field, text, matches),
        (FieldKind::List | FieldKind::Choices(_), Value::Array(items)) => {
            if let Some(min) = num("minItems")
                && (items.len() as f64) < min
            {
                return Some(format!("At least {min} items."));
            }
            if let Some(max) = num("maxItems")
                && (items.len() as f64) > max
            {
                return Some(format!("At most {max} items."));
            }
        }
        _ => {}
    }
    None
}

fn check_text(field: &Field, text: &str, matches: Matcher<'_>) -> Option<String> {
    let s = &field.schema;
    let chars = text.chars().count() as f64;
    if let Some(min) = s.get("minLength").and_then(Value::as_f64)
        && chars < min
    {
        return Some(format!("At least {min} characters."));
    }
    if let Some(max) = s.get("maxLength").and_then(Value::as_f64)
        && chars > max
    {
        return Some(format!("At most {max} characters."));
    }
    if let Some(pattern) = s.get("pattern").and_then(Value::as_str) {
        match matches(pattern, text) {
            Some(true) => {}
            Some(false) => return Some(format!("Must match the pattern {pattern}.")),
            None => return Some(format!("The template's pattern {pattern} is not valid.")),
        }
    }
    match s.get("format").and_then(Value::as_str) {
        Some("email") if !valid_email(text) => Some("An email address, please.".into()),
        Some("uri" | "url") if !valid_uri(text) => {
            Some("An address such as https://example.com, please.".into())
        }
        Some("date") if !valid_date(text) => Some("A date as YYYY-MM-DD, please.".into()),
        _ => None,
    }
}

fn valid_email(text: &str) -> bool {
    text.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
    }) && !text.contains(char::is_whitespace)
}

fn valid_uri(text: &str) -> bool {
    text.split_once(':').is_some_and(|(scheme, rest)| {
        !scheme.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !rest.is_empty()
    }) && !text.contains(char::is_whitespace)
}

fn valid_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3
        && [4, 2, 2]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[1].parse::<u8>().is_ok_and(|m| (1..=12).contains(&m))
        && parts[2].parse::<u8>().is_ok_and(|d| (1..=31).contains(&d))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

    use super::*;
    use crate::form::schema;
    use serde_json::json;

    /// Patterns of the tests: `^[a-z]+$` and anything else invalid.
    fn matcher(pattern: &str, text: &str) -> Option<bool> {
        (pattern == "^[a-z]+$")
            .then(|| !text.is_empty() && text.bytes().all(|b| b.is_ascii_lowercase()))
    }

    fn problems(schema: Value, values: Value) -> Problems {
        let p = schema::page(&schema, &values);
        page(&p.fields, &values, &matcher)
    }

    #[test]
    fn each_rule_has_its_message() {
        let schema = json!({
            "required": ["name", "size"],
            "properties": {
                "name": {"title": "Name", "type": "string", "minLength": 3, "maxLength": 5},
                "slug": {"type": "string", "pattern": "^[a-z]+$"},
                "odd": {"type": "string", "pattern": "("},
                "size": {"title": "Size", "type": "integer", "minimum": 1, "maximum": 9},
                "mail": {"type": "string", "format": "email"},
                "site": {"type": "string", "format": "uri"},
                "day": {"type": "string", "format": "date"},
                "lang": {"type": "string", "enum": ["go"]},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 1},
                "entity": {"type": "string", "ui:field": "EntityNamePicker"}
            }
        });
        let p = problems(schema.clone(), json!({}));
        assert_eq!(p["name"], "Name is required.");
        assert_eq!(p["size"], "Size is required.");
        assert_eq!(p.len(), 2, "{p:?}");

        let p = problems(
            schema.clone(),
            json!({"name": "ab", "slug": "A1", "odd": "x", "size": 2.5, "mail": "a@b",
                   "site": "no scheme", "day": "2026-13-01", "lang": "rust", "tags": ["a", "b"],
                   "entity": "-bad-"}),
        );
        assert_eq!(p["name"], "At least 3 characters.");
        assert_eq!(p["slug"], "Must match the pattern ^[a-z]+$.");
        assert_eq!(p["odd"], "The template's pattern ( is not valid.");
        assert_eq!(p["size"], "A whole number, please.");
        assert_eq!(p["mail"], "An email address, please.");
        assert!(p["site"].starts_with("An address"));
        assert!(p["day"].starts_with("A date"));
        assert_eq!(p["lang"], "Choose one of the options.");
        assert_eq!(p["tags"], "At most 1 items.");
        assert!(p["entity"].starts_with("Letters and digits"));

        let ok = problems(
            schema,
            json!({"name": "abcd", "slug": "abc", "size": 9, "mail": "a@b.io",
                   "site": "https://x.io", "day": "2026-12-04", "lang": "go", "tags": ["a"],
                   "entity": "my-service.v2"}),
        );
        let ok: Vec<_> = ok.keys().filter(|k| *k != "odd").collect();
        assert!(ok.is_empty(), "{ok:?}");
    }

    #[test]
    fn a_repository_location_half_typed_is_refused_even_when_optional() {
        let schema =
            json!({"properties": {"repo": {"type": "string", "ui:field": "RepoUrlPicker"}}});
        assert!(problems(schema.clone(), json!({})).is_empty());
        assert!(problems(schema.clone(), json!({"repo": "github.com?owner=&repo="})).is_empty());
        assert_eq!(
            problems(
                schema.clone(),
                json!({"repo": "github.com?owner=acme&repo="})
            )["repo"],
            "Host, owner and repository are all needed."
        );
        assert!(problems(schema, json!({"repo": "github.com?owner=acme&repo=x"})).is_empty());
        let required = json!({"required": ["repo"], "properties": {"repo": {"title": "Repo", "type": "string", "ui:field": "RepoUrlPicker"}}});
        assert_eq!(
            problems(required, json!({"repo": "github.com?owner=&repo="}))["repo"],
            "Repo is required."
        );
    }

    #[test]
    fn entity_names_follow_backstage() {
        for good in ["a", "my-service", "a.b_c-d", "X9", &"a".repeat(63)] {
            assert!(valid_entity_name(good), "{good}");
        }
        for bad in ["", "-a", "a-", "a--b", "a b", "ä", &"a".repeat(64)] {
            assert!(!valid_entity_name(bad), "{bad}");
        }
    }

    #[test]
    fn nested_objects_are_checked_under_their_path() {
        let p = problems(
            json!({"properties": {"o": {"type": "object", "required": ["x"], "properties": {"x": {"title": "X", "type": "string"}}}}}),
            json!({"o": {}}),
        );
        assert_eq!(p["o.x"], "X is required.");
    }
}
