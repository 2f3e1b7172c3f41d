//! The sidebar: the product mark and one entry per plugin that declares one.

use std::collections::HashMap;
use std::rc::Rc;

use backlot_plugin_api::routing::split_location;
use backlot_plugin_api::{IconView, PluginRegistry};
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct SidebarProps {
    pub registry: Rc<PluginRegistry>,
    /// Id of the plugin whose page is showing.
    pub active: Option<&'static str>,
    pub navigate: Callback<String>,
    /// The current location (`/catalog?kind=api`).
    pub location: String,
}

impl PartialEq for SidebarProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.registry, &other.registry)
            && self.active == other.active
            && self.location == other.location
    }
}

#[component(Sidebar)]
pub fn sidebar(props: &SidebarProps) -> Html {
    // An entry returns to where the user left its page: the last location with exactly the
    // entry's path, query string included (the catalog's search and filters).
    let last_seen = use_mut_ref(HashMap::<&'static str, String>::new);
    html! {
        <nav class="sidebar" aria-label="Main">
            <div class="brand">
                <svg class="brand-mark" viewBox="0 0 64 64" width="28" height="28" aria-hidden="true">
                    <rect width="64" height="64" rx="14" fill="currentColor" opacity="0.18" />
                    <path d="M14 44h36M18 44V24l14-8 14 8v20M26 44V32h12v12" fill="none" stroke="currentColor"
                          stroke-width="4" stroke-linejoin="round" stroke-linecap="round" />
                </svg>
                <span class="brand-name">{"Backlot"}</span>
            </div>
            <ul class="nav">
                { for props.registry.nav_entries().into_iter().map(|(plugin, entry)| {
                    let active = props.active == Some(plugin.id);
                    let navigate = props.navigate.clone();
                    let path = entry.path;
                    if split_location(&props.location).0.trim_end_matches('/') == path.trim_end_matches('/') {
                        last_seen.borrow_mut().insert(path, props.location.clone());
                    }
                    let last_seen = last_seen.clone();
                    let onclick = Callback::from(move |e: MouseEvent| {
                        e.prevent_default();
                        let to = last_seen.borrow().get(path).cloned().unwrap_or_else(|| path.to_string());
                        navigate.emit(to);
                    });
                    html! {
                        <li>
                            <a href={path} class={classes!("nav-item", active.then_some("active"))}
                               data-plugin={plugin.id} aria-current={active.then_some("page")} {onclick}>
                                <IconView icon={entry.icon} />
                                <span>{entry.label}</span>
                            </a>
                        </li>
                    }
                }) }
            </ul>
        </nav>
    }
}
