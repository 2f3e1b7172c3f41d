//! Through the app's own `proxy` and credentials commands (`Api::dispatch`), with a real
//! Secret Service (run under scripts/with-keyring.sh, as `make test-native` does): the
//! built-in `/github` endpoint exists with no configuration at all and its token is listed
//! in Settings → Credentials; with `/github` aimed at a fake GitHub by an app-config file,
//! the token set through the API reaches GitHub and never comes back.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use backlot_app::Api;
use backlot_github_actions_common::calls::{self, Repo};
use backlot_github_actions_common::fake::FakeGithub;
use backlot_github_actions_common::test_server::FakeGithubServer;
use backlot_github_actions_common::{GithubError, TOKEN_SECRET};
use backlot_model::ipc::ProxyReply;
use serde_json::json;

const CANARY: &str = "ghp_canary_through_app_5c1f";

fn proxy(
    api: &Api,
    call: backlot_model::ipc::ProxyCall,
) -> Result<ProxyReply, backlot_model::ApiError> {
    api.dispatch("proxy", serde_json::to_value(call).unwrap())
        .map(|v| serde_json::from_value(v).unwrap())
}

#[test]
fn the_github_token_goes_from_the_keychain_to_github_and_nowhere_else() {
    assert!(
        std::env::var_os("BACKLOT_KEYRING_SESSION").is_some(),
        "needs a real Secret Service: run under scripts/with-keyring.sh (make test-native does)"
    );
    let repo = Repo::parse("acme/payments").unwrap();

    // Zero configuration: /github is there, and so is its token in Credentials.
    let bare = tempfile::tempdir().unwrap();
    let api = Api::open(bare.path());
    let summary = api.dispatch("config_summary", json!({})).unwrap();
    let github = summary["proxyEndpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["route"] == "/github")
        .cloned();
    let github = github.expect("the built-in /github endpoint");
    assert_eq!(github["target"], "https://api.github.com/");
    assert_eq!(github["secrets"], json!([TOKEN_SECRET]));
    let credentials = api.dispatch("credentials", json!({})).unwrap();
    assert_eq!(
        credentials["secrets"],
        json!([{"name": TOKEN_SECRET, "set": false, "usedBy": ["proxy /github"]}])
    );
    // Without the token nothing leaves the machine: the proxy refuses, classified as such.
    let err = proxy(&api, calls::list_runs(&repo, None, 1)).unwrap_err();
    assert_eq!(
        GithubError::from_proxy_error(err),
        GithubError::MissingToken
    );

    // /github aimed at the fake by a --config file, as for GitHub Enterprise.
    let server = FakeGithubServer::start(
        FakeGithub::new(CANARY, 1_790_000_000).with_repo("acme/payments", 25),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("github.yaml");
    std::fs::write(
        &config,
        format!(
            "proxy:\n  endpoints:\n    /github:\n      target: {}\n      headers:\n        Authorization: Bearer ${{secret:github-token}}\n      allowedHeaders: [link, x-ratelimit-remaining, x-ratelimit-reset]\n",
            server.base_url()
        ),
    )
    .unwrap();
    let api = Api::open_with_config(dir.path(), &[config]);
    let set = api
        .dispatch(
            "set_credential",
            json!({"name": TOKEN_SECRET, "value": CANARY}),
        )
        .unwrap();
    assert_eq!(set["set"], true);
    assert!(!set.to_string().contains(CANARY));

    let reply = proxy(&api, calls::list_runs(&repo, None, 1)).unwrap();
    let page = calls::parse_runs(&repo, 1, &reply).unwrap();
    assert_eq!((page.runs.len(), page.next_page), (20, Some(2)));
    let reply = proxy(&api, calls::rerun(&repo, page.runs[3].id)).unwrap();
    calls::parse_rerun(&repo, &reply).unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests
            .iter()
            .all(|r| r.authorization.as_deref() == Some(format!("Bearer {CANARY}").as_str()))
    );
    assert!(!serde_json::to_string(&reply).unwrap().contains(CANARY));
    for command in ["credentials", "config_summary", "app_info"] {
        let out = api.dispatch(command, json!({})).unwrap().to_string();
        assert!(!out.contains(CANARY), "{command} leaks the token");
    }
    api.dispatch("delete_credential", json!({"name": TOKEN_SECRET}))
        .unwrap();
}
