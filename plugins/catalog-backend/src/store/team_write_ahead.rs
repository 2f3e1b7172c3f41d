//! A large first sync writes ahead of its commit. Moving 100,000 staged entities into the
//! catalog in the commit's one transaction held the write lock for seconds (full-text rows,
//! documents and the team copies are most of it). Here, before the commit, those rows are
//! written in short transactions — a user's star waits for one chunk at most — under entity
//! ids no `entities` row has yet ([lo, hi), recorded in `pending_ids`), and the team copies
//! into `team_entities_next`. Nothing reads them: queries reach documents, tags and relations
//! through `entities`, and full-text queries skip pending rowids (`super::FTS_VISIBLE`).
//! The commit ([`flip`]) then only inserts the narrow `entities` rows with those ids, swaps
//! the team tables and clears the record: readers see the old catalog or the new one.
//!
//! Only for a full sync into a store holding no team entity (a first sync, or the first after
//! switching backends) with many entities staged: a re-sync changes few rows, and its commit
//! is short already. A sync killed before its commit leaves the record and its rows; the
//! next sync deletes them first ([`clear_abandoned`]), in short transactions too.

use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use super::team_apply::Applied;
use crate::error::{Result, StoreError};

/// Staged entities from which a first sync writes ahead.
const MIN_ENTITIES: u64 = 2_000;
/// Entities written per short transaction: ~100 ms of writing in a release build (a few take
/// up to ~350 ms, when the full-text index merges its segments).
const CHUNK: i64 = 1_000;
/// The pause between two chunks, in which a waiting writer (polling every millisecond: see
/// `super::wait_for_writers`) takes the lock.
const PAUSE: Duration = Duration::from_millis(4);
/// Pending ids start this far above the largest id in use: entities a folder ingestion adds
/// meanwhile take the ids after it, and never reach the range.
const GAP: i64 = 1 << 32;

/// The ids written ahead: `[lo, hi)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pending {
    lo: i64,
    hi: i64,
}

/// Whether this commit writes ahead: a full sync, no team entity stored yet, many staged.
pub(crate) fn wanted(conn: &Connection) -> Result<bool> {
    let team: u64 = conn.query_row("SELECT count(*) FROM main.team_entities", [], |r| r.get(0))?;
    if team > 0 {
        return Ok(false);
    }
    let staged: u64 = conn.query_row("SELECT count(*) FROM temp.staged_rows", [], |r| r.get(0))?;
    Ok(staged >= MIN_ENTITIES)
}

/// Runs `f` in its own short write transaction, then pauses so that waiting writers get in.
fn short<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let out = match f() {
        Ok(v) => v,
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    };
    conn.execute_batch("COMMIT")?;
    // Copy the log into the database between chunks (no lock needed), so that a user's
    // commit never runs into a large automatic checkpoint of the sync's pages.
    let _ = conn.execute_batch("PRAGMA wal_checkpoint(PASSIVE)");
    std::thread::sleep(PAUSE);
    Ok(out)
}

/// Gives every staged entity its pending id and writes its documents, tags, relations,
/// full-text rows and team copy (for the backend `source`) ahead, chunk by chunk.
pub(crate) fn write_ahead(conn: &Connection, source: &str) -> Result<Pending> {
    clear_abandoned(conn)?;
    let top: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM main.entities", [], |r| {
        r.get(0)
    })?;
    let lo = top + GAP;
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.staged_ids;
         CREATE TEMP TABLE staged_ids (
             id INTEGER PRIMARY KEY, entity_ref TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
             namespace TEXT NOT NULL, name TEXT NOT NULL, spec_type TEXT, owner TEXT,
             lifecycle TEXT, system TEXT
         );",
    )?;
    // With the narrow columns of `entities`, so that the commit reads this table alone.
    let n = conn.execute(
        "INSERT INTO temp.staged_ids (id, entity_ref, kind, namespace, name, spec_type, owner,
         lifecycle, system)
         SELECT ?1 + row_number() OVER (ORDER BY entity_ref) - 1, entity_ref, kind, namespace,
         name, spec_type, owner, lifecycle, system FROM temp.staged_rows ORDER BY entity_ref",
        [lo],
    )? as i64;
    let pending = Pending { lo, hi: lo + n };
    short(conn, || {
        conn.execute(
            "INSERT INTO main.pending_ids (id, lo, hi) VALUES (1, ?1, ?2)",
            params![pending.lo, pending.hi],
        )?;
        Ok(())
    })?;
    let result = (|| {
        let mut from = pending.lo;
        while from < pending.hi {
            let to = (from + CHUNK).min(pending.hi);
            short(conn, || write_chunk(conn, source, pending, from, to))?;
            from = to;
        }
        Ok(())
    })();
    if let Err(e) = result {
        // Best effort: the next sync clears what is left.
        let _ = clear_abandoned(conn);
        return Err(e);
    }
    Ok(pending)
}

/// Fails unless `pending` is still the recorded range (another sync clears a range it finds).
fn still_recorded(conn: &Connection, pending: Pending) -> Result<()> {
    if recorded(conn)? != Some((pending.lo, pending.hi)) {
        return Err(StoreError::WriteAheadLost);
    }
    Ok(())
}

/// Writes the rows of the staged entities with pending ids in `[from, to)`.
fn write_chunk(
    conn: &Connection,
    source: &str,
    pending: Pending,
    from: i64,
    to: i64,
) -> Result<()> {
    still_recorded(conn, pending)?;
    const IN_CHUNK: &str = "FROM temp.staged_ids n JOIN temp.staged_rows s USING (entity_ref)
                            WHERE n.id >= ?1 AND n.id < ?2";
    for sql in [
        format!("INSERT INTO main.entity_docs (id, json) SELECT n.id, s.doc {IN_CHUNK}"),
        format!(
            "INSERT INTO main.entities_fts (rowid, name, title, description, tags, kind)
             SELECT n.id, s.display_name, s.title, s.description, s.tags, s.kind {IN_CHUNK}"
        ),
        format!(
            "INSERT INTO main.entity_names_fts (rowid, name, kind)
             SELECT n.id, s.display_name, s.kind {IN_CHUNK}"
        ),
    ] {
        conn.prepare_cached(&sql)?.execute(params![from, to])?;
    }
    for sql in [
        "INSERT OR IGNORE INTO main.entity_tags (entity_id, tag)
         SELECT n.id, t.tag FROM temp.staged_ids n JOIN temp.staged_tags t USING (entity_ref)
         WHERE n.id >= ?1 AND n.id < ?2",
        "INSERT OR IGNORE INTO main.relations (originating_id, type, target_ref)
         SELECT n.id, r.type, r.target_ref FROM temp.staged_ids n
         JOIN temp.staged_relations r USING (entity_ref) WHERE n.id >= ?1 AND n.id < ?2",
    ] {
        conn.prepare_cached(sql)?.execute(params![from, to])?;
    }
    conn.prepare_cached(
        "INSERT INTO main.team_entities_next (entity_ref, source, uid, etag, json)
         SELECT t.entity_ref, ?3, t.uid, t.etag, t.json
         FROM temp.staged_ids n JOIN temp.staged_team t USING (entity_ref)
         WHERE n.id >= ?1 AND n.id < ?2",
    )?
    .execute(params![from, to, source])?;
    Ok(())
}

/// The commit's part (inside its transaction): the written-ahead entities become visible —
/// those whose ref no entity holds now (local files win) — and the team copies replace the
/// (empty) team table.
pub(crate) fn flip(conn: &Connection, root: &str, pending: Pending) -> Result<Applied> {
    still_recorded(conn, pending)?;
    let inserted = conn.execute(
        "INSERT INTO main.entities (id, entity_ref, kind, namespace, name, spec_type, owner,
         lifecycle, system, source_root, source_file, doc_index, line, hash)
         SELECT n.id, n.entity_ref, n.kind, n.namespace, n.name, n.spec_type, n.owner,
         n.lifecycle, n.system, ?1, '', 0, 0, 0 FROM temp.staged_ids n
         WHERE NOT EXISTS (SELECT 1 FROM main.entities e WHERE e.entity_ref = n.entity_ref)
         ORDER BY n.id",
        [root],
    )?;
    // Refs held by another entity since staging (a local file, a refresh of one entity): their
    // rows written ahead go.
    let held: Vec<i64> = {
        let mut stmt = conn.prepare(
            "SELECT n.id FROM temp.staged_ids n
             WHERE NOT EXISTS (SELECT 1 FROM main.entities e WHERE e.id = n.id)",
        )?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    for id in held {
        delete_written(conn, id)?;
    }
    // Team copies a refresh of one entity stored meanwhile are newer than the staged ones.
    conn.execute_batch(
        "INSERT INTO main.team_entities_next (entity_ref, source, uid, etag, json)
         SELECT entity_ref, source, uid, etag, json FROM main.team_entities WHERE true
         ON CONFLICT (entity_ref) DO UPDATE SET source = excluded.source, uid = excluded.uid,
         etag = excluded.etag, json = excluded.json;
         ALTER TABLE main.team_entities RENAME TO team_entities_old;
         ALTER TABLE main.team_entities_next RENAME TO team_entities;
         ALTER TABLE main.team_entities_old RENAME TO team_entities_next;
         DELETE FROM main.team_entities_next;
         DROP INDEX main.team_entities_source;
         CREATE INDEX main.team_entities_source ON team_entities (source);
         DELETE FROM main.pending_ids;",
    )?;
    Ok(Applied {
        inserted: inserted as u64,
        changed: true,
    })
}

/// Deletes the rows written ahead for the pending id `id`.
fn delete_written(conn: &Connection, id: i64) -> Result<()> {
    super::write::delete_children(conn, id)?;
    conn.prepare_cached("DELETE FROM main.entity_docs WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// The recorded pending range, if any.
fn recorded(conn: &Connection) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .prepare_cached("SELECT lo, hi FROM main.pending_ids WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Deletes what a sync that never committed wrote ahead (its documents tell which ids it
/// reached), chunk by chunk, then its record — only once no row of the range is left, so
/// that rows written ahead never outlive their record (a chunk is only written while the
/// record is there).
pub(crate) fn clear_abandoned(conn: &Connection) -> Result<()> {
    while let Some((lo, hi)) = recorded(conn)? {
        loop {
            let ids: Vec<i64> = {
                let mut stmt = conn.prepare_cached(
                    "SELECT id FROM main.entity_docs WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT ?3",
                )?;
                stmt.query_map(params![lo, hi, CHUNK], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            };
            if ids.is_empty() {
                break;
            }
            short(conn, || {
                for &id in &ids {
                    delete_written(conn, id)?;
                }
                Ok(())
            })?;
        }
        while short(conn, || {
            Ok(conn
                .prepare_cached(
                    "DELETE FROM main.team_entities_next WHERE id IN
                     (SELECT id FROM main.team_entities_next LIMIT ?1)",
                )?
                .execute([CHUNK])?)
        })? > 0
        {}
        short(conn, || {
            conn.execute(
                "DELETE FROM main.pending_ids WHERE NOT EXISTS
                 (SELECT 1 FROM main.entity_docs WHERE id >= lo AND id < hi)",
                [],
            )?;
            Ok(())
        })?;
    }
    Ok(())
}
