//! The native plugins this build of Backlot ships: one line each. A new native plugin is a
//! crate under `plugins/<id>-backend` (depending on `backlot-backend-plugin-api` only), a
//! line here and its line in the workspace's Cargo.toml.

use std::sync::Arc;

use backlot_backend_plugin_api::BackendPlugin;

/// Every installed native plugin, in the order their commands are looked up.
pub fn installed() -> Vec<Arc<dyn BackendPlugin>> {
    vec![
        Arc::new(backlot_techdocs_backend::TechDocsBackend),
        Arc::new(backlot_github_actions_backend::GithubActionsBackend),
        Arc::new(backlot_api_docs_backend::ApiDocsBackend),
        Arc::new(backlot_scaffolder_backend::plugin::ScaffolderBackend),
    ]
}
