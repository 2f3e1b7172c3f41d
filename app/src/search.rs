//! Search: the index of what plugins collate (docs pages, API operations, …) kept up to
//! date incrementally — each selected entity's stamp is compared with the indexed one and
//! only changed entities are collated again — and one search over it and the entities.
//! Searching refreshes the index first when the catalog changed or a while has passed
//! (docs files change without the catalog knowing).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use backlot_backend_plugin_api::{EntitySelector, Host, SearchCollator};
use backlot_catalog_backend::IndexDoc;
use backlot_model::ApiError;
use backlot_model::search::{IndexReport, Search, SearchResults};

use crate::Api;

/// Docs files may change under the app: the stamps are looked at again after this long.
const RESTAMP_AFTER: Duration = Duration::from_secs(30);

/// When the index was last brought up to date, and for which catalog.
#[derive(Default)]
pub struct IndexFreshness {
    last: Mutex<Option<(Instant, u64)>>,
}

impl Api {
    /// Searches the catalog and the index (refreshed first when due).
    pub fn search(&self, q: &Search) -> Result<SearchResults, ApiError> {
        let signature = self.catalog_signature()?;
        let due = match *self
            .search_freshness
            .last
            .lock()
            .unwrap_or_else(|p| p.into_inner())
        {
            Some((at, seen)) => seen != signature || at.elapsed() > RESTAMP_AFTER,
            None => true,
        };
        if due {
            self.rebuild_search_index(false)?;
        }
        let mut results = self.with_store(|store| store.search(q).map_err(ApiError::from))?;
        if q.team && q.offset == 0 && !q.query.trim().is_empty() {
            self.join_team_search(&q.query, &q.types, &mut results);
        }
        Ok(results)
    }

    fn catalog_signature(&self) -> Result<u64, ApiError> {
        self.with_store(|store| store.change_signature().map_err(ApiError::from))
    }

    /// Brings the index up to date: collates again the entities whose stamp changed, drops
    /// the ones gone. `full`: forget everything and collate all.
    pub fn rebuild_search_index(&self, full: bool) -> Result<IndexReport, ApiError> {
        let started = Instant::now();
        let signature = self.catalog_signature()?;
        if full {
            self.with_store(|store| store.clear_search_index().map_err(ApiError::from))?;
        }
        let mut report = IndexReport::default();
        let collators: Vec<&'static dyn SearchCollator> = self
            .plugins
            .iter()
            .flat_map(|p| p.search_collators().iter().copied())
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
            .unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), signature));
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
            self.with_store(|store| {
                store
                    .replace_search_scope(doc_type, &scope, &stamp, &docs)
                    .map_err(ApiError::from)
            })?;
            report.reindexed += 1;
        }
        // What is left was indexed but is gone (or has no documents any more).
        for scope in indexed.into_keys() {
            self.with_store(|store| {
                store
                    .remove_search_scope(doc_type, &scope)
                    .map_err(ApiError::from)
            })?;
            report.removed += 1;
        }
        Ok(())
    }
}
