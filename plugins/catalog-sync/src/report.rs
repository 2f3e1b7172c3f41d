//! What a finished sync did.

use serde::{Deserialize, Serialize};

use crate::target::SyncMode;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    pub mode: SyncMode,
    /// Entities the server listed.
    pub remote_total: u64,
    pub added: u64,
    pub updated: u64,
    pub removed: u64,
    /// Listed with the same etag as the local copy (in a full sync they are rewritten anyway).
    pub unchanged: u64,
    /// by-query pages read (including pages read again after a restart).
    pub pages: u64,
    /// HTTP requests, all attempts.
    pub requests: u64,
    pub retries: u64,
    /// Listings started again from the first page because the cursor expired.
    pub restarts: u64,
    /// Response bodies over the wire (compressed).
    pub bytes_received: u64,
    /// Response bodies after decompression.
    pub bytes_decoded: u64,
    pub bytes_sent: u64,
    pub duration_ms: u64,
}

impl SyncReport {
    /// A report of nothing done yet, in `mode`.
    pub fn new(mode: SyncMode) -> Self {
        Self {
            mode,
            remote_total: 0,
            added: 0,
            updated: 0,
            removed: 0,
            unchanged: 0,
            pages: 0,
            requests: 0,
            retries: 0,
            restarts: 0,
            bytes_received: 0,
            bytes_decoded: 0,
            bytes_sent: 0,
            duration_ms: 0,
        }
    }
}
