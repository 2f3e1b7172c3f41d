//! Ingestion and validation entry points.

use std::path::PathBuf;

use backlot_model::{IngestProblem, IngestReport, ValidationResult};

use crate::collect::collect;
use crate::error::IngestError;
use crate::store::Store;

/// Reads `paths` (files, folders, and what their Location entities point at) and brings the
/// store in line with them: adds new entities, updates changed ones, removes the ones these
/// same paths no longer produce. Entities ingested from other paths are left alone. Problems
/// with single files, documents or entities are listed in the report, never fatal.
pub fn ingest(store: &mut Store, paths: &[PathBuf]) -> Result<IngestReport, IngestError> {
    let collected = collect(paths);
    let outcome = store.apply(&collected)?;
    let mut errors = collected.errors;
    errors.extend(outcome.conflicts);
    Ok(IngestReport {
        added: outcome.added,
        updated: outcome.updated,
        unchanged: outcome.unchanged,
        removed: outcome.removed,
        errors,
        warnings: collected.warnings,
    })
}

/// What `validate` found: one result per document, and problems that belong to no document
/// (unreadable files, missing location targets, cycles).
#[derive(Debug, Default)]
pub struct ValidationOutcome {
    pub results: Vec<ValidationResult>,
    pub problems: Vec<IngestProblem>,
    pub warnings: Vec<IngestProblem>,
}

impl ValidationOutcome {
    pub fn all_valid(&self) -> bool {
        self.problems.is_empty() && self.results.iter().all(|r| r.valid)
    }
}

/// Validates `paths` without touching any store.
pub fn validate(paths: &[PathBuf]) -> ValidationOutcome {
    let collected = collect(paths);
    // Problems already attached to a document are in its result; keep the others.
    let problems = collected.errors.into_iter().filter(|p| p.document.is_none()).collect();
    ValidationOutcome { results: collected.results, problems, warnings: collected.warnings }
}

/// Ingests already-parsed entity documents (e.g. from a Backstage API or a generator) under
/// the source name `source`: validated, deduplicated (first wins) and applied like files are,
/// replacing whatever `source` held before.
pub fn ingest_values(
    store: &mut Store,
    source: &str,
    values: Vec<serde_json::Value>,
) -> Result<IngestReport, IngestError> {
    let collected = crate::collect::from_values(source, values);
    let outcome = store.apply(&collected)?;
    let mut errors = collected.errors;
    errors.extend(outcome.conflicts);
    Ok(IngestReport {
        added: outcome.added,
        updated: outcome.updated,
        unchanged: outcome.unchanged,
        removed: outcome.removed,
        errors,
        warnings: collected.warnings,
    })
}
