//! The key the engine and the store agree on: Backstage's entity ref, lowercased.

use backlot_model::EntityRef;
use serde_json::Value;

use crate::error::SyncError;

/// `kind:namespace/name` of an entity as the server sent it (original case, for by-refs),
/// and its key (lowercased, for comparing with the store).
pub fn entity_ref(entity: &Value) -> Result<(String, String), SyncError> {
    let kind = entity.get("kind").and_then(Value::as_str);
    let meta = entity.get("metadata");
    let name = meta.and_then(|m| m.get("name")).and_then(Value::as_str);
    let namespace = meta
        .and_then(|m| m.get("namespace"))
        .and_then(Value::as_str)
        .unwrap_or("default");
    match (kind, name) {
        (Some(kind), Some(name))
            if !kind.is_empty() && !name.is_empty() && !namespace.is_empty() =>
        {
            let r = EntityRef {
                kind: kind.to_owned(),
                namespace: namespace.to_owned(),
                name: name.to_owned(),
            };
            Ok((r.to_string(), r.key()))
        }
        _ => Err(SyncError::UnexpectedResponse {
            detail: "an item has no kind or metadata.name".into(),
        }),
    }
}

/// The lowercased `kind:namespace/name` key of an entity.
pub fn entity_key(entity: &Value) -> Result<String, SyncError> {
    entity_ref(entity).map(|(_, key)| key)
}

/// `metadata.etag`, if any.
pub fn entity_etag(entity: &Value) -> Option<&str> {
    entity
        .get("metadata")
        .and_then(|m| m.get("etag"))
        .and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_lowercased_refs() {
        let e = json!({"kind": "Component", "metadata": {"name": "Payments", "namespace": "Team-A", "etag": "x"}});
        assert_eq!(
            entity_ref(&e).ok(),
            Some((
                "Component:Team-A/Payments".to_owned(),
                "component:team-a/payments".to_owned()
            ))
        );
        let e = json!({"kind": "API", "metadata": {"name": "x"}});
        assert_eq!(entity_key(&e).ok().as_deref(), Some("api:default/x"));
        assert!(entity_key(&json!({"metadata": {"name": "x"}})).is_err());
        assert!(entity_key(&json!([1])).is_err());
        assert_eq!(
            entity_etag(&json!({"metadata": {"etag": "e1"}})),
            Some("e1")
        );
    }
}
