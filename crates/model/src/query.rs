//! Catalog query types shared by the store, the IPC contract and the UI.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Conditions are ANDed across fields and ORed within one field's list
/// (`kinds: [component, api]` means component OR api). Values compare case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EntityFilter {
    pub kinds: Vec<String>,
    pub types: Vec<String>,
    pub namespaces: Vec<String>,
    /// Owner entity refs (`group:default/team-a`; a bare name means `group:default/<name>`).
    pub owners: Vec<String>,
    pub lifecycles: Vec<String>,
    pub tags: Vec<String>,
    /// System entity refs (a bare name means `system:default/<name>`).
    pub systems: Vec<String>,
    /// Entities that have a relation of this type to this target.
    pub relation: Option<RelationFilter>,
    /// Only entities the user starred.
    pub starred: bool,
    /// Only entities owned by this user (a user ref): by the user or by a group the user is a
    /// member of (`memberOf` on the user or `members` on the group), as Backstage's "Owned".
    pub owned_by: Option<String>,
    /// Only entities whose catalog file had problems at its last ingestion.
    pub with_errors: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationFilter {
    /// Relation type as Backstage names it (`ownedBy`, `partOf`, …).
    #[serde(rename = "type")]
    pub relation_type: String,
    /// Full entity ref of the relation's target.
    pub target_ref: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SortField {
    #[default]
    Name,
    Kind,
    Type,
    Owner,
    Lifecycle,
    System,
    Namespace,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SortOrder {
    pub field: SortField,
    pub descending: bool,
}

/// A page of a catalog listing or search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EntityQuery {
    pub filter: EntityFilter,
    /// Full-text search over name, title, description and tags, with prefix matching.
    /// When set and `order` is `None`, results are ordered by relevance.
    pub text: Option<String>,
    pub order: Option<SortOrder>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size; 0 means the default (50). Capped at 1000.
    pub limit: u32,
    /// Rows to skip when there is no cursor: random access for a virtualized table.
    pub offset: u64,
}

/// The columns a catalog table shows, without the full entity JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EntitySummary {
    /// `kind:namespace/name`, lowercased.
    pub entity_ref: String,
    /// As written in the descriptor (original case).
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub spec_type: Option<String>,
    /// Owner as a full, lowercased entity ref.
    pub owner: Option<String>,
    pub lifecycle: Option<String>,
    /// System as a full, lowercased entity ref.
    pub system: Option<String>,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EntityPage {
    pub items: Vec<EntitySummary>,
    /// Number of entities matching the query (all pages).
    pub total: u64,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// Counts by facet name (`kind`, `type`, `owner`, `lifecycle`, `tag`, `namespace`), each
/// list ordered by count descending then value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Facets {
    pub facets: BTreeMap<String, Vec<FacetCount>>,
}
