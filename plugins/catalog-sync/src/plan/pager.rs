//! Cursor paging through by-query with one page fetched ahead (the next page downloads
//! while the current one is written), retries per page, and a restart from the first page
//! when the server rejects a cursor (bounded by `max_restarts`).
//!
//! A hostile or broken server cannot keep a listing going forever: a cursor handed out
//! twice in one listing is a loop ([`SyncError::CursorLoop`]), and a listing is limited to
//! [`SyncOptions::max_pages`] pages and [`SyncOptions::max_entities`] entities.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use tokio::task::JoinHandle;

use crate::cancel::CancelToken;
use crate::client::{CatalogClient, QuerySpec, RawPage};
use crate::error::SyncError;
use crate::plan::SyncOptions;
use crate::retry::retry;

/// Consecutive empty pages that still carry a next cursor before we call it a loop.
const MAX_EMPTY_PAGES: u32 = 3;

/// A page being fetched (with retries) in the background.
type PageFetch = JoinHandle<Result<RawPage, SyncError>>;

pub(crate) struct Pager {
    client: CatalogClient,
    spec: Arc<QuerySpec>,
    cancel: CancelToken,
    next: Option<PageFetch>,
    restarts_left: u32,
    pub(crate) restarts: u64,
    empty_pages: u32,
    /// The cursors handed out in this listing, hashed (a server cannot make us keep its
    /// cursors' bytes, and the keys are random, so it cannot make two of them collide).
    cursors: HashSet<u64>,
    hasher: RandomState,
    /// Pages requested and entities received in this listing.
    pages: u64,
    entities: u64,
    max_pages: u64,
    max_entities: u64,
}

impl Pager {
    pub(crate) fn new(client: &CatalogClient, spec: QuerySpec, opts: &SyncOptions) -> Self {
        let mut p = Pager {
            client: client.clone(),
            spec: Arc::new(spec),
            cancel: opts.cancel.clone(),
            next: None,
            restarts_left: opts.max_restarts,
            restarts: 0,
            empty_pages: 0,
            cursors: HashSet::new(),
            hasher: RandomState::new(),
            pages: 0,
            entities: 0,
            // The first page is always asked for.
            max_pages: opts.max_pages.max(1),
            max_entities: opts.max_entities,
        };
        p.fetch(None, true);
        p
    }

    /// A new listing from the first page (after the server rejected a cursor): cursors and
    /// limits count again from zero.
    fn restart(&mut self) {
        self.empty_pages = 0;
        self.cursors.clear();
        self.pages = 0;
        self.entities = 0;
        // A new first page, but totalItems was already asked for once.
        self.fetch(None, false);
    }

    fn fetch(&mut self, cursor: Option<String>, total_items: bool) {
        self.pages += 1;
        let client = self.client.clone();
        let spec = self.spec.clone();
        let cancel = self.cancel.clone();
        self.next = Some(tokio::spawn(async move {
            let policy = client.options().retry;
            retry(
                &policy,
                &cancel,
                |_, _, _| client.count_retry(),
                || client.query_page_raw(&spec, cursor.as_deref(), total_items),
            )
            .await
        }));
    }

    /// The next page, or `None` after the last one.
    pub(crate) async fn next(&mut self) -> Result<Option<RawPage>, SyncError> {
        loop {
            let Some(handle) = self.next.take() else {
                return Ok(None);
            };
            let result = handle
                .await
                .map_err(|e| SyncError::Internal(format!("page fetch task failed: {e}")))?;
            let page = match result {
                Ok(p) => p,
                Err(SyncError::CursorExpired { detail }) if self.restarts_left > 0 => {
                    tracing::info!(%detail, "cursor rejected; listing again from the first page");
                    self.restarts_left -= 1;
                    self.restarts += 1;
                    self.restart();
                    continue;
                }
                Err(e) => return Err(e),
            };
            let limit = self.max_entities;
            if page.total_items.is_some_and(|n| n > limit) {
                // Said up front (totalItems on the first page): no need to page through it.
                return Err(SyncError::TooManyEntities { limit });
            }
            self.entities = self.entities.saturating_add(page.refs.len() as u64);
            if self.entities > limit {
                return Err(SyncError::TooManyEntities { limit });
            }
            if let Some(next) = &page.next_cursor {
                if !self.cursors.insert(self.hasher.hash_one(next.as_str())) {
                    return Err(SyncError::CursorLoop { page: self.pages });
                }
                if self.pages >= self.max_pages {
                    return Err(SyncError::TooManyPages {
                        limit: self.max_pages,
                    });
                }
                if page.refs.is_empty() {
                    self.empty_pages += 1;
                    if self.empty_pages >= MAX_EMPTY_PAGES {
                        return Err(SyncError::UnexpectedResponse {
                            detail: "the server keeps returning empty pages with a next cursor"
                                .into(),
                        });
                    }
                } else {
                    self.empty_pages = 0;
                }
                self.fetch(Some(next.clone()), false);
            }
            return Ok(Some(page));
        }
    }
}

impl Drop for Pager {
    fn drop(&mut self) {
        if let Some(h) = self.next.take() {
            h.abort();
        }
    }
}
