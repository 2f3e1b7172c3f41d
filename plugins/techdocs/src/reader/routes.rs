//! Where the reader is shown: the docs route (the page and anchor in the location) and the
//! entity page's Docs tab (the page kept in its own state).

use backlot_plugin_api::routing::{RouteMatch, entity_path};
use backlot_plugin_api::{Link, use_shell};
use backlot_techdocs_common::docs_link;
use yew::prelude::*;

use super::{DocsReader, Target};

#[derive(Properties, PartialEq)]
pub struct DocsRouteProps {
    pub route: RouteMatch,
}

/// `/docs/:namespace/:kind/:name?page=…#anchor`
#[component(DocsRoute)]
pub fn docs_route(props: &DocsRouteProps) -> Html {
    let shell = use_shell();
    let r = &props.route;
    let entity_ref = format!(
        "{}:{}/{}",
        r.param("kind"),
        r.param("namespace"),
        r.param("name")
    )
    .to_lowercase();
    let page = r
        .query("page")
        .map(str::to_string)
        .filter(|p| !p.is_empty());
    let anchor = r
        .location
        .split_once('#')
        .map(|(_, a)| backlot_plugin_api::routing::decode_component(a))
        .filter(|a| !a.is_empty());
    let on_navigate = {
        let entity_ref = entity_ref.clone();
        Callback::from(move |(page, anchor): Target| {
            shell.navigate.emit(docs_link(
                &entity_ref,
                page.as_deref().unwrap_or(""),
                anchor.as_deref(),
            ))
        })
    };
    html! {
        <div class="page docs-page">
            <p class="docs-breadcrumb small">
                <Link to="/docs">{"Docs"}</Link>{" / "}
                <Link to={entity_path(&entity_ref)}>{entity_ref.clone()}</Link>
            </p>
            <DocsReader {entity_ref} {page} {anchor} {on_navigate} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct DocsTabProps {
    pub entity_ref: AttrValue,
}

/// The entity page's Docs tab: the reader, with the current page kept here.
#[component(DocsTab)]
pub fn docs_tab(props: &DocsTabProps) -> Html {
    let target = use_state(|| (None::<String>, None::<String>));
    let on_navigate = {
        let target = target.clone();
        Callback::from(move |t: Target| target.set(t))
    };
    let (page, anchor) = (*target).clone();
    let full = docs_link(&props.entity_ref, page.as_deref().unwrap_or(""), None);
    html! {
        <div class="docs-tab">
            <p class="docs-open small"><Link to={full}>{"Open in Docs"}</Link></p>
            <DocsReader entity_ref={props.entity_ref.to_string()} {page} {anchor} {on_navigate} />
        </div>
    }
}
