//! Status of the sync from a team Backstage backend, as the store records it and the UI shows
//! it ("last synced 5 min ago, 3 added, …", or the last error).

use serde::{Deserialize, Serialize};

/// Full (every entity fetched) or incremental (refs and etags listed, changes fetched).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncRunMode {
    Full,
    Incremental,
}

/// What the last successful sync did, and the last failure if the latest attempt failed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SyncStatus {
    /// The team backend's base URL.
    pub source: String,
    /// Unix time (ms) of the last successful sync; `None` if none succeeded yet.
    pub last_success_ms: Option<u64>,
    /// Unix time (ms) of the last attempt, successful or not.
    pub last_attempt_ms: Option<u64>,
    /// Mode of the last successful sync.
    pub mode: Option<SyncRunMode>,
    pub duration_ms: u64,
    /// Entities the server listed in the last successful sync.
    pub remote_total: u64,
    pub added: u64,
    pub updated: u64,
    pub removed: u64,
    pub unchanged: u64,
    /// Entities the server sent that failed validation and were kept out of the catalog.
    pub invalid: u64,
    /// The first few invalid entities: `ref: what is wrong`.
    pub invalid_samples: Vec<String>,
    /// Team entities stored after the last successful sync (visible or shadowed).
    pub team_entities: u64,
    /// Team entities hidden by a local-file entity with the same ref.
    pub shadowed: u64,
    pub bytes_received: u64,
    /// The error of the last attempt, if it failed (cleared by a success).
    pub last_error: Option<String>,
    /// A short, stable name of that error's class (`unreachable`, `unauthorized`, …).
    pub last_error_kind: Option<String>,
}

/// [`SyncStatus::last_error_kind`] of a sync the store refused because it would shrink the team
/// catalog drastically (to nothing, or to less than half); the UI offers to accept it.
pub const CATALOG_SHRANK: &str = "catalog_shrank";
