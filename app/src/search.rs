//! Search: the index of what plugins collate (docs pages, API operations, …) kept up to
//! date incrementally — each selected entity's stamp is compared with the indexed one and
//! only changed entities are collated again — and one search over it and the entities.
//! The index is due when the catalog changed (one counter read) and, for the collators that
//! read files (docs folders), every few minutes. The window's indexer thread brings it up to
//! date in the background (at start, after ingests and syncs, when a search finds it due), so a
//! search never waits for indexing: it answers from what is indexed and says it is partial.
//! Without that thread (the CLI), a search brings the index up to date first.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use backlot_backend_plugin_api::{EntitySelector, Host, SearchCollator};
use backlot_catalog_backend::IndexDoc;
use backlot_model::ApiError;
use backlot_model::search::{IndexReport, Search, SearchResults};

use crate::Api;

/// Docs files may change under the app: their stamps are looked at again after this long.
const RESTAMP_AFTER: Duration = Duration::from_secs(120);
/// Scopes written per transaction.
const BATCH: usize = 200;

/// The indexer thread looks at the catalog's version this often (one row read).
const INDEXER_TICK: Duration = Duration::from_secs(10);

/// When the index was last brought up to date, and for which catalog; who indexes.
#[derive(Default)]
pub struct IndexFreshness {
    last: Mutex<Option<(Instant, u64)>>,
    /// Held while the index is brought up to date: one refresh at a time.
    refreshing: Mutex<()>,
    /// The window's indexer thread runs: searches wake it instead of indexing themselves.
    background: AtomicBool,
    /// Set (and notified) to wake the indexer thread before its next tick.
    wake: (Mutex<bool>, Condvar),
}

impl Api {
    /// Searches the catalog and the index. With the indexer thread running, a due index is
    /// refreshed in the background and the results say they are partial; else it is brought
    /// up to date first.
    pub fn search(&self, q: &Search) -> Result<SearchResults, ApiError> {
        let freshness = &self.search_freshness;
        let mut indexing = false;
        if freshness.background.load(Ordering::Relaxed) {
            if self.index_due()?.is_some() {
                self.wake_indexer();
                indexing = true;
            }
        } else {
            self.refresh_search_index_if_due()?;
        }
        let mut results = self.with_store(|store| store.search(q).map_err(ApiError::from))?;
        results.indexing = indexing;
        if q.team && q.offset == 0 && !q.query.trim().is_empty() {
            self.join_team_search(&q.query, &q.types, &mut results);
        }
        Ok(results)
    }

    fn catalog_version(&self) -> Result<u64, ApiError> {
        self.with_store(|store| store.catalog_version().map_err(ApiError::from))
    }

    /// `Some(files_only)` when the index needs a refresh: all collators when the catalog
    /// changed since the last one, only those that read files when those are due.
    fn index_due(&self) -> Result<Option<bool>, ApiError> {
        let version = self.catalog_version()?;
        Ok(
            match *self
                .search_freshness
                .last
                .lock()
                .unwrap_or_else(|p| p.into_inner())
            {
                None => Some(false),
                Some((_, seen)) if seen != version => Some(false),
                Some((at, _)) if at.elapsed() > RESTAMP_AFTER => Some(true),
                Some(_) => None,
            },
        )
    }

    /// Brings the index up to date when it is due and no other refresh runs; the report of
    /// what was done, if anything.
    pub fn refresh_search_index_if_due(&self) -> Result<Option<IndexReport>, ApiError> {
        let Ok(_one) = self.search_freshness.refreshing.try_lock() else {
            return Ok(None);
        };
        match self.index_due()? {
            Some(files_only) => self.refresh_locked(false, files_only).map(Some),
            None => Ok(None),
        }
    }

    /// Starts the window's indexer thread: it brings the index up to date now, then whenever
    /// the catalog changed (looked at every few seconds) or a search found it due.
    pub fn spawn_search_indexer(api: &Arc<Api>) -> std::io::Result<()> {
        api.search_freshness
            .background
            .store(true, Ordering::Relaxed);
        let indexer = api.clone();
        let spawned = std::thread::Builder::new()
            .name("backlot-search-indexer".into())
            .spawn(move || {
                loop {
                    if let Err(e) = indexer.refresh_search_index_if_due() {
                        eprintln!("backlot: the search index was not brought up to date: {e}");
                    }
                    let (woken, signal) = &indexer.search_freshness.wake;
                    let guard = woken.lock().unwrap_or_else(|p| p.into_inner());
                    let (mut guard, _) = signal
                        .wait_timeout_while(guard, INDEXER_TICK, |woken| !*woken)
                        .unwrap_or_else(|p| p.into_inner());
                    *guard = false;
                }
            });
        if spawned.is_err() {
            // Searches index for themselves, as in the CLI.
            api.search_freshness
                .background
                .store(false, Ordering::Relaxed);
        }
        spawned.map(|_| ())
    }

    fn wake_indexer(&self) {
        let (woken, signal) = &self.search_freshness.wake;
        *woken.lock().unwrap_or_else(|p| p.into_inner()) = true;
        signal.notify_one();
    }

    /// Brings the index up to date: collates again the entities whose stamp changed, drops
    /// the ones gone. `full`: forget everything and collate all.
    /// Waits for a refresh under way, if any.
    pub fn rebuild_search_index(&self, full: bool) -> Result<IndexReport, ApiError> {
        let _one = self
            .search_freshness
            .refreshing
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        self.refresh_locked(full, false)
    }

    /// [`Api::rebuild_search_index`], the caller holding `refreshing`; `files_only`: only the
    /// collators whose stamps read files (the catalog did not change).
    fn refresh_locked(&self, full: bool, files_only: bool) -> Result<IndexReport, ApiError> {
        let started = Instant::now();
        let version = self.catalog_version()?;
        if full {
            self.with_store(|store| store.clear_search_index().map_err(ApiError::from))?;
        }
        let mut report = IndexReport::default();
        let collators: Vec<&'static dyn SearchCollator> = self
            .plugins
            .iter()
            .flat_map(|p| p.search_collators().iter().copied())
            .filter(|c| !files_only || c.stamps_files())
            .collect();
        for collator in collators {
            self.index_type(collator, &mut report)?;
        }
        report.documents =
            self.with_store(|store| store.search_document_count().map_err(ApiError::from))?;
        report.duration_ms = started.elapsed().as_millis() as u64;
        *self
            .search_freshness
            .last
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), version));
        Ok(report)
    }

    fn index_type(
        &self,
        collator: &dyn SearchCollator,
        report: &mut IndexReport,
    ) -> Result<(), ApiError> {
        let doc_type = collator.doc_type();
        let mut indexed: HashMap<String, String> =
            self.with_store(|store| store.search_stamps(doc_type).map_err(ApiError::from))?;
        let entities = match collator.selects() {
            EntitySelector::Annotation(key) => self.entities_with_annotation(key)?,
            EntitySelector::Kind(kind) => self.entities_of_kind(kind)?,
        };
        let mut batch: Vec<(String, String, Vec<IndexDoc>)> = Vec::new();
        for entity in entities {
            let scope = entity.entity.entity_ref().key();
            let Some(stamp) = collator.stamp(self, &entity) else {
                continue;
            };
            if indexed.remove(&scope).as_deref() == Some(stamp.as_str()) {
                continue;
            }
            let docs = match collator.collate(self, &entity) {
                Ok(docs) => docs,
                Err(e) => {
                    report
                        .problems
                        .push(format!("{scope} ({doc_type}): {}", e.message));
                    Vec::new()
                }
            };
            let docs: Vec<IndexDoc> = docs
                .into_iter()
                .map(|d| IndexDoc {
                    location: d.location,
                    title: d.title,
                    subtitle: d.subtitle,
                    headings: d.headings,
                    text: d.text,
                    entity_ref: Some(scope.clone()),
                })
                .collect();
            batch.push((scope, stamp, docs));
            report.reindexed += 1;
            if batch.len() >= BATCH {
                self.write_scopes(doc_type, &mut batch)?;
            }
        }
        self.write_scopes(doc_type, &mut batch)?;
        // What is left was indexed but is gone (or has no documents any more).
        let gone: Vec<String> = indexed.into_keys().collect();
        report.removed += gone.len() as u64;
        self.with_store(|store| {
            store
                .remove_search_scopes(doc_type, &gone)
                .map_err(ApiError::from)
        })
    }

    /// Writes a batch of scopes in one transaction and empties it.
    fn write_scopes(
        &self,
        doc_type: &str,
        batch: &mut Vec<(String, String, Vec<IndexDoc>)>,
    ) -> Result<(), ApiError> {
        if batch.is_empty() {
            return Ok(());
        }
        self.with_store(|store| {
            store
                .replace_search_scopes(doc_type, batch)
                .map_err(ApiError::from)
        })?;
        batch.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

    use super::*;
    use backlot_model::search::TYPE_DOCS;

    fn docs_search(api: &Api) -> SearchResults {
        api.search(&Search {
            query: "construction heuristic".into(),
            types: vec![TYPE_DOCS.into()],
            limit: 5,
            offset: 0,
            team: false,
        })
        .unwrap()
    }

    #[test]
    fn with_an_indexer_a_search_answers_from_what_is_indexed_and_says_it_is_partial() {
        let dir = tempfile::tempdir().unwrap();
        let api = Api::open(dir.path());
        api.load_demo_catalog().unwrap();
        // As the window's indexer thread does, without the thread: searches only wake it.
        api.search_freshness
            .background
            .store(true, Ordering::Relaxed);

        let before = docs_search(&api);
        assert!(before.indexing, "the index is due: {before:?}");
        assert!(before.hits.is_empty(), "nothing indexed yet: {before:?}");
        assert!(*api.search_freshness.wake.0.lock().unwrap(), "woken");

        let report = api.refresh_search_index_if_due().unwrap();
        assert!(report.is_some_and(|r| r.reindexed > 0));
        let after = docs_search(&api);
        assert!(!after.indexing, "{after:?}");
        assert!(!after.hits.is_empty(), "{after:?}");
        // Up to date: nothing to do until the catalog changes.
        assert!(api.refresh_search_index_if_due().unwrap().is_none());
    }

    #[test]
    fn without_an_indexer_a_search_brings_the_index_up_to_date_first() {
        let dir = tempfile::tempdir().unwrap();
        let api = Api::open(dir.path());
        api.load_demo_catalog().unwrap();
        let found = docs_search(&api);
        assert!(!found.indexing);
        assert!(!found.hits.is_empty(), "{found:?}");
    }
}
