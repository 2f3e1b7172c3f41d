//! The first-run page against the fake backend, in headless Chromium: an empty catalog opens
//! on /welcome, and each path (demo, folder, team backend) ends on a populated catalog or
//! says what went wrong.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::time::Duration;

use backlot_model::ipc::TEAM_BACKEND_TOKEN;
use backlot_model::query::EntitySummary;
use backlot_plugin_api::{BackendHandle, FakeBackend};
use backlot_ui::{App, AppProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew_router::history::{AnyHistory, History, MemoryHistory};

wasm_bindgen_test_configure!(run_in_browser);

fn entity(kind: &str, name: &str) -> EntitySummary {
    EntitySummary {
        entity_ref: format!("{}:default/{name}", kind.to_lowercase()),
        kind: kind.into(),
        namespace: "default".into(),
        name: name.into(),
        owner: Some("group:default/team-a".into()),
        spec_type: Some("service".into()),
        lifecycle: Some("production".into()),
        ..Default::default()
    }
}

fn demo() -> Vec<EntitySummary> {
    (0..12)
        .map(|i| entity("Component", &format!("demo-{i:02}")))
        .collect()
}

struct Mounted {
    root: Element,
    fake: FakeBackend,
    history: AnyHistory,
}

async fn settle() {
    gloo_timers::future::sleep(Duration::from_millis(80)).await;
}

async fn mount(fake: FakeBackend) -> Mounted {
    let document = web_sys::window().unwrap().document().unwrap();
    if document.get_element_by_id("backlot-css").is_none() {
        let style = document.create_element("style").unwrap();
        style.set_id("backlot-css");
        style.set_text_content(Some(include_str!("../styles/app.css")));
        document.head().unwrap().append_child(&style).unwrap();
    }
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let history = AnyHistory::from(MemoryHistory::new());
    history.push("/");
    let props = AppProps {
        backend: BackendHandle::new(fake.clone()),
        history: Some(history.clone()),
    };
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    settle().await;
    settle().await;
    Mounted {
        root,
        fake,
        history,
    }
}

impl Mounted {
    fn find(&self, css: &str) -> Option<Element> {
        self.root.query_selector(css).unwrap()
    }
    fn one(&self, css: &str) -> Element {
        self.find(css)
            .unwrap_or_else(|| panic!("no element `{css}`"))
    }
    fn path(&self) -> String {
        self.history.location().path().to_string()
    }
    async fn click(&self, css: &str) {
        self.one(css).dyn_into::<HtmlElement>().unwrap().click();
        settle().await;
    }
    fn set(&self, css: &str, value: &str) {
        self.one(css)
            .dyn_into::<HtmlInputElement>()
            .unwrap()
            .set_value(value);
    }
    async fn submit(&self, css: &str) {
        let form: web_sys::HtmlFormElement = self.one(css).dyn_into().unwrap();
        form.request_submit().unwrap();
        settle().await;
    }
    fn total(&self) -> usize {
        self.fake
            .calls()
            .iter()
            .filter(|c| **c == "query_entities")
            .count()
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

#[wasm_bindgen_test]
async fn an_empty_catalog_opens_the_welcome_page_and_the_demo_fills_it() {
    let app = mount(FakeBackend::new().with_demo_catalog(demo())).await;
    assert_eq!(app.path(), "/welcome");
    assert!(
        app.find(".pane-active [data-testid='welcome']").is_some(),
        "the welcome page is shown"
    );
    // No sidebar entry of its own.
    assert!(app.find(".nav-item[data-plugin='welcome']").is_none());

    let queries_before = app.total();
    app.click(".pane-active [data-action='load-demo']").await;
    settle().await;
    assert_eq!(app.path(), "/catalog");
    assert!(app.fake.onboarding_completed());
    assert!(
        app.total() > queries_before,
        "the catalog page loaded the entities"
    );
    assert_eq!(
        app.fake
            .calls()
            .iter()
            .filter(|c| **c == "load_demo_catalog")
            .count(),
        1
    );
}

#[wasm_bindgen_test]
async fn a_populated_catalog_starts_on_home() {
    let app = mount(FakeBackend::new().with_entities(demo())).await;
    assert_eq!(app.path(), "/");
    assert!(app.find("[data-testid='welcome']").is_none());
}

#[wasm_bindgen_test]
async fn a_folder_is_opened_and_bad_paths_are_explained() {
    let fake = FakeBackend::new()
        .with_folder(
            "/src/repos",
            vec![entity("Component", "alpha"), entity("API", "alpha-api")],
        )
        .with_folder("/src/empty", Vec::new());
    let app = mount(fake).await;
    assert_eq!(app.path(), "/welcome");
    let form = ".pane-active .welcome-folder form";
    let input = ".pane-active input[name='catalog-folder']";

    app.set(input, "/src/nope");
    app.submit(form).await;
    let error = app
        .one(".pane-active [data-testid='folder-error']")
        .text_content()
        .unwrap();
    assert!(
        error.contains("the folder /src/nope does not exist"),
        "{error}"
    );
    assert!(error.contains("not_found"), "{error}");
    assert_eq!(app.path(), "/welcome");

    app.set(input, "/src/empty");
    app.submit(form).await;
    let error = app
        .one(".pane-active [data-testid='folder-error']")
        .text_content()
        .unwrap();
    assert!(error.contains("no catalog files in /src/empty"), "{error}");
    assert!(!app.fake.onboarding_completed());

    app.set(input, "  /src/repos ");
    // File patterns beyond the default names, comma-separated.
    app.set(
        ".pane-active input[name='catalog-globs']",
        " *.yaml, examples/**/*.yml ,",
    );
    app.submit(form).await;
    settle().await;
    assert_eq!(app.path(), "/catalog");
    let sources = app.fake.local_sources();
    assert_eq!(sources.len(), 1);
    assert_eq!(
        (sources[0].path.as_str(), sources[0].entity_count),
        ("/src/repos", 2)
    );
    assert_eq!(sources[0].globs, ["*.yaml", "examples/**/*.yml"]);
}

#[wasm_bindgen_test]
async fn connecting_a_team_backend_stores_the_token_and_syncs() {
    let app = mount(FakeBackend::new()).await;
    let form = ".pane-active .welcome-team form";
    app.set(
        ".pane-active .welcome-team input[name='team-url']",
        "not a url",
    );
    app.submit(form).await;
    let error = app
        .one(".pane-active [data-testid='team-error']")
        .text_content()
        .unwrap();
    assert!(error.contains("not a backend URL"), "{error}");

    app.click(".pane-active .welcome-team [data-action='mode-token']")
        .await;
    app.set(
        ".pane-active .welcome-team input[name='team-url']",
        "https://backstage.example.com",
    );
    app.set(
        ".pane-active .welcome-team input[name='team-token']",
        "tok-123",
    );
    app.submit(form).await;
    // The token went to the keychain and left the page; a full sync runs with progress.
    assert_eq!(
        app.fake.keychain_value(TEAM_BACKEND_TOKEN).as_deref(),
        Some("tok-123")
    );
    let token: HtmlInputElement = app
        .one(".pane-active .welcome-team input[name='team-token']")
        .dyn_into()
        .unwrap();
    assert_eq!(token.value(), "");
    assert!(app.fake.calls().contains(&"start_sync"));
    settle().await;
    assert!(
        app.find(".pane-active .welcome-team [data-testid='sync-progress']")
            .is_some(),
        "progress is shown"
    );
    let connect = app.one(".pane-active [data-action='connect']");
    assert!(
        connect.has_attribute("disabled"),
        "no second start while syncing"
    );
}

/// Waits (bounded) until `check` holds: the welcome page polls the backend every 300 ms.
async fn until(what: &str, check: impl Fn() -> bool) {
    for _ in 0..100 {
        if check() {
            return;
        }
        gloo_timers::future::sleep(Duration::from_millis(30)).await;
    }
    panic!("timed out waiting for {what}");
}

#[wasm_bindgen_test]
async fn signing_in_is_the_default_and_the_sync_follows_the_browser() {
    let app = mount(FakeBackend::new()).await;
    assert!(
        app.find(".pane-active .welcome-team input[name='team-token']")
            .is_none(),
        "signing in needs no token field"
    );
    app.set(
        ".pane-active .welcome-team input[name='team-url']",
        "https://backstage.example.com",
    );
    app.submit(".pane-active .welcome-team form").await;
    // Waiting for the browser: the address to open by hand, no sync yet.
    let waiting = app
        .one(".pane-active [data-testid='sign-in-address']")
        .text_content()
        .unwrap();
    assert!(
        waiting.contains("https://backstage.example.com/api/auth/v1/authorize"),
        "{waiting}"
    );
    assert!(
        app.one(".pane-active [data-action='connect']")
            .has_attribute("disabled")
    );
    assert!(!app.fake.calls().contains(&"start_sync"));

    app.fake.finish_sign_in(Ok("user:default/ada"));
    until("the sync to start", || {
        app.fake.calls().contains(&"start_sync")
    })
    .await;
    assert_eq!(app.fake.last_sync_start().map(|s| s.full), Some(true));
    assert_eq!(
        app.fake.keychain_value(TEAM_BACKEND_TOKEN),
        None,
        "no token was involved"
    );
}

#[wasm_bindgen_test]
async fn a_declined_sign_in_says_why_and_syncs_nothing() {
    let app = mount(FakeBackend::new()).await;
    app.set(
        ".pane-active .welcome-team input[name='team-url']",
        "https://backstage.example.com",
    );
    app.submit(".pane-active .welcome-team form").await;
    app.fake.finish_sign_in(Err(backlot_model::ApiError::new(
        backlot_model::ErrorCode::Unauthorized,
        "sign-in was declined in the browser (access_denied); nothing was stored",
    )));
    until("the error", || {
        app.find(".pane-active [data-testid='team-error']")
            .is_some()
    })
    .await;
    let error = app
        .one(".pane-active [data-testid='team-error']")
        .text_content()
        .unwrap();
    assert!(error.contains("declined"), "{error}");
    assert!(!app.fake.calls().contains(&"start_sync"));
    assert!(
        !app.one(".pane-active [data-action='connect']")
            .has_attribute("disabled")
    );
}

#[wasm_bindgen_test]
async fn skipping_ends_the_first_run_on_home() {
    let app = mount(FakeBackend::new()).await;
    app.click(".pane-active [data-action='skip']").await;
    assert_eq!(app.path(), "/");
    assert!(app.fake.onboarding_completed());
}

#[wasm_bindgen_test]
async fn settings_list_refresh_and_remove_local_sources() {
    let fake = FakeBackend::new().with_entities(demo()).with_folder(
        "/src/repos",
        vec![entity("Component", "alpha"), entity("API", "alpha-api")],
    );
    let app = mount(fake).await;
    assert_eq!(app.path(), "/", "a populated catalog starts on Home");
    app.history.push("/settings");
    settle().await;
    let card = ".pane-active .local-sources-card";
    assert!(
        app.find(&format!("{card} [data-testid='no-local-sources']"))
            .is_some()
    );

    app.set(
        &format!("{card} input[name='catalog-folder']"),
        "/src/missing",
    );
    app.submit(&format!("{card} form")).await;
    let outcome = app
        .one(&format!("{card} [data-testid='source-outcome']"))
        .text_content()
        .unwrap();
    assert!(outcome.contains("does not exist"), "{outcome}");

    app.set(
        &format!("{card} input[name='catalog-folder']"),
        "/src/repos",
    );
    app.submit(&format!("{card} form")).await;
    settle().await;
    let listed = app
        .one(&format!("{card} .local-source[data-path='/src/repos']"))
        .text_content()
        .unwrap();
    assert!(listed.contains("2 entities"), "{listed}");

    app.click(&format!(
        "{card} .local-source [data-action='refresh-source']"
    ))
    .await;
    let outcome = app
        .one(&format!("{card} [data-testid='source-outcome']"))
        .text_content()
        .unwrap();
    assert!(outcome.starts_with("Refreshed /src/repos"), "{outcome}");

    app.click(&format!(
        "{card} .local-source [data-action='remove-source']"
    ))
    .await;
    settle().await;
    assert!(app.find(&format!("{card} .local-source")).is_none());
    assert_eq!(app.fake.local_sources(), []);
    assert!(app.fake.calls().contains(&"remove_local_source"));
}
