//! The CI tab against a fake backend whose `proxy` command is answered by the fake GitHub
//! API (`backlot-github-actions-common`, feature `fake`), in headless Chromium:
//! visibility on entity pages, the runs table, paging, branch filter, jobs and steps,
//! re-run, and each failure's message and fix.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::cell::RefCell;
use std::rc::Rc;

use backlot_github_actions::{CiTab, applies_to, plugin};
use backlot_github_actions_common::fake::FakeGithub;
use backlot_github_actions_common::time;
use backlot_model::ipc::{Command, ProxyCall, ProxyReply};
use backlot_model::{ApiError, ErrorCode};
use backlot_plugin_api::routing::match_pattern;
use backlot_plugin_api::testkit::{Page, TestShell};
use backlot_plugin_api::{Backend, BackendFuture, EntityContext, FakeBackend};
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlSelectElement};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

const TOKEN: &str = "ghp_wasm_canary_93b1";

/// The app's backend as the plugin sees it: everything from `FakeBackend`, and `proxy`
/// answered the way the native proxy would — the token added on "the Rust side" (here),
/// or refused as missing.
#[derive(Clone)]
struct GithubBackend {
    fake: FakeBackend,
    github: Rc<RefCell<FakeGithub>>,
    token: Option<&'static str>,
    calls: Rc<RefCell<Vec<ProxyCall>>>,
}

impl Backend for GithubBackend {
    fn invoke(&self, command: &'static str, args: serde_json::Value) -> BackendFuture {
        if command != ProxyCall::NAME {
            return self.fake.invoke(command, args);
        }
        let call: ProxyCall = serde_json::from_value(args).expect("a ProxyCall");
        self.calls.borrow_mut().push(call.clone());
        let result = match (self.token, call.path.strip_prefix("/github")) {
            (_, None) => Err(ApiError::not_found("no proxy endpoint is configured")),
            (None, Some(_)) => Err(ApiError::new(
                ErrorCode::Unauthorized,
                "the secret `github-token` used by proxy endpoint `/github` is not set; add it under Settings → Credentials",
            )),
            (Some(token), Some(rest)) => {
                let r = self.github.borrow_mut().handle(
                    &call.method,
                    rest,
                    Some(&format!("Bearer {token}")),
                    "https://api.github.com",
                );
                Ok(serde_json::to_value(ProxyReply {
                    status: r.status,
                    headers: r.headers,
                    body: r.body,
                })
                .unwrap())
            }
        };
        Box::pin(async move { result })
    }
}

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

fn github(runs: usize) -> FakeGithub {
    FakeGithub::new(TOKEN, now()).with_repo("acme/payments", runs)
}

fn backend(github: FakeGithub, token: Option<&'static str>) -> GithubBackend {
    GithubBackend {
        fake: FakeBackend::new(),
        github: Rc::new(RefCell::new(github)),
        token,
        calls: Rc::default(),
    }
}

fn mount(backend: impl Backend + 'static, content: Html) -> Page {
    TestShell::new(backend)
        .with_plugin(&plugin())
        .mount(content)
}

fn mount_tab(backend: impl Backend + 'static, slug: &str) -> Page {
    mount(backend, html! { <CiTab slug={slug.to_string()} /> })
}

fn entity_context(annotations: serde_json::Value) -> EntityContext {
    EntityContext {
        entity_ref: "component:default/payments".into(),
        entity: json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": "payments", "annotations": annotations}, "spec": {}}),
    }
}

#[wasm_bindgen_test]
fn the_tab_applies_only_to_entities_with_a_project_slug() {
    assert!(applies_to(&entity_context(
        json!({"github.com/project-slug": "acme/payments"})
    )));
    assert!(!applies_to(&entity_context(
        json!({"backstage.io/techdocs-ref": "dir:."})
    )));
    assert!(!applies_to(&entity_context(
        json!({"github.com/project-slug": "  "})
    )));
    let p = plugin();
    assert_eq!(p.entity_tabs.len(), 1);
    assert_eq!((p.entity_tabs[0].id, p.entity_tabs[0].title), ("ci", "CI"));
    assert_eq!(p.secrets[0].name, "github-token");
    assert_eq!(p.proxy_endpoints[0].path, "/github");
}

fn entity_view(name: &str, annotations: serde_json::Value) -> backlot_model::ipc::EntityView {
    serde_json::from_value(json!({
        "entity": {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": name, "namespace": "default", "annotations": annotations},
            "spec": {"type": "service", "lifecycle": "production", "owner": "group:default/payments"}},
        "related": [], "fromTeam": false, "shadowedTeamCopy": null
    }))
    .expect("an entity view")
}

/// The catalog's own entity page, with this plugin's tabs, for `name`.
fn entity_page(fake: FakeBackend, name: &str, query: &str) -> Page {
    let catalog = backlot_catalog::plugin();
    let route = catalog
        .routes
        .iter()
        .find(|r| r.pattern == "/catalog/:namespace/:kind/:name")
        .expect("the entity route");
    let m = match_pattern(
        route.pattern,
        &format!("/catalog/default/component/{name}{query}"),
    )
    .unwrap();
    let content = (route.render)(&m);
    mount(
        GithubBackend {
            fake,
            ..backend(github(5), Some(TOKEN))
        },
        content,
    )
}

#[wasm_bindgen_test]
async fn the_entity_page_has_a_ci_tab_only_for_annotated_entities() {
    let fake = FakeBackend::new()
        .with_entity_view(entity_view(
            "payments",
            json!({"github.com/project-slug": "acme/payments"}),
        ))
        .with_entity_view(entity_view("no-repo", json!({})));
    let with = entity_page(fake.clone(), "payments", "");
    with.wait_for(".entity-page").await;
    let tabs: Vec<String> = with
        .all("nav.tabs a")
        .iter()
        .map(|a| a.text_content().unwrap_or_default())
        .collect();
    assert!(tabs.iter().any(|t| t == "CI"), "{tabs:?}");
    let href = with
        .all("nav.tabs a")
        .into_iter()
        .find(|a| a.text_content().as_deref() == Some("CI"))
        .unwrap();
    assert_eq!(
        href.get_attribute("href").as_deref(),
        Some("/catalog/default/component/payments?tab=ci")
    );
    drop(with);

    let without = entity_page(fake.clone(), "no-repo", "");
    without.wait_for(".entity-page").await;
    let tabs: Vec<String> = without
        .all("nav.tabs a")
        .iter()
        .map(|a| a.text_content().unwrap_or_default())
        .collect();
    assert!(!tabs.iter().any(|t| t == "CI"), "{tabs:?}");
    drop(without);

    let open = entity_page(fake, "payments", "?tab=ci");
    open.wait_for(".gha-runs tbody tr").await;
    assert_eq!(
        open.one(".gha").get_attribute("data-repo").as_deref(),
        Some("acme/payments")
    );
}

#[wasm_bindgen_test]
async fn the_runs_table_shows_githubs_runs_and_loads_more() {
    let backend = backend(github(45), Some(TOKEN));
    let app = mount_tab(backend.clone(), "acme/payments");
    app.wait_for(".gha-runs tbody tr").await;
    assert_eq!(app.all(".gha-runs tbody tr").len(), 20);
    let cells: Vec<String> = app
        .all(".gha-runs tbody tr:first-child td")
        .iter()
        .map(|c| c.text_content().unwrap_or_default())
        .collect();
    assert_eq!(cells[0], "CI #45");
    assert_eq!(cells[1], "In progress");
    assert_eq!(cells[2], "main");
    assert_eq!(
        cells[3], "Add retry to the payment client",
        "first line of the commit message only"
    );
    assert_eq!(cells[4], "mona");
    assert!(cells[5].ends_with('s'), "a running duration: {}", cells[5]);
    // Started 296 s before the fake's "now": shown relative, the timestamp as a tooltip.
    let title = app
        .one(".gha-runs tbody tr:first-child td:last-child")
        .get_attribute("title")
        .unwrap();
    let started = time::parse_timestamp(&title).expect("an ISO timestamp");
    assert!((now() - started - 296).abs() <= 5, "{title}");
    assert_eq!(cells[6], time::relative(started, now()));
    assert!(cells[6].ends_with("minutes ago"), "{}", cells[6]);
    let second: Vec<String> = app
        .all(".gha-runs tbody tr:nth-child(2) td")
        .iter()
        .map(|c| c.text_content().unwrap_or_default())
        .collect();
    assert_eq!(second[0], "Deploy #44");
    assert_eq!(second[1], "Success");
    assert_eq!(second[5], "1m 37s");
    assert_eq!(app.text("[data-testid='gha-count']"), "20 of 45 runs");

    app.click("[data-action='load-more']");
    app.wait_until("40 runs", |a| a.all(".gha-runs tbody tr").len() == 40)
        .await;
    app.click("[data-action='load-more']");
    app.wait_until("45 runs", |a| a.all(".gha-runs tbody tr").len() == 45)
        .await;
    assert!(
        app.root()
            .query_selector("[data-action='load-more']")
            .unwrap()
            .is_none(),
        "no more pages"
    );
    assert_eq!(app.text("[data-testid='gha-count']"), "45 of 45 runs");
    let pages: Vec<String> = backend
        .calls
        .borrow()
        .iter()
        .map(|c| c.path.clone())
        .collect();
    assert!(
        pages[1].ends_with("page=2") && pages[2].ends_with("page=3"),
        "{pages:?}"
    );
}

#[wasm_bindgen_test]
async fn the_branch_filter_asks_github_for_that_branch() {
    let backend = backend(github(30), Some(TOKEN));
    let app = mount_tab(backend.clone(), "acme/payments");
    app.wait_for(".gha-runs tbody tr").await;
    let options: Vec<String> = app
        .all("select[name='gha-branch'] option")
        .iter()
        .map(|o| o.text_content().unwrap_or_default())
        .collect();
    assert_eq!(
        options,
        [
            "All branches",
            "feature/checkout-v2",
            "fix/rounding-errors",
            "main"
        ]
    );
    let select: HtmlSelectElement = app.one("select[name='gha-branch']").dyn_into().unwrap();
    select.set_value("fix/rounding-errors");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    app.wait_until("only that branch", |a| {
        let rows = a.all(".gha-runs tbody tr .gha-branch-name");
        !rows.is_empty()
            && rows
                .iter()
                .all(|c| c.text_content().as_deref() == Some("fix/rounding-errors"))
    })
    .await;
    let last = backend.calls.borrow().last().unwrap().path.clone();
    assert!(last.ends_with("&branch=fix%2Frounding-errors"), "{last}");
}

#[wasm_bindgen_test]
async fn a_run_shows_its_jobs_and_steps_and_can_be_rerun() {
    let backend = backend(github(10), Some(TOKEN));
    let app = mount_tab(backend.clone(), "acme/payments");
    app.wait_for(".gha-runs tbody tr").await;
    let failed = app.all(".gha-runs tbody tr").into_iter().find(|r| {
        r.query_selector(".gha-status")
            .unwrap()
            .and_then(|b| b.get_attribute("data-state"))
            .as_deref()
            == Some("failure")
    });
    let failed = failed.expect("a failed run");
    let id = failed.get_attribute("data-run-id").unwrap();
    failed
        .query_selector("[data-action='open-run']")
        .unwrap()
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    app.wait_for(".gha-run .gha-job").await;
    assert_eq!(
        app.one(".gha-run").get_attribute("data-run-id").as_deref(),
        Some(id.as_str())
    );
    let jobs = app.all(".gha-run .gha-job");
    assert!(!jobs.is_empty());
    let failing = app.one(".gha-job[data-state='failure']");
    let steps = failing.query_selector_all(".gha-step").unwrap().length();
    assert_eq!(steps, 5);
    assert!(
        failing
            .query_selector(".gha-step[data-state='failure']")
            .unwrap()
            .is_some()
    );
    assert!(
        failing
            .query_selector(".gha-step[data-state='skipped']")
            .unwrap()
            .is_some()
    );
    let link = app
        .one(".gha-run .gha-external a")
        .get_attribute("href")
        .unwrap();
    assert_eq!(
        link,
        format!("https://github.com/acme/payments/actions/runs/{id}")
    );
    app.click(".gha-run [data-action='copy-link']");
    app.wait_until("the copy outcome", |a| {
        a.text(".gha-run [data-action='copy-link']") != "Copy link"
    })
    .await;
    if app.text(".gha-run [data-action='copy-link']") != "Copied" {
        assert_eq!(
            app.text(".gha-run [data-action='copy-link']"),
            "Press Ctrl+C to copy"
        );
        let selected = web_sys::window()
            .unwrap()
            .get_selection()
            .unwrap()
            .unwrap()
            .to_string();
        assert_eq!(
            String::from(selected),
            link,
            "the address is selected for the keyboard"
        );
    }

    app.click(".gha-run [data-action='rerun']");
    app.wait_for("[data-testid='rerun-result']").await;
    assert!(
        app.text("[data-testid='rerun-result']")
            .starts_with("Re-run requested")
    );
    let posted = backend.github.borrow().requests().iter().any(|r| {
        r.method == "POST" && r.path == format!("/repos/acme/payments/actions/runs/{id}/rerun")
    });
    assert!(posted, "the fake got the POST");
    app.wait_until("the run to show as queued", |a| {
        a.one(&format!("tr[data-run-id='{id}'] .gha-status"))
            .get_attribute("data-state")
            .as_deref()
            == Some("queued")
    })
    .await;
    assert!(
        app.one(".gha-run [data-action='rerun']")
            .has_attribute("disabled"),
        "a queued run cannot be re-run"
    );

    // The token is added outside the page: no call carries credentials, nothing shows it.
    assert!(backend.calls.borrow().iter().all(|c| {
        c.headers
            .iter()
            .all(|(n, _)| !n.eq_ignore_ascii_case("authorization"))
    }));
    assert!(!app.root().inner_html().contains(TOKEN));
}

#[wasm_bindgen_test]
async fn a_missing_token_says_where_to_add_it() {
    let backend = backend(github(3), None);
    let app = mount_tab(backend.clone(), "acme/payments");
    app.wait_for(".gha-error").await;
    assert_eq!(
        app.one(".gha-error").get_attribute("data-error").as_deref(),
        Some("missing_token")
    );
    let message = app.text("[data-testid='gha-error-message']");
    assert!(
        message.contains("Add github-token in Settings → Credentials"),
        "{message}"
    );
    assert_eq!(
        app.one(".gha-fix").get_attribute("href").as_deref(),
        Some("/settings")
    );
    app.click(".gha-fix");
    assert_eq!(app.navigations().as_slice(), ["/settings"]);
    assert!(
        backend.github.borrow().requests().is_empty(),
        "GitHub was never asked"
    );
}

#[wasm_bindgen_test]
async fn githubs_failures_are_explained_with_the_fix() {
    // 401: a token GitHub does not accept.
    let rejected = backend(github(3), Some("ghp_revoked"));
    let app = mount_tab(rejected, "acme/payments");
    app.wait_for(".gha-error").await;
    assert_eq!(
        app.one(".gha-error").get_attribute("data-error").as_deref(),
        Some("token_rejected")
    );
    assert!(
        app.text("[data-testid='gha-error-message']")
            .contains("GitHub rejected the token")
    );
    assert!(app.root().query_selector(".gha-fix").unwrap().is_some());
    drop(app);

    // 403 rate limit: until when, in local time.
    let reset = now() + 1800;
    let mut limited = github(3);
    limited.set_rate_limited_until(Some(reset));
    let limited = backend(limited, Some(TOKEN));
    let app = mount_tab(limited.clone(), "acme/payments");
    app.wait_for(".gha-error").await;
    let offset = -(js_sys::Date::new_0().get_timezone_offset() as i32);
    let message = app.text("[data-testid='gha-error-message']");
    assert!(
        message.contains(&format!(
            "rate limited until {}",
            time::clock(reset, offset)
        )),
        "{message}"
    );
    // Lifted: Retry shows the runs.
    limited.github.borrow_mut().set_rate_limited_until(None);
    app.click("[data-action='retry']");
    app.wait_for(".gha-runs tbody tr").await;
    assert!(app.root().query_selector(".gha-error").unwrap().is_none());
    drop(app);

    // 404: a repository the token cannot see.
    let app = mount_tab(backend(github(3), Some(TOKEN)), "acme/hidden");
    app.wait_for(".gha-error").await;
    assert!(
        app.text("[data-testid='gha-error-message']")
            .starts_with("Repository acme/hidden not found or not visible to this token")
    );
    drop(app);

    // A malformed annotation never reaches GitHub.
    let b = backend(github(3), Some(TOKEN));
    let app = mount_tab(b.clone(), "not a slug");
    app.wait_for(".gha-error[data-error='invalid_slug']").await;
    assert!(b.calls.borrow().is_empty());
}
