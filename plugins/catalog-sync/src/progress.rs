//! Progress of a running sync, reported through a callback: phase, pages, entities, bytes,
//! rate and ETA. The callback runs on the sync's task: keep it quick (send to a channel,
//! emit a Tauri event, tick a progress bar).

use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::client::{CatalogClient, MeterSnapshot};
use crate::target::SyncMode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Reading the local etags, first request.
    Starting,
    /// Paging through by-query (full sync: whole entities; incremental: refs and etags).
    Listing,
    /// Incremental: fetching changed and new entities by ref.
    Fetching,
    /// Removing what the server no longer has.
    Removing,
    Committing,
    Done,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub mode: SyncMode,
    pub phase: Phase,
    /// by-query pages read so far.
    pub pages: u64,
    /// Entities handled in the current phase.
    pub entities: u64,
    /// Entities expected in the current phase, when known (`totalItems`, number of refs to fetch).
    pub total: Option<u64>,
    /// Response bytes over the wire since the sync started.
    pub bytes_received: u64,
    pub retries: u64,
    pub elapsed_ms: u64,
    /// Entities per second in the current phase.
    pub rate: f64,
    /// Estimated time left in the current phase.
    pub eta_ms: Option<u64>,
}

/// The progress callback.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

pub(crate) struct Tracker {
    sink: Option<ProgressFn>,
    client: CatalogClient,
    base: MeterSnapshot,
    started: Instant,
    phase_started: Instant,
    pub(crate) state: Progress,
}

impl Tracker {
    pub(crate) fn new(sink: Option<ProgressFn>, client: &CatalogClient, mode: SyncMode) -> Self {
        let now = Instant::now();
        Self {
            sink,
            client: client.clone(),
            base: client.meter(),
            started: now,
            phase_started: now,
            state: Progress {
                mode,
                phase: Phase::Starting,
                pages: 0,
                entities: 0,
                total: None,
                bytes_received: 0,
                retries: 0,
                elapsed_ms: 0,
                rate: 0.0,
                eta_ms: None,
            },
        }
    }

    pub(crate) fn set_mode(&mut self, mode: SyncMode) {
        self.state.mode = mode;
    }

    pub(crate) fn phase(&mut self, phase: Phase, total: Option<u64>) {
        self.state.phase = phase;
        self.state.entities = 0;
        self.state.total = total;
        self.phase_started = Instant::now();
        self.emit();
    }

    pub(crate) fn set_total(&mut self, total: u64) {
        self.state.total = Some(total);
    }

    pub(crate) fn page(&mut self, items: usize) {
        self.state.pages += 1;
        self.advance(items);
    }

    pub(crate) fn advance(&mut self, items: usize) {
        self.state.entities += items as u64;
        self.emit();
    }

    pub(crate) fn emit(&mut self) {
        let m = self.client.meter().since(&self.base);
        let s = &mut self.state;
        s.bytes_received = m.bytes_received;
        s.retries = m.retries;
        s.elapsed_ms = self.started.elapsed().as_millis() as u64;
        let phase_secs = self.phase_started.elapsed().as_secs_f64();
        s.rate = if phase_secs > 0.0 {
            s.entities as f64 / phase_secs
        } else {
            0.0
        };
        s.eta_ms = match s.total {
            Some(total) if s.rate > 0.0 => {
                Some((total.saturating_sub(s.entities) as f64 / s.rate * 1000.0) as u64)
            }
            _ => None,
        };
        if let Some(sink) = &self.sink {
            sink(s);
        }
    }
}
