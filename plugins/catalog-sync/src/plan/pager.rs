//! Cursor paging through by-query with one page fetched ahead (the next page downloads
//! while the current one is written), retries per page, and a restart from the first page
//! when the server rejects a cursor (bounded by `max_restarts`).

use std::sync::Arc;

use tokio::task::JoinHandle;

use crate::cancel::CancelToken;
use crate::client::{CatalogClient, QuerySpec, RawPage};
use crate::error::SyncError;
use crate::retry::retry;

/// Consecutive empty pages that still carry a next cursor before we call it a loop.
const MAX_EMPTY_PAGES: u32 = 3;

/// A page being fetched (with retries) in the background.
type PageFetch = JoinHandle<Result<RawPage, SyncError>>;

pub(crate) struct Pager {
    client: CatalogClient,
    spec: Arc<QuerySpec>,
    cancel: CancelToken,
    next: Option<(Option<String>, PageFetch)>,
    restarts_left: u32,
    pub(crate) restarts: u64,
    empty_pages: u32,
}

impl Pager {
    pub(crate) fn new(
        client: &CatalogClient,
        spec: QuerySpec,
        cancel: &CancelToken,
        max_restarts: u32,
    ) -> Self {
        let mut p = Pager {
            client: client.clone(),
            spec: Arc::new(spec),
            cancel: cancel.clone(),
            next: None,
            restarts_left: max_restarts,
            restarts: 0,
            empty_pages: 0,
        };
        p.fetch(None, true);
        p
    }

    fn fetch(&mut self, cursor: Option<String>, total_items: bool) {
        let client = self.client.clone();
        let spec = self.spec.clone();
        let cancel = self.cancel.clone();
        let c = cursor.clone();
        let handle = tokio::spawn(async move {
            let policy = client.options().retry;
            retry(
                &policy,
                &cancel,
                |_, _, _| client.count_retry(),
                || client.query_page_raw(&spec, c.as_deref(), total_items),
            )
            .await
        });
        self.next = Some((cursor, handle));
    }

    /// The next page, or `None` after the last one.
    pub(crate) async fn next(&mut self) -> Result<Option<RawPage>, SyncError> {
        loop {
            let Some((cursor, handle)) = self.next.take() else {
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
                    self.empty_pages = 0;
                    // A new first page, but totalItems was already asked for once.
                    self.fetch(None, false);
                    continue;
                }
                Err(e) => return Err(e),
            };
            if let Some(next) = &page.next_cursor {
                if cursor.as_deref() == Some(next.as_str()) {
                    return Err(SyncError::UnexpectedResponse {
                        detail: "the server returned the same cursor again".into(),
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
        if let Some((_, h)) = self.next.take() {
            h.abort();
        }
    }
}
