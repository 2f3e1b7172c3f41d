//! Search: the index of what plugins collate (docs pages, API operations, …) kept up to
//! date incrementally — each selected entity's stamp is compared with the indexed one and
//! only changed entities are collated again — and one search over it and the entities.
//! Searching refreshes the index first when the catalog changed (one counter read), and
//! stamps the collators that read files (docs folders) again every few minutes.

use std::collections::HashMap;
use std::sync::Mutex;
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

/// When the index was last brought up to date, and for which catalog.
#[derive(Default)]
pub struct IndexFreshness {
    last: Mutex<Option<(Instant, u64)>>,
}

impl Api {
    /// Searches the catalog and the index (refreshed first when due).
    pub fn search(&self, q: &Search) -> Result<SearchResults, ApiError> {
        let version = self.catalog_version()?;
        let due = match *self
            .search_freshness
            .last
            .lock()
            .unwrap_or_else(|p| p.into_inner())
        {
            None => Some(false),
            Some((_, seen)) if seen != version => Some(false),
            Some((at, _)) if at.elapsed() > RESTAMP_AFTER => Some(true),
            Some(_) => None,
        };
        if let Some(files_only) = due {
            self.refresh_search_index(false, files_only)?;
        }
        let mut results = self.with_store(|store| store.search(q).map_err(ApiError::from))?;
        if q.team && q.offset == 0 && !q.query.trim().is_empty() {
            self.join_team_search(&q.query, &q.types, &mut results);
        }
        Ok(results)
    }

    fn catalog_version(&self) -> Result<u64, ApiError> {
        self.with_store(|store| store.catalog_version().map_err(ApiError::from))
    }

    /// Brings the index up to date: collates again the entities whose stamp changed, drops
    /// the ones gone. `full`: forget everything and collate all.
    pub fn rebuild_search_index(&self, full: bool) -> Result<IndexReport, ApiError> {
        self.refresh_search_index(full, false)
    }

    /// [`Api::rebuild_search_index`]; `files_only`: only the collators whose stamps read
    /// files (the catalog did not change).
    fn refresh_search_index(&self, full: bool, files_only: bool) -> Result<IndexReport, ApiError> {
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
