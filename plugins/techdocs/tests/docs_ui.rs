//! The TechDocs UI against a fake backend, in headless Chromium: the Docs tab shows only
//! for entities with docs, the reader renders nav and page, follows in-doc links and
//! search hits, reports errors, and the Docs page lists entities with docs.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use backlot_model::ipc::{self, Command, EntityView};
use backlot_model::{ApiError, ErrorCode};
use backlot_plugin_api::routing::match_pattern;
use backlot_plugin_api::{Backend, BackendFuture, BackendHandle, FakeBackend, ShellContext};
use backlot_techdocs_common::{
    DocsEntity, DocsOrigin, DocsPage, DocsSite, GetDocsPage, GetDocsSite, Heading,
    ListDocsEntities, NavNode, SearchDocs, SearchHit,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

const DEMO: &str = "component:default/backstage-demo";

/// Answers the docs commands from a two-page site; everything else goes to `FakeBackend`.
#[derive(Clone)]
struct DocsFake {
    inner: FakeBackend,
    site_error: Option<ApiError>,
    calls: Rc<RefCell<Vec<(String, serde_json::Value)>>>,
}

fn page_of(name: &str) -> DocsPage {
    match name {
        "examples/basic.md" => DocsPage {
            page: name.into(),
            title: "Basic Markdown".into(),
            html: "<h1 id=\"basic-markdown\">Basic Markdown</h1><h2 id=\"table-example\">Table Example</h2>\
                   <table><thead><tr><th>Topic</th></tr></thead><tbody><tr><td>Topic 1</td></tr></tbody></table>\
                   <p><a href=\"/docs/default/component/backstage-demo?page=index.md\">home</a></p>"
                .into(),
            headings: vec![
                Heading { level: 1, id: "basic-markdown".into(), text: "Basic Markdown".into() },
                Heading { level: 2, id: "table-example".into(), text: "Table Example".into() },
            ],
        },
        _ => DocsPage {
            page: "index.md".into(),
            title: "TechDocs".into(),
            html: "<h1 id=\"techdocs\">TechDocs</h1><h2 id=\"overview\">Overview</h2>\
                   <p>See <a href=\"/docs/default/component/backstage-demo?page=examples/basic.md\">Basic Markdown</a>.</p>\
                   <p><a href=\"https://example.com/out\" rel=\"noopener noreferrer\">outside</a></p>"
                .into(),
            headings: vec![
                Heading { level: 1, id: "techdocs".into(), text: "TechDocs".into() },
                Heading { level: 2, id: "overview".into(), text: "Overview".into() },
            ],
        },
    }
}

impl DocsFake {
    fn new() -> Self {
        let entity = |name: &str, annotations: serde_json::Value| {
            // Built from JSON, as it crosses the bridge: fields added later keep their defaults.
            let view: EntityView = serde_json::from_value(serde_json::json!({
                "entity": {
                    "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
                    "metadata": {"name": name, "namespace": "default", "annotations": annotations},
                    "spec": {"type": "website", "lifecycle": "experimental", "owner": "group:default/team-a"}
                },
                "related": [], "fromTeam": false, "shadowedTeamCopy": null
            }))
            .unwrap();
            view
        };
        let inner = FakeBackend::new()
            .with_entity_view(entity(
                "backstage-demo",
                serde_json::json!({"backstage.io/techdocs-ref": "dir:."}),
            ))
            .with_entity_view(entity(
                "no-docs",
                serde_json::json!({"github.com/project-slug": "o/r"}),
            ));
        DocsFake {
            inner,
            site_error: None,
            calls: Rc::default(),
        }
    }

    fn answer(
        &self,
        command: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, ApiError> {
        match command {
            ListDocsEntities::NAME => ipc::dispatch_typed::<ListDocsEntities>(args, |_| {
                Ok(vec![DocsEntity {
                    entity_ref: DEMO.into(),
                    kind: "Component".into(),
                    namespace: "default".into(),
                    name: "backstage-demo".into(),
                    description: Some("An example deployment".into()),
                    techdocs_ref: "dir:.".into(),
                    origin: DocsOrigin::Local,
                    ..Default::default()
                }])
            }),
            GetDocsSite::NAME => ipc::dispatch_typed::<GetDocsSite>(args, |c| {
                if let Some(e) = &self.site_error {
                    return Err(e.clone());
                }
                Ok(DocsSite {
                    entity_ref: c.entity_ref,
                    site_name: "Backstage Demo".into(),
                    home: "index.md".into(),
                    nav: vec![
                        NavNode {
                            title: "TechDocs".into(),
                            page: Some("index.md".into()),
                            children: vec![],
                        },
                        NavNode {
                            title: "Examples".into(),
                            page: None,
                            children: vec![NavNode {
                                title: "Basic Markdown".into(),
                                page: Some("examples/basic.md".into()),
                                children: vec![],
                            }],
                        },
                    ],
                    ..Default::default()
                })
            }),
            GetDocsPage::NAME => ipc::dispatch_typed::<GetDocsPage>(args, |c| {
                Ok(page_of(c.page.as_deref().unwrap_or("index.md")))
            }),
            SearchDocs::NAME => ipc::dispatch_typed::<SearchDocs>(args, |c| {
                Ok(if c.query.contains("table") {
                    vec![SearchHit {
                        page: "examples/basic.md".into(),
                        page_title: "Basic Markdown".into(),
                        anchor: Some("table-example".into()),
                        heading: Some("Table Example".into()),
                        snippet: "Here's an example table".into(),
                    }]
                } else {
                    vec![]
                })
            }),
            _ => unreachable!(),
        }
    }
}

impl Backend for DocsFake {
    fn invoke(&self, command: &'static str, args: serde_json::Value) -> BackendFuture {
        if !command.starts_with("techdocs_") {
            return self.inner.invoke(command, args);
        }
        self.calls
            .borrow_mut()
            .push((command.to_string(), args.clone()));
        let result = self.answer(command, args);
        Box::pin(async move { result })
    }
}

#[derive(Properties, PartialEq)]
struct HostProps {
    ctx: ShellContext,
    location: String,
}

/// Renders the route of `location` (any plugin's, as the shell would) inside a shell context.
#[component(Host)]
fn host(props: &HostProps) -> Html {
    let plugins = [backlot_catalog::plugin(), backlot_techdocs::plugin()];
    let (path, _) = backlot_plugin_api::routing::split_location(&props.location);
    let route = plugins
        .iter()
        .flat_map(|p| p.routes.iter())
        .filter_map(|r| {
            match_pattern(r.pattern, &props.location)
                .map(|m| (backlot_plugin_api::routing::specificity(r.pattern), r, m))
        })
        .max_by_key(|(s, _, _)| *s);
    html! {
        <ContextProvider<ShellContext> context={props.ctx.clone()}>
            <div class="test-root" data-path={path.to_string()}>
                { match route { Some((_, r, m)) => (r.render)(&m), None => html! { "no route" } } }
            </div>
        </ContextProvider<ShellContext>>
    }
}

struct Mounted {
    root: Element,
    navigations: Rc<RefCell<Vec<String>>>,
    fake: DocsFake,
}

async fn mount(location: &str, fake: DocsFake) -> Mounted {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let navigations = Rc::new(RefCell::new(Vec::new()));
    let nav = navigations.clone();
    let ctx = ShellContext {
        backend: BackendHandle::new(fake.clone()),
        preferences: Default::default(),
        set_preferences: Callback::noop(),
        navigate: Callback::from(move |to: String| nav.borrow_mut().push(to)),
        replace: Callback::noop(),
        catalog_version: 0,
        catalog_changed: Callback::noop(),
        entity_tabs: Rc::new(backlot_techdocs::plugin().entity_tabs),
        entity_cards: Rc::new(vec![]),
    };
    yew::Renderer::<Host>::with_root_and_props(
        root.clone(),
        HostProps {
            ctx,
            location: location.to_string(),
        },
    )
    .render();
    settle().await;
    Mounted {
        root,
        navigations,
        fake,
    }
}

async fn settle() {
    gloo_timers::future::sleep(Duration::from_millis(60)).await;
}

impl Mounted {
    async fn wait(&self, css: &str) -> Element {
        for _ in 0..60 {
            if let Some(el) = self.root.query_selector(css).unwrap() {
                return el;
            }
            settle().await;
        }
        panic!("no {css} in {}", self.root.inner_html());
    }

    fn all(&self, css: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(css).unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().dyn_into().unwrap())
            .collect()
    }

    async fn click(&self, css: &str) {
        self.wait(css)
            .await
            .dyn_into::<HtmlElement>()
            .unwrap()
            .click();
        settle().await;
    }
}

/// A mouse button and the modifier keys held.
#[derive(Clone, Copy, Debug, Default)]
struct Press {
    button: i16,
    ctrl: bool,
    meta: bool,
    shift: bool,
    alt: bool,
}

impl Mounted {
    /// Dispatches a bubbling, cancelable mouse event `kind` (`click`, `auxclick`) on the first
    /// `css`; whether the page let the webview's own handling go ahead (`false`: cancelled).
    async fn press(&self, css: &str, kind: &str, p: Press) -> bool {
        let target = self.wait(css).await;
        let window = web_sys::window().unwrap();
        let event: web_sys::MouseEvent = window
            .document()
            .unwrap()
            .create_event("MouseEvents")
            .unwrap()
            .dyn_into()
            .unwrap();
        event.init_mouse_event_with_can_bubble_arg_and_cancelable_arg_and_view_arg_and_detail_arg_and_screen_x_arg_and_screen_y_arg_and_client_x_arg_and_client_y_arg_and_ctrl_key_arg_and_alt_key_arg_and_shift_key_arg_and_meta_key_arg_and_button_arg(
            kind, true, true, Some(&window), 1, 0, 0, 0, 0, p.ctrl, p.alt, p.shift, p.meta, p.button,
        );
        let allowed = target.dispatch_event(&event).unwrap();
        settle().await;
        allowed
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

#[wasm_bindgen_test]
fn the_tab_applies_only_to_entities_with_the_annotation() {
    let tab = backlot_techdocs::plugin().entity_tabs[0];
    let ctx = |annotations: serde_json::Value| backlot_plugin_api::EntityContext {
        entity_ref: "component:default/x".into(),
        entity: serde_json::json!({"kind": "Component", "metadata": {"name": "x", "annotations": annotations}}),
    };
    assert!((tab.applies_to)(&ctx(
        serde_json::json!({"backstage.io/techdocs-ref": "dir:."})
    )));
    assert!(!(tab.applies_to)(&ctx(
        serde_json::json!({"backstage.io/techdocs-ref": "  "})
    )));
    assert!(!(tab.applies_to)(&ctx(serde_json::json!({}))));
    assert!(!(tab.applies_to)(&backlot_plugin_api::EntityContext {
        entity_ref: "x".into(),
        entity: serde_json::json!({})
    }));
}

#[wasm_bindgen_test]
async fn the_entity_page_shows_a_docs_tab_only_for_entities_with_docs() {
    let app = mount("/catalog/default/component/backstage-demo", DocsFake::new()).await;
    app.wait(".entity-page").await;
    let tabs: Vec<String> = app
        .all(".tabs .tab")
        .iter()
        .map(|t| t.text_content().unwrap_or_default())
        .collect();
    assert!(tabs.iter().any(|t| t == "Docs"), "{tabs:?}");
    drop(app);
    let app = mount("/catalog/default/component/no-docs", DocsFake::new()).await;
    app.wait(".entity-page").await;
    let tabs: Vec<String> = app
        .all(".tabs .tab")
        .iter()
        .map(|t| t.text_content().unwrap_or_default())
        .collect();
    assert!(
        tabs.iter().any(|t| t == "Overview") && !tabs.iter().any(|t| t == "Docs"),
        "{tabs:?}"
    );
}

#[wasm_bindgen_test]
async fn the_docs_tab_renders_nav_and_page_and_follows_links_and_search_hits() {
    let app = mount(
        "/catalog/default/component/backstage-demo?tab=docs",
        DocsFake::new(),
    )
    .await;
    app.wait(".docs-content h1").await;
    assert_eq!(
        app.wait("[data-testid='docs-site-name']")
            .await
            .text_content()
            .unwrap(),
        "Backstage Demo"
    );
    let nav: Vec<String> = app
        .all(".docs-nav-link")
        .iter()
        .map(|a| a.text_content().unwrap_or_default())
        .collect();
    assert_eq!(nav, ["TechDocs", "Basic Markdown"]);
    assert_eq!(
        app.wait(".docs-nav-link.active")
            .await
            .get_attribute("data-page")
            .as_deref(),
        Some("index.md")
    );
    assert_eq!(
        app.wait(".docs-content")
            .await
            .get_attribute("data-page")
            .as_deref(),
        Some("index.md")
    );
    assert_eq!(
        app.wait(".docs-nav-section").await.text_content().unwrap(),
        "Examples"
    );
    assert_eq!(
        app.wait(".docs-toc a").await.text_content().unwrap(),
        "Overview"
    );

    // An in-doc link opens the other page inside the tab, without leaving the entity page.
    app.click(".docs-content a[href*='examples']").await;
    app.wait(".docs-content[data-page='examples/basic.md'] table")
        .await;
    assert_eq!(
        app.wait(".docs-nav-link.active")
            .await
            .get_attribute("data-page")
            .as_deref(),
        Some("examples/basic.md")
    );
    assert!(
        app.navigations.borrow().is_empty(),
        "{:?}",
        app.navigations.borrow()
    );
    // External links do not navigate the window.
    app.click(".docs-nav-link[data-page='index.md']").await;
    app.click(".docs-content a[href^='https:']").await;
    assert!(app.navigations.borrow().is_empty());
    assert!(app.root.is_connected());

    // Search: a hit leads to its page.
    let input: HtmlInputElement = app
        .wait("input[name='docs-search']")
        .await
        .dyn_into()
        .unwrap();
    input.set_value("table");
    input
        .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    settle().await;
    app.click(".docs-search button").await;
    let hit = app.wait(".docs-hit").await;
    assert!(
        hit.text_content()
            .unwrap()
            .contains("Basic Markdown › Table Example")
    );
    app.click(".docs-hit").await;
    app.wait(".docs-content[data-page='examples/basic.md']")
        .await;
    let calls = app.fake.calls.borrow().clone();
    assert!(
        calls
            .iter()
            .any(|(c, a)| c == "techdocs_search" && a["query"] == "table"),
        "{calls:?}"
    );
    assert!(
        calls
            .iter()
            .any(|(c, a)| c == "techdocs_page" && a["page"] == "examples/basic.md"),
        "{calls:?}"
    );
    let pages_loaded = calls.iter().filter(|(c, _)| c == "techdocs_page").count();

    // The outline and heading anchors move within the page; nothing is loaded again.
    app.click(".docs-toc a[href='#table-example']").await;
    app.click(".docs-content a[href='/docs/default/component/backstage-demo?page=index.md']")
        .await;
    app.wait(".docs-content[data-page='index.md']").await;
    app.click(".docs-toc a[href='#overview']").await;
    let calls = app.fake.calls.borrow();
    assert_eq!(
        calls.iter().filter(|(c, _)| c == "techdocs_page").count(),
        pages_loaded + 1,
        "{calls:?}"
    );
    assert!(
        app.root
            .query_selector(".docs-content[data-page='index.md']")
            .unwrap()
            .is_some()
    );
}

#[wasm_bindgen_test]
async fn the_docs_route_keeps_the_page_in_the_location() {
    let app = mount(
        "/docs/default/component/backstage-demo?page=examples/basic.md",
        DocsFake::new(),
    )
    .await;
    app.wait(".docs-content[data-page='examples/basic.md'] table")
        .await;
    app.click(".docs-content a").await;
    assert_eq!(
        app.navigations.borrow().as_slice(),
        ["/docs/default/component/backstage-demo?page=index.md"]
    );
}

#[wasm_bindgen_test]
async fn errors_are_shown_with_their_message() {
    let mut fake = DocsFake::new();
    fake.site_error = Some(ApiError::new(
        ErrorCode::Unauthorized,
        "no team backend token in the keychain: add it in Settings → Team backend to read the docs of component:default/backstage-demo",
    ));
    let app = mount("/docs/default/component/backstage-demo", fake).await;
    let banner = app.wait(".docs-failed .banner-error").await;
    assert!(
        banner
            .text_content()
            .unwrap()
            .contains("no team backend token"),
        "{}",
        app.root.inner_html()
    );
    assert!(banner.text_content().unwrap().contains("unauthorized"));
}

#[wasm_bindgen_test]
async fn the_docs_page_lists_entities_with_docs() {
    let app = mount("/docs", DocsFake::new()).await;
    let item = app.wait(".docs-list-item").await;
    assert_eq!(item.get_attribute("data-ref").as_deref(), Some(DEMO));
    let link = app.wait(".docs-list-link").await;
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("/docs/default/component/backstage-demo")
    );
    assert_eq!(
        backlot_techdocs::plugin()
            .nav
            .map(|n| (n.label, n.path, n.order)),
        Some(("Docs", "/docs", 30))
    );
}

#[wasm_bindgen_test]
async fn modified_and_middle_clicks_on_doc_links_open_no_window() {
    let app = mount("/docs/default/component/backstage-demo", DocsFake::new()).await;
    let external = ".docs-content[data-page='index.md'] a[href^='https:']";
    let internal = ".docs-content[data-page='index.md'] a[href*='examples']";
    app.wait(external).await;
    let pages_loaded = || {
        app.fake
            .calls
            .borrow()
            .iter()
            .filter(|(c, _)| c == "techdocs_page")
            .count()
    };
    let loaded = pages_loaded();
    let presses = [
        (
            "click",
            Press {
                ctrl: true,
                ..Press::default()
            },
        ),
        (
            "click",
            Press {
                meta: true,
                ..Press::default()
            },
        ),
        (
            "click",
            Press {
                shift: true,
                ..Press::default()
            },
        ),
        (
            "click",
            Press {
                alt: true,
                ..Press::default()
            },
        ),
        (
            "auxclick",
            Press {
                button: 1,
                ..Press::default()
            },
        ),
    ];
    // A web address: never a new webview window; the user's browser opens it instead.
    for (kind, press) in presses {
        assert!(
            !app.press(external, kind, press).await,
            "{kind} {press:?} on an external link was left to the webview (a new window)"
        );
    }
    assert_eq!(
        app.fake.inner.opened(),
        vec!["https://example.com/out"; presses.len()]
    );
    // A link inside the docs: cancelled too, and nothing else happens (no browser, no page).
    for (kind, press) in presses {
        assert!(
            !app.press(internal, kind, press).await,
            "{kind} {press:?} on an in-doc link was left to the webview (a new window)"
        );
    }
    assert_eq!(app.fake.inner.opened().len(), presses.len());
    assert!(
        app.navigations.borrow().is_empty(),
        "{:?}",
        app.navigations.borrow()
    );
    assert_eq!(pages_loaded(), loaded);
    // A right click is left alone: it opens the context menu, it does not navigate.
    assert!(
        app.press(
            external,
            "auxclick",
            Press {
                button: 2,
                ..Press::default()
            }
        )
        .await
    );
    assert_eq!(app.fake.inner.opened().len(), presses.len());
    // Plain clicks: the web address in the browser, the in-doc link in the reader.
    assert!(!app.press(external, "click", Press::default()).await);
    assert_eq!(app.fake.inner.opened().len(), presses.len() + 1);
    assert!(!app.press(internal, "click", Press::default()).await);
    assert_eq!(
        app.navigations.borrow().as_slice(),
        ["/docs/default/component/backstage-demo?page=examples/basic.md"]
    );
}
