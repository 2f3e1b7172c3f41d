//! Incremental sync: list only `kind, metadata.namespace, metadata.name, metadata.etag` for
//! everything, compare with the local etags, fetch changed and new
//! entities with by-refs in batches (one batch fetched ahead), remove what disappeared.

use std::collections::{HashMap, HashSet};

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

struct Wanted {
    reference: String,
    key: String,
    is_new: bool,
}

pub(crate) async fn run(
    client: &CatalogClient,
    writer: &mut Writer,
    local: &HashMap<String, String>,
    opts: &SyncOptions,
    tracker: &mut Tracker,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    // 1. List refs and etags.
    let spec = QuerySpec {
        fields: LISTING_FIELDS.iter().map(|s| (*s).to_owned()).collect(),
        page_size: Some(client.listing_page_size()),
        ..QuerySpec::default()
    };
    let mut pager = Pager::new(client, spec, opts);
    // Diffed as pages arrive (while the next one is fetched ahead): only what must be fetched
    // is kept, and the local refs seen (borrowed, no copies).
    let mut wanted = Vec::new();
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
                _ => wanted.push(Wanted {
                    reference: item.reference,
                    key: item.key,
                    is_new: stored.is_none(),
                }),
            }
        }
        report.pages += 1;
        tracker.page(n);
    }
    report.restarts = pager.restarts;
    drop(pager);

    // 2. Diff: a ref listed twice (a restarted listing) is fetched once.
    wanted.sort_by(|a, b| a.key.cmp(&b.key));
    wanted.dedup_by(|a, b| a.key == b.key);
    let new = wanted.iter().filter(|w| w.is_new).count();
    report.unchanged = (seen.len() - (wanted.len() - new)) as u64;
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

    // 3. Fetch changed and new ones.
    writer.begin(report.mode).await?;
    tracker.phase(Phase::Fetching, Some(wanted.len() as u64));
    let batch = client.options().refs_batch.max(1);
    let batches: Vec<&[Wanted]> = wanted.chunks(batch).collect();
    let mut ahead = Ahead(batches.first().map(|b| spawn_fetch(client, b, opts)));
    for i in 0..batches.len() {
        let Some(handle) = ahead.0.take() else { break };
        let items = handle
            .await
            .map_err(|e| SyncError::Internal(format!("by-refs task failed: {e}")))??;
        if opts.cancel.is_cancelled() {
            return Err(SyncError::Cancelled);
        }
        ahead.0 = batches.get(i + 1).map(|b| spawn_fetch(client, b, opts));
        let mut upserts = Vec::with_capacity(items.len());
        for (w, item) in batches[i].iter().zip(items) {
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
                None if !w.is_new => gone.push(w.key.clone()),
                None => {}
            }
        }
        let n = batches[i].len();
        writer.upsert(upserts).await?;
        tracker.advance(n);
    }

    // 4. Remove what disappeared.
    tracker.phase(Phase::Removing, Some(gone.len() as u64));
    for chunk in gone.chunks(REMOVE_BATCH) {
        writer.remove(chunk.to_vec()).await?;
        report.removed += chunk.len() as u64;
        tracker.advance(chunk.len());
    }
    Ok(())
}

type Fetch = JoinHandle<Result<Vec<Option<Value>>, SyncError>>;

/// The batch fetched ahead; aborted if the sync ends early.
struct Ahead(Option<Fetch>);

impl Drop for Ahead {
    fn drop(&mut self) {
        if let Some(h) = self.0.take() {
            h.abort();
        }
    }
}

fn spawn_fetch(client: &CatalogClient, batch: &[Wanted], opts: &SyncOptions) -> Fetch {
    let client = client.clone();
    let cancel = opts.cancel.clone();
    let refs: Vec<String> = batch.iter().map(|w| w.reference.clone()).collect();
    tokio::spawn(async move {
        let policy = client.options().retry;
        retry(
            &policy,
            &cancel,
            |_, _, _| client.count_retry(),
            || client.entities_by_refs(&refs, &[]),
        )
        .await
    })
}
