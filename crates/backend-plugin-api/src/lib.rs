//! What a native Backlot plugin is, and what it may ask of the app — the native
//! counterpart of `backlot-plugin-api` (the UI side), as Backstage's `backend-plugin-api`.
//!
//! A native plugin (`plugins/<id>-backend`) depends on this crate only, never on the app:
//!
//! - it declares itself as a [`BackendPlugin`]: an id, the IPC commands it answers (one
//!   [`Router`] table over the [`Host`]), the proxy endpoints it brings built in
//!   ([`ProxyEndpointDecl`], used unless the user's app-config defines the same route) and
//!   the keychain secrets it needs ([`SecretDecl`], listed in Settings → Credentials);
//! - it is served through a [`Host`]: the data folder, entities and where they came from,
//!   the team backend's URL and token, the app's proxy, and the app's one async runtime.
//!
//! The app registers plugins with one line each (`app/src/plugins.rs`).

use std::path::{Path, PathBuf};

use backlot_model::ingest::IngestReport;
use backlot_model::ipc::{ProxyCall, ProxyReply, Registration};
use backlot_model::router::Router;
use backlot_model::{ApiError, Entity, ErrorCode, Sensitive};

pub use backlot_model::router;
pub use tokio::runtime::Handle as RuntimeHandle;

/// A plugin's native half.
pub trait BackendPlugin: Send + Sync {
    /// Stable plugin id (`techdocs`), the same as its UI half's.
    fn id(&self) -> &'static str;

    /// The commands this plugin answers; the app asks it after its own table.
    fn routes(&self) -> &Router<dyn Host> {
        empty_routes()
    }

    /// Proxy endpoints the plugin brings, each used when the configuration does not define
    /// its route (the user's definition wins — that is how GitHub Enterprise is set up).
    fn proxy_endpoints(&self) -> &'static [ProxyEndpointDecl] {
        &[]
    }

    /// Keychain secrets the plugin needs, whether or not the configuration names them.
    fn secrets(&self) -> &'static [SecretDecl] {
        &[]
    }

    /// What the plugin puts into the search index (Backstage's collators), per entity.
    fn search_collators(&self) -> &'static [&'static dyn SearchCollator] {
        &[]
    }
}

/// One document a collator puts into the search index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchDocument {
    /// Where it opens in the app (`/docs/…?page=…#heading`).
    pub location: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// Headings, weighted between the title and the text.
    pub headings: String,
    pub text: String,
}

/// Which entities a collator looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntitySelector {
    /// Entities carrying this annotation.
    Annotation(&'static str),
    /// Entities of this kind (lowercase).
    Kind(&'static str),
}

/// A plugin's contribution to the search index: documents of one type per entity. The app
/// calls [`SearchCollator::stamp`] for every selected entity and collates again only the
/// entities whose stamp changed, so the index follows ingests, syncs and edits of docs.
pub trait SearchCollator: Send + Sync {
    /// The document type (`docs`, `api`): the search page's filter.
    fn doc_type(&self) -> &'static str;
    fn selects(&self) -> EntitySelector;
    /// A value that changes whenever the entity's documents would; `None`: it has none.
    fn stamp(&self, host: &dyn Host, entity: &HostEntity) -> Option<String>;
    /// Whether stamps depend on files that change without the catalog knowing (docs
    /// folders): such collators are also stamped again every few minutes while searching.
    fn stamps_files(&self) -> bool {
        false
    }
    /// The entity's documents. Outside data: bounded in count and size.
    fn collate(
        &self,
        host: &dyn Host,
        entity: &HostEntity,
    ) -> Result<Vec<SearchDocument>, ApiError>;
}

/// A stable 64-bit hash (FNV-1a) of `parts`, as hex: for stamps that survive restarts and
/// Rust upgrades.
pub fn stamp_of<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.iter().chain(&[0xff]) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn empty_routes() -> &'static Router<dyn Host> {
    static EMPTY: std::sync::LazyLock<Router<dyn Host>> = std::sync::LazyLock::new(Router::new);
    &EMPTY
}

/// A built-in proxy endpoint: `route` (`/github`) and its definition written exactly as the
/// value of `proxy.endpoints.<route>` in app-config.yaml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyEndpointDecl {
    pub route: &'static str,
    pub yaml: &'static str,
}

/// A keychain secret a plugin needs (`github-token`) and what it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretDecl {
    pub name: &'static str,
    pub description: &'static str,
}

/// An entity as a plugin backend sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct HostEntity {
    pub entity: Entity,
    /// The catalog file a local entity was read from (absolute); `None` for team entities.
    pub source_file: Option<PathBuf>,
    /// Whether the entity shown for this ref comes from the team backend.
    pub from_team: bool,
}

/// What the app offers plugin backends — and nothing of its insides.
pub trait Host {
    /// The app's data folder; plugins keep their files below `<data dir>/<plugin id>/`.
    fn data_dir(&self) -> &Path;
    /// The entity shown for `entity_ref` (`kind:namespace/name`, any case).
    fn entity(&self, entity_ref: &str) -> Result<Option<HostEntity>, ApiError>;
    /// Every entity carrying annotation `key`, sorted by ref.
    fn entities_with_annotation(&self, key: &str) -> Result<Vec<HostEntity>, ApiError>;
    /// Every entity of `kind` (lowercase), sorted by ref.
    fn entities_of_kind(&self, kind: &str) -> Result<Vec<HostEntity>, ApiError>;
    /// The team backend's base URL (Settings, else app-config.yaml), without trailing `/`.
    fn team_backend_url(&self) -> Result<Option<String>, ApiError>;
    /// The team backend's token from the keychain; `None` when none is stored.
    fn team_token(&self) -> Result<Option<Sensitive<String>>, ApiError>;
    /// One call through the app's proxy (`proxy.endpoints` and the endpoints plugins
    /// declare), with the configured headers and secrets added in Rust — the same door the
    /// UI's `ProxyCall` goes through. Blocks; call it from the command's thread.
    fn proxy(&self, call: ProxyCall) -> Result<ProxyReply, ApiError>;
    /// The app's async runtime, for network work. Commands run on blocking threads, so a
    /// plugin may `block_on` it; it must not build runtimes of its own.
    fn runtime(&self) -> Result<RuntimeHandle, ApiError>;
    /// Who the user is: the signed-in user, else the one set in Settings → You.
    fn me(&self) -> Option<String> {
        None
    }
    /// Reads catalog files (or folders) into the local catalog, as opening them does.
    fn ingest(&self, paths: &[PathBuf]) -> Result<IngestReport, ApiError> {
        let _ = paths;
        Err(ApiError::new(
            ErrorCode::Unsupported,
            "this host cannot read catalog files",
        ))
    }
    /// A keychain secret some plugin declared ([`BackendPlugin::secrets`]); `None` when it
    /// is not stored. For what cannot go through the proxy (a git push over HTTPS): hand it
    /// to the one process that needs it, never to a log, a file or the window.
    fn secret(&self, name: &str) -> Result<Option<Sensitive<String>>, ApiError> {
        let _ = name;
        Err(ApiError::new(
            ErrorCode::Unsupported,
            "this host has no keychain",
        ))
    }
    /// The source-code hosts configured under `integrations` in app-config.yaml, as
    /// `(host, provider)` (`("ghe.example.com", "github")`); Backstage's defaults
    /// (github.com, gitlab.com, …) are the caller's to add.
    fn integrations(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    /// Registers a catalog file's URL in the team's catalog (as its Register existing
    /// component page does), with the user's credential for the team backend; `dry_run`
    /// only reads it. What it holds comes back in `entities`.
    fn register_team_location(&self, url: &str, dry_run: bool) -> Result<Registration, ApiError> {
        let _ = (url, dry_run);
        Err(ApiError::new(
            ErrorCode::Unsupported,
            "this host has no team backend",
        ))
    }
    /// Runs `task` on its own thread with a host that outlives the command (the window);
    /// a host that cannot (a CLI run, a test) gives it back, for the caller to run before
    /// returning: `if let Some(task) = host.spawn(task) { task(host) }`.
    fn spawn(&self, task: Task) -> Option<Task> {
        Some(task)
    }
}

/// Background work given to [`Host::spawn`].
pub type Task = Box<dyn FnOnce(&dyn Host) + Send + 'static>;

/// Answers `command` with the first of `plugins` that routes it.
pub fn dispatch(
    plugins: &[std::sync::Arc<dyn BackendPlugin>],
    host: &(dyn Host + 'static),
    command: &str,
    args: serde_json::Value,
) -> Option<Result<serde_json::Value, ApiError>> {
    plugins
        .iter()
        .find(|p| p.routes().handles(command))?
        .routes()
        .dispatch(host, command, args)
}
