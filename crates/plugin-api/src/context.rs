//! What the shell offers every plugin page through Yew context.

use backlot_model::ipc::Preferences;
use yew::prelude::*;

use crate::backend::BackendHandle;
use crate::plugin::{EntityCard, EntityTab};

#[derive(Clone, PartialEq)]
pub struct ShellContext {
    pub backend: BackendHandle,
    pub preferences: Preferences,
    /// Saves and applies new preferences (theme, "me").
    pub set_preferences: Callback<Preferences>,
    /// Goes to an in-app location (`/catalog?kind=api`), adding a history entry.
    pub navigate: Callback<String>,
    /// Replaces the current location without a new history entry (typing in a search box).
    pub replace: Callback<String>,
    /// Bumped whenever the catalog's content changed underneath the pages (a sync
    /// finished, files were ingested): pages that show catalog data re-load when it moves.
    pub catalog_version: u64,
    /// Announces such a change.
    pub catalog_changed: Callback<()>,
    /// Every plugin's entity-page tabs and cards, for the entity page to compose.
    pub entity_tabs: std::rc::Rc<Vec<EntityTab>>,
    pub entity_cards: std::rc::Rc<Vec<EntityCard>>,
}

/// The shell context. Plugin pages are only ever mounted inside the shell, which provides it.
#[hook]
pub fn use_shell() -> ShellContext {
    use_context::<ShellContext>().expect("plugin pages are rendered inside the Backlot shell")
}

#[hook]
pub fn use_backend() -> BackendHandle {
    use_shell().backend
}

/// The catalog's version (see [`ShellContext::catalog_version`]): use it as an effect
/// dependency to re-load catalog data after it changed.
#[hook]
pub fn use_catalog_version() -> u64 {
    use_shell().catalog_version
}

#[derive(Properties, PartialEq)]
pub struct LinkProps {
    /// An in-app location such as `/catalog/default/component/petstore`.
    pub to: AttrValue,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub children: Html,
}

/// An in-app link: a real `<a href>` (so it can be inspected and middle-clicked) whose
/// click navigates inside the window instead of loading a page.
#[component(Link)]
pub fn link(props: &LinkProps) -> Html {
    let navigate = use_shell().navigate;
    let to = props.to.clone();
    let onclick = Callback::from(move |e: MouseEvent| {
        if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
            return;
        }
        e.prevent_default();
        navigate.emit(to.to_string());
    });
    html! { <a href={props.to.clone()} class={props.class.clone()} {onclick}>{props.children.clone()}</a> }
}
