//! The rendered page: scrolled to its anchor once loaded, and its links kept inside the
//! app (in-page anchors scroll, links to other pages of these docs navigate, web links open
//! in the user's browser through the `open_external` command, nothing else leaves the
//! window or opens another one).

use backlot_model::ipc::OpenExternal;
use backlot_plugin_api::use_command_callback;
use backlot_techdocs_common::parse_docs_link;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

use super::Target;

/// The article's ref and its click handler (for `click` and `auxclick`: a middle click
/// fires only the latter). `loaded` is the page shown once its answer is in: then (or when
/// `anchor` changes) the anchor is brought into view, or the page's top.
#[hook]
pub fn use_article(
    entity_ref: &str,
    named_page: Option<String>,
    anchor: Option<String>,
    loaded: Option<String>,
    on_navigate: &Callback<Target>,
) -> (NodeRef, Callback<MouseEvent>) {
    let article = use_node_ref();
    {
        let article = article.clone();
        use_effect_with((loaded, anchor), move |(loaded, anchor)| {
            if loaded.is_some() {
                scroll_to(&article, anchor.as_deref());
            }
        });
    }
    let open_external = use_command_callback::<OpenExternal>(Callback::noop());
    let onclick = {
        // Anchors keep the page as the caller named it, so the page is not loaded again.
        let (entity_ref, on_navigate, same_page, article) = (
            entity_ref.to_string(),
            on_navigate.clone(),
            named_page,
            article.clone(),
        );
        Callback::from(move |e: MouseEvent| {
            let Some(action) = link_action(&e) else {
                return;
            };
            // Nothing in a doc may navigate the window away from the app, or open another
            // window (Ctrl/Meta/Shift/Alt-click, middle click): the webview's own handling of
            // every link click is cancelled, and the app does what the link means.
            e.prevent_default();
            match action {
                LinkAction::Browser(url) => open_external.emit(OpenExternal { url }),
                LinkAction::InApp(href) => {
                    if let Some(anchor) = href.strip_prefix('#') {
                        let anchor = backlot_plugin_api::routing::decode_component(anchor);
                        scroll_to(&article, Some(&anchor));
                        on_navigate.emit((same_page.clone(), Some(anchor)));
                    } else if let Some((target, page, anchor)) = parse_docs_link(&href)
                        && target.eq_ignore_ascii_case(&entity_ref)
                    {
                        on_navigate.emit((page, anchor));
                    }
                }
                LinkAction::Nothing => {}
            }
        })
    };
    (article, onclick)
}

/// What a click on a link in the article does.
enum LinkAction {
    /// An `http(s)` address: the user's browser opens it (any button, any modifier).
    Browser(String),
    /// A plain left click on any other link: followed inside the reader where it can be.
    InApp(String),
    /// A modified or middle click on a link that is not a web address: nothing happens.
    Nothing,
}

/// The link `e` is on, and what to do with it; `None` when the click is not on a link
/// (or is a right click: the context menu is not a navigation).
fn link_action(e: &MouseEvent) -> Option<LinkAction> {
    // 0: main button (`click`), 1: middle button (`auxclick`).
    if e.button() > 1 {
        return None;
    }
    let link = e
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|t| t.closest("a").ok().flatten())?;
    let href = link.get_attribute("href").unwrap_or_default();
    let modified = e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key() || e.button() != 0;
    Some(classify(&href, modified))
}

/// `href` as written (the attribute, not the URL resolved against the app's own origin,
/// which is itself `http://tauri.localhost` on Windows); `modified`: a Ctrl/Meta/Shift/Alt
/// or middle click, which would open a new window or download.
fn classify(href: &str, modified: bool) -> LinkAction {
    let trimmed = href.trim();
    if is_web_address(trimmed) {
        LinkAction::Browser(trimmed.to_string())
    } else if modified {
        LinkAction::Nothing
    } else {
        LinkAction::InApp(href.to_string())
    }
}

fn is_web_address(href: &str) -> bool {
    let starts = |prefix: &str| {
        href.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    starts("https://") || starts("http://")
}

fn scroll_to(article: &NodeRef, anchor: Option<&str>) {
    let Some(root) = article.cast::<Element>() else {
        return;
    };
    let target = anchor.and_then(|a| {
        let all = root.query_selector_all("[id]").ok()?;
        (0..all.length())
            .filter_map(|i| all.item(i)?.dyn_into::<Element>().ok())
            .find(|el| el.id() == a)
    });
    match target {
        Some(el) => el.scroll_into_view(),
        None => root.scroll_into_view(),
    }
}
