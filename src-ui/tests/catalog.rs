//! The catalog pages against the fake backend, in headless Chromium: facet filters with
//! counts, search as you type, sorting, the query string, stars, "owned by me", processing
//! errors, the virtualized table, entity page sections, and Home's starred and recent lists.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use backlot_model::entity::{Entity, EntityMetadata, EntityRelation};
use backlot_model::ingest::{EntityDetails, IngestProblem};
use backlot_model::ipc::{EntityView, Preferences};
use backlot_model::query::{EntitySummary, SortField};
use backlot_plugin_api::FakeBackend;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};
use yew_router::history::{AnyHistory, History, MemoryHistory};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::*;

fn with(kind: &str, name: &str, owner: &str, lifecycle: &str, tags: &[&str]) -> EntitySummary {
    EntitySummary {
        lifecycle: Some(lifecycle.into()),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..entity(kind, name, owner)
    }
}

/// 4 components (2 payments, 2 platform), 2 APIs, 1 system, 1 group.
fn small_catalog() -> Vec<EntitySummary> {
    vec![
        with(
            "Component",
            "checkout-web",
            "payments",
            "production",
            &["web"],
        ),
        with(
            "Component",
            "payment-gateway",
            "payments",
            "production",
            &["java"],
        ),
        with(
            "Component",
            "build-agent",
            "platform",
            "experimental",
            &["go"],
        ),
        with(
            "Component",
            "log-shipper",
            "platform",
            "deprecated",
            &["go"],
        ),
        with("API", "payments-api", "payments", "production", &["rest"]),
        with("API", "builds-api", "platform", "experimental", &[]),
        with("System", "checkout", "payments", "production", &[]),
        EntitySummary {
            entity_ref: "group:default/payments".into(),
            kind: "Group".into(),
            namespace: "default".into(),
            name: "payments".into(),
            ..Default::default()
        },
    ]
}

async fn catalog(path: &str, fake: FakeBackend) -> (Mounted, AnyHistory) {
    let history = AnyHistory::from(MemoryHistory::new());
    let app = mount_fake(path, history.clone(), fake).await;
    (app, history)
}

fn rows(app: &Mounted) -> Vec<String> {
    app.all(".pane-active .vt-slab .vt-row")
        .iter()
        .filter_map(|r| r.get_attribute("data-ref"))
        .collect()
}

fn count(app: &Mounted, facet: &str, value: &str) -> String {
    app.text(&format!(
        ".pane-active [data-facet='{facet}'] [data-value='{value}'] .facet-count"
    ))
}

fn location(history: &AnyHistory) -> String {
    let l = history.location();
    format!("{}{}", l.path(), l.query_str())
}

#[wasm_bindgen_test]
async fn facets_count_and_filter_and_keep_other_values_of_a_narrowed_facet() {
    // The browser's history (a memory history does not announce back/forward).
    let history = AnyHistory::from(yew_router::history::BrowserHistory::new());
    let app = mount_fake(
        "/catalog",
        history.clone(),
        FakeBackend::new().with_entities(small_catalog()),
    )
    .await;
    assert_eq!(count(&app, "kind", "component"), "4");
    assert_eq!(count(&app, "kind", "api"), "2");
    assert_eq!(count(&app, "lifecycle", "production"), "4");

    app.click(".pane-active [data-facet='kind'] [data-value='component'] input")
        .await;
    assert!(
        location(&history).contains("kind=component"),
        "{}",
        location(&history)
    );
    assert_eq!(rows(&app).len(), 4);
    // Other facets count within the kind filter; the kind facet still offers the other kinds.
    assert_eq!(count(&app, "lifecycle", "production"), "2");
    assert_eq!(count(&app, "kind", "api"), "2");

    // Two values of one facet are ORed, two facets are ANDed.
    app.click(".pane-active [data-facet='kind'] [data-value='api'] input")
        .await;
    assert!(
        location(&history).contains("kind=component%2Capi"),
        "{}",
        location(&history)
    );
    app.eventually("6 rows", |app| rows(app).len() == 6).await;
    app.click(".pane-active [data-facet='owner'] [data-value='group:default/platform'] input")
        .await;
    let mut shown = rows(&app);
    shown.sort();
    assert_eq!(
        shown,
        [
            "api:default/builds-api",
            "component:default/build-agent",
            "component:default/log-shipper"
        ]
    );
    assert_eq!(
        app.text(".pane-active [data-testid='result-count']"),
        "3 entities"
    );

    // Back undoes the last filter; the checkboxes follow the location.
    history.back();
    gloo_timers::future::sleep(std::time::Duration::from_millis(100)).await;
    assert!(
        location(&history).ends_with("kind=component%2Capi"),
        "{}",
        location(&history)
    );
    app.eventually("6 rows again", |app| rows(app).len() == 6)
        .await;
    let owner: HtmlInputElement = app
        .one(".pane-active [data-facet='owner'] [data-value='group:default/platform'] input")
        .dyn_into()
        .unwrap();
    assert!(!owner.checked());
    app.click(".pane-active .catalog-toolbar .link-button")
        .await;
    assert_eq!(location(&history), "/catalog");
    assert_eq!(rows(&app).len(), 8);
}

#[wasm_bindgen_test]
async fn search_updates_results_as_you_type_and_lives_in_the_location() {
    let (app, history) = catalog(
        "/catalog",
        FakeBackend::new().with_entities(small_catalog()),
    )
    .await;
    app.type_into(".pane-active input[name='catalog-search']", "pay")
        .await;
    let mut shown = rows(&app);
    shown.sort();
    assert_eq!(
        shown,
        [
            "api:default/payments-api",
            "component:default/payment-gateway",
            "group:default/payments"
        ]
    );
    let query = app.fake.last_query().unwrap();
    assert_eq!(query.text.as_deref(), Some("pay"));
    assert_eq!(
        query.order, None,
        "a search is ranked by relevance unless a column is sorted"
    );
    assert_eq!(location(&history), "/catalog?q=pay");
    app.type_into(".pane-active input[name='catalog-search']", "payments-a")
        .await;
    assert_eq!(rows(&app), ["api:default/payments-api"]);
    // Typing replaces the location instead of stacking history entries.
    history.back();
    settle().await;
    assert_eq!(location(&history), "/");

    app.type_into(
        ".pane-active input[name='catalog-search']",
        "nothing-like-this",
    )
    .await;
    assert!(
        app.text(".pane-active .empty-state")
            .contains("Nothing matches")
    );
}

#[wasm_bindgen_test]
async fn column_headers_sort_ascending_descending_then_default() {
    let (app, history) = catalog(
        "/catalog",
        FakeBackend::new().with_entities(small_catalog()),
    )
    .await;
    let header = ".pane-active .vt-head [data-sort='owner']";
    app.click(header).await;
    let order = app.fake.last_query().unwrap().order.unwrap();
    assert_eq!((order.field, order.descending), (SortField::Owner, false));
    let shown = rows(&app);
    let at = |r: &str| shown.iter().position(|x| x == r).unwrap();
    assert!(
        at("api:default/payments-api") < at("component:default/build-agent"),
        "payments sorts before platform: {shown:?}"
    );
    assert!(location(&history).ends_with("sort=owner"));
    app.click(header).await;
    assert!(app.fake.last_query().unwrap().order.unwrap().descending);
    assert_eq!(
        app.one(".pane-active .vt-head [aria-sort='descending'] button")
            .get_attribute("data-sort")
            .as_deref(),
        Some("owner")
    );
    app.click(header).await;
    assert_eq!(
        app.fake.last_query().unwrap().order.unwrap().field,
        SortField::Name
    );
    assert_eq!(location(&history), "/catalog");
}

#[wasm_bindgen_test]
async fn a_location_with_filters_opens_filtered() {
    let (app, _history) = catalog(
        "/catalog?kind=api&lifecycle=production&sort=-name",
        FakeBackend::new().with_entities(small_catalog()),
    )
    .await;
    assert_eq!(rows(&app), ["api:default/payments-api"]);
    let kind: HtmlInputElement = app
        .one(".pane-active [data-facet='kind'] [data-value='api'] input")
        .dyn_into()
        .unwrap();
    assert!(kind.checked());
    let q = app.fake.last_query().unwrap();
    assert_eq!(q.filter.kinds, ["api"]);
    assert!(q.order.unwrap().descending);
}

#[wasm_bindgen_test]
async fn stars_toggle_from_the_table_filter_and_show_on_home() {
    let (app, _history) = catalog(
        "/catalog",
        FakeBackend::new().with_entities(small_catalog()),
    )
    .await;
    app.click(".pane-active .vt-row[data-ref='component:default/build-agent'] .star")
        .await;
    assert_eq!(app.fake.stars(), ["component:default/build-agent"]);
    let star = app.one(".pane-active .vt-row[data-ref='component:default/build-agent'] .star");
    assert_eq!(star.get_attribute("aria-pressed").as_deref(), Some("true"));
    assert_eq!(
        app.text(".pane-active [data-toggle='starred'] .facet-count"),
        "1"
    );
    app.click(".pane-active [data-toggle='starred'] input")
        .await;
    assert_eq!(rows(&app), ["component:default/build-agent"]);

    app.click(".nav-item[data-plugin='home']").await;
    assert!(
        app.text(".pane-active [data-testid='starred-list']")
            .contains("build-agent")
    );
    app.click(".pane-active [data-testid='starred-list'] .star")
        .await;
    assert!(app.fake.stars().is_empty());
    assert!(
        app.all(".pane-active [data-testid='starred-list']")
            .is_empty()
    );
}

#[wasm_bindgen_test]
async fn owned_by_me_needs_me_and_covers_my_groups() {
    let fake = FakeBackend::new().with_entities(small_catalog());
    let (app, _h) = catalog("/catalog", fake.clone()).await;
    let mine: HtmlInputElement = app
        .one(".pane-active [data-toggle='mine'] input")
        .dyn_into()
        .unwrap();
    assert!(mine.disabled(), "without a user set in Settings");
    drop(app);

    let fake = fake.with_membership("user:default/ada", "group:default/platform");
    let (app, _h) = catalog("/settings", fake).await;
    let input: HtmlInputElement = app.one(".pane-active #user-entity-ref").dyn_into().unwrap();
    input.set_value("user:default/ada");
    let form = input
        .closest("form")
        .unwrap()
        .unwrap()
        .dyn_into::<web_sys::HtmlFormElement>()
        .unwrap();
    form.request_submit().unwrap();
    settle().await;
    assert_eq!(
        app.fake.preferences(),
        Preferences {
            user_entity_ref: Some("user:default/ada".into()),
            ..app.fake.preferences()
        }
    );
    app.click(".nav-item[data-plugin='catalog']").await;
    assert_eq!(
        app.text(".pane-active [data-toggle='mine'] .facet-count"),
        "3"
    );
    app.click(".pane-active [data-toggle='mine'] input").await;
    let mut shown = rows(&app);
    shown.sort();
    assert_eq!(
        shown,
        [
            "api:default/builds-api",
            "component:default/build-agent",
            "component:default/log-shipper"
        ]
    );
}

#[wasm_bindgen_test]
async fn processing_errors_filter_and_show_on_the_entity_page() {
    let problem = IngestProblem {
        file: "/srv/catalog/payments/catalog-info.yaml".into(),
        line: Some(42),
        column: Some(3),
        message: "metadata.name \"bad name!\" is not valid".into(),
        ..Default::default()
    };
    let fake = FakeBackend::new()
        .with_entities(small_catalog())
        .with_problems("component:default/checkout-web", vec![problem]);
    let (app, _h) = catalog("/catalog?errors=1", fake).await;
    assert_eq!(rows(&app), ["component:default/checkout-web"]);
    app.click(".pane-active .vt-row[data-ref='component:default/checkout-web'] .vt-name a")
        .await;
    let card = app.text(".pane-active .problems");
    assert!(
        card.contains("/srv/catalog/payments/catalog-info.yaml:42:3"),
        "{card}"
    );
    assert!(card.contains("is not valid"), "{card}");
}

#[wasm_bindgen_test]
async fn the_table_renders_only_what_is_in_view_and_pages_by_offset() {
    let many: Vec<EntitySummary> = (0..5000)
        .map(|i| entity("Component", &format!("svc-{i:05}"), "platform"))
        .collect();
    let (app, _h) = catalog("/catalog", FakeBackend::new().with_entities(many)).await;
    app.eventually("5000 rows counted", |app| {
        app.one(".pane-active .vt")
            .get_attribute("aria-rowcount")
            .as_deref()
            == Some("5000")
    })
    .await;
    let rendered = rows(&app).len();
    assert!(
        rendered < 60,
        "{rendered} rows in the DOM for 5000 entities"
    );
    let scroller: HtmlElement = app
        .one(".pane-active [data-testid='catalog-scroll']")
        .dyn_into()
        .unwrap();
    app.eventually("a scroll area sized for every row", |_| {
        scroller.scroll_height() as f64 >= 5000.0 * 44.0
    })
    .await;
    scroller.set_scroll_top(scroller.scroll_height());
    gloo_timers::future::sleep(std::time::Duration::from_millis(150)).await;
    let shown = rows(&app);
    assert!(
        shown.contains(&"component:default/svc-04999".to_string()),
        "{shown:?}"
    );
    assert!(shown.len() < 60);
    assert!(
        app.fake.last_query().unwrap().offset >= 4800,
        "the last rows were fetched by offset"
    );
    let last = app.one(".pane-active .vt-row[data-ref='component:default/svc-04999']");
    assert_eq!(last.get_attribute("aria-rowindex").as_deref(), Some("5000"));
}

fn relation(t: &str, target: &str) -> EntityRelation {
    EntityRelation {
        relation_type: t.into(),
        target_ref: target.into(),
    }
}

#[wasm_bindgen_test]
async fn a_system_page_lists_its_parts_by_kind_and_records_the_visit() {
    let system = Entity {
        api_version: "backstage.io/v1alpha1".into(),
        kind: "System".into(),
        metadata: EntityMetadata {
            name: "checkout".into(),
            description: Some("Everything that takes money".into()),
            tags: vec!["money".into()],
            annotations: [(
                "backstage.io/view-url".to_string(),
                "https://git.example.com/checkout/catalog-info.yaml".to_string(),
            )]
            .into(),
            ..Default::default()
        },
        spec: serde_json::json!({"owner": "payments", "lifecycle": "production"})
            .as_object()
            .cloned(),
        relations: vec![
            relation("ownedBy", "group:default/payments"),
            relation("hasPart", "component:default/checkout-web"),
            relation("hasPart", "component:default/payment-gateway"),
            relation("hasPart", "api:default/payments-api"),
        ],
        status: None,
    };
    let related = small_catalog()
        .into_iter()
        .filter(|e| {
            system
                .relations
                .iter()
                .any(|r| r.target_ref == e.entity_ref)
        })
        .collect();
    let view = EntityView {
        details: EntityDetails {
            entity: system,
            related,
        },
        from_team: false,
        shadowed_team_copy: None,
        problems: vec![],
        starred: false,
    };
    let fake = FakeBackend::new()
        .with_entities(small_catalog())
        .with_entity_view(view);
    let (app, _h) = catalog("/catalog/default/system/checkout", fake).await;
    let parts = |section: &str| -> Vec<String> {
        app.all(&format!(".pane-active [data-section='{section}'] tbody tr"))
            .iter()
            .filter_map(|r| r.get_attribute("data-ref"))
            .collect()
    };
    assert_eq!(
        parts("components"),
        [
            "component:default/checkout-web",
            "component:default/payment-gateway"
        ]
    );
    assert_eq!(parts("apis"), ["api:default/payments-api"]);
    assert!(
        app.all(".pane-active [data-section='resources']")
            .is_empty(),
        "no empty sections"
    );
    assert_eq!(
        app.text(".pane-active [data-testid='header-owner'] a"),
        "payments"
    );
    let source = app.one(".pane-active .entity-actions a");
    assert_eq!(
        source.get_attribute("href").as_deref(),
        Some("https://git.example.com/checkout/catalog-info.yaml")
    );
    // Clicking asks the Rust side to open the browser; the app itself stays.
    app.click(".pane-active .entity-actions a").await;
    assert_eq!(
        app.fake.opened(),
        ["https://git.example.com/checkout/catalog-info.yaml"]
    );
    assert!(
        app.all(".pane-active .entity-page[data-ref='system:default/checkout']")
            .len()
            == 1
    );

    // Star from the page; the visit and the star show on Home.
    app.click(".pane-active .entity-header .star").await;
    assert_eq!(app.fake.stars(), ["system:default/checkout"]);
    assert!(app.fake.calls().contains(&"record_visit"));
    app.click(".nav-item[data-plugin='home']").await;
    assert!(
        app.text(".pane-active [data-testid='recent-list']")
            .contains("checkout")
    );
    assert!(
        app.text(".pane-active [data-testid='starred-list']")
            .contains("checkout")
    );
}

fn entity_view(kind: &str, name: &str, annotations: &[(&str, &str)]) -> EntityView {
    let entity = Entity {
        api_version: "backstage.io/v1alpha1".into(),
        kind: kind.into(),
        metadata: EntityMetadata {
            name: name.into(),
            annotations: annotations.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Default::default()
        },
        spec: serde_json::json!({"type": "openapi", "owner": "payments", "lifecycle": "production", "definition": "openapi: 3.0.0"}).as_object().cloned(),
        relations: vec![],
        status: None,
    };
    EntityView {
        details: EntityDetails {
            entity,
            related: vec![],
        },
        from_team: false,
        shadowed_team_copy: None,
        problems: vec![],
        starred: false,
    }
}

fn tabs(app: &Mounted) -> Vec<String> {
    app.all(".pane-active .tabs .tab")
        .iter()
        .filter_map(|t| t.text_content())
        .collect()
}

#[wasm_bindgen_test]
async fn plugin_tabs_show_only_for_the_entities_they_apply_to() {
    let fake = FakeBackend::new()
        .with_entity_view(entity_view("API", "payments-api", &[]))
        .with_entity_view(entity_view("Component", "plain", &[]))
        .with_entity_view(entity_view(
            "Component",
            "built",
            &[
                ("github.com/project-slug", "acme/built"),
                ("backstage.io/techdocs-ref", "dir:."),
            ],
        ));
    let (app, history) = catalog("/catalog/default/api/payments-api", fake).await;
    assert_eq!(tabs(&app), ["Overview", "Graph", "API"]);
    backlot_ui::app::navigate_to(&history, "/catalog/default/component/plain");
    settle().await;
    app.eventually("the plain component", |app| {
        app.all(".pane-active .entity-page[data-ref='component:default/plain']")
            .len()
            == 1
    })
    .await;
    assert_eq!(tabs(&app), ["Overview", "Graph"]);
    backlot_ui::app::navigate_to(&history, "/catalog/default/component/built");
    app.eventually("the built component", |app| {
        app.all(".pane-active .entity-page[data-ref='component:default/built']")
            .len()
            == 1
    })
    .await;
    let mut shown = tabs(&app);
    shown.sort();
    assert_eq!(shown, ["CI", "Docs", "Graph", "Overview"]);
}

#[wasm_bindgen_test]
async fn a_group_owning_many_entities_lists_the_first_and_shows_all_on_request() {
    let owned: Vec<EntitySummary> = (0..40)
        .map(|i| entity("Component", &format!("svc-{i:02}"), "big"))
        .collect();
    let mut view = entity_view("Group", "big", &[]);
    view.details.entity.relations = owned
        .iter()
        .map(|e| relation("ownerOf", &e.entity_ref))
        .collect();
    view.details.related = owned.clone();
    let (app, _h) = catalog(
        "/catalog/default/group/big",
        FakeBackend::new()
            .with_entities(owned)
            .with_entity_view(view),
    )
    .await;
    let owns = ".pane-active [data-section='owns'] tbody tr";
    assert_eq!(app.all(owns).len(), 25);
    assert!(
        app.text(".pane-active .related-owns .card-title")
            .contains("(40)")
    );
    assert!(
        app.text(".pane-active .relations [data-relation='ownerOf']")
            .contains("and 10 more")
    );
    app.click(".pane-active .related-owns .show-all").await;
    assert_eq!(app.all(owns).len(), 40);
}
