//! Backlot's native API: one value ([`Api`]) that owns the data folder and the store,
//! composes the plugin backends, and answers every IPC command. The Tauri commands and
//! the CLI are thin layers over it; nothing here knows about windows or webviews.

mod api;
mod credentials;
mod onboarding;
mod open_external;
mod paths;
pub mod plugin_host;
mod proxy_call;
mod settings;
mod team;
mod team_api;

pub use api::Api;
pub use paths::{DataDirError, STORE_FILE, resolve_data_dir};
