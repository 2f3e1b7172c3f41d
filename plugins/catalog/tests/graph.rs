//! The relation graph against the fake backend, in headless Chromium: nodes and edges of a
//! known graph with arrows, depth changes reload, relation types hide edges and the nodes only
//! they reached, clicking opens an entity, hover highlights, zoom and pan move the viewBox,
//! truncation is announced, and nothing uses inline styles (the CSP forbids them).

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use backlot_catalog::graph::RelationGraph;
use backlot_model::query::EntitySummary;
use backlot_plugin_api::FakeBackend;
use backlot_plugin_api::testkit::{Page, TestShell, install_stylesheet, route, settle};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

fn summary(kind: &str, name: &str, owner: Option<&str>, system: Option<&str>) -> EntitySummary {
    EntitySummary {
        entity_ref: format!("{}:default/{name}", kind.to_lowercase()),
        kind: kind.into(),
        namespace: "default".into(),
        name: name.into(),
        owner: owner.map(|o| format!("group:default/{o}")),
        system: system.map(|s| format!("system:default/{s}")),
        ..Default::default()
    }
}

/// web → (ownedBy team-a, partOf shop, consumesApi orders-api, dependsOn the missing ghost);
/// orders → (ownedBy team-a, partOf shop, providesApi orders-api); orders-api → (team-a, shop);
/// shop → team-a.
fn shop() -> FakeBackend {
    FakeBackend::new()
        .with_entities(vec![
            EntitySummary {
                title: Some("Web shop".into()),
                ..summary("Component", "web", Some("team-a"), Some("shop"))
            },
            summary("Component", "orders", Some("team-a"), Some("shop")),
            summary("API", "orders-api", Some("team-a"), Some("shop")),
            summary("System", "shop", Some("team-a"), None),
            summary("Group", "team-a", None, None),
        ])
        .with_relations(&[
            (
                "component:default/web",
                "consumesApi",
                "api:default/orders-api",
            ),
            // stored inverse, as a team backend serves it: drawn as orders providesApi orders-api
            (
                "api:default/orders-api",
                "apiProvidedBy",
                "component:default/orders",
            ),
            (
                "component:default/web",
                "dependsOn",
                "resource:default/ghost",
            ),
        ])
}

/// The relation graph (or a catalog page) in a test shell, with the fake it asks.
struct Mounted {
    page: Page,
    fake: FakeBackend,
}

impl std::ops::Deref for Mounted {
    type Target = Page;
    fn deref(&self) -> &Page {
        &self.page
    }
}

async fn mount(fake: FakeBackend, entity_ref: &str) -> Mounted {
    mount_with(
        fake,
        html! { <RelationGraph entity_ref={entity_ref.to_string()} /> },
    )
    .await
}

/// The catalog plugin's own route for `location` (the entity page), as the shell renders it.
async fn mount_page(fake: FakeBackend, location: &str) -> Mounted {
    mount_with(fake, route(&[backlot_catalog::plugin()], location)).await
}

async fn mount_with(fake: FakeBackend, content: Html) -> Mounted {
    install_stylesheet(
        "backlot-css",
        concat!(
            include_str!("../../../src-ui/styles/app.css"),
            include_str!("../styles.css")
        ),
    );
    // (test scaffolding only: the app itself never sets inline styles)
    let page = TestShell::new(fake.clone())
        .with_root_style("position:fixed; inset:0; width:1000px; height:700px")
        .mount(content);
    settle().await;
    Mounted { page, fake }
}

impl Mounted {
    fn stats(&self) -> String {
        self.one("[data-testid=graph-stats]")
            .text_content()
            .unwrap_or_default()
    }

    fn node_refs(&self) -> Vec<String> {
        self.all(".graph-nodes .graph-node")
            .iter()
            .filter_map(|n| n.get_attribute("data-ref"))
            .collect()
    }

    fn edges(&self) -> Vec<(String, String, String)> {
        self.all(".graph-edges line.graph-edge")
            .iter()
            .map(|e| {
                let a = |n: &str| e.get_attribute(n).unwrap_or_default();
                (a("data-from"), a("data-type"), a("data-to"))
            })
            .collect()
    }

    fn view_box(&self) -> Vec<f64> {
        self.one("svg.graph-canvas")
            .get_attribute("viewBox")
            .unwrap()
            .split(' ')
            .map(|v| v.parse().unwrap())
            .collect()
    }

    async fn click(&self, css: &str) {
        self.one(css)
            .dyn_into::<web_sys::HtmlElement>()
            .unwrap()
            .click();
        settle().await;
    }

    /// A bubbling mouse event on an SVG element (which has no `click()`).
    async fn mouse(&self, css: &str, kind: &str) {
        let init = web_sys::MouseEventInit::new();
        init.set_bubbles(true);
        init.set_cancelable(true);
        let event = web_sys::MouseEvent::new_with_mouse_event_init_dict(kind, &init).unwrap();
        // On the node's circle, as a real pointer would hit it.
        self.one(&format!("{css} circle"))
            .dispatch_event(&event)
            .unwrap();
        settle().await;
    }

    async fn pointer(&self, kind: &str, x: i32, y: i32) {
        let init = web_sys::PointerEventInit::new();
        init.set_bubbles(true);
        init.set_cancelable(true);
        init.set_client_x(x);
        init.set_client_y(y);
        init.set_pointer_id(1);
        init.set_button(0);
        init.set_is_primary(true);
        let event = web_sys::PointerEvent::new_with_event_init_dict(kind, &init).unwrap();
        self.one("svg.graph-canvas").dispatch_event(&event).unwrap();
        settle().await;
    }
}

fn graph_calls(fake: &FakeBackend) -> usize {
    fake.calls()
        .iter()
        .filter(|c| **c == "entity_graph")
        .count()
}

#[wasm_bindgen_test]
async fn draws_the_known_graph_with_arrows_kinds_and_dangling_refs() {
    let m = mount(shop(), "component:default/web").await;
    // Depth 2 by default: everything but nothing beyond.
    let mut refs = m.node_refs();
    refs.sort();
    assert_eq!(
        refs,
        [
            "api:default/orders-api",
            "component:default/orders",
            "component:default/web",
            "group:default/team-a",
            "resource:default/ghost",
            "system:default/shop",
        ]
    );
    assert_eq!(m.stats(), "6 nodes · 10 edges");
    let edges = m.edges();
    assert_eq!(edges.len(), 10);
    // Forward, one per pair: the stored apiProvidedBy is drawn as providesApi, from orders.
    for expected in [
        ("component:default/web", "ownedBy", "group:default/team-a"),
        (
            "component:default/web",
            "consumesApi",
            "api:default/orders-api",
        ),
        (
            "component:default/orders",
            "providesApi",
            "api:default/orders-api",
        ),
        (
            "component:default/web",
            "dependsOn",
            "resource:default/ghost",
        ),
    ] {
        let expected = (
            expected.0.to_string(),
            expected.1.to_string(),
            expected.2.to_string(),
        );
        assert!(
            edges.contains(&expected),
            "{expected:?} missing from {edges:?}"
        );
    }
    assert!(
        edges
            .iter()
            .all(|e| e.1 != "apiProvidedBy" && e.1 != "ownerOf")
    );
    // Arrow heads on every edge, the relation in its tooltip.
    assert!(
        m.root()
            .query_selector("marker#graph-arrow")
            .unwrap()
            .is_some()
    );
    for line in m.all(".graph-edges line.graph-edge") {
        assert_eq!(
            line.get_attribute("marker-end").as_deref(),
            Some("url(#graph-arrow)")
        );
        let title = line
            .query_selector("title")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap();
        assert!(
            title.contains(&line.get_attribute("data-type").unwrap()),
            "{title}"
        );
    }
    // Root highlighted, labelled by title; kinds as classes with their icon; ghost dashed.
    let root = m.one(".graph-node.root");
    assert_eq!(
        root.get_attribute("data-ref").as_deref(),
        Some("component:default/web")
    );
    assert_eq!(
        root.query_selector(".graph-label")
            .unwrap()
            .unwrap()
            .text_content()
            .as_deref(),
        Some("Web shop")
    );
    assert!(
        m.one("[data-ref='api:default/orders-api']")
            .class_list()
            .contains("kind-api")
    );
    assert_eq!(m.count(".graph-node path.graph-icon"), 6);
    let ghost = m.one("[data-ref='resource:default/ghost']");
    assert!(ghost.class_list().contains("missing"));
    assert!(ghost.get_attribute("tabindex").is_none());
    assert!(m.count("[data-testid=graph-truncated]") == 0);
    assert!(
        !m.one("svg.graph-canvas").class_list().contains("far"),
        "a small graph shows its labels"
    );
    // The CSP forbids inline styles: none inside the graph.
    assert_eq!(
        m.one("[data-testid=relation-graph]")
            .query_selector_all("[style]")
            .unwrap()
            .length(),
        0
    );
    // The marks for the benchmark.
    let perf = web_sys::window().unwrap().performance().unwrap();
    assert!(perf.get_entries_by_name("graph:data").length() > 0);
    gloo_timers::future::sleep(Duration::from_millis(50)).await;
    assert!(perf.get_entries_by_name("graph:painted").length() > 0);
}

#[wasm_bindgen_test]
async fn changing_the_depth_reloads() {
    let m = mount(shop(), "component:default/web").await;
    assert_eq!(graph_calls(&m.fake), 1);
    assert_eq!(
        m.one("[data-depth='2']")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    m.click("[data-depth='1']").await;
    assert_eq!(graph_calls(&m.fake), 2);
    assert_eq!(m.stats(), "5 nodes · 7 edges");
    assert!(
        !m.node_refs()
            .contains(&"component:default/orders".to_string())
    );
    assert_eq!(
        m.one("[data-depth='1']")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    m.click("[data-depth='3']").await;
    assert_eq!(graph_calls(&m.fake), 3);
    assert_eq!(m.stats(), "6 nodes · 10 edges");
}

#[wasm_bindgen_test]
async fn hiding_relation_types_hides_their_edges_and_what_only_they_reached() {
    let m = mount(shop(), "component:default/web").await;
    let chips: Vec<String> = m
        .all(".graph-type")
        .iter()
        .filter_map(|c| c.get_attribute("data-type"))
        .collect();
    assert_eq!(
        chips,
        [
            "consumesApi",
            "dependsOn",
            "ownedBy",
            "partOf",
            "providesApi"
        ]
    );
    m.click(".graph-type[data-type='partOf']").await;
    assert_eq!(
        m.one(".graph-type[data-type='partOf']")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("false")
    );
    assert!(m.edges().iter().all(|e| e.1 != "partOf"));
    assert_eq!(
        m.stats(),
        "6 nodes · 7 edges",
        "shop is still reached through ownedBy"
    );
    m.click(".graph-type[data-type='ownedBy']").await;
    let mut refs = m.node_refs();
    refs.sort();
    assert_eq!(
        refs,
        [
            "api:default/orders-api",
            "component:default/orders",
            "component:default/web",
            "resource:default/ghost"
        ]
    );
    assert_eq!(m.stats(), "4 nodes · 3 edges");
    // Filtering is local: no new request.
    assert_eq!(graph_calls(&m.fake), 1);
    m.click(".graph-type[data-type='ownedBy']").await;
    m.click(".graph-type[data-type='partOf']").await;
    assert_eq!(m.stats(), "6 nodes · 10 edges");
}

#[wasm_bindgen_test]
async fn clicking_a_node_opens_its_entity_page() {
    let m = mount(shop(), "component:default/web").await;
    m.mouse("[data-ref='api:default/orders-api']", "click")
        .await;
    assert_eq!(m.navigations(), ["/catalog/default/api/orders-api"]);
    // Not the dangling ref, not the root itself.
    m.mouse("[data-ref='resource:default/ghost']", "click")
        .await;
    m.mouse(".graph-node.root", "click").await;
    assert_eq!(m.navigations().len(), 1);
    // Enter on a focused node.
    let init = web_sys::KeyboardEventInit::new();
    init.set_bubbles(true);
    init.set_key("Enter");
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    m.one("[data-ref='group:default/team-a']")
        .dispatch_event(&event)
        .unwrap();
    settle().await;
    assert_eq!(
        m.navigations().last().map(String::as_str),
        Some("/catalog/default/group/team-a")
    );
}

#[wasm_bindgen_test]
async fn hovering_a_node_highlights_its_edges() {
    let m = mount(shop(), "component:default/web").await;
    assert_eq!(m.count(".graph-hover .graph-edge.hl"), 0);
    m.mouse("[data-ref='system:default/shop']", "mouseover")
        .await;
    // shop: web, orders, orders-api partOf it; it is ownedBy team-a.
    assert_eq!(m.count(".graph-hover .graph-edge.hl"), 4);
    assert!(m.one("svg.graph-canvas").class_list().contains("hovering"));
    let labels: Vec<String> = m
        .all(".graph-hover .graph-edge-label")
        .iter()
        .filter_map(|l| l.text_content())
        .collect();
    assert_eq!(labels.iter().filter(|l| *l == "partOf").count(), 3);
    m.mouse("[data-ref='system:default/shop']", "mouseout")
        .await;
    assert_eq!(m.count(".graph-hover .graph-edge.hl"), 0);
    assert!(!m.one("svg.graph-canvas").class_list().contains("hovering"));
}

#[wasm_bindgen_test]
async fn zoom_and_pan_change_only_the_view_box() {
    let m = mount(shop(), "component:default/web").await;
    // The view box fits the drawn graph once its answer is in (a loaded machine can take
    // longer than one settle): zoom from there, not from the empty picture's box.
    m.wait_for(".graph-nodes .graph-node").await;
    settle().await;
    let fit = m.view_box();
    assert_eq!(fit.len(), 4);
    let before = m.one(".graph-nodes").inner_html();
    m.click("[data-zoom='in']").await;
    let zoomed = m.view_box();
    assert!(
        zoomed[2] < fit[2] && zoomed[3] < fit[3],
        "{zoomed:?} vs {fit:?}"
    );
    // Zooming keeps the centre.
    assert!(((zoomed[0] + zoomed[2] / 2.0) - (fit[0] + fit[2] / 2.0)).abs() < 0.2);
    m.click("[data-zoom='out']").await;
    m.click("[data-zoom='out']").await;
    assert!(m.view_box()[2] > fit[2]);
    m.click("[data-zoom='reset']").await;
    assert_eq!(m.view_box(), fit);
    // Wheel: zoom in around the pointer.
    let init = web_sys::WheelEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_delta_y(-100.0);
    init.set_client_x(300);
    init.set_client_y(300);
    let wheel = web_sys::WheelEvent::new_with_event_init_dict("wheel", &init).unwrap();
    m.one("svg.graph-canvas").dispatch_event(&wheel).unwrap();
    settle().await;
    assert!(m.view_box()[2] < fit[2]);
    assert!(wheel.default_prevented(), "the page must not scroll");
    m.click("[data-zoom='reset']").await;
    // Drag to pan: the picture follows the pointer (the view box moves the other way).
    m.pointer("pointerdown", 400, 300).await;
    m.pointer("pointermove", 450, 330).await;
    m.pointer("pointerup", 450, 330).await;
    let panned = m.view_box();
    assert!(
        panned[0] < fit[0] && panned[1] < fit[1],
        "{panned:?} vs {fit:?}"
    );
    assert_eq!((panned[2], panned[3]), (fit[2], fit[3]));
    // A press that does not move is not a pan.
    m.pointer("pointerdown", 400, 300).await;
    m.pointer("pointerup", 401, 300).await;
    assert_eq!(m.view_box(), panned);
    // The nodes were not redrawn by any of this.
    assert_eq!(m.one(".graph-nodes").inner_html(), before);
}

#[wasm_bindgen_test]
async fn a_large_graph_is_truncated_and_announced() {
    // 600 components owned by one team: past the default cap of 500 nodes.
    let mut entities: Vec<EntitySummary> = (0..600)
        .map(|i| summary("Component", &format!("svc-{i:03}"), Some("team-a"), None))
        .collect();
    entities.push(summary("Group", "team-a", None, None));
    let m = mount(
        FakeBackend::new().with_entities(entities),
        "group:default/team-a",
    )
    .await;
    gloo_timers::future::sleep(Duration::from_millis(200)).await;
    assert_eq!(m.count(".graph-nodes .graph-node"), 500);
    assert_eq!(m.stats(), "500 nodes · 499 edges");
    let notice = m
        .one("[data-testid=graph-truncated]")
        .text_content()
        .unwrap();
    assert!(notice.contains("Truncated at 500 nodes"), "{notice}");
    // Zoomed out this far, labels are hidden; hovering names the node and its neighbours.
    let canvas = m.one("svg.graph-canvas");
    assert!(canvas.class_list().contains("far"));
    m.mouse("[data-ref='component:default/svc-007']", "mouseover")
        .await;
    let names: Vec<String> = m
        .all(".graph-hover-label")
        .iter()
        .filter_map(|l| l.text_content())
        .collect();
    assert_eq!(names, ["team-a", "svc-007"]);
    m.mouse("[data-ref='component:default/svc-007']", "mouseout")
        .await;
    for _ in 0..14 {
        m.click("[data-zoom='in']").await;
    }
    assert!(
        !canvas.class_list().contains("far"),
        "labels are back when zoomed in"
    );
    // For the record: the time from data to painted in this (debug) build.
    let perf = web_sys::window().unwrap().performance().unwrap();
    let measures = perf.get_entries_by_name("graph:render");
    if let Some(last) = measures
        .get(measures.length().saturating_sub(1))
        .dyn_ref::<web_sys::PerformanceEntry>()
    {
        web_sys::console::log_1(
            &format!("graph:render for 500 nodes: {:.1} ms", last.duration()).into(),
        );
    }
}

#[wasm_bindgen_test]
async fn hiding_a_type_of_a_truncated_graph_asks_the_backend_for_the_other_types() {
    // shop has 600 parts, all owned by team-a, and is owned by team-a: the unfiltered graph is
    // cut at 500 nodes before team-a (refs in order), so hiding partOf locally would leave the
    // root alone; the backend walks the other types instead.
    let mut entities: Vec<EntitySummary> = (0..600)
        .map(|i| {
            summary(
                "Component",
                &format!("svc-{i:03}"),
                Some("team-a"),
                Some("shop"),
            )
        })
        .collect();
    entities.push(summary("System", "shop", Some("team-a"), None));
    entities.push(summary("Group", "team-a", None, None));
    let m = mount(
        FakeBackend::new().with_entities(entities),
        "system:default/shop",
    )
    .await;
    gloo_timers::future::sleep(Duration::from_millis(150)).await;
    assert_eq!(m.count("[data-testid=graph-truncated]"), 1);
    assert!(!m.node_refs().contains(&"group:default/team-a".to_string()));
    let chips: Vec<String> = m
        .all(".graph-type")
        .iter()
        .filter_map(|c| c.get_attribute("data-type"))
        .collect();
    assert_eq!(chips, ["partOf"]);
    assert_eq!(graph_calls(&m.fake), 1);
    m.click(".graph-type[data-type='partOf']").await;
    gloo_timers::future::sleep(Duration::from_millis(150)).await;
    assert_eq!(graph_calls(&m.fake), 2);
    assert!(m.node_refs().contains(&"group:default/team-a".to_string()));
    assert!(m.edges().iter().all(|e| e.1 == "ownedBy"));
    assert!(m.edges().contains(&(
        "system:default/shop".into(),
        "ownedBy".into(),
        "group:default/team-a".into()
    )));
    // The hidden type keeps its chip; the type the filtered walk found gets one.
    let chips: Vec<String> = m
        .all(".graph-type")
        .iter()
        .filter_map(|c| c.get_attribute("data-type"))
        .collect();
    assert_eq!(chips, ["ownedBy", "partOf"]);
    assert_eq!(
        m.one(".graph-type[data-type='partOf']")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("false")
    );
    // Showing it again walks everything again.
    m.click(".graph-type[data-type='partOf']").await;
    gloo_timers::future::sleep(Duration::from_millis(150)).await;
    assert_eq!(graph_calls(&m.fake), 3);
    assert!(!m.node_refs().contains(&"group:default/team-a".to_string()));
}

#[wasm_bindgen_test]
async fn the_entity_page_has_a_graph_tab() {
    let m = mount_page(shop(), "/catalog/default/component/web").await;
    let tab = m.one(".tabs a[href='/catalog/default/component/web?tab=graph']");
    assert_eq!(tab.text_content().as_deref(), Some("Graph"));
    assert!(!tab.class_list().contains("active"));
    assert_eq!(m.count("[data-testid=relation-graph]"), 0);
    drop(m);
    let m = mount_page(shop(), "/catalog/default/component/web?tab=graph").await;
    settle().await;
    assert!(
        m.one(".tabs a[href='/catalog/default/component/web?tab=graph']")
            .class_list()
            .contains("active")
    );
    assert!(
        !m.one(".tabs a[href='/catalog/default/component/web']")
            .class_list()
            .contains("active")
    );
    assert_eq!(
        m.one(".graph-node.root")
            .get_attribute("data-ref")
            .as_deref(),
        Some("component:default/web")
    );
    assert_eq!(m.stats(), "6 nodes · 10 edges");
}

#[wasm_bindgen_test]
async fn an_unknown_entity_shows_the_error() {
    let m = mount(shop(), "component:default/nope").await;
    let banner = m.one(".banner-error").text_content().unwrap();
    assert!(banner.contains("not_found"), "{banner}");
}

/// Layout time alone, and answer-to-paint time through the whole component, at 200 and 500
/// nodes (this is a debug build; run with `-- --nocapture` to see the numbers).
#[wasm_bindgen_test]
async fn layout_and_paint_times_at_200_and_500_nodes() {
    use backlot_model::graph::{EntityGraph, GraphEdge, GraphNode};
    let perf = web_sys::window().unwrap().performance().unwrap();
    // Warm up (stylesheet, fonts, first layout of the page), as in the running app.
    drop(mount(shop(), "component:default/web").await);
    for total in [200usize, 500] {
        let root = "group:default/team-a".to_string();
        let mut nodes = vec![GraphNode {
            entity_ref: root.clone(),
            kind: "Group".into(),
            name: "team-a".into(),
            ..Default::default()
        }];
        let mut edges = Vec::new();
        for i in 1..total {
            let (r, depth) = if i <= 10 {
                (format!("system:default/s{i:02}"), 1)
            } else {
                (format!("component:default/c{i:03}"), 2)
            };
            let to = if depth == 1 {
                root.clone()
            } else {
                format!("system:default/s{:02}", i % 10 + 1)
            };
            edges.push(GraphEdge {
                from: r.clone(),
                to,
                relation_type: if depth == 1 {
                    "ownedBy".into()
                } else {
                    "partOf".into()
                },
            });
            nodes.push(GraphNode {
                entity_ref: r,
                kind: "Component".into(),
                name: format!("node-{i}"),
                depth,
                ..Default::default()
            });
        }
        let graph = EntityGraph {
            root,
            nodes,
            edges,
            truncated: false,
        };
        let started = perf.now();
        for _ in 0..10 {
            std::hint::black_box(backlot_catalog::graph::layout::layout(&graph));
        }
        let layout_ms = (perf.now() - started) / 10.0;

        let mut entities: Vec<EntitySummary> = (1..total)
            .map(|i| summary("Component", &format!("svc-{i:03}"), Some("team-a"), None))
            .collect();
        entities.push(summary("Group", "team-a", None, None));
        let m = mount(
            FakeBackend::new().with_entities(entities),
            "group:default/team-a",
        )
        .await;
        gloo_timers::future::sleep(Duration::from_millis(300)).await;
        assert_eq!(m.count(".graph-nodes .graph-node"), total);
        let measures = perf.get_entries_by_name("graph:render");
        let paint_ms = measures
            .get(measures.length().saturating_sub(1))
            .dyn_into::<web_sys::PerformanceEntry>()
            .map_or(f64::NAN, |e| e.duration());
        let builds = perf.get_entries_by_name("graph:build");
        let build_ms = builds
            .get(builds.length().saturating_sub(1))
            .dyn_into::<web_sys::PerformanceEntry>()
            .map_or(f64::NAN, |e| e.duration());
        web_sys::console::log_1(
            &format!("{total} nodes: layout {layout_ms:.2} ms; answer to DOM {build_ms:.1} ms, to paint {paint_ms:.1} ms").into(),
        );
        assert!(
            layout_ms < 50.0,
            "layout of {total} nodes took {layout_ms} ms"
        );
        assert!(paint_ms.is_finite());
        drop(m);
    }
}
