//! Moving a staged sync ([`super::team_stage`]) into the catalog: set-based statements inside
//! the one transaction that makes the sync visible, so the write lock is held for the SQL
//! alone — no network, no JSON parsing, no validation.
//!
//! Order: the removed and the replaced visible team rows go (with their documents, tags,
//! relations and full-text rows); the team copies are written; staged rows become visible
//! where no local-file entity holds the ref (local files win); their children follow, joined
//! on the new row ids.

use rusqlite::{Connection, params};

use super::team::TEAM_ROOT_PREFIX;
use crate::error::Result;

/// What the apply changed.
#[derive(Debug, Default)]
pub(crate) struct Applied {
    /// Visible rows inserted (new or replaced).
    pub inserted: u64,
    /// Whether anything in the catalog changed.
    pub changed: bool,
}

/// Applies the staged rows for the backend `source` (visible rows under `root`). Runs inside
/// the caller's write transaction.
pub(crate) fn apply(conn: &Connection, source: &str, root: &str) -> Result<Applied> {
    let team_rows = format!("{TEAM_ROOT_PREFIX}%");
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.dead_rows;
         CREATE TEMP TABLE dead_rows (id INTEGER PRIMARY KEY);
         DROP TABLE IF EXISTS temp.new_rows;
         CREATE TEMP TABLE new_rows (id INTEGER PRIMARY KEY, entity_ref TEXT NOT NULL);",
    )?;
    // Visible team rows of removed entities and of entities about to be replaced (the staged
    // few drive the join: CROSS JOIN keeps the planner, which has no statistics on temporary
    // tables, from scanning every entity).
    let mut dead = conn.execute(
        "INSERT OR IGNORE INTO temp.dead_rows (id)
         SELECT e.id FROM temp.staged_gone g CROSS JOIN main.entities e ON e.entity_ref = g.entity_ref
         WHERE e.source_root LIKE ?1",
        [&team_rows],
    )?;
    dead += conn.execute(
        "INSERT OR IGNORE INTO temp.dead_rows (id)
         SELECT e.id FROM temp.staged_rows s CROSS JOIN main.entities e ON e.entity_ref = s.entity_ref
         WHERE e.source_root LIKE ?1",
        [&team_rows],
    )?;
    for sql in [
        "DELETE FROM main.entity_tags WHERE entity_id IN (SELECT id FROM temp.dead_rows)",
        "DELETE FROM main.relations WHERE originating_id IN (SELECT id FROM temp.dead_rows)",
        "DELETE FROM main.entities_fts WHERE rowid IN (SELECT id FROM temp.dead_rows)",
        "DELETE FROM main.entity_names_fts WHERE rowid IN (SELECT id FROM temp.dead_rows)",
        "DELETE FROM main.entity_docs WHERE id IN (SELECT id FROM temp.dead_rows)",
        "DELETE FROM main.entities WHERE id IN (SELECT id FROM temp.dead_rows)",
    ] {
        conn.execute(sql, [])?;
    }
    let gone = conn.execute(
        "DELETE FROM main.team_entities WHERE entity_ref IN (SELECT entity_ref FROM temp.staged_gone)",
        [],
    )?;
    let stored = conn.execute(
        "INSERT INTO main.team_entities (entity_ref, source, uid, etag, json)
         SELECT entity_ref, ?1, uid, etag, json FROM temp.staged_team WHERE true
         ON CONFLICT (entity_ref) DO UPDATE SET source = excluded.source, uid = excluded.uid,
         etag = excluded.etag, json = excluded.json",
        [source],
    )?;
    // Visible where nothing holds the ref now: a local-file entity keeps it. Rows inserted
    // below get ids above every id present now (no AUTOINCREMENT: max + 1 onwards).
    let last_id: i64 =
        conn.query_row("SELECT coalesce(max(id), 0) FROM main.entities", [], |r| {
            r.get(0)
        })?;
    let inserted = conn.execute(
        "INSERT INTO main.entities (entity_ref, kind, namespace, name, spec_type, owner, lifecycle,
         system, source_root, source_file, doc_index, line, hash)
         SELECT s.entity_ref, s.kind, s.namespace, s.name, s.spec_type, s.owner, s.lifecycle,
         s.system, ?1, '', 0, 0, 0 FROM temp.staged_rows s
         WHERE NOT EXISTS (SELECT 1 FROM main.entities e WHERE e.entity_ref = s.entity_ref)",
        [root],
    )?;
    if inserted > 0 {
        conn.execute(
            "INSERT INTO temp.new_rows (id, entity_ref)
             SELECT id, entity_ref FROM main.entities WHERE id > ?1",
            params![last_id],
        )?;
        for sql in [
            "INSERT INTO main.entity_docs (id, json)
             SELECT n.id, s.doc FROM temp.new_rows n JOIN temp.staged_rows s USING (entity_ref)",
            "INSERT OR IGNORE INTO main.entity_tags (entity_id, tag)
             SELECT n.id, t.tag FROM temp.new_rows n JOIN temp.staged_tags t USING (entity_ref)",
            "INSERT OR IGNORE INTO main.relations (originating_id, type, target_ref)
             SELECT n.id, r.type, r.target_ref FROM temp.new_rows n
             JOIN temp.staged_relations r USING (entity_ref)",
            "INSERT INTO main.entities_fts (rowid, name, title, description, tags, kind)
             SELECT n.id, s.display_name, s.title, s.description, s.tags, s.kind
             FROM temp.new_rows n JOIN temp.staged_rows s USING (entity_ref)",
            "INSERT INTO main.entity_names_fts (rowid, name, kind)
             SELECT n.id, s.display_name, s.kind FROM temp.new_rows n
             JOIN temp.staged_rows s USING (entity_ref)",
        ] {
            conn.execute(sql, [])?;
        }
    }
    conn.execute_batch("DROP TABLE temp.dead_rows; DROP TABLE temp.new_rows;")?;
    Ok(Applied {
        inserted: inserted as u64,
        changed: dead + gone + stored + inserted > 0,
    })
}
