//! The sidebar: the product mark and one entry per plugin that declares one.

use std::rc::Rc;

use backlot_plugin_api::{IconView, PluginRegistry};
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct SidebarProps {
    pub registry: Rc<PluginRegistry>,
    /// Id of the plugin whose page is showing.
    pub active: Option<&'static str>,
    pub navigate: Callback<String>,
}

impl PartialEq for SidebarProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.registry, &other.registry) && self.active == other.active
    }
}

#[component(Sidebar)]
pub fn sidebar(props: &SidebarProps) -> Html {
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
                    let onclick = Callback::from(move |e: MouseEvent| {
                        e.prevent_default();
                        navigate.emit(path.to_string());
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
