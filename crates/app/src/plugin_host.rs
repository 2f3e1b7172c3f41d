//! Native plugin backends: commands the core API does not know, answered by plugin crates
//! (`techdocs-backend`, …) through a small [`Host`] that gives them what they may use —
//! the data folder, entities and where they came from, the team backend — and nothing of
//! the API's insides.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use backlot_model::ipc::TEAM_BACKEND_TOKEN;
use backlot_model::{ApiError, Entity};
use backlot_secrets::{SecretError, Sensitive};

use crate::Api;

/// A plugin's native half: answers the IPC commands it declares.
pub trait BackendPlugin: Send + Sync {
    /// Stable plugin id (`techdocs`).
    fn id(&self) -> &'static str;
    fn handles(&self, command: &str) -> bool;
    fn dispatch(
        &self,
        command: &str,
        args: serde_json::Value,
        host: &dyn Host,
    ) -> Result<serde_json::Value, ApiError>;
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

/// What the app offers plugin backends.
pub trait Host {
    /// The app's data folder; plugins keep their files below `<data dir>/<plugin id>/`.
    fn data_dir(&self) -> &Path;
    /// The entity shown for `entity_ref` (`kind:namespace/name`, any case).
    fn entity(&self, entity_ref: &str) -> Result<Option<HostEntity>, ApiError>;
    /// Every entity carrying annotation `key`, sorted by ref.
    fn entities_with_annotation(&self, key: &str) -> Result<Vec<HostEntity>, ApiError>;
    /// The team backend's base URL (Settings, else app-config.yaml), without trailing `/`.
    fn team_backend_url(&self) -> Result<Option<String>, ApiError>;
    /// The team backend's token from the keychain; `None` when none is stored.
    fn team_token(&self) -> Result<Option<Sensitive<String>>, ApiError>;
}

/// The registered plugin backends, in registration order.
#[derive(Default, Clone)]
pub(crate) struct PluginBackends(Vec<Arc<dyn BackendPlugin>>);

impl PluginBackends {
    pub(crate) fn find(&self, command: &str) -> Option<&Arc<dyn BackendPlugin>> {
        self.0.iter().find(|p| p.handles(command))
    }
}

impl Api {
    /// Adds a plugin backend; its commands are dispatched after the core ones.
    pub fn with_backend_plugin(mut self, plugin: impl BackendPlugin + 'static) -> Self {
        self.plugin_backends.0.push(Arc::new(plugin));
        self
    }

    /// The ids of the registered plugin backends.
    pub fn backend_plugin_ids(&self) -> Vec<&'static str> {
        self.plugin_backends.0.iter().map(|p| p.id()).collect()
    }

    /// Answers `command` with the plugin backend that handles it, if any.
    pub(crate) fn dispatch_plugin(
        &self,
        command: &str,
        args: serde_json::Value,
    ) -> Option<Result<serde_json::Value, ApiError>> {
        let plugin = self.plugin_backends.find(command)?.clone();
        Some(plugin.dispatch(command, args, self))
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

    fn team_backend_url(&self) -> Result<Option<String>, ApiError> {
        self.team_url()
    }

    fn team_token(&self) -> Result<Option<Sensitive<String>>, ApiError> {
        match self.keychain.get().and_then(|k| k.get(TEAM_BACKEND_TOKEN)) {
            Ok(token) => Ok(Some(token)),
            Err(SecretError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}
