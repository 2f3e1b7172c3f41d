//! The search page and the command palette against the fake backend, keyboard only where
//! the palette is concerned.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use backlot_model::search::{MARK_END, MARK_START, SearchHit, TYPE_DOCS};
use backlot_plugin_api::FakeBackend;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlInputElement, KeyboardEvent, KeyboardEventInit};
use yew_router::history::{AnyHistory, History, MemoryHistory};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::*;

fn docs_hit() -> SearchHit {
    SearchHit {
        doc_type: TYPE_DOCS.into(),
        title: "How it works › The solver".into(),
        subtitle: Some("Route optimizer · how-it-works.md".into()),
        snippet: Some(format!(
            "A construction {MARK_START}heuristic{MARK_END} gives a first plan"
        )),
        location: "/docs/default/component/route-optimizer?page=how-it-works.md#the-solver".into(),
        entity_ref: Some("component:default/route-optimizer".into()),
        // As the team's search marks what it found too.
        team: true,
    }
}

fn fake() -> FakeBackend {
    FakeBackend::new()
        .with_entities(many_entities())
        .with_search_docs(vec![docs_hit()])
}

fn key(target: &web_sys::Element, key: &str, ctrl: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn the_search_page_filters_by_type_marks_matches_and_lives_in_the_address() {
    let history = AnyHistory::from(MemoryHistory::new());
    let app = mount_fake("/search?q=heuristic", history.clone(), fake()).await;
    app.eventually("results", |app| {
        !app.all(".pane-active .search-hit").is_empty()
    })
    .await;
    let hit = app.one(".pane-active .search-hit[data-type='docs']");
    assert!(
        hit.inner_html().contains("<mark>heuristic</mark>"),
        "{}",
        hit.inner_html()
    );
    let link = app.one(".pane-active .search-hit-title");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("/docs/default/component/route-optimizer?page=how-it-works.md#the-solver")
    );
    // A type chip narrows the list and goes into the address.
    app.type_into(".pane-active input[name='search-query']", "e")
        .await;
    app.eventually("entities and docs", |app| {
        app.all(".pane-active .search-types .chip").len() >= 3
    })
    .await;
    app.click(".pane-active .search-types .chip[data-type='docs']")
        .await;
    app.eventually("docs only", |app| {
        let hits = app.all(".pane-active .search-hit");
        !hits.is_empty()
            && hits
                .iter()
                .all(|h| h.get_attribute("data-type").as_deref() == Some("docs"))
    })
    .await;
    let path = history.location().query_str().to_string();
    assert!(path.contains("type=docs") && path.contains("q=e"), "{path}");
}

#[wasm_bindgen_test]
async fn the_search_page_loads_more_as_the_list_is_scrolled_to_its_end() {
    let history = AnyHistory::from(MemoryHistory::new());
    // 60 services match: pages of 25.
    let app = mount_fake("/search?q=service", history, fake()).await;
    app.eventually("the first page", |app| {
        app.all(".pane-active .search-hit").len() >= 25
    })
    .await;
    let first = app.all(".pane-active .search-hit").len();
    assert!(
        first < 60,
        "not everything at once: {first} of 60 shown before scrolling"
    );
    // Scrolled to the end of the list: the next pages come without a click, until all are
    // shown (and the button for the keyboard goes away).
    app.eventually("all 60, by scrolling", |app| {
        app.one(".pane-active [data-testid='end-of-list']")
            .scroll_into_view();
        app.all(".pane-active .search-hit").len() == 60
    })
    .await;
    assert!(app.all(".pane-active [data-action='more']").is_empty());
}

#[wasm_bindgen_test]
async fn while_the_index_is_brought_up_to_date_the_page_says_so_and_asks_again() {
    let history = AnyHistory::from(MemoryHistory::new());
    let app = mount_fake(
        "/search?q=heuristic",
        history,
        fake().with_indexing_searches(1),
    )
    .await;
    app.eventually("the partial answer says so", |app| {
        !app.all(".pane-active [data-testid='indexing']").is_empty()
    })
    .await;
    // Asked again by itself: the complete answer has no notice.
    app.eventually("the complete answer", |app| {
        app.all(".pane-active [data-testid='indexing']").is_empty()
            && !app.all(".pane-active .search-hit").is_empty()
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_palette_opens_with_ctrl_k_and_is_driven_by_the_keyboard() {
    let history = AnyHistory::from(MemoryHistory::new());
    let app = mount_fake("/", history.clone(), fake()).await;
    assert!(app.all(".palette").is_empty());
    let body: web_sys::Element = gloo_document().body().unwrap().into();
    key(&body, "k", true);
    settle().await;
    let input: HtmlInputElement = app.one(".palette-input").dyn_into().unwrap();
    assert_eq!(
        gloo_document().active_element().map(|e| e.class_name()),
        Some("palette-input".into())
    );
    assert_eq!(input.get_attribute("role").as_deref(), Some("combobox"));
    // Empty: the app's actions first.
    assert!(
        app.text(".palette-item[aria-selected='true']")
            .starts_with("Go to Home")
    );

    // Typing searches: the docs page, then Enter opens it at its heading.
    app.type_into(".palette-input", "heuristic").await;
    app.eventually("the docs hit", |app| {
        app.all(".palette-item")
            .iter()
            .any(|i| i.text_content().unwrap_or_default().contains("The solver"))
    })
    .await;
    let active = input.get_attribute("aria-activedescendant").unwrap();
    assert_eq!(active, "palette-item-0");
    key(&input.clone().into(), "Enter", false);
    settle().await;
    assert_eq!(
        history.location().path(),
        "/docs/default/component/route-optimizer"
    );
    assert!(app.all(".palette").is_empty(), "closed after choosing");

    // Tab filters by type; arrows move; Esc closes.
    key(&body, "k", true);
    settle().await;
    let input: web_sys::Element = app.one(".palette-input");
    key(&input, "Tab", false);
    settle().await;
    assert_eq!(app.text(".palette-filter.selected"), "Actions");
    key(&input, "ArrowDown", false);
    settle().await;
    assert_eq!(
        input.get_attribute("aria-activedescendant").as_deref(),
        Some("palette-item-1")
    );
    key(&input, "ArrowUp", false);
    key(&input, "ArrowUp", false);
    settle().await;
    let last = app.all(".palette-item").len() - 1;
    assert_eq!(
        input.get_attribute("aria-activedescendant"),
        Some(format!("palette-item-{last}")),
        "wraps around"
    );
    key(&input, "Escape", false);
    settle().await;
    assert!(app.all(".palette").is_empty());
}

#[wasm_bindgen_test]
async fn palette_actions_run_theme_and_sync() {
    let app = mount_fake("/", AnyHistory::from(MemoryHistory::new()), fake()).await;
    let body: web_sys::Element = gloo_document().body().unwrap().into();
    key(&body, "k", true);
    settle().await;
    app.type_into(".palette-input", "theme dark").await;
    let input = app.one(".palette-input");
    assert!(
        app.text(".palette-item[aria-selected='true']")
            .starts_with("Theme: Dark")
    );
    key(&input, "Enter", false);
    settle().await;
    assert_eq!(
        app.fake.preferences().theme,
        backlot_model::ipc::ThemePreference::Dark
    );

    key(&body, "k", true);
    settle().await;
    app.type_into(".palette-input", "sync now").await;
    key(&app.one(".palette-input"), "Enter", false);
    settle().await;
    assert!(app.fake.calls().contains(&"start_sync"));
}
