//! A test kit for plugin pages in headless Chromium (cargo feature `fake`): a shell context
//! over any backend (usually [`crate::FakeBackend`]) that records navigations, mounting a
//! component or a plugin's route inside it, letting the UI settle, and finding, reading and
//! clicking elements. Each UI crate's tests use it instead of their own copies.
//!
//! ```ignore
//! let page = TestShell::new(FakeBackend::new().with_entities(list)).mount(html! { <MyCard /> });
//! settle().await;
//! assert_eq!(page.text("h2"), "Title");
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)] // test scaffolding: a failed DOM call is a failed test

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use backlot_model::ipc::Preferences;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use crate::backend::{Backend, BackendHandle};
use crate::context::ShellContext;
use crate::plugin::{EntityCard, EntityTab, Plugin};
use crate::routing::{match_pattern, specificity};

/// How long [`settle`] waits: enough for pending renders and the fake's answers.
const SETTLE: Duration = Duration::from_millis(60);
/// How long the `wait_*` helpers wait before failing the test.
const PATIENCE: Duration = Duration::from_secs(3);
const POLL: Duration = Duration::from_millis(20);

/// Lets pending renders, effects and backend answers run.
pub async fn settle() {
    gloo_timers::future::sleep(SETTLE).await;
}

/// The shell's context as a test sets it up: a backend, preferences, the entity-page tabs
/// and cards of the plugins under test; navigations are recorded instead of followed.
pub struct TestShell {
    backend: BackendHandle,
    preferences: Preferences,
    catalog_version: u64,
    entity_tabs: Vec<EntityTab>,
    entity_cards: Vec<EntityCard>,
    style: Option<&'static str>,
}

impl TestShell {
    pub fn new(backend: impl Backend + 'static) -> Self {
        Self {
            backend: BackendHandle::new(backend),
            preferences: Preferences::default(),
            catalog_version: 0,
            entity_tabs: Vec::new(),
            entity_cards: Vec::new(),
            style: None,
        }
    }

    /// Adds the entity-page tabs and cards `plugin` contributes.
    pub fn with_plugin(mut self, plugin: &Plugin) -> Self {
        self.entity_tabs.extend(plugin.entity_tabs.iter().copied());
        self.entity_cards
            .extend(plugin.entity_cards.iter().copied());
        self
    }

    pub fn with_preferences(mut self, preferences: Preferences) -> Self {
        self.preferences = preferences;
        self
    }

    /// Gives the mounted root an inline style (a fixed size, for layout-dependent tests).
    pub fn with_root_style(mut self, style: &'static str) -> Self {
        self.style = Some(style);
        self
    }

    /// Mounts `content` inside this shell on a new root element under `<body>`.
    pub fn mount(self, content: Html) -> Page {
        let document = document();
        let root = document.create_element("div").unwrap();
        if let Some(style) = self.style {
            root.set_attribute("style", style).unwrap();
        }
        document.body().unwrap().append_child(&root).unwrap();
        let navigations: Rc<RefCell<Vec<String>>> = Rc::default();
        let log = navigations.clone();
        let context = ShellContext {
            backend: self.backend,
            preferences: self.preferences,
            set_preferences: Callback::noop(),
            navigate: Callback::from(move |to: String| log.borrow_mut().push(to)),
            replace: Callback::noop(),
            catalog_version: self.catalog_version,
            catalog_changed: Callback::noop(),
            entity_tabs: Rc::new(self.entity_tabs),
            entity_cards: Rc::new(self.entity_cards),
        };
        yew::Renderer::<TestHost>::with_root_and_props(
            root.clone(),
            TestHostProps { context, content },
        )
        .render();
        Page { root, navigations }
    }

    /// Mounts the route of `location` among `plugins`' routes (the most specific match, as
    /// the shell picks it); "no route" when none matches.
    pub fn mount_route(self, plugins: &[Plugin], location: &str) -> Page {
        self.mount(route(plugins, location))
    }
}

/// What the route of `location` among `plugins`' routes renders.
pub fn route(plugins: &[Plugin], location: &str) -> Html {
    plugins
        .iter()
        .flat_map(|p| p.routes.iter())
        .filter_map(|r| match_pattern(r.pattern, location).map(|m| (specificity(r.pattern), r, m)))
        .max_by_key(|(s, _, _)| *s)
        .map_or_else(|| html! { "no route" }, |(_, r, m)| (r.render)(&m))
}

/// Puts a stylesheet into the document once (by `id`): for tests whose layout depends on
/// the real CSS (scrolling panes, a sized canvas).
pub fn install_stylesheet(id: &str, css: &str) {
    let document = document();
    if document.get_element_by_id(id).is_none() {
        let style = document.create_element("style").unwrap();
        style.set_id(id);
        style.set_text_content(Some(css));
        document.head().unwrap().append_child(&style).unwrap();
    }
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

#[derive(Properties, PartialEq)]
struct TestHostProps {
    context: ShellContext,
    content: Html,
}

#[component(TestHost)]
fn test_host(props: &TestHostProps) -> Html {
    html! { <ContextProvider<ShellContext> context={props.context.clone()}>{props.content.clone()}</ContextProvider<ShellContext>> }
}

/// A mounted page: query helpers over its root; removed from the document when dropped.
pub struct Page {
    root: Element,
    navigations: Rc<RefCell<Vec<String>>>,
}

impl Page {
    pub fn root(&self) -> &Element {
        &self.root
    }

    /// Where the page asked the shell to go, in order.
    pub fn navigations(&self) -> Vec<String> {
        self.navigations.borrow().clone()
    }

    pub fn all(&self, css: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(css).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
            .collect()
    }

    pub fn find(&self, css: &str) -> Option<Element> {
        self.root.query_selector(css).unwrap()
    }

    /// The first element matching `css`; fails the test (showing the page) when none does.
    pub fn one(&self, css: &str) -> Element {
        self.find(css)
            .unwrap_or_else(|| panic!("no element `{css}` in {}", self.root.inner_html()))
    }

    pub fn count(&self, css: &str) -> usize {
        self.all(css).len()
    }

    pub fn text(&self, css: &str) -> String {
        self.one(css).text_content().unwrap_or_default()
    }

    /// Clicks the first element matching `css` (no waiting: see [`settle`]).
    pub fn click(&self, css: &str) {
        self.one(css).dyn_into::<HtmlElement>().unwrap().click();
    }

    /// Waits (up to 3 s) for an element matching `css`.
    pub async fn wait_for(&self, css: &str) -> Element {
        let mut waited = Duration::ZERO;
        loop {
            if let Some(element) = self.find(css) {
                return element;
            }
            assert!(
                waited < PATIENCE,
                "no element `{css}` after 3 s in {}",
                self.root.inner_html()
            );
            gloo_timers::future::sleep(POLL).await;
            waited += POLL;
        }
    }

    /// Waits (up to 3 s) until `check` holds.
    pub async fn wait_until(&self, what: &str, check: impl Fn(&Self) -> bool) {
        let mut waited = Duration::ZERO;
        while !check(self) {
            assert!(
                waited < PATIENCE,
                "timed out waiting for {what}: {}",
                self.root.inner_html()
            );
            gloo_timers::future::sleep(POLL).await;
            waited += POLL;
        }
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        self.root.remove();
    }
}
