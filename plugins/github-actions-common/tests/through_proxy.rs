//! The client logic against a fake GitHub API on 127.0.0.1, through Backlot's real proxy:
//! the built-in endpoint's configuration, `Link` paging, jobs, re-run, GitHub's failures,
//! and the token: injected from the secret resolver, never handled by the client.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::sync::Arc;

use backlot_config::{Config, ProxyEndpoint};
use backlot_github_actions_common::calls::{self, Repo};
use backlot_github_actions_common::fake::FakeGithub;
use backlot_github_actions_common::test_server::FakeGithubServer;
use backlot_github_actions_common::{
    DEFAULT_ENDPOINT_ROUTE, DEFAULT_ENDPOINT_YAML, GithubError, TOKEN_SECRET,
};
use backlot_model::ApiError;
use backlot_model::ipc::{ProxyCall, ProxyReply};
use backlot_proxy_backend::{Proxy, SecretResolver};
use backlot_secrets::{SecretError, Sensitive};

const TOKEN: &str = "ghp_canary0123456789abcdef";
const NOW: i64 = 1_790_000_000;

/// A resolver holding at most one secret value, like a keychain with or without the token.
struct OneSecret(Option<&'static str>);

impl SecretResolver for OneSecret {
    fn resolve(&self, name: &str) -> Result<Sensitive<String>, SecretError> {
        match self.0 {
            Some(v) if name == TOKEN_SECRET => Ok(Sensitive::new(v.to_string())),
            _ => Err(SecretError::NotFound {
                name: name.to_string(),
            }),
        }
    }
}

fn built_in() -> ProxyEndpoint {
    ProxyEndpoint::from_yaml(DEFAULT_ENDPOINT_ROUTE, "<built-in>", DEFAULT_ENDPOINT_YAML)
        .expect("the built-in endpoint parses")
}

/// The built-in endpoint, aimed at the fake instead of api.github.com.
fn proxy_to(server: &FakeGithubServer, token: Option<&'static str>) -> Proxy {
    let mut endpoint = built_in();
    endpoint.target = server.base_url().parse().unwrap();
    Proxy::new(
        vec![endpoint],
        Default::default(),
        Arc::new(OneSecret(token)),
        Default::default(),
    )
    .unwrap()
}

/// What the `proxy` IPC command does with a call (`Proxy::call`).
async fn send(proxy: &Proxy, call: ProxyCall) -> Result<ProxyReply, ApiError> {
    Ok(proxy.call(call).await?)
}

fn server(runs: usize) -> FakeGithubServer {
    FakeGithubServer::start(FakeGithub::new(TOKEN, NOW).with_repo("acme/payments", runs)).unwrap()
}

fn repo() -> Repo {
    Repo::parse("acme/payments").unwrap()
}

#[test]
fn the_built_in_endpoint_is_added_only_where_the_user_defines_no_github() {
    let e = built_in();
    assert_eq!(e.route, "/github");
    assert_eq!(e.target.as_str(), "https://api.github.com/");
    assert_eq!(e.secret_names().collect::<Vec<_>>(), [TOKEN_SECRET]);
    assert_eq!(
        e.allowed_methods.as_deref(),
        Some(&["GET".to_string(), "POST".to_string(), "PUT".to_string()][..])
    );
    assert!(e.allowed_headers.iter().any(|h| h == "link"));

    let mut empty = Config::from_sources(&[], &|_| None).unwrap();
    assert!(empty.add_default_endpoint(built_in()));
    assert!(
        empty.secret_names.contains(TOKEN_SECRET),
        "Settings → Credentials lists the token"
    );
    assert!(!empty.add_default_endpoint(built_in()), "added once");

    // GitHub Enterprise: the user's own /github wins whole.
    let ghe = "proxy:\n  endpoints:\n    /github:\n      target: https://ghe.example.com/api/v3\n      headers:\n        Authorization: token ${secret:ghe-token}\n";
    let mut user = Config::from_yaml("app-config.yaml", ghe, &|_| None).unwrap();
    assert!(!user.add_default_endpoint(built_in()));
    assert_eq!(user.proxy_endpoints.len(), 1);
    assert_eq!(
        user.proxy_endpoint("/github").unwrap().target.as_str(),
        "https://ghe.example.com/api/v3"
    );
    assert!(!user.secret_names.contains(TOKEN_SECRET));

    assert!(
        ProxyEndpoint::from_yaml("/x", "<t>", "target: https://a\nbogus: 1\n").is_err(),
        "typos in built-ins fail loudly"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_page_through_link_headers_and_jobs_and_rerun_work() {
    let server = server(45);
    let proxy = proxy_to(&server, Some(TOKEN));

    let mut runs = Vec::new();
    let mut page = Some(1);
    while let Some(p) = page {
        let reply = send(&proxy, calls::list_runs(&repo(), None, p))
            .await
            .unwrap();
        assert!(
            calls::header(&reply, "link").is_some(),
            "the Link header passes the proxy"
        );
        let parsed = calls::parse_runs(&repo(), p, &reply).unwrap();
        runs.extend(parsed.runs);
        page = parsed.next_page;
        assert!(p < 10, "paging ends");
    }
    assert_eq!(runs.len(), 45);
    let mut ids: Vec<u64> = runs.iter().map(|r| r.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 45, "no run twice");

    // Branch filter.
    let reply = send(
        &proxy,
        calls::list_runs(&repo(), Some("feature/checkout-v2"), 1),
    )
    .await
    .unwrap();
    let feature = calls::parse_runs(&repo(), 1, &reply).unwrap();
    assert!(
        !feature.runs.is_empty()
            && feature
                .runs
                .iter()
                .all(|r| r.head_branch.as_deref() == Some("feature/checkout-v2"))
    );

    // Jobs and steps of a completed run.
    let done = runs
        .iter()
        .find(|r| !r.state().is_running())
        .unwrap()
        .clone();
    let reply = send(&proxy, calls::list_jobs(&repo(), done.id, 1))
        .await
        .unwrap();
    let jobs = calls::parse_jobs(&repo(), 1, &reply).unwrap();
    assert!(!jobs.jobs.is_empty());
    assert!(
        jobs.jobs
            .iter()
            .all(|j| j.run_id == done.id && !j.steps.is_empty())
    );

    // Re-run: a POST reaches GitHub with the token from the resolver.
    let reply = send(&proxy, calls::rerun(&repo(), done.id)).await.unwrap();
    calls::parse_rerun(&repo(), &reply).unwrap();
    let requests = server.requests();
    let post = requests
        .iter()
        .find(|r| r.method == "POST")
        .expect("the fake got the POST");
    assert_eq!(
        post.path,
        format!("/repos/acme/payments/actions/runs/{}/rerun", done.id)
    );
    assert_eq!(
        post.authorization.as_deref(),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(
        requests
            .iter()
            .all(|r| r.authorization.as_deref() == Some(format!("Bearer {TOKEN}").as_str()))
    );
    let run = calls::parse_run(
        &repo(),
        &send(&proxy, calls::get_run(&repo(), done.id))
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(run.status.as_deref(), Some("queued"));
    assert_eq!(run.run_attempt, Some(2));

    // Methods beyond GET/POST are refused by the endpoint before anything is sent.
    let mut delete = calls::get_run(&repo(), done.id);
    delete.method = "DELETE".into();
    assert!(send(&proxy, delete).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_endpoint_without_allowed_headers_still_pages_by_total_count() {
    let server = server(45);
    let yaml = format!(
        "proxy:\n  endpoints:\n    /github:\n      target: {}\n      headers:\n        Authorization: Bearer ${{secret:github-token}}\n",
        server.base_url()
    );
    let config = Config::from_yaml("app-config.yaml", &yaml, &|_| None).unwrap();
    let proxy = Proxy::from_config(&config, Arc::new(OneSecret(Some(TOKEN)))).unwrap();
    let reply = send(&proxy, calls::list_runs(&repo(), None, 2))
        .await
        .unwrap();
    assert_eq!(
        calls::header(&reply, "link"),
        None,
        "dropped by the allow-list"
    );
    let page = calls::parse_runs(&repo(), 2, &reply).unwrap();
    assert_eq!((page.runs.len(), page.next_page), (20, Some(3)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_come_back_classified_with_their_fix() {
    let server = server(5);

    // No token in the keychain: the proxy refuses before calling GitHub.
    let before = server.requests().len();
    let err = send(&proxy_to(&server, None), calls::list_runs(&repo(), None, 1))
        .await
        .unwrap_err();
    let e = GithubError::from_proxy_error(err);
    assert_eq!(e, GithubError::MissingToken);
    assert!(
        e.message(0)
            .contains("Add github-token in Settings → Credentials"),
        "{}",
        e.message(0)
    );
    assert_eq!(server.requests().len(), before, "nothing was sent");

    // A token GitHub rejects.
    let reply = send(
        &proxy_to(&server, Some("ghp_revoked")),
        calls::list_runs(&repo(), None, 1),
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 401);
    assert_eq!(
        calls::parse_runs(&repo(), 1, &reply).unwrap_err(),
        GithubError::TokenRejected
    );

    let proxy = proxy_to(&server, Some(TOKEN));
    // A repository the token cannot see.
    let hidden = Repo::parse("acme/hidden").unwrap();
    let reply = send(&proxy, calls::list_runs(&hidden, None, 1))
        .await
        .unwrap();
    let e = calls::parse_runs(&hidden, 1, &reply).unwrap_err();
    assert!(
        e.message(0)
            .starts_with("Repository acme/hidden not found or not visible to this token"),
        "{}",
        e.message(0)
    );

    // Rate limited: the reset time comes through the proxy's allow-list.
    server.fake().set_rate_limited_until(Some(NOW + 1800));
    let reply = send(&proxy, calls::list_runs(&repo(), None, 1))
        .await
        .unwrap();
    assert_eq!(reply.status, 403);
    let e = calls::parse_runs(&repo(), 1, &reply).unwrap_err();
    assert_eq!(
        e,
        GithubError::RateLimited {
            reset: Some(NOW + 1800),
            retry_after: None
        }
    );
    assert!(e.message(0).contains(&format!(
        "rate limited until {}",
        backlot_github_actions_common::time::clock(NOW + 1800, 0)
    )));
    let reply = send(&proxy, calls::rerun(&repo(), 1)).await.unwrap();
    assert_eq!(
        calls::parse_rerun(&repo(), &reply).unwrap_err().code(),
        "rate_limited"
    );
}
