//! The values a template's form starts with: the `default` of every property of every
//! parameter page, nested objects included. The form shows them; a run given values
//! without them (the CLI's values file) gets them too.

use serde_json::{Map, Value};

/// Objects nested deeper than this get no defaults (runaway schemas).
const MAX_DEPTH: usize = 8;

/// The values the form starts with: every `default` of every page, nested objects
/// included (what the user already typed wins).
pub fn apply_defaults(pages: &[Value], values: &mut Map<String, Value>) {
    for schema in pages {
        fill(schema, values, 0);
    }
}

fn fill(schema: &Value, values: &mut Map<String, Value>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(Value::Object(props)) = schema.get("properties") else {
        return;
    };
    for (name, prop) in props {
        if let Some(d) = prop.get("default")
            && !values.contains_key(name)
        {
            values.insert(name.clone(), d.clone());
        }
        if prop.get("properties").is_some() {
            let entry = values
                .entry(name.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = entry {
                fill(prop, inner, depth + 1);
            }
        }
    }
}
