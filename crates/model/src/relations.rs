//! Relations derived from an entity's spec, both directions, as Backstage's built-in kinds
//! processor emits them (plus `ownedBy` for templates, as the scaffolder's processor does).

use serde::{Deserialize, Serialize};

use crate::entity::{Entity, Kind};
use crate::entity_ref::EntityRef;
use crate::validation::ValidationError;

pub const OWNED_BY: &str = "ownedBy";
pub const OWNER_OF: &str = "ownerOf";
pub const PART_OF: &str = "partOf";
pub const HAS_PART: &str = "hasPart";
pub const PROVIDES_API: &str = "providesApi";
pub const API_PROVIDED_BY: &str = "apiProvidedBy";
pub const CONSUMES_API: &str = "consumesApi";
pub const API_CONSUMED_BY: &str = "apiConsumedBy";
pub const DEPENDS_ON: &str = "dependsOn";
pub const DEPENDENCY_OF: &str = "dependencyOf";
pub const MEMBER_OF: &str = "memberOf";
pub const HAS_MEMBER: &str = "hasMember";
pub const PARENT_OF: &str = "parentOf";
pub const CHILD_OF: &str = "childOf";

/// Every relation type Backlot derives.
pub const RELATION_TYPES: [&str; 14] = [
    OWNED_BY,
    OWNER_OF,
    PART_OF,
    HAS_PART,
    PROVIDES_API,
    API_PROVIDED_BY,
    CONSUMES_API,
    API_CONSUMED_BY,
    DEPENDS_ON,
    DEPENDENCY_OF,
    MEMBER_OF,
    HAS_MEMBER,
    PARENT_OF,
    CHILD_OF,
];

/// The relation type seen from the other end (`ownedBy` ↔ `ownerOf`, …).
pub fn inverse(relation_type: &str) -> Option<&'static str> {
    const PAIRS: [(&str, &str); 7] = [
        (OWNED_BY, OWNER_OF),
        (PART_OF, HAS_PART),
        (PROVIDES_API, API_PROVIDED_BY),
        (CONSUMES_API, API_CONSUMED_BY),
        (DEPENDS_ON, DEPENDENCY_OF),
        (MEMBER_OF, HAS_MEMBER),
        (PARENT_OF, CHILD_OF),
    ];
    PAIRS.iter().find_map(|&(a, b)| {
        if a == relation_type {
            Some(b)
        } else if b == relation_type {
            Some(a)
        } else {
            None
        }
    })
}

/// A directed relation between two lowercased refs (`kind:namespace/name`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Relation {
    pub source_ref: String,
    #[serde(rename = "type")]
    pub relation_type: String,
    pub target_ref: String,
}

/// A spec field that holds refs, the default kind of a ref without one, and the relation
/// types it produces (outgoing from the entity, incoming on the target).
struct RefField {
    kinds: &'static [Kind],
    field: &'static str,
    default_kind: Option<&'static str>,
    outgoing: &'static str,
    incoming: &'static str,
}

const OWNED: &[Kind] = &[
    Kind::Component,
    Kind::Api,
    Kind::Resource,
    Kind::System,
    Kind::Domain,
    Kind::Template,
];

const REF_FIELDS: &[RefField] = &[
    RefField {
        kinds: OWNED,
        field: "owner",
        default_kind: Some("group"),
        outgoing: OWNED_BY,
        incoming: OWNER_OF,
    },
    RefField {
        kinds: &[Kind::Component, Kind::Api, Kind::Resource],
        field: "system",
        default_kind: Some("system"),
        outgoing: PART_OF,
        incoming: HAS_PART,
    },
    RefField {
        kinds: &[Kind::Component],
        field: "subcomponentOf",
        default_kind: Some("component"),
        outgoing: PART_OF,
        incoming: HAS_PART,
    },
    RefField {
        kinds: &[Kind::Component],
        field: "providesApis",
        default_kind: Some("api"),
        outgoing: PROVIDES_API,
        incoming: API_PROVIDED_BY,
    },
    RefField {
        kinds: &[Kind::Component],
        field: "consumesApis",
        default_kind: Some("api"),
        outgoing: CONSUMES_API,
        incoming: API_CONSUMED_BY,
    },
    RefField {
        kinds: &[Kind::Component, Kind::Resource],
        field: "dependsOn",
        default_kind: None,
        outgoing: DEPENDS_ON,
        incoming: DEPENDENCY_OF,
    },
    RefField {
        kinds: &[Kind::Component, Kind::Resource],
        field: "dependencyOf",
        default_kind: None,
        outgoing: DEPENDENCY_OF,
        incoming: DEPENDS_ON,
    },
    RefField {
        kinds: &[Kind::System],
        field: "domain",
        default_kind: Some("domain"),
        outgoing: PART_OF,
        incoming: HAS_PART,
    },
    RefField {
        kinds: &[Kind::Domain],
        field: "subdomainOf",
        default_kind: Some("domain"),
        outgoing: PART_OF,
        incoming: HAS_PART,
    },
    RefField {
        kinds: &[Kind::User],
        field: "memberOf",
        default_kind: Some("group"),
        outgoing: MEMBER_OF,
        incoming: HAS_MEMBER,
    },
    RefField {
        kinds: &[Kind::Group],
        field: "parent",
        default_kind: Some("group"),
        outgoing: CHILD_OF,
        incoming: PARENT_OF,
    },
    RefField {
        kinds: &[Kind::Group],
        field: "children",
        default_kind: Some("group"),
        outgoing: PARENT_OF,
        incoming: CHILD_OF,
    },
    RefField {
        kinds: &[Kind::Group],
        field: "members",
        default_kind: Some("user"),
        outgoing: HAS_MEMBER,
        incoming: MEMBER_OF,
    },
];

/// The default kind Backstage uses for a ref in `field` of an entity of `kind`
/// (`None` for `dependsOn`/`dependencyOf`, which must name their kind).
pub fn default_kind_for(kind: Kind, field: &str) -> Option<&'static str> {
    REF_FIELDS
        .iter()
        .find(|f| f.field == field && f.kinds.contains(&kind))
        .and_then(|f| f.default_kind)
}

/// Relations from the entity's spec: for each ref, `self -outgoing-> target` and
/// `target -incoming-> self`. Refs default to the entity's own namespace. A ref that cannot be
/// parsed (or lacks a kind where the field has no default) is an error on that field.
pub fn derive_relations(entity: &Entity) -> Result<Vec<Relation>, Vec<ValidationError>> {
    let Some(kind) = entity.known_kind() else {
        return Ok(Vec::new());
    };
    let Some(spec) = entity.spec.as_ref() else {
        return Ok(Vec::new());
    };
    let self_ref = entity.entity_ref().key();
    let namespace = entity.namespace();
    let mut relations = Vec::new();
    let mut errors = Vec::new();
    for rf in REF_FIELDS.iter().filter(|f| f.kinds.contains(&kind)) {
        let mut each =
            |path: String, text: &str| match EntityRef::parse(text, rf.default_kind, namespace) {
                Ok(target) => {
                    let target = target.key();
                    relations.push(Relation {
                        source_ref: self_ref.clone(),
                        relation_type: rf.outgoing.to_string(),
                        target_ref: target.clone(),
                    });
                    relations.push(Relation {
                        source_ref: target,
                        relation_type: rf.incoming.to_string(),
                        target_ref: self_ref.clone(),
                    });
                }
                Err(e) => errors.push(ValidationError {
                    field: path,
                    message: e.to_string(),
                }),
            };
        match spec.get(rf.field) {
            Some(serde_json::Value::String(s)) => each(format!("spec.{}", rf.field), s),
            Some(serde_json::Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(s) = item.as_str() {
                        each(format!("spec.{}.{i}", rf.field), s);
                    }
                }
            }
            _ => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    relations.sort();
    relations.dedup();
    Ok(relations)
}

#[cfg(test)]
mod tests;
