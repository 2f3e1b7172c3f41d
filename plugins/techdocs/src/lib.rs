//! TechDocs plugin (UI): a "Docs" tab on entities with a `backstage.io/techdocs-ref`
//! annotation, a docs page per entity (`/docs/:namespace/:kind/:name?page=…`), and the
//! "Docs" page listing every entity with docs. Pages come rendered and sanitized from the
//! native side (`backlot-techdocs-backend`); this crate lays them out and keeps in-doc
//! links, anchors and search inside the window.

mod index_page;
mod reader;

use backlot_plugin_api::routing::RouteMatch;
use backlot_plugin_api::{EntityContext, EntityTab, Icon, Plugin};
use backlot_techdocs_common::TECHDOCS_REF;
use yew::prelude::*;

pub use reader::{DocsReader, DocsTab};

pub fn plugin() -> Plugin {
    Plugin::new("techdocs", "Docs", Icon::Docs)
        .nav("Docs", "/docs", 30)
        .route(
            "/docs",
            |_: &RouteMatch| html! { <index_page::DocsIndex /> },
        )
        .route(
            "/docs/:namespace/:kind/:name",
            |m: &RouteMatch| html! { <reader::DocsRoute route={m.clone()} /> },
        )
        .entity_tab(EntityTab {
            id: "docs",
            title: "Docs",
            applies_to: has_docs,
            render: docs_tab,
        })
}

/// Whether the entity has docs: the TechDocs annotation is present and not empty.
pub fn has_docs(entity: &EntityContext) -> bool {
    entity
        .annotation(TECHDOCS_REF)
        .is_some_and(|v| !v.trim().is_empty())
}

fn docs_tab(entity: &EntityContext) -> Html {
    html! { <DocsTab entity_ref={entity.entity_ref.clone()} /> }
}
