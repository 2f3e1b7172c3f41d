//! Plugin pages as tabs that keep their state.
//!
//! Each page (plugin + route pattern) gets one pane the first time it is visited. Panes are
//! never unmounted: switching pages hides the others (keeping their layout, scroll position
//! and component state) and shows the active one, so coming back finds the page as it was.

use std::cell::RefCell;
use std::rc::Rc;

use backlot_plugin_api::components::EmptyState;
use backlot_plugin_api::routing::RouteMatch;
use backlot_plugin_api::{Icon, PluginRegistry, Resolved, Route};
use yew::prelude::*;

/// The panes opened so far, in first-visit order, each with the location it last showed.
#[derive(Default)]
pub struct PaneSet {
    panes: Vec<(String, Resolved)>,
}

impl PaneSet {
    /// Records a visit; returns the key of the pane to show.
    pub fn visit(&mut self, registry: &PluginRegistry, resolved: &Resolved) -> String {
        let key = resolved.pane_key(registry);
        match self.panes.iter_mut().find(|(k, _)| *k == key) {
            Some((_, last)) => *last = resolved.clone(),
            None => self.panes.push((key.clone(), resolved.clone())),
        }
        key
    }

    pub fn iter(&self) -> impl Iterator<Item = &(String, Resolved)> {
        self.panes.iter()
    }
}

#[derive(Properties, Clone)]
pub struct PanesProps {
    pub registry: Rc<PluginRegistry>,
    pub resolved: Option<Resolved>,
}

impl PartialEq for PanesProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.registry, &other.registry) && self.resolved == other.resolved
    }
}

#[component(Panes)]
pub fn panes(props: &PanesProps) -> Html {
    let set = use_mut_ref(PaneSet::default);
    let active = props
        .resolved
        .as_ref()
        .map(|r| set.borrow_mut().visit(&props.registry, r));
    let set: &RefCell<PaneSet> = &set;
    let set = set.borrow();
    // One keyed child per pane (the not-found page included): with keys on every child,
    // Yew moves panes instead of re-creating them when the list changes.
    let mut children: Vec<Html> = set
        .iter()
        .map(|(key, resolved)| {
            let is_active = active.as_deref() == Some(key.as_str());
            pane(
                key,
                is_active,
                *props.registry.route(resolved),
                &resolved.matched,
            )
        })
        .collect();
    if active.is_none() {
        children.push(html! {
            <div key="not-found" class="pane pane-active" data-pane="not-found">
                <EmptyState title="Page not found" icon={Icon::Warning}
                    message="Nothing lives at this address. Use the sidebar to find your way." />
            </div>
        });
    }
    html! { <main class="content">{ for children }</main> }
}

fn pane(key: &str, active: bool, route: Route, matched: &RouteMatch) -> Html {
    html! {
        <div key={key.to_string()} class={classes!("pane", active.then_some("pane-active"))}
             data-pane={key.to_string()} aria-hidden={(!active).then_some("true")} inert={!active}>
            <PaneBody {route} matched={matched.clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct PaneBodyProps {
    route: Route,
    matched: RouteMatch,
}

/// Re-renders only when its own location changes, not when another pane becomes active.
#[component(PaneBody)]
fn pane_body(props: &PaneBodyProps) -> Html {
    (props.route.render)(&props.matched)
}
