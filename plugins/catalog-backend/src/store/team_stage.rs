//! The staging area of a team sync: while pages arrive, every entity is validated and turned
//! into the rows it will become (entity columns, document, tags, relations, full-text
//! fields) in temporary tables of the sync's own connection. Temporary tables live in
//! SQLite's temp database, so staging takes no lock on the catalog: the user's stars,
//! visits and folder ingestions go on while a long sync downloads. [`super::team_apply`]
//! then moves the staged rows into the catalog in one short transaction.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::team::{TeamEntity, prepare_served};
use super::write::row_of;
use crate::error::Result;

/// The staging tables (dropped and made anew at the start of every sync).
const SCHEMA: &str = "
DROP TABLE IF EXISTS temp.staged_team;
DROP TABLE IF EXISTS temp.staged_rows;
DROP TABLE IF EXISTS temp.staged_tags;
DROP TABLE IF EXISTS temp.staged_relations;
DROP TABLE IF EXISTS temp.staged_gone;
CREATE TEMP TABLE staged_team (
    entity_ref TEXT PRIMARY KEY, uid TEXT, etag TEXT NOT NULL, json TEXT NOT NULL
) WITHOUT ROWID;
CREATE TEMP TABLE staged_rows (
    entity_ref TEXT PRIMARY KEY, kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
    spec_type TEXT, owner TEXT, lifecycle TEXT, system TEXT, doc TEXT NOT NULL,
    display_name TEXT NOT NULL, title TEXT, description TEXT, tags TEXT NOT NULL
) WITHOUT ROWID;
CREATE TEMP TABLE staged_tags (entity_ref TEXT NOT NULL, tag TEXT NOT NULL);
CREATE INDEX temp.staged_tags_ref ON staged_tags (entity_ref);
CREATE TEMP TABLE staged_relations (entity_ref TEXT NOT NULL, type TEXT NOT NULL, target_ref TEXT NOT NULL);
CREATE INDEX temp.staged_relations_ref ON staged_relations (entity_ref);
CREATE TEMP TABLE staged_gone (entity_ref TEXT PRIMARY KEY) WITHOUT ROWID;
";

/// Drops the staging tables (after a commit or a rollback).
pub(crate) const CLEAR: &str = "
DROP TABLE IF EXISTS temp.staged_team;
DROP TABLE IF EXISTS temp.staged_rows;
DROP TABLE IF EXISTS temp.staged_tags;
DROP TABLE IF EXISTS temp.staged_relations;
DROP TABLE IF EXISTS temp.staged_gone;
DROP TABLE IF EXISTS temp.staged_ids;
";

/// Makes empty staging tables on `conn`.
pub(crate) fn create(conn: &Connection) -> Result<()> {
    conn.execute_batch(SCHEMA)?;
    Ok(())
}

/// What staging one served entity did.
pub(crate) enum Staged {
    /// Stored already exactly as served: nothing to do.
    Unchanged,
    /// Staged to be written.
    Changed,
    /// Not valid: staged to be removed; the reason.
    Invalid(String),
}

/// Forgets anything staged for `key` (a later copy of an entity replaces an earlier one).
fn unstage(conn: &Connection, key: &str) -> Result<()> {
    for sql in [
        "DELETE FROM temp.staged_team WHERE entity_ref = ?1",
        "DELETE FROM temp.staged_rows WHERE entity_ref = ?1",
        "DELETE FROM temp.staged_tags WHERE entity_ref = ?1",
        "DELETE FROM temp.staged_relations WHERE entity_ref = ?1",
        "DELETE FROM temp.staged_gone WHERE entity_ref = ?1",
    ] {
        conn.prepare_cached(sql)?.execute([key])?;
    }
    Ok(())
}

/// Stages the removal of the team entity `key`.
pub(crate) fn stage_gone(conn: &Connection, key: &str) -> Result<()> {
    unstage(conn, key)?;
    conn.prepare_cached("INSERT INTO temp.staged_gone (entity_ref) VALUES (?1)")?
        .execute([key])?;
    Ok(())
}

/// Stages one entity as the server sent it, under `key`, for the backend `source`.
pub(crate) fn stage_served(
    conn: &Connection,
    source: &str,
    key: &str,
    value: &Value,
) -> Result<Staged> {
    let served = value.to_string();
    // A full sync sends every entity again: one stored exactly as served is left alone.
    let same = conn
        .prepare_cached(
            "SELECT 1 FROM main.team_entities WHERE entity_ref = ?1 AND source = ?2 AND json = ?3",
        )?
        .query_row(params![key, source, served], |_| Ok(()))
        .optional()?
        .is_some();
    if same {
        unstage(conn, key)?;
        return Ok(Staged::Unchanged);
    }
    match prepare_served(value, served) {
        Ok(team) => {
            stage_entity(conn, &team)?;
            Ok(Staged::Changed)
        }
        Err(errors) => {
            // Keep it out: an older valid copy would be stale.
            stage_gone(conn, key)?;
            let detail = errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            Ok(Staged::Invalid(format!("{key}: {detail}")))
        }
    }
}

fn stage_entity(conn: &Connection, team: &TeamEntity) -> Result<()> {
    let key = &team.key;
    unstage(conn, key)?;
    let row = row_of(&team.valid)?;
    conn.prepare_cached(
        "INSERT INTO temp.staged_team (entity_ref, uid, etag, json) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![key, team.uid, team.etag, team.served])?;
    let meta = &team.valid.entity.metadata;
    conn.prepare_cached(
        "INSERT INTO temp.staged_rows (entity_ref, kind, namespace, name, spec_type, owner, lifecycle,
         system, doc, display_name, title, description, tags)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        key,
        row.kind,
        row.namespace,
        row.name,
        row.spec_type,
        row.owner,
        row.lifecycle,
        row.system,
        row.json,
        meta.name,
        meta.title,
        meta.description,
        row.tags.join(" ")
    ])?;
    let mut tags =
        conn.prepare_cached("INSERT INTO temp.staged_tags (entity_ref, tag) VALUES (?1, ?2)")?;
    for tag in &row.tags {
        tags.execute(params![key, tag])?;
    }
    // Only the direction the server states from this entity (as local ingestion stores).
    let mut relations = conn.prepare_cached(
        "INSERT INTO temp.staged_relations (entity_ref, type, target_ref) VALUES (?1, ?2, ?3)",
    )?;
    for r in team.valid.relations.iter().filter(|r| r.source_ref == *key) {
        relations.execute(params![key, r.relation_type, r.target_ref])?;
    }
    Ok(())
}
