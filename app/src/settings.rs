//! The app-config.yaml files Backlot runs with: `<data dir>/app-config.yaml`, then
//! `<data dir>/app-config.local.yaml`, then each `--config FILE` in order (later files
//! override earlier ones, as Backstage merges them).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use backlot_backend_plugin_api::BackendPlugin;

use backlot_config::{Config, ConfigWarning, ProxyEndpoint};
use backlot_model::ipc::{ConfigSummary, ProxyEndpointInfo};

pub struct LoadedConfig {
    pub files: Vec<PathBuf>,
    /// `None` when loading failed (see `error`): Backlot then runs on defaults.
    pub config: Option<Config>,
    pub error: Option<String>,
    /// Secrets plugins declare: `(name, plugin id)`.
    plugin_secrets: Vec<(String, &'static str)>,
}

/// The files to read, in merge order: the data folder's own, then the explicit ones.
pub fn config_files(data_dir: &Path, explicit: &[PathBuf]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["app-config.yaml", "app-config.local.yaml"]
        .iter()
        .map(|name| data_dir.join(name))
        .filter(|path| path.is_file())
        .collect();
    files.extend(explicit.iter().cloned());
    files
}

/// Adds the proxy endpoints plugins declare, each where the configuration does not define
/// its route (the user's wins); a declaration that does not parse becomes a warning.
fn add_built_in_endpoints(config: &mut Config, plugins: &[Arc<dyn BackendPlugin>]) {
    for plugin in plugins {
        for decl in plugin.proxy_endpoints() {
            let file = format!("<built-in: {}>", plugin.id());
            match ProxyEndpoint::from_yaml(decl.route, &file, decl.yaml) {
                Ok(endpoint) => {
                    config.add_default_endpoint(endpoint);
                }
                Err(e) => config.warnings.push(ConfigWarning {
                    file,
                    line: 0,
                    key: format!("proxy.endpoints.{}", decl.route),
                    message: format!("the built-in endpoint is not usable: {e}"),
                }),
            }
        }
    }
}

impl LoadedConfig {
    pub fn load(files: Vec<PathBuf>, plugins: &[Arc<dyn BackendPlugin>]) -> Self {
        let plugin_secrets = plugins
            .iter()
            .flat_map(|p| p.secrets().iter().map(|s| (s.name.to_string(), p.id())))
            .collect();
        // No files is an empty configuration (plus the built-in endpoints).
        let loaded = if files.is_empty() {
            Config::from_sources(&[], &|_| None)
        } else {
            Config::load_files(&files)
        };
        match loaded {
            Ok(mut config) => {
                add_built_in_endpoints(&mut config, plugins);
                Self {
                    files,
                    config: Some(config),
                    error: None,
                    plugin_secrets,
                }
            }
            Err(e) => Self {
                files,
                config: None,
                error: Some(e.to_string()),
                plugin_secrets,
            },
        }
    }

    /// Every `${secret:NAME}` the configuration references, with who uses it, then the
    /// secrets plugins declare that the configuration does not name.
    pub fn secrets_needed(&self) -> Vec<(String, Vec<String>)> {
        let mut needed: Vec<(String, Vec<String>)> = match &self.config {
            Some(config) => config
                .secret_names
                .iter()
                .map(|name| {
                    let mut used_by: Vec<String> = config
                        .proxy_endpoints
                        .iter()
                        .filter(|e| e.secret_names().any(|n| n == name))
                        .map(|e| format!("proxy {}", e.route))
                        .collect();
                    if used_by.is_empty() {
                        used_by.push("app-config".to_string());
                    }
                    (name.clone(), used_by)
                })
                .collect(),
            None => Vec::new(),
        };
        for (name, plugin) in &self.plugin_secrets {
            if !needed.iter().any(|(n, _)| n == name) {
                needed.push((name.clone(), vec![format!("plugin {plugin}")]));
            }
        }
        needed
    }

    pub fn summary(&self) -> ConfigSummary {
        let config = self.config.as_ref();
        ConfigSummary {
            files: self.files.iter().map(|f| f.display().to_string()).collect(),
            warnings: config
                .map(|c| c.warnings.iter().map(ToString::to_string).collect())
                .unwrap_or_default(),
            error: self.error.clone(),
            team_backend: config
                .and_then(|c| c.team_backend_base_url())
                .map(ToString::to_string),
            proxy_endpoints: config
                .map(|c| {
                    c.proxy_endpoints
                        .iter()
                        .map(|e| ProxyEndpointInfo {
                            route: e.route.clone(),
                            target: e.target.to_string(),
                            allowed_methods: e.allowed_methods.clone().unwrap_or_default(),
                            secrets: e.secret_names().map(str::to_string).collect(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}
