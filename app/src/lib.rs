//! Backlot's composition root: one value ([`Api`]) that owns the data folder, the store,
//! the configuration, the keychain, the proxy and the one async runtime, registers the
//! native plugins (`plugins.rs`) and answers every IPC command through one routing table.
//! The Tauri commands and the CLI are thin layers over it; nothing here knows about
//! windows or webviews.

mod api;
mod catalog_files;
mod credentials;
mod onboarding;
mod open;
mod open_external;
mod paths;
mod plugin_host;
pub mod plugins;
mod routes;
mod runtime;
mod search;
mod session;
mod session_api;
mod settings;
mod team;
mod team_api;
mod team_search;
mod team_write;

pub use api::Api;
pub use backlot_catalog_backend::{ValidationOutcome, suggested_pattern};
pub use catalog_files::validate_files;
pub use open::ApiBuilder;
pub use paths::{DataDirError, STORE_FILE, resolve_data_dir};

/// The sync engine's types that `Api::sync_and_wait` reports in.
pub mod sync {
    pub use crate::team_api::{Credential, CredentialSource, SyncRequest, SyncRun};
    pub use backlot_catalog_backend::{CATALOG_SHRANK, sync_failure_kind};
    pub use backlot_catalog_sync::{Phase, Progress, SyncError, SyncMode, SyncReport};
}
