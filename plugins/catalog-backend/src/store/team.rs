//! Team entities (synced from a Backstage backend) in the store.
//!
//! Every team entity is kept in `team_entities` as the server sent it. It is *visible* — a row
//! in `entities` with source root `team:<source>`, its doc, tags, full-text rows and the
//! server's relations as its own rows — unless a local-file entity holds the same ref (local
//! files win). Local ingestion and team sync never delete each other's rows: ingestion replaces
//! a visible team row by the local entity and restores the team copy when the local entity
//! goes; sync touches only `team_entities` and visible team rows.

use backlot_model::entity_ref::EntityRef;
use backlot_model::relations::Relation;
use backlot_model::{Entity, ValidEntity, ValidationError, validate_entity};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::Store;
use super::write::{delete_children, insert_children, row_of};
use crate::error::{Result, StoreError};

/// `entities.source_root` of visible team entities: this prefix and the backend's base URL.
pub(crate) const TEAM_ROOT_PREFIX: &str = "team:";

pub(crate) fn team_root(source: &str) -> String {
    format!("{TEAM_ROOT_PREFIX}{source}")
}

pub(crate) fn is_team_root(root: &str) -> bool {
    root.starts_with(TEAM_ROOT_PREFIX)
}

/// A server entity that passed validation, with the server's relations (not re-derived).
pub(crate) struct TeamEntity {
    pub key: String,
    pub uid: Option<String>,
    pub etag: String,
    /// The entity as served, relations included.
    pub served: String,
    /// The entity (relations dropped) with the server's outgoing relations.
    pub valid: ValidEntity,
}

/// The server's `relations` of an entity as `(type, lowercased target ref)`; entries that are
/// not `{type, targetRef}` with a parsable ref are skipped.
fn served_relations(value: &Value) -> Vec<(String, String)> {
    let Some(list) = value.get("relations").and_then(Value::as_array) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = list
        .iter()
        .filter_map(|r| {
            let t = r.get("type")?.as_str()?;
            let target = r.get("targetRef")?.as_str()?;
            let key = EntityRef::parse(target, None, "default").ok()?.key();
            (!t.is_empty()).then(|| (t.to_owned(), key))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Validates a server entity with Backstage's rules and keeps its served relations.
pub(crate) fn prepare(value: &Value) -> std::result::Result<TeamEntity, Vec<ValidationError>> {
    prepare_served(value, value.to_string())
}

/// [`prepare`] with the entity's JSON text already made.
pub(crate) fn prepare_served(
    value: &Value,
    served: String,
) -> std::result::Result<TeamEntity, Vec<ValidationError>> {
    let relations = served_relations(value);
    let mut valid = validate_entity(value.clone())?;
    let key = valid.entity.entity_ref().key();
    valid.relations = relations
        .into_iter()
        .map(|(relation_type, target_ref)| Relation {
            source_ref: key.clone(),
            relation_type,
            target_ref,
        })
        .collect();
    Ok(TeamEntity {
        uid: valid.entity.metadata.uid.clone(),
        etag: valid.entity.metadata.etag.clone().unwrap_or_default(),
        key,
        served,
        valid,
    })
}

/// Inserts the visible row of a team entity; its id.
pub(crate) fn insert_visible(conn: &Connection, t: &TeamEntity, root: &str) -> Result<i64> {
    let row = row_of(&t.valid)?;
    conn.prepare_cached(
        "INSERT INTO entities (entity_ref, kind, namespace, name, spec_type, owner, lifecycle, system,
         source_root, source_file, doc_index, line, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, '', 0, 0, 0)",
    )?
    .execute(params![row.entity_ref, row.kind, row.namespace, row.name, row.spec_type, row.owner, row.lifecycle, row.system, root])?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached("INSERT INTO entity_docs (id, json) VALUES (?1, ?2)")?
        .execute(params![id, row.json])?;
    insert_children(conn, id, &row, &t.valid)?;
    Ok(id)
}

/// Deletes the visible row `id` with its doc and children.
pub(crate) fn delete_visible(conn: &Connection, id: i64) -> Result<()> {
    delete_children(conn, id)?;
    conn.prepare_cached("DELETE FROM entity_docs WHERE id = ?1")?
        .execute([id])?;
    conn.prepare_cached("DELETE FROM entities WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// The `entities` row holding `key`: `(id, source_root)`.
pub(crate) fn visible_row(conn: &Connection, key: &str) -> Result<Option<(i64, String)>> {
    Ok(conn
        .prepare_cached("SELECT id, source_root FROM entities WHERE entity_ref = ?1")?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Makes the stored team copy of `key` visible (after the local entity holding the ref was
/// removed). False if there is no team copy.
pub(crate) fn restore_team_copy(conn: &Connection, key: &str) -> Result<bool> {
    let stored: Option<(String, String)> = conn
        .prepare_cached("SELECT source, json FROM team_entities WHERE entity_ref = ?1")?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((source, json)) = stored else {
        return Ok(false);
    };
    let value: Value = serde_json::from_str(&json)?;
    // It was valid when synced and the rules are the same: only a damaged row fails here, and
    // then the ref simply stays empty until the next sync rewrites it.
    let Ok(team) = prepare(&value) else {
        return Ok(false);
    };
    if visible_row(conn, key)?.is_some() {
        return Ok(false);
    }
    insert_visible(conn, &team, &team_root(&source))?;
    Ok(true)
}

fn ref_key(text: &str) -> Result<String> {
    EntityRef::parse(text.trim(), None, "default")
        .map(|r| r.key())
        .map_err(|e| StoreError::InvalidQuery(e.to_string()))
}

impl Store {
    /// The team backend's copy of `entity_ref` (`kind:[namespace/]name`, any case) as the
    /// server sent it, with the server's relations — whether it is visible or shadowed by a
    /// local-file entity. `None` if no team entity has this ref.
    pub fn team_copy(&self, entity_ref: &str) -> Result<Option<Entity>> {
        let key = ref_key(entity_ref)?;
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT json FROM team_entities WHERE entity_ref = ?1")?
            .query_row([&key], |r| r.get(0))
            .optional()?;
        json.map(|j| serde_json::from_str(&j).map_err(StoreError::from))
            .transpose()
    }

    /// The team copy of `entity_ref` if a local-file entity shadows it (the entity page's
    /// "this entity shadows the team copy"); `None` when there is no team copy or the team copy
    /// is the one shown.
    pub fn shadowed_team_copy(&self, entity_ref: &str) -> Result<Option<Entity>> {
        let key = ref_key(entity_ref)?;
        self.snapshot(|| match visible_row(&self.conn, &key)? {
            Some((_, root)) if !is_team_root(&root) => self.team_copy(entity_ref),
            _ => Ok(None),
        })
    }

    /// Whether the entity shown for `entity_ref` came from the team backend (not a local file).
    pub fn is_team_entity(&self, entity_ref: &str) -> Result<bool> {
        let key = ref_key(entity_ref)?;
        Ok(visible_row(&self.conn, &key)?.is_some_and(|(_, root)| is_team_root(&root)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn served_relations_are_kept_lowercased_and_bad_entries_skipped() {
        let value = json!({
            "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": "Svc", "uid": "u-1", "etag": "e-1"},
            "spec": {"type": "service", "lifecycle": "production", "owner": "team-a"},
            "relations": [
                {"type": "ownedBy", "targetRef": "Group:Default/Team-B"},
                {"type": "ownedBy", "targetRef": "group:default/team-b"},
                {"type": "dependsOn", "targetRef": "not a ref at all / x / y"},
                {"type": "", "targetRef": "component:default/x"},
                {"target": {"kind": "group"}},
                "nonsense"
            ]
        });
        let t = prepare(&value).unwrap();
        assert_eq!(t.key, "component:default/svc");
        assert_eq!((t.uid.as_deref(), t.etag.as_str()), (Some("u-1"), "e-1"));
        // The server's relation, not the one the spec would derive (team-a).
        let rels: Vec<(&str, &str, &str)> = t
            .valid
            .relations
            .iter()
            .map(|r| {
                (
                    r.source_ref.as_str(),
                    r.relation_type.as_str(),
                    r.target_ref.as_str(),
                )
            })
            .collect();
        assert_eq!(
            rels,
            vec![("component:default/svc", "ownedBy", "group:default/team-b")]
        );
        let row = row_of(&t.valid).unwrap();
        assert_eq!(row.owner.as_deref(), Some("group:default/team-b"));
        assert!(t.served.contains("\"relations\""));
    }

    #[test]
    fn invalid_server_entities_are_refused() {
        let no_owner = json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": "x"}, "spec": {"type": "service", "lifecycle": "production"}});
        assert!(prepare(&no_owner).is_err());
        assert!(prepare(&json!([1, 2])).is_err());
    }

    #[test]
    fn team_roots_are_recognised() {
        assert_eq!(team_root("http://h"), "team:http://h");
        assert!(is_team_root(&team_root("https://x")));
        assert!(!is_team_root("/home/me/catalog"));
    }
}
