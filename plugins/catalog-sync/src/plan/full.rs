//! Full sync: page every entity whole, upsert each page as it arrives, then remove the
//! local team entities the server no longer lists.

use std::collections::{HashMap, HashSet};

use crate::error::SyncError;
use crate::plan::SyncOptions;
use crate::plan::pager::Pager;
use crate::plan::writer::Writer;
use crate::progress::{Phase, Tracker};
use crate::report::SyncReport;

/// Keys per `remove` call.
pub(crate) const REMOVE_BATCH: usize = 1000;

/// `pager` lists every entity whole (its first page already asked for).
pub(crate) async fn run(
    mut pager: Pager,
    writer: &mut Writer,
    local: &HashMap<String, String>,
    opts: &SyncOptions,
    tracker: &mut Tracker,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let mut seen: HashSet<String> = HashSet::with_capacity(local.len());
    writer.begin(report.mode).await?;
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
            if !seen.contains(&item.key) {
                match local.get(&item.key) {
                    None => report.added += 1,
                    Some(l) if Some(l) == item.etag.as_ref() => report.unchanged += 1,
                    Some(_) => report.updated += 1,
                }
                seen.insert(item.key);
            }
        }
        report.pages += 1;
        // The store's thread parses the page: entities are built and freed on one thread.
        writer.upsert_page(page.body).await?;
        tracker.page(n);
    }
    report.restarts = pager.restarts;
    report.remote_total = seen.len() as u64;

    let gone: Vec<String> = local
        .keys()
        .filter(|k| !seen.contains(*k))
        .cloned()
        .collect();
    tracker.phase(Phase::Removing, Some(gone.len() as u64));
    for chunk in gone.chunks(REMOVE_BATCH) {
        if opts.cancel.is_cancelled() {
            return Err(SyncError::Cancelled);
        }
        writer.remove(chunk.to_vec()).await?;
        report.removed += chunk.len() as u64;
        tracker.advance(chunk.len());
    }
    Ok(())
}
