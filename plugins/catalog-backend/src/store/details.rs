//! Single entities with their relations, and the whole catalog in Backstage's API shape.

use std::collections::{BTreeSet, HashMap};

use backlot_model::entity_ref::EntityRef;
use backlot_model::relations::inverse;
use backlot_model::{Entity, EntityDetails, EntityRelation};
use rusqlite::OptionalExtension;
use rusqlite::types::Value as SqlValue;

use super::Store;
use super::query::{SUMMARY_COLUMNS, SUMMARY_FROM, summary_from_row};
use crate::error::{Result, StoreError};

pub(crate) fn ref_key(text: &str) -> Result<String> {
    EntityRef::parse(text.trim(), None, "default")
        .map(|r| r.key())
        .map_err(|e| StoreError::InvalidQuery(e.to_string()))
}

impl Store {
    /// Relations of the entity with this (lowercased) ref: the ones its spec states, plus the
    /// inverse of every stored relation that targets it. Deduplicated and sorted.
    pub fn relations_of(&self, key: &str) -> Result<Vec<EntityRelation>> {
        self.snapshot(|| self.relations_now(key))
    }

    fn relations_now(&self, key: &str) -> Result<Vec<EntityRelation>> {
        let mut out = BTreeSet::new();
        let mut own = self.conn.prepare_cached(
            "SELECT r.type, r.target_ref FROM relations r JOIN entities e ON e.id = r.originating_id
             WHERE e.entity_ref = ?1",
        )?;
        for row in own.query_map([key], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            out.insert(row?);
        }
        let mut incoming = self.conn.prepare_cached(
            "SELECT r.type, e.entity_ref FROM relations r JOIN entities e ON e.id = r.originating_id
             WHERE r.target_ref = ?1",
        )?;
        for row in incoming.query_map([key], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (t, source) = row?;
            if let Some(inv) = inverse(&t) {
                out.insert((inv.to_string(), source));
            }
        }
        Ok(out
            .into_iter()
            .map(|(relation_type, target_ref)| EntityRelation {
                relation_type,
                target_ref,
            })
            .collect())
    }

    /// The entity named by `entity_ref` (`kind:[namespace/]name`, any case) with its relations.
    pub fn get_entity(&self, entity_ref: &str) -> Result<Option<Entity>> {
        self.snapshot(|| self.get_entity_now(entity_ref))
    }

    fn get_entity_now(&self, entity_ref: &str) -> Result<Option<Entity>> {
        let key = ref_key(entity_ref)?;
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT d.json FROM entities e JOIN entity_docs d ON d.id = e.id WHERE e.entity_ref = ?1")?
            .query_row([&key], |r| r.get(0))
            .optional()?;
        let Some(json) = json else { return Ok(None) };
        let mut entity: Entity = serde_json::from_str(&json)?;
        entity.relations = self.relations_of(&key)?;
        Ok(Some(entity))
    }

    /// The entity, its relations, and summaries of the related entities that are in the catalog.
    pub fn entity_by_ref(&self, entity_ref: &str) -> Result<Option<EntityDetails>> {
        self.snapshot(|| self.entity_by_ref_now(entity_ref))
    }

    fn entity_by_ref_now(&self, entity_ref: &str) -> Result<Option<EntityDetails>> {
        let Some(entity) = self.get_entity(entity_ref)? else {
            return Ok(None);
        };
        let mut targets: Vec<&str> = entity
            .relations
            .iter()
            .map(|r| r.target_ref.as_str())
            .collect();
        targets.sort_unstable();
        targets.dedup();
        let mut related = Vec::new();
        for chunk in targets.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS} FROM {SUMMARY_FROM} WHERE e.entity_ref IN ({marks}) ORDER BY e.entity_ref"
            );
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
        self.snapshot(|| self.export_now())
    }

    fn export_now(&self) -> Result<Vec<Entity>> {
        let mut relations: HashMap<String, BTreeSet<(String, String)>> = HashMap::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT e.entity_ref, r.type, r.target_ref FROM relations r JOIN entities e ON e.id = r.originating_id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            for row in rows {
                let (source, relation_type, target_ref) = row?;
                if let Some(inv) = inverse(&relation_type) {
                    relations
                        .entry(target_ref.clone())
                        .or_default()
                        .insert((inv.to_string(), source.clone()));
                }
                relations
                    .entry(source)
                    .or_default()
                    .insert((relation_type, target_ref));
            }
        }
        let mut stmt =
            self.conn.prepare("SELECT e.entity_ref, d.json FROM entities e JOIN entity_docs d ON d.id = e.id ORDER BY e.entity_ref")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (key, json) = row?;
            let mut entity: Entity = serde_json::from_str(&json)?;
            entity.relations = relations
                .remove(&key)
                .unwrap_or_default()
                .into_iter()
                .map(|(relation_type, target_ref)| EntityRelation {
                    relation_type,
                    target_ref,
                })
                .collect();
            out.push(entity);
        }
        Ok(out)
    }
}
