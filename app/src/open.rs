//! Opening the API: the data folder, app-config files, another store file (`--db`) and
//! another set of native plugins (tests) — then the store, configuration, keychain, proxy
//! and runtime, none of which can make opening fail.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use backlot_backend_plugin_api::BackendPlugin;
use backlot_catalog_backend::Store;
use backlot_model::ApiError;
use backlot_proxy_backend::{CachingResolver, Proxy};

use crate::api::{Api, SECRET_CACHE_TTL, StoreSlot};
use crate::credentials::KeychainSlot;
use crate::paths::STORE_FILE;
use crate::runtime::AppRuntime;
use crate::settings::{LoadedConfig, config_files};

/// How to open an [`Api`]: the data folder, plus optional app-config files, another store
/// file (`--db`) and another set of native plugins (tests).
pub struct ApiBuilder {
    pub(crate) data_dir: PathBuf,
    pub(crate) config: Vec<PathBuf>,
    pub(crate) store_file: Option<PathBuf>,
    pub(crate) plugins: Option<Vec<Arc<dyn BackendPlugin>>>,
    pub(crate) keychain_service: Option<String>,
}

impl ApiBuilder {
    /// App-config files to load after the data folder's own, in order.
    pub fn config(mut self, files: &[PathBuf]) -> Self {
        self.config = files.to_vec();
        self
    }

    /// The catalog store file to use instead of `<data dir>/backlot.db`.
    pub fn store_file(mut self, file: Option<PathBuf>) -> Self {
        self.store_file = file;
        self
    }

    /// Native plugins instead of the installed ones (`plugins::installed`).
    pub fn plugins(mut self, plugins: Vec<Arc<dyn BackendPlugin>>) -> Self {
        self.plugins = Some(plugins);
        self
    }

    /// Another keychain service name than `backlot` (tests, so they do not share entries).
    pub fn keychain_service(mut self, service: &str) -> Self {
        self.keychain_service = Some(service.to_string());
        self
    }

    /// Opens the store and loads the configuration. Never fails: a store or configuration
    /// that cannot be loaded is reported by `app_info`/`config_summary` and by every
    /// command that needs it.
    pub fn open(self) -> Api {
        let store_path = self
            .store_file
            .unwrap_or_else(|| self.data_dir.join(STORE_FILE));
        let slot = match Store::open(&store_path) {
            Ok(store) => StoreSlot::Open(store),
            Err(e) => StoreSlot::Failed(e.to_string()),
        };
        let plugins = self.plugins.unwrap_or_else(crate::plugins::installed);
        let config = LoadedConfig::load(config_files(&self.data_dir, &self.config), &plugins);
        let keychain = Arc::new(KeychainSlot::new(self.keychain_service));
        let secrets = Arc::new(CachingResolver::new(keychain.clone(), SECRET_CACHE_TTL));
        let proxy = match &config.config {
            Some(c) => Proxy::from_config(c, secrets.clone()).map_err(ApiError::from),
            None => Proxy::new(
                Vec::new(),
                Default::default(),
                secrets.clone(),
                Default::default(),
            )
            .map_err(ApiError::from),
        };
        let session = Arc::new(crate::session::SessionSlot::new(keychain.clone()));
        Api {
            data_dir: self.data_dir,
            store_path,
            store: Mutex::new(slot),
            config,
            keychain,
            secrets,
            proxy,
            sync: Arc::default(),
            session,
            search_freshness: Default::default(),
            shared_self: Default::default(),
            plugins,
            runtime: AppRuntime::default(),
        }
    }
}
