//! The API with an app-config.yaml: what Settings shows, and proxied calls to a real HTTP
//! server on 127.0.0.1.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use backlot_model::ErrorCode;
use common::{api_with_config, echo_server};
use serde_json::json;

#[test]
fn settings_show_the_config_files_endpoints_and_needed_secrets() {
    let (dir, api) = api_with_config(
        "proxy:\n  endpoints:\n    /github:\n      target: https://api.github.com\n      allowedMethods: [GET]\n      headers:\n        Authorization: Bearer ${secret:github-token}\n    /plain: http://127.0.0.1:9\n",
    );
    let summary = api.dispatch("config_summary", json!({})).unwrap();
    assert_eq!(
        summary["files"],
        json!([dir.path().join("app-config.yaml").display().to_string()])
    );
    assert_eq!(summary["error"], serde_json::Value::Null);
    let endpoints = summary["proxyEndpoints"].as_array().unwrap();
    assert_eq!(endpoints.len(), 2);
    let github = endpoints.iter().find(|e| e["route"] == "/github").unwrap();
    assert_eq!(github["target"], "https://api.github.com/");
    assert_eq!(github["allowedMethods"], json!(["GET"]));
    assert_eq!(github["secrets"], json!(["github-token"]));

    let credentials = api.dispatch("credentials", json!({})).unwrap();
    let secrets = credentials["secrets"].as_array().unwrap();
    assert_eq!(secrets.len(), 1);
    assert_eq!(secrets[0]["name"], "github-token");
    assert_eq!(secrets[0]["usedBy"], json!(["proxy /github"]));
}

#[test]
fn a_broken_config_is_reported_and_the_app_keeps_working() {
    let (_dir, api) = api_with_config("proxy:\n  endpoints: [unclosed\n");
    let summary = api.dispatch("config_summary", json!({})).unwrap();
    let error = summary["error"].as_str().expect("an error");
    assert!(error.contains("app-config.yaml"), "{error}");
    assert!(api.dispatch("catalog_summary", json!({})).is_ok());
}

#[test]
fn proxied_calls_reach_the_upstream_and_refusals_are_typed() {
    let port = echo_server();
    let (_dir, api) = api_with_config(&format!(
        "proxy:\n  endpoints:\n    /echo:\n      target: http://127.0.0.1:{port}/base\n      allowedMethods: [GET]\n      allowedHeaders: [x-probe]\n"
    ));
    let reply = api
        .dispatch("proxy", json!({"method": "GET", "path": "/echo/hello?x=1", "headers": [["x-probe", "p1"], ["cookie", "secret"]]}))
        .unwrap();
    assert_eq!(reply["status"], 200);
    assert_eq!(reply["body"], "GET /base/hello?x=1 HTTP/1.1 probe=p1");

    let err = api
        .dispatch("proxy", json!({"method": "GET", "path": "/nope/x"}))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound, "{err}");
    let err = api
        .dispatch(
            "proxy",
            json!({"method": "GET", "path": "/echo/%2e%2e/etc"}),
        )
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput, "{err}");
    let err = api
        .dispatch("proxy", json!({"method": "DELETE", "path": "/echo/x"}))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unsupported, "{err}");
    assert!(err.message.contains("DELETE is not allowed"), "{err}");
}
