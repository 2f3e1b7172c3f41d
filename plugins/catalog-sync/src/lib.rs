//! Sync of the local catalog from a team Backstage backend.
//!
//! - [`CatalogClient`]: the Backstage catalog REST API (by-query cursor paging, by-refs,
//!   entity-facets), bearer token from a [`backlot_secrets::Sensitive`], gzip, bytes counted.
//! - [`SyncError`]: every failure class, with user-facing messages, `is_transient()` for the
//!   bounded exponential [`RetryPolicy`], and `Into<backlot_model::ApiError>`.
//! - [`full_sync`] / [`incremental_sync`] against a [`SyncTarget`] (the store implements it
//!   as one SQLite transaction), with [`Progress`] callbacks and a [`CancelToken`].
//! - [`test_connection`]: entity count or the exact failure.
//! - feature `test-server`: [`test_server`], a Backstage-compatible server with fault injection.

mod cancel;
mod client;
mod connection;
mod entity_key;
mod error;
mod locations;
mod plan;
mod progress;
mod report;
mod retry;
mod target;
mod team_search;

#[cfg(feature = "test-server")]
pub mod test_server;

pub use cancel::CancelToken;
pub use client::{
    CatalogClient, ClientOptions, DEFAULT_MAX_BODY_BYTES, FacetCount, ItemRef, MeterSnapshot, Page,
    QuerySpec, RawPage,
};
pub use connection::{ConnectionInfo, test_connection, test_connection_with};
pub use entity_key::{entity_etag, entity_key, entity_ref};
pub use error::{StorageError, SyncError};
pub use locations::{WriteError, location_entity};
pub use plan::{
    DEFAULT_MAX_ENTITIES, DEFAULT_MAX_PAGES, LISTING_FIELDS, SyncOptions, full_sync,
    incremental_sync, sync,
};
pub use progress::{Phase, Progress, ProgressFn};
pub use report::SyncReport;
pub use retry::RetryPolicy;
pub use target::{SyncMode, SyncTarget};
pub use team_search::TeamSearchResult;
