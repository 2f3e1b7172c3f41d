//! Where entities came from, and lookups by annotation, for plugin backends (TechDocs reads
//! docs beside an entity's catalog file).

use std::path::PathBuf;

use backlot_model::Entity;
use backlot_model::entity_ref::EntityRef;
use rusqlite::OptionalExtension;

use super::Store;
use super::team::is_team_root;
use crate::error::{Result, StoreError};

impl Store {
    /// The catalog file the entity shown for `entity_ref` was read from (absolute, as
    /// ingested); `None` for team entities and unknown refs.
    pub fn entity_source_file(&self, entity_ref: &str) -> Result<Option<PathBuf>> {
        let key = EntityRef::parse(entity_ref.trim(), None, "default")
            .map(|r| r.key())
            .map_err(|e| StoreError::InvalidQuery(e.to_string()))?;
        let row: Option<(String, String)> = self
            .conn
            .prepare_cached("SELECT source_root, source_file FROM entities WHERE entity_ref = ?1")?
            .query_row([&key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(row
            .filter(|(root, file)| !is_team_root(root) && !file.is_empty())
            .map(|(_, file)| PathBuf::from(file)))
    }

    /// Every entity (as shown: local file or team copy) whose `metadata.annotations` has
    /// `key`, sorted by ref, with its relations.
    pub fn entities_with_annotation(&self, key: &str) -> Result<Vec<Entity>> {
        if key.is_empty() || key.contains(['"', '\\']) {
            return Err(StoreError::InvalidQuery(format!(
                "“{key}” is not an annotation key"
            )));
        }
        let path = format!("$.metadata.annotations.\"{key}\"");
        self.entities_where("json_extract(d.json, ?1) IS NOT NULL", &path)
    }

    /// Every entity of `kind` (any case), sorted by ref, with its relations.
    pub fn entities_of_kind(&self, kind: &str) -> Result<Vec<Entity>> {
        self.entities_where("e.kind = ?1", &kind.to_lowercase())
    }

    /// The entities matching `condition` (over `e` entities and `d` their documents, with
    /// `?1` bound to `param`), sorted by ref, with their relations.
    fn entities_where(&self, condition: &str, param: &str) -> Result<Vec<Entity>> {
        self.snapshot(|| {
            let mut stmt = self.conn.prepare(&format!(
                "SELECT e.entity_ref, d.json FROM entities e JOIN entity_docs d ON d.id = e.id
                 WHERE {condition} ORDER BY e.entity_ref"
            ))?;
            let rows = stmt.query_map([param], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (entity_ref, json) = row?;
                let mut entity: Entity = serde_json::from_str(&json)?;
                entity.relations = self.relations_of(&entity_ref)?;
                out.push(entity);
            }
            Ok(out)
        })
    }
}
