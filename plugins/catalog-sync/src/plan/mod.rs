//! The sync plan, independent of storage: [`full_sync`], [`incremental_sync`] and [`sync`]
//! drive a [`SyncTarget`] from a [`CatalogClient`]. On success the target has committed
//! exactly once; on any failure (network, malformed data, storage, cancellation) it has
//! rolled back before the function returns.

mod full;
mod incremental;
mod pager;
mod writer;

use std::time::Instant;

pub use incremental::LISTING_FIELDS;

use crate::cancel::CancelToken;
use crate::client::{CatalogClient, QuerySpec};
use crate::error::SyncError;
use crate::progress::{Phase, ProgressFn, Tracker};
use crate::report::SyncReport;
use crate::target::{SyncMode, SyncTarget};

/// Default of [`SyncOptions::max_pages`].
pub const DEFAULT_MAX_PAGES: u64 = 100_000;
/// Default of [`SyncOptions::max_entities`].
pub const DEFAULT_MAX_ENTITIES: u64 = 5_000_000;

#[derive(Clone)]
pub struct SyncOptions {
    pub cancel: CancelToken,
    pub progress: Option<ProgressFn>,
    /// How often a listing may start again from the first page after the server rejected
    /// its cursor (default 1).
    pub max_restarts: u32,
    /// Most by-query pages one listing may take; a server that keeps handing out new
    /// cursors fails the sync with [`SyncError::TooManyPages`] (default 100 000). A restart
    /// after an expired cursor counts again from zero (at most `max_restarts` times).
    pub max_pages: u64,
    /// Most entities one listing may return (its `totalItems` included), which also bounds
    /// the memory of a sync: more fails with [`SyncError::TooManyEntities`] (default
    /// 5 000 000). Counted again from zero after a restart, like `max_pages`.
    pub max_entities: u64,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for SyncOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncOptions")
            .field("cancel", &self.cancel)
            .field("progress", &self.progress.is_some())
            .field("max_restarts", &self.max_restarts)
            .field("max_pages", &self.max_pages)
            .field("max_entities", &self.max_entities)
            .finish()
    }
}

impl SyncOptions {
    pub fn new() -> Self {
        Self {
            cancel: CancelToken::new(),
            progress: None,
            max_restarts: 1,
            max_pages: DEFAULT_MAX_PAGES,
            max_entities: DEFAULT_MAX_ENTITIES,
        }
    }

    pub fn with_max_pages(mut self, max_pages: u64) -> Self {
        self.max_pages = max_pages;
        self
    }

    pub fn with_max_entities(mut self, max_entities: u64) -> Self {
        self.max_entities = max_entities;
        self
    }

    pub fn with_cancel(mut self, cancel: CancelToken) -> Self {
        self.cancel = cancel;
        self
    }

    pub fn with_progress(mut self, f: impl Fn(&crate::Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(std::sync::Arc::new(f));
        self
    }
}

/// Full sync: every entity fetched whole.
pub async fn full_sync<T: SyncTarget>(
    client: &CatalogClient,
    target: T,
    opts: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    sync(client, target, SyncMode::Full, opts).await
}

/// Incremental sync: refs and etags listed, changed ones fetched by ref. With an empty
/// local copy it does a full sync instead (cheaper than fetching everything by ref); the
/// report's `mode` says which ran.
pub async fn incremental_sync<T: SyncTarget>(
    client: &CatalogClient,
    target: T,
    opts: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    sync(client, target, SyncMode::Incremental, opts).await
}

pub async fn sync<T: SyncTarget>(
    client: &CatalogClient,
    target: T,
    mode: SyncMode,
    opts: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let before = client.meter();
    let mut tracker = Tracker::new(opts.progress.clone(), client, mode);
    tracker.emit();
    if opts.cancel.is_cancelled() {
        return Err(SyncError::Cancelled);
    }
    // The listing's first page is asked for while the target reads its etags.
    let listing = |mode| match mode {
        SyncMode::Full => pager::Pager::new(client, QuerySpec::default(), opts),
        SyncMode::Incremental => pager::Pager::new(client, incremental::listing_spec(client), opts),
    };
    let pager = listing(mode);
    let (mut writer, local) = writer::Writer::start(target).await?;
    let (mode, pager) = if mode == SyncMode::Incremental && local.is_empty() {
        drop(pager);
        (SyncMode::Full, listing(SyncMode::Full))
    } else {
        (mode, pager)
    };
    tracker.set_mode(mode);
    let mut report = SyncReport::new(mode);
    let result = match mode {
        SyncMode::Full => {
            full::run(pager, &mut writer, &local, opts, &mut tracker, &mut report).await
        }
        SyncMode::Incremental => {
            incremental::run(
                client,
                pager,
                &mut writer,
                &local,
                opts,
                &mut tracker,
                &mut report,
            )
            .await
        }
    };
    let result = result.and_then(|()| {
        if opts.cancel.is_cancelled() {
            Err(SyncError::Cancelled)
        } else {
            Ok(())
        }
    });
    let traffic = client.meter().since(&before);
    report.requests = traffic.requests;
    report.retries = traffic.retries;
    report.bytes_received = traffic.bytes_received;
    report.bytes_decoded = traffic.bytes_decoded;
    report.bytes_sent = traffic.bytes_sent;
    report.duration_ms = started.elapsed().as_millis() as u64;
    match result {
        Ok(()) => {
            tracker.phase(Phase::Committing, None);
            match writer.commit(&report).await {
                Ok(()) => {
                    report.duration_ms = started.elapsed().as_millis() as u64;
                    tracker.phase(Phase::Done, None);
                    Ok(report)
                }
                Err(e) => {
                    tracker.phase(Phase::Failed, None);
                    Err(e)
                }
            }
        }
        Err(e) => {
            writer.rollback().await;
            tracker.phase(Phase::Failed, None);
            Err(e)
        }
    }
}
