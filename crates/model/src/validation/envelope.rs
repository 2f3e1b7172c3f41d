//! The envelope every kind shares: root fields, `apiVersion`, `kind` and `metadata`.

use serde_json::{Map, Value};

use super::rules::{
    is_non_blank, is_valid_api_version, is_valid_kind, is_valid_label_key, is_valid_label_value,
    is_valid_namespace, is_valid_object_name, is_valid_tag, is_valid_url,
};
use super::{Report, ValidationError, describe};

const ROOT_FIELDS: [&str; 6] = [
    "apiVersion",
    "kind",
    "metadata",
    "spec",
    "relations",
    "status",
];

pub(super) const NAME_RULE: &str =
    "a string of [a-zA-Z0-9] runs separated by any of [-_.], at most 63 characters in total";
const NAMESPACE_RULE: &str =
    "a string of [a-z0-9] runs separated by dashes, at most 63 characters in total";
const TAG_RULE: &str =
    "a string of [a-z0-9:+#] runs separated by single dashes, at most 63 characters in total";
const KEY_RULE: &str = "an optional DNS-subdomain prefix and a slash, followed by [a-zA-Z0-9] runs separated by any of [-_.] (at most 63 characters)";

pub(super) fn check(value: &Value, errors: &mut Vec<ValidationError>) {
    let mut r = Report { errors };
    let Some(root) = value.as_object() else {
        r.push(
            "",
            format!("an entity must be an object, found {}", describe(value)),
        );
        return;
    };
    for key in root.keys() {
        if !ROOT_FIELDS.contains(&key.as_str()) {
            r.push(
                key.clone(),
                format!(
                    "is not a valid root field; allowed are {}",
                    ROOT_FIELDS.join(", ")
                ),
            );
        }
    }
    check_string(
        &mut r,
        root,
        "apiVersion",
        is_valid_api_version,
        "a group/version such as backstage.io/v1alpha1",
    );
    check_string(
        &mut r,
        root,
        "kind",
        is_valid_kind,
        "a letter followed by letters and digits, at most 63 characters",
    );
    match root.get("metadata") {
        None | Some(Value::Null) => r.push("metadata", "must have a value"),
        Some(Value::Object(meta)) => check_metadata(&mut r, meta),
        Some(other) => r.push(
            "metadata",
            format!("must be an object, found {}", describe(other)),
        ),
    }
    if let Some(spec) = root.get("spec")
        && !spec.is_object()
    {
        r.push(
            "spec",
            format!("must be an object, found {}", describe(spec)),
        );
    }
    if let Some(rel) = root.get("relations")
        && !rel.is_array()
    {
        r.push(
            "relations",
            format!("must be an array, found {}", describe(rel)),
        );
    }
}

fn found(value: &Value) -> String {
    match value {
        Value::String(s) => format!("\"{s}\""),
        other => describe(other).to_string(),
    }
}

fn not_valid(expected: &str, value: &Value) -> String {
    format!(
        "is not valid; expected {expected} but found {}",
        found(value)
    )
}

fn check_string(
    r: &mut Report,
    obj: &Map<String, Value>,
    field: &str,
    rule: fn(&str) -> bool,
    expected: &str,
) {
    match obj.get(field) {
        None | Some(Value::Null) => r.push(field, "must have a value"),
        Some(Value::String(s)) if rule(s) => {}
        Some(v) => r.push(field, not_valid(expected, v)),
    }
}

fn check_metadata(r: &mut Report, meta: &Map<String, Value>) {
    match meta.get("name") {
        None | Some(Value::Null) => r.push("metadata.name", "must have a value"),
        Some(Value::String(s)) if is_valid_object_name(s) => {}
        Some(v) => r.push("metadata.name", not_valid(NAME_RULE, v)),
    }
    if let Some(v) = meta.get("namespace") {
        match v {
            Value::String(s) if is_valid_namespace(s) => {}
            v => r.push("metadata.namespace", not_valid(NAMESPACE_RULE, v)),
        }
    }
    for field in ["title", "uid", "etag"] {
        if let Some(v) = meta.get(field)
            && v.as_str().is_none_or(str::is_empty)
        {
            r.push(
                format!("metadata.{field}"),
                format!("must be a non-empty string, found {}", found(v)),
            );
        }
    }
    if let Some(v) = meta.get("description")
        && !v.is_string()
    {
        r.push(
            "metadata.description",
            format!("must be a string, found {}", describe(v)),
        );
    }
    check_key_values(
        r,
        meta,
        "labels",
        |v| v.as_str().is_some_and(is_valid_label_value),
        NAME_RULE,
    );
    check_key_values(r, meta, "annotations", Value::is_string, "a string");
    check_tags(r, meta.get("tags"));
    check_links(r, meta.get("links"));
}

fn check_key_values(
    r: &mut Report,
    meta: &Map<String, Value>,
    field: &str,
    value_ok: fn(&Value) -> bool,
    value_rule: &str,
) {
    let Some(v) = meta.get(field) else { return };
    let Some(map) = v.as_object() else {
        r.push(
            format!("metadata.{field}"),
            format!("must be an object, found {}", describe(v)),
        );
        return;
    };
    for (k, v) in map {
        let path = format!("metadata.{field}.{k}");
        if !is_valid_label_key(k) {
            r.push(
                path.clone(),
                format!("has an invalid key; expected {KEY_RULE} but found \"{k}\""),
            );
        }
        if !value_ok(v) {
            r.push(
                path,
                format!(
                    "has an invalid value; expected {value_rule} but found {}",
                    found(v)
                ),
            );
        }
    }
}

fn check_tags(r: &mut Report, tags: Option<&Value>) {
    let Some(tags) = tags else { return };
    let Some(list) = tags.as_array() else {
        r.push(
            "metadata.tags",
            format!("must be an array, found {}", describe(tags)),
        );
        return;
    };
    for (i, tag) in list.iter().enumerate() {
        if !tag.as_str().is_some_and(is_valid_tag) {
            r.push(format!("metadata.tags.{i}"), not_valid(TAG_RULE, tag));
        }
    }
}

fn check_links(r: &mut Report, links: Option<&Value>) {
    let Some(links) = links else { return };
    let Some(list) = links.as_array() else {
        r.push(
            "metadata.links",
            format!("must be an array, found {}", describe(links)),
        );
        return;
    };
    for (i, link) in list.iter().enumerate() {
        let base = format!("metadata.links.{i}");
        let Some(link) = link.as_object() else {
            r.push(base, format!("must be an object, found {}", describe(link)));
            continue;
        };
        match link.get("url") {
            None | Some(Value::Null) => r.push(format!("{base}.url"), "must have a value"),
            Some(v) if v.as_str().is_some_and(is_valid_url) => {}
            Some(v) => r.push(
                format!("{base}.url"),
                not_valid("a string that is a valid url", v),
            ),
        }
        if let Some(v) = link.get("title")
            && !v.as_str().is_some_and(is_non_blank)
        {
            r.push(format!("{base}.title"), not_valid("a non empty string", v));
        }
        if let Some(v) = link.get("icon")
            && v.as_str().is_none_or(str::is_empty)
        {
            r.push(format!("{base}.icon"), not_valid("a non empty string", v));
        }
        if let Some(v) = link.get("type")
            && v.as_str().is_none_or(str::is_empty)
        {
            r.push(format!("{base}.type"), not_valid("a non empty string", v));
        }
    }
}
