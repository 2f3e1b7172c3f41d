//! Single entities with their relations, and the whole catalog in Backstage's API shape.

use std::collections::HashMap;

use backlot_model::entity_ref::EntityRef;
use backlot_model::{Entity, EntityDetails, EntityRelation};
use rusqlite::OptionalExtension;
use rusqlite::types::Value as SqlValue;

use super::Store;
use super::query::{SUMMARY_COLUMNS, summary_from_row};
use crate::error::{Result, StoreError};

fn ref_key(text: &str) -> Result<String> {
    EntityRef::parse(text.trim(), None, "default").map(|r| r.key()).map_err(|e| StoreError::InvalidQuery(e.to_string()))
}

impl Store {
    /// Outgoing relations of `entity_ref` (lowercased key), deduplicated and sorted.
    pub fn relations_of(&self, key: &str) -> Result<Vec<EntityRelation>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT type, target_ref FROM relations WHERE source_ref = ?1 ORDER BY type, target_ref",
        )?;
        let rows = stmt.query_map([key], |r| Ok(EntityRelation { relation_type: r.get(0)?, target_ref: r.get(1)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The entity named by `entity_ref` (`kind:[namespace/]name`, any case) with its relations.
    pub fn get_entity(&self, entity_ref: &str) -> Result<Option<Entity>> {
        let key = ref_key(entity_ref)?;
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT json FROM entities WHERE entity_ref = ?1")?
            .query_row([&key], |r| r.get(0))
            .optional()?;
        let Some(json) = json else { return Ok(None) };
        let mut entity: Entity = serde_json::from_str(&json)?;
        entity.relations = self.relations_of(&key)?;
        Ok(Some(entity))
    }

    /// The entity, its relations, and summaries of the related entities that are in the catalog.
    pub fn entity_by_ref(&self, entity_ref: &str) -> Result<Option<EntityDetails>> {
        let Some(entity) = self.get_entity(entity_ref)? else { return Ok(None) };
        let mut targets: Vec<&str> = entity.relations.iter().map(|r| r.target_ref.as_str()).collect();
        targets.sort_unstable();
        targets.dedup();
        let mut related = Vec::new();
        for chunk in targets.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql = format!("SELECT {SUMMARY_COLUMNS} FROM entities e WHERE e.entity_ref IN ({marks}) ORDER BY e.entity_ref");
            let mut stmt = self.conn.prepare(&sql)?;
            let params = chunk.iter().map(|t| SqlValue::Text((*t).to_string()));
            for s in stmt.query_map(rusqlite::params_from_iter(params), summary_from_row)? {
                related.push(s?);
            }
        }
        Ok(Some(EntityDetails { entity, related }))
    }

    /// Every entity, sorted by ref, each with `relations: [{type, targetRef}]`.
    pub fn export(&self) -> Result<Vec<Entity>> {
        let mut relations: HashMap<String, Vec<EntityRelation>> = HashMap::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT DISTINCT source_ref, type, target_ref FROM relations ORDER BY source_ref, type, target_ref")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
            for row in rows {
                let (source, relation_type, target_ref) = row?;
                relations.entry(source).or_default().push(EntityRelation { relation_type, target_ref });
            }
        }
        let mut stmt = self.conn.prepare("SELECT entity_ref, json FROM entities ORDER BY entity_ref")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (key, json) = row?;
            let mut entity: Entity = serde_json::from_str(&json)?;
            entity.relations = relations.remove(&key).unwrap_or_default();
            out.push(entity);
        }
        Ok(out)
    }
}
