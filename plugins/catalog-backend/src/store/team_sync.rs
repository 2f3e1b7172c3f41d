//! The store side of a sync from a team backend: [`TeamSync`] implements
//! [`backlot_catalog_sync::SyncTarget`] on a connection of its own, so that everything between
//! `begin` and `commit` is one SQLite transaction (WAL): readers — the app's [`Store`] included —
//! see the old catalog until the commit, then the new one; a rollback, a crash or a kill leaves
//! the previous catalog as it was. The sync status is written in the same transaction.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use backlot_catalog_sync::{SyncError, SyncMode, SyncReport, SyncTarget, entity_key};
use backlot_model::sync::{SyncRunMode, SyncStatus};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::Store;
use super::team::{
    delete_visible, insert_visible, is_team_root, prepare_served, team_root, update_visible,
    visible_row,
};
use super::write::{drop_indexes, refresh_facet_counts};
use crate::error::{Result, StoreError};

/// How long `begin` waits for another writer (a local ingestion) to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// New rows from which the planner statistics are refreshed at commit.
const ANALYZE_MIN_INSERTS: u64 = 5_000;
/// A first full sync into a store with fewer entities than this drops the secondary indexes
/// and rebuilds them at commit (one sort per index instead of a B-tree insert per row), as
/// large local ingestions do. In the same transaction, so a rollback restores them.
const BULK_MAX_EXISTING: u64 = 5_000;
/// Invalid entities described in the status (the rest are only counted).
const MAX_INVALID_SAMPLES: usize = 20;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Normalizes a backend base URL used as the source name (no trailing `/`).
fn normalize_source(source: &str) -> String {
    source.trim().trim_end_matches('/').to_owned()
}

/// One sync's write handle (see the module docs). Get it from [`Store::team_sync`] and hand it
/// to `backlot_catalog_sync::sync` (or `full_sync` / `incremental_sync`).
pub struct TeamSync {
    conn: Connection,
    source: String,
    root: String,
    begun: bool,
    changed: bool,
    inserted: u64,
    invalid: u64,
    invalid_samples: Vec<String>,
    /// SQL of the indexes dropped for a bulk load, recreated at commit.
    dropped_indexes: Vec<String>,
}

impl std::fmt::Debug for TeamSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamSync")
            .field("source", &self.source)
            .field("begun", &self.begun)
            .finish()
    }
}

impl Store {
    /// A write handle for one sync from the team backend at `source` (its base URL), on a new
    /// connection to this store's file. Team entities of any other source are replaced by this
    /// one's when the sync begins (one team backend at a time).
    pub fn team_sync(&self, source: &str) -> Result<TeamSync> {
        let path: PathBuf = self.path.clone().ok_or(StoreError::SyncNeedsFile)?;
        let conn = Connection::open(&path).map_err(|source| StoreError::Open {
            path: path.clone(),
            source,
        })?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;",
        )?;
        let source = normalize_source(source);
        Ok(TeamSync {
            conn,
            root: team_root(&source),
            source,
            begun: false,
            changed: false,
            inserted: 0,
            invalid: 0,
            invalid_samples: Vec::new(),
            dropped_indexes: Vec::new(),
        })
    }

    /// The last sync's status, `None` if no sync was ever attempted.
    pub fn sync_status(&self) -> Result<Option<SyncStatus>> {
        read_status(&self.conn)
    }

    /// Records a failed sync attempt (`error` from the engine; the catalog itself was rolled
    /// back by the engine): the last success stays as it was.
    pub fn record_sync_failure(&self, source: &str, error: &SyncError) -> Result<()> {
        let source = normalize_source(source);
        let mut status = match read_status(&self.conn)? {
            Some(s) if s.source == source => s,
            _ => SyncStatus {
                source,
                ..SyncStatus::default()
            },
        };
        status.last_attempt_ms = Some(now_ms());
        status.last_error = Some(error.to_string());
        status.last_error_kind = Some(error.kind().to_owned());
        write_status(&self.conn, &status)
    }

    /// Team entities stored (visible or shadowed).
    pub fn team_entity_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM team_entities", [], |r| r.get(0))?)
    }
}

fn read_status(conn: &Connection) -> Result<Option<SyncStatus>> {
    let json: Option<String> = conn
        .prepare_cached("SELECT json FROM sync_status WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

fn write_status(conn: &Connection, status: &SyncStatus) -> Result<()> {
    let json = serde_json::to_string(status)?;
    conn.execute(
        "INSERT INTO sync_status (id, json) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET json = excluded.json",
        [json],
    )?;
    Ok(())
}

impl TeamSync {
    pub fn source(&self) -> &str {
        &self.source
    }

    fn require_begun(&self, op: &'static str) -> Result<()> {
        if self.begun {
            Ok(())
        } else {
            Err(StoreError::NoSyncTransaction(op))
        }
    }

    /// Removes the team entity `key` of any source: its stored copy, and its visible row if the
    /// team copy is the one shown.
    fn remove_key(&mut self, key: &str) -> Result<()> {
        let gone = self
            .conn
            .prepare_cached("DELETE FROM team_entities WHERE entity_ref = ?1")?
            .execute([key])?;
        if let Some((id, root)) = visible_row(&self.conn, key)?
            && is_team_root(&root)
        {
            delete_visible(&self.conn, id)?;
            self.changed = true;
        }
        if gone > 0 {
            self.changed = true;
        }
        Ok(())
    }

    fn note_invalid(&mut self, what: String) {
        self.invalid += 1;
        if self.invalid_samples.len() < MAX_INVALID_SAMPLES {
            self.invalid_samples.push(what);
        }
    }

    fn upsert_one(&mut self, value: &Value) -> Result<()> {
        let Ok(key) = entity_key(value) else {
            self.note_invalid("an entity without kind or metadata.name".into());
            return Ok(());
        };
        let served = value.to_string();
        // A full sync sends every entity again: one that is stored exactly as served is left
        // alone (its visible row, if any, is already this copy).
        let same: bool = self
            .conn
            .prepare_cached(
                "SELECT 1 FROM team_entities WHERE entity_ref = ?1 AND source = ?2 AND json = ?3",
            )?
            .query_row(params![key, self.source, served], |_| Ok(()))
            .optional()?
            .is_some();
        if same {
            return Ok(());
        }
        let team = match prepare_served(value, served) {
            Ok(t) => t,
            Err(errors) => {
                let detail = errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ");
                self.note_invalid(format!("{key}: {detail}"));
                // Keep it out: an older valid copy would be stale.
                return self.remove_key(&key);
            }
        };
        self.conn
            .prepare_cached(
                "INSERT INTO team_entities (entity_ref, source, uid, etag, json) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (entity_ref) DO UPDATE SET source = excluded.source, uid = excluded.uid,
                 etag = excluded.etag, json = excluded.json",
            )?
            .execute(params![team.key, self.source, team.uid, team.etag, team.served])?;
        match visible_row(&self.conn, &team.key)? {
            None => {
                insert_visible(&self.conn, &team, &self.root)?;
                self.inserted += 1;
            }
            Some((id, root)) if is_team_root(&root) => {
                update_visible(&self.conn, id, &team, &self.root)?
            }
            // A local-file entity holds the ref: it stays; the team copy is stored above.
            Some(_) => {}
        }
        self.changed = true;
        Ok(())
    }

    fn finish(&mut self, report: &SyncReport) -> Result<()> {
        for sql in std::mem::take(&mut self.dropped_indexes) {
            self.conn.execute_batch(&sql)?;
        }
        if self.changed {
            refresh_facet_counts(&self.conn)?;
        }
        if self.inserted >= ANALYZE_MIN_INSERTS {
            self.conn
                .execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")?;
        }
        let team_entities: u64 = self.conn.query_row(
            "SELECT count(*) FROM team_entities WHERE source = ?1",
            [&self.source],
            |r| r.get(0),
        )?;
        let visible: u64 = self.conn.query_row(
            "SELECT count(*) FROM entities WHERE source_root = ?1",
            [&self.root],
            |r| r.get(0),
        )?;
        let now = now_ms();
        let status = SyncStatus {
            source: self.source.clone(),
            last_success_ms: Some(now),
            last_attempt_ms: Some(now),
            mode: Some(match report.mode {
                SyncMode::Full => SyncRunMode::Full,
                SyncMode::Incremental => SyncRunMode::Incremental,
            }),
            duration_ms: report.duration_ms,
            remote_total: report.remote_total,
            added: report.added,
            updated: report.updated,
            removed: report.removed,
            unchanged: report.unchanged,
            invalid: self.invalid,
            invalid_samples: std::mem::take(&mut self.invalid_samples),
            team_entities,
            shadowed: team_entities.saturating_sub(visible),
            bytes_received: report.bytes_received,
            last_error: None,
            last_error_kind: None,
        };
        write_status(&self.conn, &status)?;
        self.conn.execute_batch("COMMIT")?;
        self.begun = false;
        Ok(())
    }
}

impl SyncTarget for TeamSync {
    type Error = StoreError;

    fn local_etags(&mut self) -> Result<HashMap<String, String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT entity_ref, etag FROM team_entities WHERE source = ?1")?;
        let rows = stmt.query_map([&self.source], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn begin(&mut self, mode: SyncMode) -> Result<()> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        self.begun = true;
        // One team backend at a time: entities of a previous backend go.
        let others: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT entity_ref FROM team_entities WHERE source <> ?1")?;
            stmt.query_map([&self.source], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        for key in others {
            self.remove_key(&key)?;
        }
        if mode == SyncMode::Full {
            let team: u64 = self
                .conn
                .query_row("SELECT count(*) FROM team_entities", [], |r| r.get(0))?;
            let existing: u64 = self
                .conn
                .query_row("SELECT count(*) FROM entities", [], |r| r.get(0))?;
            if team == 0 && existing < BULK_MAX_EXISTING {
                self.dropped_indexes = drop_indexes(&self.conn)?;
            }
        }
        Ok(())
    }

    fn upsert(&mut self, entities: &[Value]) -> Result<()> {
        self.require_begun("upsert")?;
        for value in entities {
            self.upsert_one(value)?;
        }
        Ok(())
    }

    fn remove(&mut self, keys: &[String]) -> Result<()> {
        self.require_begun("remove")?;
        for key in keys {
            let mine: bool = self
                .conn
                .prepare_cached(
                    "SELECT 1 FROM team_entities WHERE entity_ref = ?1 AND source = ?2",
                )?
                .query_row(params![key, self.source], |_| Ok(()))
                .optional()?
                .is_some();
            if mine {
                self.remove_key(key)?;
            }
        }
        Ok(())
    }

    fn commit(mut self, report: &SyncReport) -> Result<()> {
        self.require_begun("commit")?;
        // On an error the connection is dropped with the transaction open: SQLite rolls back.
        self.finish(report)
    }

    fn rollback(self) -> Result<()> {
        if self.begun && !self.conn.is_autocommit() {
            self.conn.execute_batch("ROLLBACK")?;
        }
        Ok(())
    }
}
