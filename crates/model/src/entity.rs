//! The entity envelope (`apiVersion`, `kind`, `metadata`, `spec`, `relations`, `status`) and the
//! kinds Backlot understands, in the shape Backstage's catalog API serves.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::entity_ref::EntityRef;

/// The namespace an entity lives in when its descriptor names none.
pub const DEFAULT_NAMESPACE: &str = "default";

/// The descriptor format of the core kinds.
pub const BACKSTAGE_V1ALPHA1: &str = "backstage.io/v1alpha1";
/// Also accepted for the core kinds, as in Backstage's kind schemas.
pub const BACKSTAGE_V1BETA1: &str = "backstage.io/v1beta1";
/// The descriptor format of software templates.
pub const SCAFFOLDER_V1BETA3: &str = "scaffolder.backstage.io/v1beta3";

/// The kinds Backlot validates and relates. Anything else is rejected at ingestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Component,
    Api,
    System,
    Domain,
    Resource,
    Group,
    User,
    Location,
    Template,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Component,
        Kind::Api,
        Kind::System,
        Kind::Domain,
        Kind::Resource,
        Kind::Group,
        Kind::User,
        Kind::Location,
        Kind::Template,
    ];

    /// The kind as written in descriptors (`Component`, `API`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Component => "Component",
            Kind::Api => "API",
            Kind::System => "System",
            Kind::Domain => "Domain",
            Kind::Resource => "Resource",
            Kind::Group => "Group",
            Kind::User => "User",
            Kind::Location => "Location",
            Kind::Template => "Template",
        }
    }

    /// The exact (case-sensitive) kind name, as Backstage's kind schemas require.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Case-insensitive lookup, used for entity refs and filters (`component:x`).
    pub fn from_name_ignore_case(name: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(name))
    }

    /// The `apiVersion` values this kind's schema accepts.
    pub fn api_versions(self) -> &'static [&'static str] {
        match self {
            Kind::Template => &[SCAFFOLDER_V1BETA3],
            _ => &[BACKSTAGE_V1ALPHA1, BACKSTAGE_V1BETA1],
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A validated catalog entity. Unknown metadata and all of `spec` are kept as JSON so nothing
/// a descriptor says is lost on the way through the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entity {
    pub api_version: String,
    pub kind: String,
    pub metadata: EntityMetadata,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<EntityRelation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityMetadata {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<EntityLink>,
    /// Any other metadata field, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityLink {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub link_type: Option<String>,
}

/// One outgoing relation as Backstage's API serves it: `{type, targetRef}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityRelation {
    #[serde(rename = "type")]
    pub relation_type: String,
    /// `kind:namespace/name`, lowercased.
    pub target_ref: String,
}

impl Entity {
    /// The namespace, `default` when the descriptor names none.
    pub fn namespace(&self) -> &str {
        self.metadata
            .namespace
            .as_deref()
            .unwrap_or(DEFAULT_NAMESPACE)
    }

    /// The entity's own ref (original case; compare with [`EntityRef::key`]).
    pub fn entity_ref(&self) -> EntityRef {
        EntityRef {
            kind: self.kind.clone(),
            namespace: self.namespace().to_string(),
            name: self.metadata.name.clone(),
        }
    }

    /// A string field of `spec`, if present and a string.
    pub fn spec_str(&self, field: &str) -> Option<&str> {
        self.spec.as_ref()?.get(field)?.as_str()
    }

    pub fn known_kind(&self) -> Option<Kind> {
        Kind::from_name(&self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_api_versions() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_name(k.as_str()), Some(k));
        }
        assert_eq!(Kind::from_name("component"), None);
        assert_eq!(Kind::from_name_ignore_case("api"), Some(Kind::Api));
        assert_eq!(Kind::Template.api_versions(), &[SCAFFOLDER_V1BETA3]);
        assert!(Kind::Group.api_versions().contains(&BACKSTAGE_V1ALPHA1));
    }

    #[test]
    fn entity_serializes_in_backstage_shape() {
        let json = serde_json::json!({
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Component",
            "metadata": {"name": "a", "namespace": "default", "custom": 1, "links": [{"url": "https://x", "type": "docs"}]},
            "spec": {"type": "service"},
            "relations": [{"type": "ownedBy", "targetRef": "group:default/t"}]
        });
        let e: Entity = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(e.metadata.extra.get("custom"), Some(&serde_json::json!(1)));
        assert_eq!(e.metadata.links[0].link_type.as_deref(), Some("docs"));
        assert_eq!(serde_json::to_value(&e).unwrap(), json);
        assert_eq!(e.entity_ref().key(), "component:default/a");
    }
}
