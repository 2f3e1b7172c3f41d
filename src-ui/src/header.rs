//! The header: the page title and the global search box.

use backlot_plugin_api::routing::build_query;
use backlot_plugin_api::{Icon, IconView};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub title: AttrValue,
    /// The page that takes `?q=`; the search box is disabled when no plugin offers one.
    pub search_path: Option<&'static str>,
    pub navigate: Callback<String>,
}

#[component(Header)]
pub fn header(props: &HeaderProps) -> Html {
    let input = use_node_ref();
    let onsubmit = {
        let input = input.clone();
        let navigate = props.navigate.clone();
        let search_path = props.search_path;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(path), Some(field)) = (search_path, input.cast::<HtmlInputElement>()) else {
                return;
            };
            let text = field.value();
            let text = text.trim();
            if !text.is_empty() {
                navigate.emit(format!("{path}{}", build_query([("q", text)])));
            }
        })
    };
    html! {
        <header class="header">
            <h1 class="page-title">{&props.title}</h1>
            <div class="header-tools">
                <crate::sync_indicator::SyncIndicator />
                <form class="global-search" role="search" {onsubmit}>
                    <IconView icon={Icon::Search} size={18} />
                    <input ref={input} type="search" name="q" placeholder="Search everything…  Ctrl+K" aria-label="Search"
                           disabled={props.search_path.is_none()} autocomplete="off" spellcheck="false" />
                </form>
            </div>
        </header>
    }
}
