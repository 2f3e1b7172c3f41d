//! Catalog files on the command line: validate without storing, ingest into the store,
//! export what the store holds (`backlot catalog validate | ingest | export`).

use std::path::PathBuf;

use backlot_catalog_backend::ValidationOutcome;
use backlot_model::{ApiError, Entity, IngestReport};

use crate::Api;

/// Validates catalog files (and the locations they point at) without opening any store.
pub fn validate_files(paths: &[PathBuf]) -> ValidationOutcome {
    backlot_catalog_backend::validate(paths)
}

impl Api {
    /// Ingests catalog files (folders: their catalog files) into the store.
    pub fn ingest_files(&self, paths: &[PathBuf]) -> Result<IngestReport, ApiError> {
        self.with_store(|store| Ok(backlot_catalog_backend::ingest(store, paths)?))
    }

    /// Every entity with its relations, in Backstage's API shape.
    pub fn export(&self) -> Result<Vec<Entity>, ApiError> {
        self.with_store(|store| Ok(store.export()?))
    }
}
