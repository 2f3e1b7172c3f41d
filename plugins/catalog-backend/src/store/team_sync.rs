//! The store side of a sync from a team backend: [`TeamSync`] implements
//! [`backlot_catalog_sync::SyncTarget`] on a connection of its own. While the sync downloads,
//! entities are validated and staged in temporary tables ([`super::team_stage`]) without any
//! lock on the catalog, so the user's own writes (stars, visits, folders) never wait for the
//! network. `commit` applies the staged rows in one short SQLite transaction
//! ([`super::team_apply`]; a large first sync writes most rows ahead in short transactions
//! first and its commit only makes them visible: [`super::team_write_ahead`]): readers — the app's [`Store`] included — see the old catalog until
//! then, and the new one after; a rollback, a crash or a kill leaves the previous catalog as it
//! was. The sync status is written in the same transaction.
//!
//! A sync that would shrink the team catalog drastically (to nothing, or to less than half of
//! what the offline copy holds) is not applied unless accepted ([`TeamSync::accept_shrink`]):
//! a misconfigured or failing server must not silently wipe the offline catalog.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use backlot_catalog_sync::{SyncError, SyncMode, SyncReport, SyncTarget, entity_key};
pub use backlot_model::sync::CATALOG_SHRANK;
use backlot_model::sync::{SyncRunMode, SyncStatus};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::Store;
use super::team::{delete_visible, is_team_root, team_root, visible_row};
use super::team_stage::{self, Staged};
use super::team_write_ahead;
use super::write::{BULK_TABLES, drop_indexes, refresh_facet_counts};
use crate::error::{Result, StoreError};

/// New rows from which the planner statistics are refreshed at commit.
const ANALYZE_MIN_INSERTS: u64 = 5_000;
/// A first full sync into a store with fewer entities than this drops the secondary indexes
/// and rebuilds them at commit (one sort per index instead of a B-tree insert per row), as
/// large local ingestions do. In the same transaction, so a rollback restores them.
const BULK_MAX_EXISTING: u64 = 5_000;
/// Invalid entities described in the status (the rest are only counted).
const MAX_INVALID_SAMPLES: usize = 20;
/// Team catalogs at least this large are guarded against shrinking below half.
const SHRINK_GUARD_MIN: u64 = 10;

/// Whether going from `before` to `after` team entities is a drastic shrink: to nothing, or
/// (from at least [`SHRINK_GUARD_MIN`]) to less than half.
pub fn is_drastic_shrink(before: u64, after: u64) -> bool {
    (before > 0 && after == 0) || (before >= SHRINK_GUARD_MIN && after * 2 < before)
}

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
    /// Set by `begin`: the staging tables exist.
    mode: Option<SyncMode>,
    invalid: u64,
    invalid_samples: Vec<String>,
    accept_shrink: bool,
    /// A few entities brought in between syncs (after a refresh): other backends' entities
    /// stay, and the sync status is not touched.
    targeted: bool,
}

impl std::fmt::Debug for TeamSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamSync")
            .field("source", &self.source)
            .field("mode", &self.mode)
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
        super::wait_for_writers(&conn)?;
        // The staging tables go to a temporary file, not memory: a 100k-entity sync stages
        // hundreds of megabytes. No automatic checkpoint inside the commit: it runs after the
        // write lock is released (see `commit`).
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA temp_store = FILE; PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 0;",
        )?;
        let source = normalize_source(source);
        Ok(TeamSync {
            conn,
            root: team_root(&source),
            source,
            mode: None,
            invalid: 0,
            invalid_samples: Vec::new(),
            accept_shrink: false,
            targeted: false,
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
        status.last_error_kind = Some(sync_failure_kind(error).to_owned());
        write_status(&self.conn, &status)
    }

    /// Team entities stored (visible or shadowed).
    pub fn team_entity_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM team_entities", [], |r| r.get(0))?)
    }
}

/// The status's `last_error_kind` for `error`: the engine's kind, except for the store's own
/// refusal of a drastic shrink (which the UI offers to accept).
pub fn sync_failure_kind(error: &SyncError) -> &'static str {
    if let SyncError::Storage(inner) = error
        && let Some(StoreError::CatalogShrank { .. }) = inner.downcast_ref::<StoreError>()
    {
        return CATALOG_SHRANK;
    }
    error.kind()
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

    /// Applies the sync even when it shrinks the team catalog drastically (the user saw the
    /// warning and agreed, or `backlot sync --accept-shrink`).
    pub fn accept_shrink(mut self, yes: bool) -> Self {
        self.accept_shrink = yes;
        self
    }

    /// Brings `entities` (whole, as the backend sent them) into the catalog and removes
    /// the team entities `gone` (keys), in one short transaction, outside any sync: the
    /// entity page's "Refresh" uses it. The sync status is left as it is.
    pub fn apply_targeted(mut self, entities: &[Value], gone: &[String]) -> Result<()> {
        self.targeted = true;
        self.begin(SyncMode::Incremental)?;
        self.upsert(entities)?;
        self.remove(gone)?;
        self.commit(&SyncReport::new(SyncMode::Incremental))
    }

    /// For tests: what a kill between writing ahead and the commit leaves. Writes the staged
    /// sync ahead (when it is large enough to be) and stops without committing; true if it
    /// wrote ahead.
    #[doc(hidden)]
    pub fn write_ahead_and_stop(self) -> Result<bool> {
        self.require_begun("write_ahead_and_stop")?;
        if !team_write_ahead::wanted(&self.conn)? {
            return Ok(false);
        }
        team_write_ahead::write_ahead(&self.conn, &self.source)?;
        Ok(true)
    }

    fn require_begun(&self, op: &'static str) -> Result<SyncMode> {
        self.mode.ok_or(StoreError::NoSyncTransaction(op))
    }

    /// Removes the team entity `key` of any source now (inside the commit's transaction): its
    /// stored copy, and its visible row if the team copy is the one shown.
    fn remove_key(&mut self, key: &str) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM team_entities WHERE entity_ref = ?1")?
            .execute([key])?;
        if let Some((id, root)) = visible_row(&self.conn, key)?
            && is_team_root(&root)
        {
            delete_visible(&self.conn, id)?;
        }
        Ok(())
    }

    fn note_invalid(&mut self, what: String) {
        self.invalid += 1;
        if self.invalid_samples.len() < MAX_INVALID_SAMPLES {
            self.invalid_samples.push(what);
        }
    }

    fn stage_all(&mut self, entities: &[Value]) -> Result<()> {
        for value in entities {
            let Ok(key) = entity_key(value) else {
                self.note_invalid("an entity without kind or metadata.name".into());
                continue;
            };
            match team_stage::stage_served(&self.conn, &self.source, &key, value)? {
                Staged::Unchanged | Staged::Changed => {}
                Staged::Invalid(what) => self.note_invalid(what),
            }
        }
        Ok(())
    }

    /// Runs `f` in a transaction that writes only the staging tables (no catalog lock).
    fn staging<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN DEFERRED")?;
        match f(self) {
            Ok(v) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// How many team entities of this backend the catalog will hold once the staged sync is
    /// applied: those kept, minus the staged removals, plus the staged newcomers. Read without
    /// the write lock, so a refused shrink never takes it.
    fn count_after(&self) -> Result<u64> {
        let before = self.team_count()?;
        let gone: u64 = self.conn.query_row(
            "SELECT count(*) FROM main.team_entities t JOIN temp.staged_gone g
             ON g.entity_ref = t.entity_ref WHERE t.source = ?1",
            [&self.source],
            |r| r.get(0),
        )?;
        let new: u64 = self.conn.query_row(
            "SELECT count(*) FROM temp.staged_team s WHERE NOT EXISTS
             (SELECT 1 FROM main.team_entities t WHERE t.entity_ref = s.entity_ref AND t.source = ?1)",
            [&self.source],
            |r| r.get(0),
        )?;
        Ok((before + new).saturating_sub(gone))
    }

    fn team_count(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM team_entities WHERE source = ?1",
            [&self.source],
            |r| r.get(0),
        )?)
    }

    /// The commit's transaction: everything staged becomes the catalog, or nothing does.
    fn apply(
        &mut self,
        mode: SyncMode,
        report: &SyncReport,
        ahead: Option<team_write_ahead::Pending>,
    ) -> Result<()> {
        // One team backend at a time: entities of a previous backend go.
        let others: Vec<String> = if self.targeted {
            Vec::new()
        } else {
            let mut stmt = self
                .conn
                .prepare("SELECT entity_ref FROM team_entities WHERE source <> ?1")?;
            stmt.query_map([&self.source], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        for key in &others {
            self.remove_key(key)?;
        }
        let mut dropped_indexes = Vec::new();
        if mode == SyncMode::Full {
            let team: u64 = self
                .conn
                .query_row("SELECT count(*) FROM team_entities", [], |r| r.get(0))?;
            let existing: u64 = self
                .conn
                .query_row("SELECT count(*) FROM entities", [], |r| r.get(0))?;
            if team == 0 && existing < BULK_MAX_EXISTING {
                // Rows written ahead have their tags and relations indexed already.
                let tables: &[&str] = if ahead.is_some() {
                    &["entities"]
                } else {
                    BULK_TABLES
                };
                dropped_indexes = drop_indexes(&self.conn, tables)?;
            }
        }
        let applied = match ahead {
            Some(pending) => team_write_ahead::flip(&self.conn, &self.root, pending)?,
            None => super::team_apply::apply(&self.conn, &self.source, &self.root)?,
        };
        for sql in dropped_indexes {
            self.conn.execute_batch(&sql)?;
        }
        let after = self.team_count()?;
        if applied.changed || !others.is_empty() {
            refresh_facet_counts(&self.conn)?;
            super::write::mark_changed(&self.conn)?;
        }
        if applied.inserted >= ANALYZE_MIN_INSERTS {
            self.conn
                .execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")?;
        }
        if self.targeted {
            return Ok(());
        }
        self.write_success(report, after)
    }

    fn write_success(&mut self, report: &SyncReport, team_entities: u64) -> Result<()> {
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
        write_status(&self.conn, &status)
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
        // What a sync killed before its commit wrote ahead goes first (not in a refresh of a
        // few entities, which may run while a sync writes ahead).
        if !self.targeted {
            team_write_ahead::clear_abandoned(&self.conn)?;
        }
        team_stage::create(&self.conn)?;
        self.mode = Some(mode);
        Ok(())
    }

    fn upsert(&mut self, entities: &[Value]) -> Result<()> {
        self.require_begun("upsert")?;
        self.staging(|this| this.stage_all(entities))
    }

    fn remove(&mut self, keys: &[String]) -> Result<()> {
        self.require_begun("remove")?;
        self.staging(|this| {
            for key in keys {
                let mine: bool = this
                    .conn
                    .prepare_cached(
                        "SELECT 1 FROM team_entities WHERE entity_ref = ?1 AND source = ?2",
                    )?
                    .query_row(params![key, this.source], |_| Ok(()))
                    .optional()?
                    .is_some();
                if mine {
                    team_stage::stage_gone(&this.conn, key)?;
                }
            }
            Ok(())
        })
    }

    fn commit(mut self, report: &SyncReport) -> Result<()> {
        let mode = self.require_begun("commit")?;
        let (before, after) = (self.team_count()?, self.count_after()?);
        if is_drastic_shrink(before, after) && !self.accept_shrink {
            return Err(StoreError::CatalogShrank { before, after });
        }
        // A large first sync writes most rows ahead, in short transactions.
        let ahead =
            if mode == SyncMode::Full && !self.targeted && team_write_ahead::wanted(&self.conn)? {
                Some(team_write_ahead::write_ahead(&self.conn, &self.source)?)
            } else {
                None
            };
        // The only time a sync holds the catalog's write lock for more than a moment.
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        match self.apply(mode, report, ahead) {
            Ok(()) => {
                self.conn.execute_batch("COMMIT")?;
                // Copying the log into the database file after the lock is released: other
                // writers go on meanwhile (a passive checkpoint never waits for them).
                let _ = self.conn.execute_batch("PRAGMA wal_checkpoint(PASSIVE)");
                let _ = self.conn.execute_batch(team_stage::CLEAR);
                Ok(())
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                if ahead.is_some() {
                    let _ = team_write_ahead::clear_abandoned(&self.conn);
                }
                Err(e)
            }
        }
    }

    fn rollback(self) -> Result<()> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("ROLLBACK")?;
        }
        // The staging tables are temporary: they go with the connection.
        Ok(())
    }
}
