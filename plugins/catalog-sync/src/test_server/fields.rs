//! `fields=` projection as Backstage does it: keep only the listed dotted paths.

use serde_json::{Map, Value};

/// Splits `fields` parameters (each may be comma-separated) into paths.
pub(crate) fn parse_fields<'a>(params: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    params
        .into_iter()
        .flat_map(|p| p.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The entity reduced to `fields` (all of it when `fields` is empty).
pub(crate) fn project(entity: &Value, fields: &[String]) -> Value {
    if fields.is_empty() {
        return entity.clone();
    }
    let mut out = Value::Object(Map::new());
    for f in fields {
        let parts: Vec<&str> = f.split('.').collect();
        let mut src = entity;
        let mut found = true;
        for p in &parts {
            match src.get(*p) {
                Some(v) => src = v,
                None => {
                    found = false;
                    break;
                }
            }
        }
        if !found {
            continue;
        }
        let mut dst = &mut out;
        for (i, p) in parts.iter().enumerate() {
            let Some(obj) = dst.as_object_mut() else {
                break;
            };
            if i + 1 == parts.len() {
                obj.insert((*p).to_owned(), src.clone());
                break;
            }
            dst = obj
                .entry((*p).to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn projects_dotted_paths() {
        let e = json!({"kind": "Component", "metadata": {"name": "a", "etag": "e", "tags": ["x"]}, "spec": {"type": "service"}});
        let fields = parse_fields(["kind,metadata.name", "metadata.etag", "metadata.missing"]);
        assert_eq!(
            project(&e, &fields),
            json!({"kind": "Component", "metadata": {"name": "a", "etag": "e"}})
        );
        assert_eq!(project(&e, &[]), e);
    }
}
