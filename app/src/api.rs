//! The API behind every IPC command.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use backlot_backend_plugin_api::BackendPlugin;
use backlot_catalog_backend::Store;
use backlot_model::ipc::{
    self, AppInfo, CatalogSummary, EntityView, Preferences, ProxyCall, SetUiState, StoreStatus,
};
use backlot_model::query::{EntityFilter, EntityPage, EntityQuery, Facets};
use backlot_model::{ApiError, ErrorCode};
use backlot_proxy_backend::{CachingResolver, Proxy};

use crate::credentials::KeychainSlot;
use crate::runtime::AppRuntime;
use crate::settings::LoadedConfig;

const PREFERENCES_KEY: &str = "ui.preferences";

/// Where a piece of UI state is kept among the preferences.
fn ui_state_key(key: &str) -> Result<String, ApiError> {
    ipc::check_ui_state_key(key)?;
    Ok(format!("ui-state.{key}"))
}

/// How long a secret read from the keychain is reused by the proxy. Changes made through
/// Backlot apply at once; changes made with another tool apply within this time.
pub(crate) const SECRET_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(300);

/// The store, or why it could not be opened (shown in Settings, returned as `storage`).
pub(crate) enum StoreSlot {
    Open(Store),
    Failed(String),
}

pub struct Api {
    pub(crate) data_dir: PathBuf,
    pub(crate) store_path: PathBuf,
    pub(crate) store: Mutex<StoreSlot>,
    pub(crate) config: LoadedConfig,
    pub(crate) keychain: Arc<KeychainSlot>,
    /// What the proxy reads `${secret:…}` through: the keychain, with values cached in
    /// memory for a while so calls skip the D-Bus round trip. Set/delete invalidate.
    pub(crate) secrets: Arc<CachingResolver<Arc<KeychainSlot>>>,
    /// The proxy over the configured endpoints, or why it could not be set up.
    pub(crate) proxy: Result<Proxy, ApiError>,
    pub(crate) sync: Arc<crate::team::SyncRunner>,
    /// The signed-in session with the team backend, if any.
    pub(crate) session: Arc<crate::session::SessionSlot>,
    /// When the search index was last brought up to date.
    pub(crate) search_freshness: crate::search::IndexFreshness,
    /// The native plugins (see `plugins.rs`), asked after the app's own commands.
    pub(crate) plugins: Vec<Arc<dyn BackendPlugin>>,
    /// The one async runtime (proxy calls, syncs, plugins' network work).
    pub(crate) runtime: AppRuntime,
    /// This API, when it is shared ([`Api::shared`], the window): plugins' background
    /// work holds it (`Host::spawn`).
    pub(crate) shared_self: std::sync::OnceLock<std::sync::Weak<Api>>,
}

impl Api {
    /// Starts opening an API over `data_dir` (see [`ApiBuilder`]).
    pub fn builder(data_dir: &Path) -> crate::ApiBuilder {
        crate::ApiBuilder {
            data_dir: data_dir.to_path_buf(),
            config: Vec::new(),
            store_file: None,
            plugins: None,
            keychain_service: None,
        }
    }

    /// Opens the store in `data_dir` with the data folder's own app-config files.
    pub fn open(data_dir: &Path) -> Self {
        Self::builder(data_dir).open()
    }

    /// Opens the store in `data_dir` and loads the configuration (the data folder's
    /// app-config files, then `config` in order).
    pub fn open_with_config(data_dir: &Path, config: &[PathBuf]) -> Self {
        Self::builder(data_dir).config(config).open()
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// This API shared between threads (the window's): plugins may then run background
    /// work that outlives a command (`Host::spawn`).
    pub fn shared(self) -> Arc<Api> {
        let api = Arc::new(self);
        let _ = api.shared_self.set(Arc::downgrade(&api));
        api
    }

    fn slot(&self) -> MutexGuard<'_, StoreSlot> {
        // A panic while holding the lock cannot leave the store half-written (SQLite
        // transactions roll back), so a poisoned lock is safe to keep using.
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        match &mut *self.slot() {
            StoreSlot::Open(store) => f(store),
            StoreSlot::Failed(why) => Err(ApiError::new(
                ErrorCode::Storage,
                format!(
                    "the catalog store at {} is unavailable: {why}",
                    self.store_path.display()
                ),
            )),
        }
    }

    /// Every command name this API answers: its own and its plugins'.
    pub fn command_names(&self) -> Vec<&'static str> {
        let mut names: Vec<_> = crate::routes::routes().names().collect();
        names.extend(self.plugins.iter().flat_map(|p| p.routes().names()));
        names
    }

    /// Answers one IPC command: `name` as in [`Command::NAME`], `args` its JSON arguments.
    pub fn dispatch(
        &self,
        name: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, ApiError> {
        let answered = if crate::routes::routes().handles(name) {
            crate::routes::routes().dispatch(self, name, args)
        } else {
            self.dispatch_plugin(name, args)
        };
        answered.unwrap_or_else(|| Err(ipc::unknown_command(name)))
    }

    pub(crate) fn ui_state(&self, key: &str) -> Result<Option<String>, ApiError> {
        self.with_store(|s| {
            s.get_preference(&ui_state_key(key)?)
                .map_err(ApiError::from)
        })
    }

    pub(crate) fn set_ui_state(&self, c: &SetUiState) -> Result<(), ApiError> {
        c.check()?;
        self.with_store(|s| {
            s.set_preference(&ui_state_key(&c.key)?, &c.value)
                .map_err(ApiError::from)
        })
    }

    pub(crate) fn set_credential(
        &self,
        name: &str,
        value: String,
    ) -> Result<backlot_model::ipc::SecretStatus, ApiError> {
        let status = self.keychain.set(name, value, self.used_by(name));
        self.secrets.invalidate(name);
        status
    }

    pub(crate) fn delete_credential(
        &self,
        name: &str,
    ) -> Result<backlot_model::ipc::SecretStatus, ApiError> {
        let status = self.keychain.delete(name, self.used_by(name));
        self.secrets.invalidate(name);
        status
    }

    pub(crate) fn proxy_call(
        &self,
        call: ProxyCall,
    ) -> Result<backlot_model::ipc::ProxyReply, ApiError> {
        let proxy = self.proxy.as_ref().map_err(Clone::clone)?;
        Ok(self.runtime.block_on(proxy.call(call))??)
    }

    fn used_by(&self, secret: &str) -> Vec<String> {
        self.config
            .secrets_needed()
            .into_iter()
            .find(|(n, _)| n == secret)
            .map(|(_, u)| u)
            .unwrap_or_default()
    }

    pub fn app_info(&self) -> AppInfo {
        let store = match &*self.slot() {
            StoreSlot::Open(store) => store.status(),
            StoreSlot::Failed(why) => StoreStatus {
                path: self.store_path.display().to_string(),
                ok: false,
                error: Some(why.clone()),
                ..Default::default()
            },
        };
        AppInfo {
            name: "Backlot".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            platform: format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH),
            data_dir: self.data_dir.display().to_string(),
            store,
        }
    }

    pub fn preferences(&self) -> Result<Preferences, ApiError> {
        let mut preferences: Preferences = self.with_store(|store| {
            let saved = store
                .get_preference(PREFERENCES_KEY)
                .map_err(ApiError::from)?;
            // Preferences written by a newer or broken build fall back to defaults
            // rather than locking the user out of the app.
            Ok(saved
                .and_then(|json| serde_json::from_str(&json).ok())
                .unwrap_or_default())
        })?;
        preferences.signed_in_as = self.signed_in_user();
        Ok(preferences)
    }

    pub fn set_preferences(&self, mut preferences: Preferences) -> Result<Preferences, ApiError> {
        preferences.check()?;
        // Who is signed in is not a preference: it comes from the session.
        preferences.signed_in_as = None;
        let json =
            serde_json::to_string(&preferences).map_err(|e| ApiError::internal(e.to_string()))?;
        self.with_store(|store| {
            store
                .set_preference(PREFERENCES_KEY, &json)
                .map_err(ApiError::from)
        })?;
        preferences.signed_in_as = self.signed_in_user();
        Ok(preferences)
    }

    pub fn catalog_summary(&self) -> Result<CatalogSummary, ApiError> {
        self.with_store(|store| store.summary().map_err(ApiError::from))
    }

    pub fn query_entities(&self, query: &EntityQuery) -> Result<EntityPage, ApiError> {
        self.with_store(|store| store.query(query).map_err(ApiError::from))
    }

    pub fn entity(&self, entity_ref: &str) -> Result<EntityView, ApiError> {
        self.with_store(|store| {
            let details = store.entity_by_ref(entity_ref)?.ok_or_else(|| {
                ApiError::not_found(format!("no entity {entity_ref} in the catalog"))
            })?;
            Ok(EntityView {
                details,
                from_team: store.is_team_entity(entity_ref)?,
                shadowed_team_copy: store.shadowed_team_copy(entity_ref)?,
                problems: store.problems_for(entity_ref)?,
                starred: store.is_starred(entity_ref)?,
            })
        })
    }

    pub fn facets(&self, filter: &EntityFilter) -> Result<Facets, ApiError> {
        self.with_store(|store| store.facets(filter).map_err(ApiError::from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::STORE_FILE;
    use serde_json::json;

    fn api() -> (tempfile::TempDir, Api) {
        let dir = tempfile::tempdir().unwrap();
        let api = Api::open(dir.path());
        (dir, api)
    }

    #[test]
    fn every_command_of_the_contract_is_answered() {
        let (_dir, api) = api();
        for name in ipc::COMMAND_NAMES {
            let args = match *name {
                "set_preferences" => json!({"preferences": {}}),
                "query_entities" => json!({"query": {}}),
                "facets" => json!({"filter": {}}),
                "set_credential" => json!({"name": "x", "value": "y"}),
                "delete_credential" => json!({"name": "x"}),
                "proxy" => json!({"method": "GET", "path": "/nowhere/x"}),
                "save_team_backend" | "test_team_backend" => {
                    json!({"url": "http://127.0.0.1:9", "token": null})
                }
                "start_sync" => json!({"full": false}),
                "entity" => json!({"entityRef": "component:default/nope"}),
                "open_catalog_folder" | "refresh_local_source" | "remove_local_source" => {
                    json!({"path": "/nonexistent/backlot-test"})
                }
                "entity_graph" => json!({"entityRef": "component:default/nope", "depth": 2}),
                "set_starred" => json!({"entityRef": "component:default/a", "starred": true}),
                "record_visit" => json!({"entityRef": "component:default/a"}),
                "ui_state" => json!({"key": "last-location"}),
                "set_ui_state" => json!({"key": "last-location", "value": "/catalog"}),
                "open_external" => json!({"url": "file:///etc/passwd"}),
                "start_sign_in" => json!({"url": "ftp://not-a-backend"}),
                "search" => json!({"query": "anything"}),
                _ => json!({}),
            };
            // A sync `start_sync` began holds the store's write lock until it ends (it is
            // cancelled next): let it end before commands that write (load_demo_catalog, …).
            for _ in 0..150 {
                if api
                    .sync_state()
                    .map(|s| s.running.is_none())
                    .unwrap_or(true)
                {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            // Handled means: a result, or a specific error — never "unknown command".
            if let Err(e) = api.dispatch(name, args) {
                assert_ne!(
                    e.code,
                    ErrorCode::Unsupported,
                    "`{name}` is not handled: {e}"
                );
                assert!(
                    matches!(
                        name,
                        &"set_credential"
                            | &"delete_credential"
                            | &"proxy"
                            | &"test_team_backend"
                            | &"entity"
                            | &"open_catalog_folder"
                            | &"refresh_local_source"
                            | &"remove_local_source"
                            | &"entity_graph"
                            | &"open_external"
                            | &"start_sign_in"
                            | &"register_location"
                            | &"refresh_team_entity"
                            | &"entity_location"
                            | &"unregister_location"
                    ),
                    "`{name}` failed: {e}"
                );
            }
        }
        assert_eq!(
            api.dispatch("no_such_command", json!({})).unwrap_err().code,
            ErrorCode::Unsupported
        );
    }

    #[test]
    fn the_routing_tables_cover_the_contract_once() {
        let (_dir, api) = api();
        let mut routed = api.command_names();
        routed.sort_unstable();
        let mut contract: Vec<&str> = ipc::COMMAND_NAMES
            .iter()
            .chain(backlot_techdocs_common::COMMAND_NAMES)
            .chain(backlot_scaffolder_common::ipc::COMMAND_NAMES)
            .copied()
            .collect();
        contract.sort_unstable();
        assert_eq!(routed, contract);
    }

    #[test]
    fn entity_graph_is_answered_from_the_store() {
        let (dir, api) = api();
        api.with_store(|s| {
            backlot_catalog_backend::demo::install(s, dir.path())
                .map(|_| ())
                .map_err(ApiError::from)
        })
        .unwrap();
        let graph = api
            .dispatch(
                "entity_graph",
                json!({"entityRef": "System:billing", "depth": 1, "relationTypes": ["hasPart"]}),
            )
            .unwrap();
        assert_eq!(graph["root"], "system:default/billing");
        let nodes = graph["nodes"].as_array().unwrap();
        assert!(nodes.len() >= 4, "{graph}");
        assert_eq!(nodes[0]["depth"], 0);
        let edges = graph["edges"].as_array().unwrap();
        assert!(
            edges.iter().all(|e| e["relationType"] == "partOf"),
            "{graph}"
        );
        assert_eq!(
            edges
                .iter()
                .filter(|e| e["to"] == "system:default/billing")
                .count(),
            3,
            "{graph}"
        );
        let err = api
            .dispatch("entity_graph", json!({"entityRef": "system:default/nope"}))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound);
        let err = api
            .dispatch("entity_graph", json!({"entityRef": "billing"}))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn app_info_reports_the_store_in_the_data_dir() {
        let (dir, api) = api();
        let info = api.app_info();
        assert_eq!(info.data_dir, dir.path().display().to_string());
        assert!(info.store.ok, "{:?}", info.store);
        assert_eq!(
            info.store.path,
            dir.path().join(STORE_FILE).display().to_string()
        );
        assert!(info.store.schema_version >= 1);
        assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn preferences_persist_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let api = Api::open(dir.path());
            assert_eq!(api.preferences().unwrap(), Preferences::default());
            let out = api
                .dispatch(
                    "set_preferences",
                    json!({"preferences": {"theme": "dark", "userEntityRef": "user:default/ada"}}),
                )
                .unwrap();
            assert_eq!(out["theme"], "dark");
        }
        let api = Api::open(dir.path());
        let prefs = api.preferences().unwrap();
        assert_eq!(prefs.theme, ipc::ThemePreference::Dark);
        assert_eq!(prefs.user_entity_ref.as_deref(), Some("user:default/ada"));
    }

    #[test]
    fn a_bad_user_ref_is_refused_and_nothing_is_saved() {
        let (_dir, api) = api();
        let err = api
            .dispatch(
                "set_preferences",
                json!({"preferences": {"userEntityRef": "user:default/"}}),
            )
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert_eq!(api.preferences().unwrap(), Preferences::default());
    }

    #[test]
    fn an_unopenable_store_is_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(STORE_FILE)).unwrap(); // a folder where the file should be
        let api = Api::open(dir.path());
        let info = api.app_info();
        assert!(!info.store.ok);
        assert!(info.store.error.is_some());
        assert_eq!(api.catalog_summary().unwrap_err().code, ErrorCode::Storage);
    }
}
