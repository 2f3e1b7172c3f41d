//! Backlot's catalog backend: reading `catalog-info.yaml` locations, the SQLite store, full-text
//! search, queries and facets, the embedded demo catalog and the `backlot catalog` CLI.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod cli;
pub mod cli_sync;
mod collect;
pub mod demo;
pub mod error;
mod ingest;
mod migrations;
mod store;
mod yaml;

pub use error::{IngestError, StoreError};
pub use ingest::{ValidationOutcome, ingest, ingest_values, validate};
pub use migrations::latest_version as schema_version;
pub use store::{ApplyOutcome, Store, TeamSync};
