//! The rendered page: scrolled to its anchor once loaded, and its links kept inside the
//! app (in-page anchors scroll, links to other pages of these docs navigate, nothing else
//! leaves the window).

use backlot_techdocs_common::parse_docs_link;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

use super::Target;

/// The article's ref and its click handler. `loaded` is the page shown once its answer is
/// in: then (or when `anchor` changes) the anchor is brought into view, or the page's top.
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
    let onclick = {
        // Anchors keep the page as the caller named it, so the page is not loaded again.
        let (entity_ref, on_navigate, same_page, article) = (
            entity_ref.to_string(),
            on_navigate.clone(),
            named_page,
            article.clone(),
        );
        Callback::from(move |e: MouseEvent| {
            if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
                return;
            }
            let Some(link) = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|t| t.closest("a").ok().flatten())
            else {
                return;
            };
            let href = link.get_attribute("href").unwrap_or_default();
            // Nothing in a doc may navigate the window away from the app.
            e.prevent_default();
            if let Some(anchor) = href.strip_prefix('#') {
                let anchor = backlot_plugin_api::routing::decode_component(anchor);
                scroll_to(&article, Some(&anchor));
                on_navigate.emit((same_page.clone(), Some(anchor)));
            } else if let Some((target, page, anchor)) = parse_docs_link(&href)
                && target.eq_ignore_ascii_case(&entity_ref)
            {
                on_navigate.emit((page, anchor));
            }
        })
    };
    (article, onclick)
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
