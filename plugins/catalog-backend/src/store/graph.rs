//! The relation graph around an entity: a breadth-first walk over the `relations` table in both
//! directions (an entity's own rows and the rows that target it, as `details.rs` reads them),
//! in one read snapshot, with one statement per level (the level's refs passed as one JSON
//! array). Team entities' relations are stored as the server serves them, both directions as
//! rows of their own; the walk folds each pair into one forward edge either way.

use backlot_model::entity_ref::EntityRef;
use backlot_model::graph::{EntityGraph, GetEntityGraph, NodeInfo, walk};
use backlot_model::relations::Relation;

use super::Store;
use crate::error::{Result, StoreError};

/// Rows of relations stated by, or targeting, the refs in `?1` (a JSON array), of the types in
/// `?2` (a JSON array, or NULL for all). The first half reads through the unique ref index and
/// the relations' primary key, the second through `relations_target`.
const TOUCHING: &str = "
    SELECT e.entity_ref, r.type, r.target_ref FROM relations r JOIN entities e ON e.id = r.originating_id
     WHERE e.entity_ref IN (SELECT value FROM json_each(?1))
       AND (?2 IS NULL OR r.type IN (SELECT value FROM json_each(?2)))
    UNION ALL
    SELECT e.entity_ref, r.type, r.target_ref FROM relations r JOIN entities e ON e.id = r.originating_id
     WHERE r.target_ref IN (SELECT value FROM json_each(?1))
       AND (?2 IS NULL OR r.type IN (SELECT value FROM json_each(?2)))";

const DESCRIBE: &str = "
    SELECT e.entity_ref, json_extract(d.json, '$.kind'), json_extract(d.json, '$.metadata.name'),
           json_extract(d.json, '$.metadata.title')
      FROM entities e JOIN entity_docs d ON d.id = e.id
     WHERE e.entity_ref IN (SELECT value FROM json_each(?1))";

impl Store {
    /// The graph around `request.entity_ref`: `InvalidQuery` for a ref that does not parse
    /// (or has no kind), `NotFound` when the root is not in the catalog.
    pub fn entity_graph(&self, request: &GetEntityGraph) -> Result<EntityGraph> {
        let root = EntityRef::parse(request.entity_ref.trim(), None, "default")
            .map_err(|e| StoreError::InvalidQuery(e.to_string()))?
            .key();
        self.snapshot(|| self.entity_graph_now(&root, request))
    }

    fn entity_graph_now(&self, root: &str, request: &GetEntityGraph) -> Result<EntityGraph> {
        let exists = self
            .conn
            .prepare_cached("SELECT 1 FROM entities WHERE entity_ref = ?1")?
            .exists([root])?;
        if !exists {
            return Err(StoreError::NotFound(format!(
                "no entity {root} in the catalog"
            )));
        }
        let types = request
            .stored_type_names()
            .map(|t| serde_json::to_string(&t))
            .transpose()?;
        walk(
            root,
            request,
            |refs| {
                let refs = serde_json::to_string(refs)?;
                let mut stmt = self.conn.prepare_cached(TOUCHING)?;
                let rows = stmt.query_map(rusqlite::params![refs, types], |r| {
                    Ok(Relation {
                        source_ref: r.get(0)?,
                        relation_type: r.get(1)?,
                        target_ref: r.get(2)?,
                    })
                })?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
            },
            |refs| {
                let refs = serde_json::to_string(refs)?;
                let mut stmt = self.conn.prepare_cached(DESCRIBE)?;
                let rows = stmt.query_map([refs], |r| {
                    Ok(NodeInfo {
                        entity_ref: r.get(0)?,
                        kind: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                        name: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                        title: r.get(3)?,
                    })
                })?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(store: &Store, sql: &str, params: impl rusqlite::Params) -> Vec<String> {
        let mut stmt = store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        stmt.query_map(params, |r| r.get(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn graph_queries_read_through_indexes_not_table_scans() {
        let store = Store::open_in_memory().unwrap();
        let touching = plan(&store, TOUCHING, rusqlite::params!["[]", "[]"]);
        let describe = plan(&store, DESCRIBE, ["[]"]);
        for line in touching.iter().chain(&describe) {
            assert!(
                !(line.starts_with("SCAN e")
                    || line.starts_with("SCAN r")
                    || line.starts_with("SCAN d")),
                "{touching:#?}\n{describe:#?}"
            );
        }
    }
}
