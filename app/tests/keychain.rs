//! Credentials end to end against a real Secret Service (run under scripts/with-keyring.sh):
//! a token stored through the API reaches the upstream in a proxied call's header, and
//! never comes back through the API.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use backlot_model::ErrorCode;
use common::{api_with_config, echo_server};
use serde_json::json;

#[test]
fn a_stored_token_goes_out_with_proxied_calls_and_nowhere_else() {
    assert!(
        std::env::var_os("BACKLOT_KEYRING_SESSION").is_some(),
        "needs a real Secret Service: run under scripts/with-keyring.sh (make test-native does)"
    );
    let port = echo_server();
    let secret_name = format!("probe-token-{}", std::process::id());
    let (dir, api) = api_with_config(&format!(
        "proxy:\n  endpoints:\n    /echo:\n      target: http://127.0.0.1:{port}\n      headers:\n        x-probe: ${{secret:{secret_name}}}\n"
    ));

    let before = api.dispatch("credentials", json!({})).unwrap();
    assert_eq!(before["keychainError"], serde_json::Value::Null, "{before}");
    // (The built-in /github endpoint's `github-token` is listed too.)
    let probe = |c: &serde_json::Value| {
        c["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == secret_name.as_str())
            .cloned()
    };
    assert_eq!(
        probe(&before),
        Some(json!({"name": secret_name, "set": false, "usedBy": ["proxy /echo"]}))
    );

    let canary = "canary-7f3a9c-token";
    let set = api
        .dispatch(
            "set_credential",
            json!({"name": secret_name, "value": canary}),
        )
        .unwrap();
    assert_eq!(set["set"], true);
    assert!(!set.to_string().contains(canary));
    let after = api.dispatch("credentials", json!({})).unwrap();
    assert_eq!(probe(&after).unwrap()["set"], true);
    assert!(!after.to_string().contains(canary));

    let reply = api
        .dispatch("proxy", json!({"method": "GET", "path": "/echo/whoami"}))
        .unwrap();
    assert_eq!(reply["status"], 200);
    assert_eq!(
        reply["body"],
        format!("GET /whoami HTTP/1.1 probe={canary}")
    );

    // Nothing Backlot wrote holds the value: not the store (db, WAL), not the config.
    api.dispatch("set_preferences", json!({"preferences": {"theme": "dark"}}))
        .unwrap();
    for entry in walk(dir.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
            "the secret leaked into {}",
            entry.display()
        );
    }

    let deleted = api
        .dispatch("delete_credential", json!({"name": secret_name}))
        .unwrap();
    assert_eq!(deleted["set"], false);
    let err = api
        .dispatch("proxy", json!({"method": "GET", "path": "/echo/whoami"}))
        .unwrap_err();
    assert!(
        err.message.contains(&secret_name),
        "the error names the missing secret: {err}"
    );
    assert!(!err.message.contains(canary));
    assert_ne!(err.code, ErrorCode::Internal, "{err}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path))
        } else {
            files.push(path)
        }
    }
    files
}
