//! The native plugin seam end to end, with a plugin written here: registered through
//! `ApiBuilder::plugins`, its commands routed after the app's own, its built-in proxy
//! endpoint added unless the configuration defines the route, its declared secret listed
//! in Settings → Credentials, and its handler reaching a real HTTP server on 127.0.0.1
//! through `Host::proxy` and reading the catalog through `Host::entity`.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::sync::{Arc, LazyLock};

use backlot_app::Api;
use backlot_backend_plugin_api::router::Router;
use backlot_backend_plugin_api::{BackendPlugin, Host, ProxyEndpointDecl, SecretDecl};
use backlot_model::ipc::{ProxyCall, ProxyReply};
use backlot_model::{ErrorCode, ipc_command};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The plugin's one command: fetch `/echo/<path>` through the proxy, and say whether the
/// catalog has `entity_ref`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Probe {
    path: String,
    entity_ref: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ProbeAnswer {
    body: String,
    entity_known: bool,
}

ipc_command!(Probe => ProbeAnswer, "seam_probe");

/// Declarations are `'static` (a plugin states them in constants); the test makes one
/// with the echo server's port.
struct SeamPlugin {
    endpoints: &'static [ProxyEndpointDecl],
}

impl BackendPlugin for SeamPlugin {
    fn id(&self) -> &'static str {
        "seam"
    }

    fn routes(&self) -> &Router<dyn Host> {
        static ROUTES: LazyLock<Router<dyn Host>> = LazyLock::new(|| {
            Router::<dyn Host>::new().on::<Probe>(|host, c| {
                let reply: ProxyReply = host.proxy(ProxyCall {
                    method: "GET".into(),
                    path: format!("/echo/{}", c.path),
                    headers: Vec::new(),
                    body: None,
                })?;
                Ok(ProbeAnswer {
                    body: reply.body,
                    entity_known: host.entity(&c.entity_ref)?.is_some(),
                })
            })
        });
        &ROUTES
    }

    fn proxy_endpoints(&self) -> &'static [ProxyEndpointDecl] {
        self.endpoints
    }

    fn secrets(&self) -> &'static [SecretDecl] {
        &[SecretDecl {
            name: "seam-token",
            description: "a secret only the plugin declares",
        }]
    }
}

fn api(dir: &std::path::Path, port: u16) -> Api {
    let yaml =
        format!("target: http://127.0.0.1:{port}\nheaders:\n  x-probe: from-the-declaration\n");
    let endpoints = Box::leak(Box::new([ProxyEndpointDecl {
        route: "/echo",
        yaml: Box::leak(yaml.into_boxed_str()),
    }]));
    Api::builder(dir)
        .plugins(vec![Arc::new(SeamPlugin { endpoints })])
        .open()
}

#[test]
fn a_plugin_is_routed_served_and_declared() {
    let port = common::echo_server();
    let dir = tempfile::tempdir().unwrap();
    let api = api(dir.path(), port);
    api.dispatch("load_demo_catalog", json!({})).unwrap();
    assert_eq!(api.backend_plugin_ids(), ["seam"]);
    assert!(api.command_names().contains(&"seam_probe"));

    let answer = api
        .dispatch(
            "seam_probe",
            json!({"path": "hello", "entity_ref": "component:default/route-optimizer"}),
        )
        .unwrap();
    assert_eq!(
        answer["body"],
        "GET /hello HTTP/1.1 probe=from-the-declaration"
    );
    assert_eq!(answer["entity_known"], true);
    let answer = api
        .dispatch(
            "seam_probe",
            json!({"path": "x", "entity_ref": "component:default/nope"}),
        )
        .unwrap();
    assert_eq!(answer["entity_known"], false);
    assert_eq!(
        api.dispatch("seam_probe", json!({"path": 1}))
            .unwrap_err()
            .code,
        ErrorCode::InvalidInput
    );

    let summary = api.dispatch("config_summary", json!({})).unwrap();
    let echo = summary["proxyEndpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["route"] == "/echo")
        .cloned()
        .unwrap();
    assert_eq!(echo["target"], format!("http://127.0.0.1:{port}/"));
    let credentials = api.dispatch("credentials", json!({})).unwrap();
    let seam = credentials["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "seam-token")
        .cloned()
        .unwrap();
    assert_eq!(seam["usedBy"], json!(["plugin seam"]));
}

#[test]
fn the_users_configuration_wins_over_a_declared_endpoint() {
    let port = common::echo_server();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app-config.yaml"), format!("proxy:\n  endpoints:\n    /echo:\n      target: http://127.0.0.1:{port}\n      headers:\n        x-probe: from-the-user\n")).unwrap();
    let api = api(dir.path(), 9);
    let answer = api
        .dispatch(
            "seam_probe",
            json!({"path": "hello", "entity_ref": "component:default/x"}),
        )
        .unwrap();
    assert_eq!(answer["body"], "GET /hello HTTP/1.1 probe=from-the-user");
}
