//! Entity validation with Backstage's rules: the envelope (`FieldFormatEntityPolicy`,
//! `NoForeignRootFieldsEntityPolicy`, the entity JSON schema), each kind's spec schema, and the
//! entity refs its relation fields hold. All problems are collected, not just the first.

mod envelope;
mod kinds;
pub mod rules;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::entity::{DEFAULT_NAMESPACE, Entity};
use crate::relations::{Relation, derive_relations};

/// One broken rule: the field (`metadata.name`, `spec.owner`, `metadata.tags.1`) and what is
/// wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationError {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\"{}\" {}", self.field, self.message)
    }
}

/// An entity that passed validation, with the relations derived from its spec (both
/// directions; see [`derive_relations`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidEntity {
    pub entity: Entity,
    pub relations: Vec<Relation>,
}

/// Validates a parsed descriptor document. On success the entity has its namespace filled in
/// (`default` when absent), as Backstage's default-namespace policy does, and any `relations`
/// the document carried are dropped (they are derived, never read).
pub fn validate_entity(mut value: Value) -> Result<ValidEntity, Vec<ValidationError>> {
    let mut errors = Vec::new();
    envelope::check(&value, &mut errors);
    if errors.is_empty() {
        kinds::check(&value, &mut errors);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(root) = value.as_object_mut() {
        root.remove("relations");
        if let Some(meta) = root.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.entry("namespace")
                .or_insert_with(|| Value::String(DEFAULT_NAMESPACE.into()));
        }
    }
    let entity: Entity = serde_json::from_value(value).map_err(|e| {
        vec![ValidationError {
            field: "metadata".into(),
            message: format!("could not be read: {e}"),
        }]
    })?;
    let relations = derive_relations(&entity)?;
    Ok(ValidEntity { entity, relations })
}

/// Collects errors with a field path.
pub(crate) struct Report<'a> {
    pub errors: &'a mut Vec<ValidationError>,
}

impl Report<'_> {
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(ValidationError {
            field: field.into(),
            message: message.into(),
        });
    }
}

/// `a string`, `a number`, … for messages.
pub(crate) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests;
