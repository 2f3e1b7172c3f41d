//! What ingestion and validation report: shared so the UI can show the same problems the CLI
//! prints.

use serde::{Deserialize, Serialize};

use crate::entity::Entity;
use crate::query::EntitySummary;

/// One problem found while reading a location: where (file, line, column, document), what
/// (the entity and field, when known) and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct IngestProblem {
    pub file: String,
    /// 1-based line of the problem (or of the document's start).
    pub line: Option<u64>,
    /// 1-based column, for YAML syntax errors.
    pub column: Option<u64>,
    /// 0-based index of the YAML document within the file.
    pub document: Option<u64>,
    pub entity_ref: Option<String>,
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for IngestProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if let Some(doc) = self.document {
            write!(f, " (document {doc})")?;
        }
        if let Some(r) = &self.entity_ref {
            write!(f, " {r}")?;
        }
        if let Some(field) = &self.field {
            write!(f, " \"{field}\"")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The outcome of one ingestion run over one or more paths.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct IngestReport {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub removed: u64,
    /// Documents or entities that were not ingested, and why.
    pub errors: Vec<IngestProblem>,
    /// Things that did not stop an entity from ingesting (e.g. a remote `$text` not fetched).
    pub warnings: Vec<IngestProblem>,
    /// YAML files in the folders read that were not read because of their names (neither
    /// a default catalog file name nor a given file pattern).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped_yaml: Vec<String>,
}

/// One document's validation outcome (`backlot catalog validate`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ValidationResult {
    pub file: String,
    pub document: u64,
    pub line: u64,
    pub kind: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub valid: bool,
    pub errors: Vec<String>,
}

/// An entity with its relations (`{type, targetRef}`) and summaries of the entities those
/// relations point at (missing targets are simply absent from `related`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityDetails {
    pub entity: Entity,
    pub related: Vec<EntitySummary>,
}
