//! Which form values belong to hidden parameter pages, and removing them (Backstage's
//! `filterHiddenStepValues`, plugin-scaffolder-common 2.4): every page's schema says which
//! value paths it declares (its `properties`, array `items`, through local `$ref`s,
//! `allOf`/`anyOf`/`oneOf`, `then`/`else` and `dependencies`; a page or property that
//! allows `additionalProperties`, or a leaf, claims everything below it). A value declared
//! only by hidden pages is dropped; a value no page declares is kept.

use indexmap::IndexMap;
use serde_json::{Map, Value as Json};

use super::schema::MAX_DEPTH;

/// The value paths some pages declare.
#[derive(Debug, Clone, Default, PartialEq)]
struct Paths {
    /// Everything below here.
    all: bool,
    children: IndexMap<String, Paths>,
}

impl Paths {
    fn everything() -> Self {
        Paths {
            all: true,
            children: IndexMap::new(),
        }
    }

    fn merge(&mut self, other: Paths) {
        self.all |= other.all;
        for (key, paths) in other.children {
            match self.children.get_mut(&key) {
                Some(existing) => existing.merge(paths),
                None => {
                    self.children.insert(key, paths);
                }
            }
        }
    }
}

/// A page schema that cannot be read for paths (a circular or missing `$ref`, too deep).
#[derive(Debug)]
struct Unreadable;

fn resolve<'a>(root: &'a Json, reference: &str) -> Result<&'a Json, Unreadable> {
    let pointer = reference.strip_prefix('#').ok_or(Unreadable)?;
    let decoded = percent_encoding::percent_decode_str(pointer)
        .decode_utf8()
        .map_err(|_| Unreadable)?;
    if decoded.is_empty() {
        return Ok(root);
    }
    let rest = decoded.strip_prefix('/').ok_or(Unreadable)?;
    let mut target = root;
    for segment in rest.split('/') {
        let key = segment.replace("~1", "/").replace("~0", "~");
        target = target
            .as_object()
            .and_then(|m| m.get(&key))
            .ok_or(Unreadable)?;
    }
    if target.is_object() {
        Ok(target)
    } else {
        Err(Unreadable)
    }
}

/// `schema` and the schemas it pulls in by reference or combination.
fn expand<'a>(
    schema: &'a Json,
    root: &'a Json,
    ancestors: &mut Vec<&'a Json>,
    out: &mut Vec<&'a Json>,
) -> Result<(), Unreadable> {
    let circular = ancestors.iter().any(|a| std::ptr::eq(*a, schema));
    if circular || ancestors.len() > MAX_DEPTH || out.len() > 10_000 {
        return Err(Unreadable);
    }
    ancestors.push(schema);
    out.push(schema);
    if let Some(Json::String(reference)) = schema.get("$ref") {
        expand(resolve(root, reference)?, root, ancestors, out)?;
    }
    for keyword in ["allOf", "oneOf", "anyOf"] {
        if let Some(Json::Array(entries)) = schema.get(keyword) {
            for entry in entries.iter().filter(|e| e.is_object()) {
                expand(entry, root, ancestors, out)?;
            }
        }
    }
    let mut more: Vec<&Json> = ["then", "else"]
        .iter()
        .filter_map(|k| schema.get(*k))
        .collect();
    if let Some(Json::Object(deps)) = schema.get("dependencies") {
        more.extend(deps.values());
    }
    for entry in more.into_iter().filter(|e| e.is_object()) {
        expand(entry, root, ancestors, out)?;
    }
    ancestors.pop();
    Ok(())
}

fn collect(
    schema: &Json,
    value: Option<&Json>,
    root: &Json,
    top: Option<bool>,
    depth: usize,
) -> Result<Paths, Unreadable> {
    if depth > MAX_DEPTH {
        return Err(Unreadable);
    }
    let (Some(value), true) = (value, schema.is_object()) else {
        return Ok(Paths::everything());
    };
    let mut paths = Paths::default();
    let mut parts = Vec::new();
    expand(schema, root, &mut Vec::new(), &mut parts)?;
    for part in parts {
        let hidden_page = top == Some(true);
        let open = matches!(
            part.get("additionalProperties"),
            Some(Json::Bool(true)) | Some(Json::Object(_))
        );
        if !hidden_page && open {
            paths.all = true;
        }
        if let Some(Json::Object(properties)) = part.get("properties") {
            for (key, property) in properties {
                let child_value = value.as_object().and_then(|o| o.get(key));
                let child = collect(property, child_value, root, None, depth + 1)?;
                merge_child(&mut paths, key.clone(), child);
            }
        }
        if let (Json::Array(items), Some(item_schema)) = (value, part.get("items")) {
            for (index, item) in items.iter().enumerate() {
                let schema_for = match item_schema {
                    Json::Array(tuple) => tuple.get(index).or_else(|| part.get("additionalItems")),
                    other => Some(other),
                };
                let child = match schema_for {
                    Some(s) => collect(s, Some(item), root, None, depth + 1)?,
                    None => Paths::everything(),
                };
                merge_child(&mut paths, index.to_string(), child);
            }
        }
    }
    if top.is_none() && paths.children.is_empty() {
        paths.all = true;
    }
    Ok(paths)
}

fn merge_child(paths: &mut Paths, key: String, child: Paths) {
    match paths.children.get_mut(&key) {
        Some(existing) => existing.merge(child),
        None => {
            paths.children.insert(key, child);
        }
    }
}

/// `None`: the value is dropped.
fn filter(value: &Json, hidden: Option<&Paths>, visible: Option<&Paths>) -> Option<Json> {
    let everything = Paths::everything();
    let Some(hidden) = hidden else {
        return Some(value.clone());
    };
    if visible.is_some_and(|v| v.all) {
        return Some(value.clone());
    }
    let visible = visible?;
    let hidden_child = |key: &str| {
        if hidden.all {
            Some(&everything)
        } else {
            hidden.children.get(key)
        }
    };
    match value {
        Json::Array(items) => Some(Json::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let key = i.to_string();
                    let seen = visible.children.get(&key).unwrap_or(&everything);
                    filter(item, hidden_child(&key), Some(seen)).unwrap_or_else(|| item.clone())
                })
                .collect(),
        )),
        Json::Object(map) => {
            let mut out = Map::new();
            for (key, entry) in map {
                if let Some(kept) = filter(entry, hidden_child(key), visible.children.get(key)) {
                    out.insert(key.clone(), kept);
                }
            }
            Some(Json::Object(out))
        }
        other => Some(other.clone()),
    }
}

/// `values` without what only hidden pages declare; `pages` are `(schema, visible)`.
pub fn filter_hidden(values: &Json, pages: &[(&Json, bool)]) -> Json {
    if pages.iter().all(|(_, visible)| *visible) {
        return values.clone();
    }
    let mut hidden = Paths::default();
    let mut visible = Paths::default();
    for (schema, shown) in pages {
        let paths = match collect(schema, Some(values), schema, Some(!shown), 0) {
            Ok(p) => p,
            Err(Unreadable) if !shown => continue,
            Err(Unreadable) => Paths::everything(),
        };
        if *shown {
            visible.merge(paths);
        } else {
            hidden.merge(paths);
        }
    }
    filter(values, Some(&hidden), Some(&visible)).unwrap_or_else(|| values.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hidden_only_values_are_dropped_and_undeclared_kept() {
        let a = json!({"properties": {"vessel": {"type": "string"}, "opts": {"type": "object", "properties": {"pilot": {}}}}});
        let b = json!({"properties": {"unNumber": {}, "opts": {"properties": {"tug": {}}}}});
        let values = json!({"vessel": "marlin", "unNumber": "UN1", "opts": {"pilot": true, "tug": 2}, "other": 1});
        let out = filter_hidden(&values, &[(&a, true), (&b, false)]);
        assert_eq!(
            out,
            json!({"vessel": "marlin", "opts": {"pilot": true}, "other": 1})
        );
        // All visible: unchanged.
        assert_eq!(filter_hidden(&values, &[(&a, true), (&b, true)]), values);
    }

    #[test]
    fn open_visible_pages_keep_everything() {
        let a = json!({"properties": {"x": {}}, "additionalProperties": true});
        let b = json!({"properties": {"y": {}}});
        let values = json!({"x": 1, "y": 2});
        assert_eq!(filter_hidden(&values, &[(&a, true), (&b, false)]), values);
    }

    #[test]
    fn refs_and_combinations_declare_paths() {
        let hidden = json!({
            "definitions": {"d": {"properties": {"viaRef": {}}}},
            "$ref": "#/definitions/d",
            "allOf": [{"properties": {"viaAllOf": {}}}],
            "dependencies": {"k": {"properties": {"viaDep": {}}}},
        });
        let values = json!({"viaRef": 1, "viaAllOf": 2, "viaDep": 3, "keep": 4});
        let out = filter_hidden(&values, &[(&hidden, false)]);
        assert_eq!(out, json!({"keep": 4}));
    }

    #[test]
    fn circular_or_runaway_schemas_are_bounded() {
        // A self-reference is followed only as deep as the value goes.
        let recursive = json!({"properties": {"a": {"$ref": "#"}}});
        let values = json!({"a": {"a": {"a": 1}}, "b": 2});
        assert_eq!(
            filter_hidden(&values, &[(&recursive, false)]),
            json!({"b": 2})
        );
        // A reference cycle cannot be read: ignored when hidden, claims everything when shown.
        let cycle = json!({"$ref": "#/definitions/x", "definitions": {"x": {"$ref": "#/definitions/x"}}, "properties": {"b": {}}});
        assert_eq!(filter_hidden(&values, &[(&cycle, false)]), values);
        let hidden = json!({"properties": {"b": {}}});
        assert_eq!(
            filter_hidden(&values, &[(&cycle, true), (&hidden, false)]),
            values
        );
        let mut deep = json!({});
        for _ in 0..500 {
            deep = json!({"properties": {"a": deep}});
        }
        let mut value = json!(1);
        for _ in 0..500 {
            value = json!({"a": value});
        }
        let hidden = json!({"properties": {"z": {}}});
        let out = filter_hidden(&value, &[(&deep, true), (&hidden, false)]);
        assert_eq!(out, value);
    }
}
