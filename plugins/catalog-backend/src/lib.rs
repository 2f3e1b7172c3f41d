//! Backlot's catalog backend: reading `catalog-info.yaml` locations, the SQLite store, full-text
//! search, queries and facets, and the embedded demo catalog. A
//! library: the `backlot catalog …` commands live in the app binary, over the app's API.

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod collect;
pub mod demo;
pub mod error;
mod ingest;
mod migrations;
mod store;
mod yaml;

pub use collect::{DEFAULT_NAMES, FileSelection, InvalidPattern, suggested_pattern};
pub use error::{IngestError, StoreError};
pub use ingest::{ValidationOutcome, ingest, ingest_selected, ingest_values, validate};
pub use migrations::latest_version as schema_version;
pub use store::{
    ApplyOutcome, CATALOG_SHRANK, IndexDoc, Store, TeamSync, is_drastic_shrink, sync_failure_kind,
};
