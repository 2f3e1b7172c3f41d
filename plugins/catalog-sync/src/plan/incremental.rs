//! Incremental sync: list only `kind, metadata.namespace, metadata.name, metadata.etag` for
//! everything, compare with the local etags as pages arrive, fetch changed and new entities
//! with by-refs in batches — the first ones while the listing is still paging — and remove
//! what disappeared.

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::Value;
use tokio::task::JoinHandle;

use crate::client::{CatalogClient, QuerySpec};
use crate::error::SyncError;
use crate::plan::SyncOptions;
use crate::plan::full::REMOVE_BATCH;
use crate::plan::pager::Pager;
use crate::plan::writer::Writer;
use crate::progress::{Phase, Tracker};
use crate::report::SyncReport;
use crate::retry::retry;

/// The fields an incremental listing asks for: the ref and the etag, nothing else. (Not the
/// uid: the diff needs none, and 36 random characters per entity were a third of the
/// listing's compressed bytes.)
pub const LISTING_FIELDS: [&str; 4] = [
    "kind",
    "metadata.namespace",
    "metadata.name",
    "metadata.etag",
];

/// What an incremental listing asks for.
pub(crate) fn listing_spec(client: &CatalogClient) -> QuerySpec {
    QuerySpec {
        fields: LISTING_FIELDS.iter().map(|s| (*s).to_owned()).collect(),
        page_size: Some(client.listing_page_size()),
        ..QuerySpec::default()
    }
}

struct Wanted {
    reference: String,
    key: String,
    is_new: bool,
}

/// `pager` is the listing (of [`listing_spec`]), its first page already asked for.
pub(crate) async fn run(
    client: &CatalogClient,
    mut pager: Pager,
    writer: &mut Writer,
    local: &HashMap<String, String>,
    opts: &SyncOptions,
    tracker: &mut Tracker,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    writer.begin(report.mode).await?;
    let mut fetcher = Fetcher::new(client, opts);
    // Diffed as pages arrive (while the next one is fetched ahead): only what must be fetched
    // is kept, and the local refs seen (borrowed, no copies). A ref listed twice (a
    // restarted listing) is fetched once.
    let mut asked: HashSet<String> = HashSet::new();
    let mut seen: HashSet<&str> = HashSet::with_capacity(local.len());
    tracker.phase(Phase::Listing, None);
    while let Some(page) = pager.next().await? {
        if opts.cancel.is_cancelled() {
            return Err(SyncError::Cancelled);
        }
        if let Some(t) = page.total_items {
            tracker.set_total(t);
        }
        let n = page.refs.len();
        for item in page.refs {
            let stored = local.get_key_value(&item.key);
            if let Some((key, _)) = stored {
                seen.insert(key.as_str());
            }
            match (stored, &item.etag) {
                (Some((_, l)), Some(e)) if l == e => {}
                _ if asked.contains(&item.key) => {}
                _ => {
                    asked.insert(item.key.clone());
                    fetcher.queue.push_back(Wanted {
                        reference: item.reference,
                        key: item.key,
                        is_new: stored.is_none(),
                    });
                }
            }
        }
        report.pages += 1;
        tracker.page(n);
        // Changed entities are fetched while the listing goes on: a full batch at a time,
        // one in flight, written as soon as it is in.
        fetcher.step(writer, report, false).await?;
    }
    report.restarts = pager.restarts;
    drop(pager);

    let new = asked.iter().filter(|k| !local.contains_key(*k)).count();
    report.unchanged = (seen.len() - (asked.len() - new)) as u64;
    report.remote_total = (seen.len() + new) as u64;
    let mut gone: Vec<String> = if seen.len() == local.len() {
        Vec::new()
    } else {
        local
            .keys()
            .filter(|k| !seen.contains(k.as_str()))
            .cloned()
            .collect()
    };
    drop(seen);

    // The rest of the changed and new ones.
    tracker.phase(Phase::Fetching, Some(asked.len() as u64));
    tracker.advance(fetcher.done);
    while fetcher.pending() {
        if opts.cancel.is_cancelled() {
            return Err(SyncError::Cancelled);
        }
        let n = fetcher.step(writer, report, true).await?;
        tracker.advance(n);
    }
    gone.append(&mut fetcher.gone);

    // Remove what disappeared.
    tracker.phase(Phase::Removing, Some(gone.len() as u64));
    for chunk in gone.chunks(REMOVE_BATCH) {
        writer.remove(chunk.to_vec()).await?;
        report.removed += chunk.len() as u64;
        tracker.advance(chunk.len());
    }
    Ok(())
}

type Fetch = JoinHandle<Result<Vec<Option<Value>>, SyncError>>;

/// By-refs fetches of the wanted entities: batches of `refs_batch`, one in flight and (once
/// the listing is done) the next one asked for while the previous one is written.
struct Fetcher<'a> {
    client: &'a CatalogClient,
    opts: &'a SyncOptions,
    batch: usize,
    /// Wanted, not asked for yet.
    queue: VecDeque<Wanted>,
    /// The batch asked for (aborted if the sync ends early).
    in_flight: Option<(Vec<Wanted>, Fetch)>,
    /// Entities written so far.
    done: usize,
    /// Listed but deleted before their fetch.
    gone: Vec<String>,
}

impl Drop for Fetcher<'_> {
    fn drop(&mut self) {
        if let Some((_, h)) = self.in_flight.take() {
            h.abort();
        }
    }
}

impl<'a> Fetcher<'a> {
    fn new(client: &'a CatalogClient, opts: &'a SyncOptions) -> Self {
        Fetcher {
            client,
            opts,
            batch: client.options().refs_batch.max(1),
            queue: VecDeque::new(),
            in_flight: None,
            done: 0,
            gone: Vec::new(),
        }
    }

    fn pending(&self) -> bool {
        self.in_flight.is_some() || !self.queue.is_empty()
    }

    /// Asks for the next batch if none is in flight and a full one is queued (any, when the
    /// listing is over).
    fn ask(&mut self, listing_done: bool) {
        if self.in_flight.is_some()
            || self.queue.is_empty()
            || (!listing_done && self.queue.len() < self.batch)
        {
            return;
        }
        let take = self.batch.min(self.queue.len());
        let batch: Vec<Wanted> = self.queue.drain(..take).collect();
        let refs: Vec<String> = batch.iter().map(|w| w.reference.clone()).collect();
        let client = self.client.clone();
        let cancel = self.opts.cancel.clone();
        let handle = tokio::spawn(async move {
            let policy = client.options().retry;
            retry(
                &policy,
                &cancel,
                |_, _, _| client.count_retry(),
                || client.entities_by_refs(&refs, &[]),
            )
            .await
        });
        self.in_flight = Some((batch, handle));
    }

    /// While listing: writes the batch in flight if it is in, and asks for the next full one.
    /// After: waits for the batch in flight, asks for the next one, then writes. Returns the
    /// number of entities written.
    async fn step(
        &mut self,
        writer: &mut Writer,
        report: &mut SyncReport,
        listing_done: bool,
    ) -> Result<usize, SyncError> {
        self.ask(listing_done);
        let ready = self
            .in_flight
            .as_ref()
            .is_some_and(|(_, h)| listing_done || h.is_finished());
        if !ready {
            return Ok(0);
        }
        let Some((batch, handle)) = self.in_flight.take() else {
            return Ok(0);
        };
        let items = handle
            .await
            .map_err(|e| SyncError::Internal(format!("by-refs task failed: {e}")))??;
        self.ask(listing_done);
        let mut upserts = Vec::with_capacity(items.len());
        for (w, item) in batch.iter().zip(items) {
            match item {
                Some(entity) => {
                    if w.is_new {
                        report.added += 1;
                    } else {
                        report.updated += 1;
                    }
                    upserts.push(entity);
                }
                // Deleted between the listing and this fetch.
                None if !w.is_new => self.gone.push(w.key.clone()),
                None => {}
            }
        }
        writer.upsert(upserts).await?;
        self.done += batch.len();
        Ok(batch.len())
    }
}
