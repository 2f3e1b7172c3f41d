//! The SQLite catalog store: one connection, WAL, schema migrated at open.

mod details;
mod facets;
mod filter;
mod graph;
mod query;
mod search_index;
mod sources;
mod stars;
mod team;
mod team_apply;
mod team_stage;
mod team_sync;
mod team_write_ahead;
mod write;

use std::path::{Path, PathBuf};

use backlot_model::ipc::{CatalogSummary, StoreStatus};
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Result, StoreError};
use crate::migrations;

pub use search_index::IndexDoc;
pub use team_sync::{CATALOG_SHRANK, TeamSync, is_drastic_shrink, sync_failure_kind};
pub use write::ApplyOutcome;
pub(crate) use write::{Prepared, Writer};

/// The condition every query that reads a full-text table without joining `entities` adds: rows
/// a large sync wrote ahead of its commit are not part of the catalog yet (see
/// `team_write_ahead`). One row read when a range is pending, none otherwise.
pub(crate) const FTS_VISIBLE: &str =
    "rowid < (SELECT coalesce(max(lo), 9223372036854775807) FROM pending_ids)";

/// How long a write waits for another connection's write lock before failing.
const WRITER_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// A write waits for another writer rather than failing (a large folder ingestion or a sync's
/// commit must not lose a star), polling every millisecond: SQLite's own busy timeout sleeps
/// in growing steps of up to 100 ms, and would mostly miss the short pauses between the
/// transactions a large sync writes ahead in.
pub(crate) fn wait_for_writers(conn: &Connection) -> Result<()> {
    fn poll(tries: i32) -> bool {
        let waited = std::time::Duration::from_millis(u64::try_from(tries).unwrap_or(0));
        if waited >= WRITER_WAIT {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
        true
    }
    conn.busy_handler(Some(poll))?;
    Ok(())
}

/// The catalog database. `Send` (one connection); wrap it in a `Mutex` to share it.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    schema_version: u32,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("schema_version", &self.schema_version)
            .finish()
    }
}

impl Store {
    /// Opens (creating the file and its folders if needed) the database at `path`, in WAL mode,
    /// and applies pending migrations.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))
            .map_err(|source| StoreError::Open {
                path: path.to_path_buf(),
                source,
            })?;
        Store::setup(conn, Some(path.to_path_buf()))
    }

    /// A private in-memory store, for tests.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: ":memory:".into(),
            source,
        })?;
        Store::setup(conn, None)
    }

    fn setup(mut conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        wait_for_writers(&conn)?;
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;",
        )?;
        let schema_version = migrations::apply(&mut conn)?;
        Ok(Store {
            conn,
            path,
            schema_version,
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Health and size, for the app's status view.
    pub fn status(&self) -> StoreStatus {
        let path = self
            .path
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|| ":memory:".into());
        let size_bytes = self.path.as_ref().map_or(0, |p| {
            let wal = PathBuf::from(format!("{}-wal", p.display()));
            [p.as_path(), wal.as_path()]
                .iter()
                .filter_map(|f| std::fs::metadata(f).ok())
                .map(|m| m.len())
                .sum()
        });
        let read = || -> Result<(u64, u32)> {
            let count = self
                .conn
                .query_row("SELECT count(*) FROM entities", [], |r| r.get::<_, u64>(0))?;
            Ok((count, migrations::current_version(&self.conn)?))
        };
        let latest = migrations::latest_version();
        match read() {
            Ok((entity_count, v)) => StoreStatus {
                path,
                ok: v == latest,
                schema_version: v,
                entity_count,
                size_bytes,
                error: (v != latest).then(|| format!("schema version {v}, expected {latest}")),
            },
            Err(e) => StoreStatus {
                path,
                ok: false,
                schema_version: self.schema_version,
                entity_count: 0,
                size_bytes,
                error: Some(e.to_string()),
            },
        }
    }

    pub fn get_preference(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM preferences WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_preference(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO preferences (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Totals by kind and the number of problems recorded by the last ingestion of each root.
    pub fn summary(&self) -> Result<CatalogSummary> {
        self.snapshot(|| self.summary_now())
    }

    fn summary_now(&self) -> Result<CatalogSummary> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT value, count FROM facet_counts WHERE facet = 'kind' ORDER BY count DESC, value",
        )?;
        // (one row per kind: the kind facet of each kind is the kind itself)
        let by_kind = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let total = by_kind.iter().map(|k| k.1).sum();
        let error_count = self.conn.query_row(
            "SELECT count(*) FROM (SELECT DISTINCT file, doc_index, line FROM ingest_errors)",
            [],
            |r| r.get(0),
        )?;
        Ok(CatalogSummary {
            total,
            by_kind,
            error_count,
        })
    }

    /// Runs `read` in one read transaction, so that its several statements see one snapshot
    /// of the catalog: a sync or ingestion committing meanwhile is seen entirely or not at all.
    /// Nested calls run in the enclosing snapshot.
    pub(crate) fn snapshot<T>(&self, read: impl FnOnce() -> Result<T>) -> Result<T> {
        if !self.conn.is_autocommit() {
            return read();
        }
        let tx = self.conn.unchecked_transaction()?;
        let out = read();
        // Only reads happened: ending the transaction either way is the same.
        tx.rollback()?;
        out
    }

    #[cfg(test)]
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

#[cfg(test)]
mod tests;
