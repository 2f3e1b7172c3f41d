//! Catalog files on the command line: validate without storing, ingest into the store,
//! export what the store holds (`backlot catalog validate | ingest | export`).

use std::path::PathBuf;

use backlot_catalog_backend::{FileSelection, ValidationOutcome};
use backlot_model::{ApiError, Entity, IngestReport};

use crate::Api;

/// The catalog files read in folders: the default names plus `globs`; a bad pattern is the
/// caller's mistake.
pub fn file_selection(globs: &[String]) -> Result<FileSelection, ApiError> {
    FileSelection::new(globs).map_err(|e| ApiError::invalid_input(e.to_string()))
}

/// Validates catalog files (and the locations they point at) without opening any store;
/// folders: their catalog files and those `globs` matches.
pub fn validate_files(paths: &[PathBuf], globs: &[String]) -> Result<ValidationOutcome, ApiError> {
    Ok(backlot_catalog_backend::validate(
        paths,
        &file_selection(globs)?,
    ))
}

impl Api {
    /// Ingests catalog files (folders: their catalog files and those `globs` matches) into
    /// the store.
    pub fn ingest_files(
        &self,
        paths: &[PathBuf],
        globs: &[String],
    ) -> Result<IngestReport, ApiError> {
        let selection = file_selection(globs)?;
        self.with_store(|store| {
            Ok(backlot_catalog_backend::ingest_selected(
                store, paths, &selection,
            )?)
        })
    }

    /// Every entity with its relations, in Backstage's API shape.
    pub fn export(&self) -> Result<Vec<Entity>, ApiError> {
        self.with_store(|store| Ok(store.export()?))
    }
}
