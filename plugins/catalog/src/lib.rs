//! The catalog plugin: browse and search every entity of the catalog.

mod entity_page;
mod entity_sections;
mod facet_panel;
pub mod filters;
pub mod graph;
mod import_page;
mod index_page;
use backlot_plugin_api::perf;
mod table;
mod team_actions;

use backlot_plugin_api::routing::RouteMatch;
use backlot_plugin_api::{Icon, Plugin};
use yew::prelude::*;

pub fn plugin() -> Plugin {
    Plugin::new("catalog", "Catalog", Icon::Catalog)
        .nav("Catalog", "/catalog", 10)
        .route(
            "/catalog",
            |m: &RouteMatch| html! { <index_page::CatalogIndex route={m.clone()} /> },
        )
        .route("/catalog-import", |_: &RouteMatch| {
            html! { <import_page::ImportPage /> }
        })
        .route(
            "/catalog/:namespace/:kind/:name",
            |m: &RouteMatch| html! { <entity_page::EntityPage route={m.clone()} /> },
        )
        .action(
            "Register existing component",
            "import add catalog-info location team",
            "/catalog-import",
        )
        .action("Starred entities", "favourites stars", "/catalog?starred=1")
        .action("Owned by me", "mine my ownership", "/catalog?mine=1")
}
