//! What the UI tests share: mounting the whole app on a fake backend in headless Chromium,
//! finding elements, typing, clicking and letting the UI settle.
#![allow(dead_code)]

use std::time::Duration;

use backlot_model::query::EntitySummary;
use backlot_plugin_api::{BackendHandle, FakeBackend};
use backlot_ui::{App, AppProps};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew_router::history::{AnyHistory, MemoryHistory};

pub fn entity(kind: &str, name: &str, owner: &str) -> EntitySummary {
    EntitySummary {
        entity_ref: format!("{}:default/{name}", kind.to_lowercase()),
        kind: kind.into(),
        namespace: "default".into(),
        name: name.into(),
        owner: Some(format!("group:default/{owner}")),
        spec_type: Some("service".into()),
        lifecycle: Some("production".into()),
        description: Some(format!("The {name} {kind}")),
        ..Default::default()
    }
}

pub fn many_entities() -> Vec<EntitySummary> {
    let mut all = vec![
        entity("API", "payments-api", "payments"),
        entity("System", "checkout", "payments"),
    ];
    all.extend((0..60).map(|i| entity("Component", &format!("service-{i:02}"), "platform")));
    all
}

pub struct Mounted {
    pub root: Element,
    pub fake: FakeBackend,
}

/// The real stylesheets, in index.html's order (the shell's, then each plugin's): pane
/// layout (scrolling, hiding) and the catalog's fixed-height table depend on them.
pub fn install_stylesheet(document: &web_sys::Document) {
    if document.get_element_by_id("backlot-css").is_none() {
        let style = document.create_element("style").unwrap();
        style.set_id("backlot-css");
        style.set_text_content(Some(concat!(
            include_str!("../../styles/app.css"),
            include_str!("../../../plugins/catalog/styles.css"),
            include_str!("../../../plugins/github-actions/styles.css"),
            include_str!("../../../plugins/techdocs/styles.css"),
            include_str!("../../../plugins/api-docs/styles.css"),
            include_str!("../../../plugins/scaffolder/styles.css"),
        )));
        document.head().unwrap().append_child(&style).unwrap();
    }
}

pub async fn mount(path: &str) -> Mounted {
    mount_with(path, AnyHistory::from(MemoryHistory::new())).await
}

pub async fn mount_with(path: &str, history: AnyHistory) -> Mounted {
    mount_fake(
        path,
        history,
        FakeBackend::new().with_entities(many_entities()),
    )
    .await
}

pub async fn mount_fake(path: &str, history: AnyHistory, fake: FakeBackend) -> Mounted {
    let document = gloo_document();
    install_stylesheet(&document);
    let root = document.create_element("div").unwrap();
    root.set_attribute(
        "style",
        "position:fixed; inset:0; width:1200px; height:700px",
    )
    .unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    backlot_ui::app::navigate_to(&history, path);
    let props = AppProps {
        backend: BackendHandle::new(fake.clone()),
        history: Some(history),
    };
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    settle().await;
    Mounted { root, fake }
}

pub fn gloo_document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

pub async fn settle() {
    gloo_timers::future::sleep(Duration::from_millis(60)).await;
}

impl Mounted {
    pub fn all(&self, css: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(css).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
            .collect()
    }

    pub fn one(&self, css: &str) -> Element {
        self.root
            .query_selector(css)
            .unwrap()
            .unwrap_or_else(|| panic!("no element `{css}`"))
    }

    pub fn text(&self, css: &str) -> String {
        self.one(css).text_content().unwrap_or_default()
    }

    pub async fn click(&self, css: &str) {
        self.one(css).dyn_into::<HtmlElement>().unwrap().click();
        settle().await;
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let input: HtmlInputElement = self.one(css).dyn_into().unwrap();
        input.set_value(text);
        let event = web_sys::InputEvent::new("input").unwrap();
        input.dispatch_event(&event).unwrap();
        settle().await;
    }

    pub fn active_pane(&self) -> String {
        self.one(".pane-active")
            .get_attribute("data-pane")
            .unwrap_or_default()
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

pub async fn submit(app: &Mounted, form_css: &str) {
    let form: web_sys::HtmlFormElement = app.one(form_css).dyn_into().unwrap();
    form.request_submit().unwrap();
    settle().await;
}

impl Mounted {
    /// Waits (up to 3 s) until `check` holds: for results that arrive over several frames.
    pub async fn eventually(&self, what: &str, check: impl Fn(&Mounted) -> bool) {
        for _ in 0..150 {
            if check(self) {
                return;
            }
            gloo_timers::future::sleep(Duration::from_millis(20)).await;
        }
        panic!("timed out waiting for {what}");
    }
}
