//! GitHub Actions, native half. A third-party-backed plugin has no commands of its own: its
//! UI calls GitHub through the app's proxy. What it brings is a declaration — the built-in
//! `/github` endpoint (`https://api.github.com` with `Authorization: Bearer
//! ${secret:github-token}`, used unless the user's app-config defines `/github`) and the
//! `github-token` secret, which Settings → Credentials then lists.

use backlot_backend_plugin_api::{BackendPlugin, ProxyEndpointDecl, SecretDecl};
use backlot_github_actions_common::{DEFAULT_ENDPOINT_ROUTE, DEFAULT_ENDPOINT_YAML, TOKEN_SECRET};

/// The plugin to register with the app (`app/src/plugins.rs`).
#[derive(Debug, Clone, Copy, Default)]
pub struct GithubActionsBackend;

const ENDPOINTS: &[ProxyEndpointDecl] = &[ProxyEndpointDecl {
    route: DEFAULT_ENDPOINT_ROUTE,
    yaml: DEFAULT_ENDPOINT_YAML,
}];

const SECRETS: &[SecretDecl] = &[SecretDecl {
    name: TOKEN_SECRET,
    description: "A GitHub token that can read the repositories' Actions (re-running needs write)",
}];

impl BackendPlugin for GithubActionsBackend {
    fn id(&self) -> &'static str {
        "github-actions"
    }

    fn proxy_endpoints(&self) -> &'static [ProxyEndpointDecl] {
        ENDPOINTS
    }

    fn secrets(&self) -> &'static [SecretDecl] {
        SECRETS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_uses_the_declared_secret() {
        let plugin = GithubActionsBackend;
        let [endpoint] = plugin.proxy_endpoints() else {
            panic!("one endpoint")
        };
        assert_eq!(endpoint.route, "/github");
        let [secret] = plugin.secrets() else {
            panic!("one secret")
        };
        assert!(
            endpoint
                .yaml
                .contains(&format!("${{secret:{}}}", secret.name)),
            "{}",
            endpoint.yaml
        );
        assert!(
            plugin.routes().names().next().is_none(),
            "no commands of its own"
        );
    }
}
