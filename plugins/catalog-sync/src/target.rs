//! The storage side of a sync, as a trait the store implements.
//!
//! The engine calls, in order: [`SyncTarget::local_etags`] once, then — on a blocking
//! thread of its own — [`SyncTarget::begin`], any number of [`SyncTarget::upsert`] /
//! [`SyncTarget::remove`], and finally exactly one of [`SyncTarget::commit`] or
//! [`SyncTarget::rollback`]. An implementation makes everything between `begin` and
//! `commit` one transaction, so readers see the old catalog or the new one, never a mix;
//! if the process dies before `commit`, nothing of this sync is visible.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::report::SyncReport;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncMode {
    /// Every entity is fetched whole and upserted; what the server no longer has is removed.
    Full,
    /// Only refs and etags are listed; changed and new entities are fetched by ref.
    Incremental,
}

pub trait SyncTarget: Send + 'static {
    type Error: std::error::Error + Send + Sync + 'static;

    /// The team entities stored now (only those that came from this backend — never
    /// local-file entities): ref key → `metadata.etag`. Keys are [`crate::entity_key`]s
    /// (lowercased `kind:namespace/name`).
    fn local_etags(&mut self) -> Result<HashMap<String, String>, Self::Error>;

    /// Starts the transaction.
    fn begin(&mut self, mode: SyncMode) -> Result<(), Self::Error>;

    /// Inserts or replaces whole entities as the server sent them (with `metadata.uid`,
    /// `metadata.etag` and `relations`). Batches are a page or a by-refs batch; an
    /// entity may come twice in one sync (a listing restarted after an expired cursor):
    /// the later copy wins.
    fn upsert(&mut self, entities: &[Value]) -> Result<(), Self::Error>;

    /// Removes team entities by key (as returned by `local_etags`).
    fn remove(&mut self, keys: &[String]) -> Result<(), Self::Error>;

    /// Makes the sync visible atomically. `report` is final except for `duration_ms`; store
    /// status (last success, counts) in the same transaction if wanted.
    fn commit(self, report: &SyncReport) -> Result<(), Self::Error>;

    /// Discards everything since `begin` (also called when `begin` was never reached).
    fn rollback(self) -> Result<(), Self::Error>;
}
