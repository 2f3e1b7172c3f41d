//! The app as native plugins see it: [`Host`] implemented by [`Api`] — the data folder,
//! entities and where they came from, the team backend, the proxy, the runtime — and the
//! dispatch of commands the app's own table does not answer to the plugin that routes them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use backlot_backend_plugin_api::{Host, HostEntity, RuntimeHandle, Task};
use backlot_model::ErrorCode;
use backlot_model::ingest::IngestReport;
use backlot_model::ipc::{ProxyCall, ProxyReply, Registration};
use backlot_model::{ApiError, Entity, Sensitive};
use backlot_proxy_backend::SecretResolver;
use backlot_secrets::SecretError;

use crate::Api;

impl Api {
    /// The app's async runtime, for the shell to run its own async work on (Tauri's
    /// `async_runtime::set`), so the process has one.
    pub fn runtime_handle(&self) -> Result<RuntimeHandle, ApiError> {
        self.runtime.handle()
    }

    /// The ids of the registered native plugins.
    pub fn backend_plugin_ids(&self) -> Vec<&'static str> {
        self.plugins.iter().map(|p| p.id()).collect()
    }

    /// Answers `command` with the plugin that routes it, if any.
    pub(crate) fn dispatch_plugin(
        &self,
        command: &str,
        args: serde_json::Value,
    ) -> Option<Result<serde_json::Value, ApiError>> {
        backlot_backend_plugin_api::dispatch(&self.plugins, self, command, args)
    }

    fn host_entity(
        &self,
        store: &backlot_catalog_backend::Store,
        entity: Entity,
    ) -> Result<HostEntity, ApiError> {
        let key = entity.entity_ref().key();
        let from_team = store.is_team_entity(&key)?;
        let source_file = if from_team {
            None
        } else {
            store.entity_source_file(&key)?
        };
        Ok(HostEntity {
            entity,
            source_file,
            from_team,
        })
    }
}

impl Host for Api {
    fn data_dir(&self) -> &Path {
        Api::data_dir(self)
    }

    fn entity(&self, entity_ref: &str) -> Result<Option<HostEntity>, ApiError> {
        self.with_store(|store| match store.get_entity(entity_ref)? {
            Some(entity) => Ok(Some(self.host_entity(store, entity)?)),
            None => Ok(None),
        })
    }

    fn entities_with_annotation(&self, key: &str) -> Result<Vec<HostEntity>, ApiError> {
        self.with_store(|store| {
            store
                .entities_with_annotation(key)?
                .into_iter()
                .map(|e| self.host_entity(store, e))
                .collect()
        })
    }

    fn entities_of_kind(&self, kind: &str) -> Result<Vec<HostEntity>, ApiError> {
        self.with_store(|store| {
            store
                .entities_of_kind(kind)?
                .into_iter()
                .map(|e| self.host_entity(store, e))
                .collect()
        })
    }

    fn team_backend_url(&self) -> Result<Option<String>, ApiError> {
        self.team_url()
    }

    fn team_token(&self) -> Result<Option<Sensitive<String>>, ApiError> {
        Api::team_token(self)
    }

    fn proxy(&self, call: ProxyCall) -> Result<ProxyReply, ApiError> {
        self.proxy_call(call)
    }

    fn runtime(&self) -> Result<RuntimeHandle, ApiError> {
        self.runtime.handle()
    }

    fn me(&self) -> Option<String> {
        self.preferences().ok()?.me().map(str::to_string)
    }

    fn ingest(&self, paths: &[PathBuf]) -> Result<IngestReport, ApiError> {
        self.ingest_files(paths, &[])
    }

    fn secret(&self, name: &str) -> Result<Option<Sensitive<String>>, ApiError> {
        let declared = self
            .plugins
            .iter()
            .any(|p| p.secrets().iter().any(|s| s.name == name));
        if !declared {
            return Err(ApiError::new(
                ErrorCode::Unauthorized,
                format!("no plugin declared the secret `{name}`: it is not handed out"),
            ));
        }
        match self.secrets.resolve(name) {
            Ok(value) => Ok(Some(value)),
            Err(SecretError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn integrations(&self) -> Vec<(String, String)> {
        let Some(config) = &self.config.config else {
            return Vec::new();
        };
        config
            .integrations
            .iter()
            .filter_map(|i| Some((i.host.clone()?, i.provider.clone())))
            .collect()
    }

    fn register_team_location(&self, url: &str, dry_run: bool) -> Result<Registration, ApiError> {
        self.register_location(url, dry_run)
    }

    fn spawn(&self, task: Task) -> Option<Task> {
        let Some(api) = self.shared_self.get().and_then(std::sync::Weak::upgrade) else {
            return Some(task);
        };
        // The thread owns the task until it runs; a refused spawn hands it back.
        let slot = Arc::new(std::sync::Mutex::new(Some(task)));
        let theirs = slot.clone();
        let spawned = std::thread::Builder::new()
            .name("backlot-plugin-task".into())
            .spawn(move || {
                let task = theirs.lock().unwrap_or_else(|p| p.into_inner()).take();
                if let Some(task) = task {
                    task(&*api);
                }
            });
        match spawned {
            Ok(_) => None,
            Err(_) => slot.lock().unwrap_or_else(|p| p.into_inner()).take(),
        }
    }
}
