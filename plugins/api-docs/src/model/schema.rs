//! JSON Schema as OpenAPI and AsyncAPI use it, reduced to what the tab shows: a tree of
//! properties with types, and an example value. `$ref`s are followed inside the document;
//! cycles and very deep trees are cut, never followed forever.

use serde_json::{Map, Value};

/// How deep a schema tree is expanded before it is cut.
const MAX_DEPTH: usize = 12;
/// How many `$ref` hops one reference may take (`A → B → C`).
const MAX_REF_HOPS: usize = 16;

/// The value a local `$ref` (`#/components/schemas/Pet`) points at, if any.
pub fn pointer<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let fragment = reference.strip_prefix('#')?;
    if fragment.is_empty() {
        return Some(doc);
    }
    let mut current = doc;
    for raw in fragment.strip_prefix('/')?.split('/') {
        let key = backlot_text::percent::decode(raw)
            .replace("~1", "/")
            .replace("~0", "~");
        current = match current {
            Value::Object(map) => map.get(&key)?,
            Value::Array(items) => items.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// The last segment of a reference: `#/components/schemas/Pet` → `Pet`.
pub fn ref_name(reference: &str) -> String {
    reference
        .rsplit('/')
        .next()
        .unwrap_or(reference)
        .replace("~1", "/")
        .replace("~0", "~")
}

/// A value with its `$ref` chain followed.
pub enum Deref<'a> {
    Found {
        value: &'a Value,
        reference: Option<String>,
    },
    /// A reference that does not resolve inside the document (external or broken).
    Unresolved(String),
    /// A reference chain that loops without reaching a value.
    Loop(String),
}

pub fn deref<'a>(doc: &'a Value, value: &'a Value) -> Deref<'a> {
    let mut current = value;
    let mut first: Option<String> = None;
    for _ in 0..MAX_REF_HOPS {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            return Deref::Found {
                value: current,
                reference: first,
            };
        };
        first.get_or_insert_with(|| reference.to_string());
        match pointer(doc, reference) {
            Some(next) => current = next,
            None => return Deref::Unresolved(reference.to_string()),
        }
    }
    Deref::Loop(first.unwrap_or_default())
}

/// Follows `$ref`s; an unresolvable one yields `None`.
pub fn resolve<'a>(doc: &'a Value, value: &'a Value) -> Option<&'a Value> {
    match deref(doc, value) {
        Deref::Found { value, .. } => Some(value),
        _ => None,
    }
}

/// One node of a schema as the tab shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchemaNode {
    /// Property name (`None` for the root).
    pub name: Option<String>,
    /// `integer (int32)`, `array of Pet`, `object`, `string`.
    pub type_label: String,
    /// The named schema this node came from (`Pet`).
    pub ref_name: Option<String>,
    pub required: bool,
    pub description: Option<String>,
    pub enum_values: Vec<String>,
    /// `minimum: 0`, `default: 10`, `read-only`, …
    pub constraints: Vec<String>,
    pub children: Vec<SchemaNode>,
    /// The node refers back to a schema being expanded above it: not expanded again.
    pub recursive: bool,
    /// A `$ref` that does not resolve in this document.
    pub unresolved: Option<String>,
}

impl SchemaNode {
    /// Every node in the tree (depth first), for searching and tests.
    pub fn walk(&self) -> Vec<&SchemaNode> {
        let mut out = vec![self];
        for child in &self.children {
            out.extend(child.walk());
        }
        out
    }
}

struct TreeBuilder<'a> {
    doc: &'a Value,
    /// References being expanded on the current path (cycle detection).
    stack: Vec<String>,
}

/// The tree for `schema` (which may be a `$ref`).
pub fn tree(doc: &Value, schema: &Value) -> SchemaNode {
    TreeBuilder {
        doc,
        stack: Vec::new(),
    }
    .node(None, schema, false, 0)
}

fn type_of(schema: &Value) -> Option<String> {
    match schema.get("type") {
        Some(Value::String(t)) => Some(t.clone()),
        // 3.1: `type: [string, "null"]`
        Some(Value::Array(types)) => {
            let names: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
            (!names.is_empty()).then(|| names.join(" | "))
        }
        _ => {
            if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() {
                Some("object".into())
            } else if schema.get("items").is_some() {
                Some("array".into())
            } else {
                None
            }
        }
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl<'a> TreeBuilder<'a> {
    fn node(
        &mut self,
        name: Option<String>,
        schema: &'a Value,
        required: bool,
        depth: usize,
    ) -> SchemaNode {
        let mut node = SchemaNode {
            name,
            required,
            ..Default::default()
        };
        let (schema, reference) = match deref(self.doc, schema) {
            Deref::Found { value, reference } => (value, reference),
            Deref::Unresolved(r) => {
                node.type_label = ref_name(&r);
                node.unresolved = Some(r);
                return node;
            }
            Deref::Loop(r) => {
                node.type_label = ref_name(&r);
                node.recursive = true;
                return node;
            }
        };
        node.ref_name = reference.as_deref().map(ref_name);
        if let Some(r) = &reference
            && self.stack.contains(r)
        {
            node.type_label = ref_name(r);
            node.recursive = true;
            return node;
        }
        let Some(map) = schema.as_object() else {
            // `true`/`false` schemas, or junk: show what is there.
            node.type_label = if schema.as_bool() == Some(true) {
                "any".into()
            } else {
                scalar_text(schema)
            };
            return node;
        };
        node.description = map
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string);
        if let Some(values) = map.get("enum").and_then(Value::as_array) {
            node.enum_values = values.iter().map(scalar_text).collect();
        }
        node.constraints = constraints(map);
        if depth >= MAX_DEPTH {
            node.type_label = type_of(schema).unwrap_or_else(|| "any".into());
            node.constraints.push("(not expanded: too deep)".into());
            return node;
        }
        if let Some(r) = &reference {
            self.stack.push(r.clone());
        }
        self.fill(&mut node, schema, map, depth);
        if reference.is_some() {
            self.stack.pop();
        }
        node
    }

    fn fill(
        &mut self,
        node: &mut SchemaNode,
        schema: &'a Value,
        map: &'a Map<String, Value>,
        depth: usize,
    ) {
        let base_type = type_of(schema);
        for (combinator, label) in [
            ("allOf", "all of"),
            ("oneOf", "one of"),
            ("anyOf", "any of"),
        ] {
            let Some(parts) = map.get(combinator).and_then(Value::as_array) else {
                continue;
            };
            if combinator == "allOf" {
                // Merge the parts' properties into this node.
                let mut names = Vec::new();
                for part in parts {
                    let child = self.node(None, part, false, depth + 1);
                    if let Some(n) = &child.ref_name {
                        names.push(n.clone());
                    }
                    if child.recursive || child.unresolved.is_some() {
                        node.children.push(SchemaNode {
                            name: Some("(all of)".into()),
                            ..child
                        });
                    } else {
                        node.children.extend(child.children);
                        if node.description.is_none() {
                            node.description = child.description;
                        }
                    }
                }
                node.type_label = if names.is_empty() {
                    "object".into()
                } else {
                    format!("object ({})", names.join(" + "))
                };
            } else {
                let variants: Vec<SchemaNode> = parts
                    .iter()
                    .enumerate()
                    .map(|(i, part)| {
                        let mut child = self.node(None, part, false, depth + 1);
                        child.name = Some(
                            child
                                .ref_name
                                .clone()
                                .unwrap_or_else(|| format!("option {}", i + 1)),
                        );
                        child
                    })
                    .collect();
                let labels: Vec<String> = variants.iter().map(|v| v.type_label.clone()).collect();
                node.type_label = format!("{label}: {}", labels.join(", "));
                node.children.extend(variants);
            }
        }
        if !node.type_label.is_empty() && map.get("properties").is_none() {
            return;
        }
        match base_type.as_deref() {
            Some("array") => {
                let items = map.get("items");
                match items {
                    Some(items) => {
                        let child = self.node(None, items, false, depth + 1);
                        let item_label = child
                            .ref_name
                            .clone()
                            .unwrap_or_else(|| child.type_label.clone());
                        node.type_label = format!("array of {item_label}");
                        if child.recursive || child.unresolved.is_some() {
                            node.recursive |= child.recursive;
                            node.unresolved = node.unresolved.take().or(child.unresolved);
                        } else {
                            node.enum_values.extend(child.enum_values);
                            node.children = child.children;
                        }
                    }
                    None => node.type_label = "array".into(),
                }
            }
            other => {
                let mut label = other.unwrap_or("any").to_string();
                if let Some(format) = map.get("format").and_then(Value::as_str) {
                    label = format!("{label} ({format})");
                }
                if node.type_label.is_empty() {
                    node.type_label = label;
                }
                let required: Vec<&str> = map
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if let Some(props) = map.get("properties").and_then(Value::as_object) {
                    for (key, prop) in props {
                        let child = self.node(
                            Some(key.clone()),
                            prop,
                            required.contains(&key.as_str()),
                            depth + 1,
                        );
                        node.children.push(child);
                    }
                }
                match map.get("additionalProperties") {
                    Some(extra @ Value::Object(_)) => {
                        let child = self.node(Some("{any key}".into()), extra, false, depth + 1);
                        node.children.push(child);
                    }
                    Some(Value::Bool(true))
                        if other == Some("object") && node.children.is_empty() =>
                    {
                        node.type_label = "object (any keys)".into();
                    }
                    _ => {}
                }
            }
        }
    }
}

fn constraints(map: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for key in [
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "default",
        "const",
    ] {
        if let Some(v) = map.get(key) {
            out.push(format!("{key}: {}", scalar_text(v)));
        }
    }
    for (key, label) in [
        ("readOnly", "read-only"),
        ("writeOnly", "write-only"),
        ("deprecated", "deprecated"),
        ("nullable", "nullable"),
    ] {
        if map.get(key).and_then(Value::as_bool) == Some(true) {
            out.push(label.into());
        }
    }
    out
}

/// An example value for `schema`: its own `example`/`examples`/`default`/`enum` where given,
/// else made up from the types (strings as `"string"`, numbers as 0, …).
pub fn example(doc: &Value, schema: &Value) -> Value {
    let mut stack = Vec::new();
    example_at(doc, schema, &mut stack, 0)
}

fn example_at(doc: &Value, schema: &Value, stack: &mut Vec<String>, depth: usize) -> Value {
    let (schema, reference) = match deref(doc, schema) {
        Deref::Found { value, reference } => (value, reference),
        _ => return Value::Null,
    };
    if depth > 8 || reference.as_ref().is_some_and(|r| stack.contains(r)) {
        return Value::Null;
    }
    let Some(map) = schema.as_object() else {
        return Value::Null;
    };
    if let Some(v) = map.get("example") {
        return v.clone();
    }
    if let Some(v) = map
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return v.clone();
    }
    for key in ["const", "default"] {
        if let Some(v) = map.get(key) {
            return v.clone();
        }
    }
    if let Some(v) = map
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return v.clone();
    }
    if let Some(r) = &reference {
        stack.push(r.clone());
    }
    let out = if let Some(parts) = map.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(m) = example_at(doc, part, stack, depth + 1) {
                merged.extend(m);
            }
        }
        Value::Object(merged)
    } else if let Some(first) = ["oneOf", "anyOf"].iter().find_map(|k| {
        map.get(*k)
            .and_then(Value::as_array)
            .and_then(|a| a.first())
    }) {
        example_at(doc, first, stack, depth + 1)
    } else {
        let kind = type_of(schema);
        let kind = kind.as_deref().map(|k| k.split(" | ").next().unwrap_or(k));
        match kind {
            Some("object") => {
                let mut out = Map::new();
                if let Some(props) = map.get("properties").and_then(Value::as_object) {
                    for (key, prop) in props {
                        out.insert(key.clone(), example_at(doc, prop, stack, depth + 1));
                    }
                }
                Value::Object(out)
            }
            Some("array") => match map.get("items") {
                Some(items) => Value::Array(vec![example_at(doc, items, stack, depth + 1)]),
                None => Value::Array(vec![]),
            },
            Some("integer") => Value::from(0),
            Some("number") => Value::from(0.0),
            Some("boolean") => Value::Bool(true),
            Some("string") => Value::String(match map.get("format").and_then(Value::as_str) {
                Some("date-time") => "2024-01-01T00:00:00Z".into(),
                Some("date") => "2024-01-01".into(),
                Some("email") => "user@example.com".into(),
                Some("uuid") => "00000000-0000-0000-0000-000000000000".into(),
                Some("uri" | "url") => "https://example.com".into(),
                _ => "string".into(),
            }),
            _ => Value::Null,
        }
    };
    if reference.is_some() {
        stack.pop();
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_decode_escapes() {
        let doc = json!({"paths": {"/pets/{id}": {"get": 1}}, "a b": [10, 20]});
        assert_eq!(pointer(&doc, "#/paths/~1pets~1{id}/get"), Some(&json!(1)));
        assert_eq!(pointer(&doc, "#/a%20b/1"), Some(&json!(20)));
        assert_eq!(pointer(&doc, "#/nope"), None);
        assert_eq!(pointer(&doc, "other.yaml#/x"), None);
    }

    #[test]
    fn nested_refs_expand_with_required_marks() {
        let doc = json!({"components": {"schemas": {
            "Pet": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer", "format": "int64"},
                "owner": {"$ref": "#/components/schemas/Owner"}}},
            "Owner": {"type": "object", "properties": {"name": {"type": "string", "description": "Full name"}}},
            "Pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}
        }}});
        let t = tree(&doc, &json!({"$ref": "#/components/schemas/Pets"}));
        assert_eq!(t.type_label, "array of Pet");
        assert_eq!(t.ref_name.as_deref(), Some("Pets"));
        let id = &t.children[0];
        assert_eq!(
            (id.name.as_deref(), id.type_label.as_str(), id.required),
            (Some("id"), "integer (int64)", true)
        );
        let owner = &t.children[1];
        assert_eq!(owner.ref_name.as_deref(), Some("Owner"));
        assert_eq!(owner.children[0].description.as_deref(), Some("Full name"));
    }

    #[test]
    fn cycles_are_cut_not_followed() {
        let doc = json!({"definitions": {
            "Node": {"type": "object", "properties": {"next": {"$ref": "#/definitions/Node"}, "kids": {"type": "array", "items": {"$ref": "#/definitions/Node"}}}},
            "A": {"$ref": "#/definitions/B"}, "B": {"$ref": "#/definitions/A"}
        }});
        let t = tree(&doc, &json!({"$ref": "#/definitions/Node"}));
        assert!(t.children[0].recursive, "{t:?}");
        assert!(t.children[1].recursive);
        assert_eq!(t.children[1].type_label, "array of Node");
        let looped = tree(&doc, &json!({"$ref": "#/definitions/A"}));
        assert!(looped.recursive);
        // Examples terminate too.
        assert_eq!(
            example(&doc, &json!({"$ref": "#/definitions/Node"})),
            json!({"next": null, "kids": [null]})
        );
    }

    #[test]
    fn unresolved_refs_are_reported() {
        let t = tree(&json!({}), &json!({"$ref": "common.yaml#/Error"}));
        assert_eq!(t.unresolved.as_deref(), Some("common.yaml#/Error"));
    }

    #[test]
    fn examples_prefer_given_values() {
        let doc = json!({});
        let schema = json!({"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string", "example": "doggie"},
            "status": {"type": "string", "enum": ["available", "sold"]}, "at": {"type": "string", "format": "date-time"}}});
        assert_eq!(
            example(&doc, &schema),
            json!({"id": 0, "name": "doggie", "status": "available", "at": "2024-01-01T00:00:00Z"})
        );
    }

    #[test]
    fn all_of_merges_and_one_of_lists_variants() {
        let doc =
            json!({"s": {"Base": {"type": "object", "properties": {"id": {"type": "string"}}}}});
        let t = tree(
            &doc,
            &json!({"allOf": [{"$ref": "#/s/Base"}, {"type": "object", "properties": {"extra": {"type": "boolean"}}}]}),
        );
        let names: Vec<_> = t
            .children
            .iter()
            .filter_map(|c| c.name.as_deref())
            .collect();
        assert_eq!(names, ["id", "extra"]);
        let t = tree(
            &doc,
            &json!({"oneOf": [{"$ref": "#/s/Base"}, {"type": "string"}]}),
        );
        assert_eq!(t.type_label, "one of: object, string");
        assert_eq!(t.children[0].name.as_deref(), Some("Base"));
    }
}
