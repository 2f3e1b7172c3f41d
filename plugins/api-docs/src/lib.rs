//! The API docs plugin — standalone: everything runs in the window, no native half.
//!
//! - an "API" tab on API entities rendering `spec.definition`: OpenAPI 3.x / Swagger 2.0,
//!   AsyncAPI 2/3, GraphQL SDL, protobuf, and anything else as highlighted source; a
//!   definition that cannot be read shows the error with its line above the raw source;
//! - the "APIs" page (`/api-docs`): every API with type/owner/lifecycle filters;
//! - "Provided APIs" / "Consumed APIs" cards on components that have such relations (an
//!   API's providers and consumers are sections of the catalog's own entity page).
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod apis_page;
mod cards;
pub mod model;
pub mod view;

use backlot_plugin_api::routing::RouteMatch;
use backlot_plugin_api::{EntityCard, EntityContext, EntityTab, Icon, Plugin};
use yew::prelude::*;

pub use apis_page::ApisPage;
pub use cards::{ApiRelations, relation_targets};
pub use view::{ApiDefinition, ApiTab};

pub fn plugin() -> Plugin {
    Plugin::new("api-docs", "APIs", Icon::Api)
        .nav("APIs", "/api-docs", 20)
        .route("/api-docs", |m: &RouteMatch| html! { <ApisPage route={m.clone()} /> })
        .entity_tab(EntityTab {
            id: "api",
            title: "API",
            applies_to: is_api,
            render: |entity: &EntityContext| html! { <ApiTab entity={entity.clone()} /> },
        })
        .entity_card(EntityCard {
            id: "provided-apis",
            title: "Provided APIs",
            applies_to: provides_apis,
            render: |entity: &EntityContext| html! { <ApiRelations entity={entity.clone()} relation="providesApi" /> },
        })
        .entity_card(EntityCard {
            id: "consumed-apis",
            title: "Consumed APIs",
            applies_to: consumes_apis,
            render: |entity: &EntityContext| html! { <ApiRelations entity={entity.clone()} relation="consumesApi" /> },
        })
}

/// The API tab shows on API entities only.
pub fn is_api(entity: &EntityContext) -> bool {
    entity.kind().eq_ignore_ascii_case("api")
}

fn is_component(entity: &EntityContext) -> bool {
    entity.kind().eq_ignore_ascii_case("component")
}

/// Components that provide at least one API.
pub fn provides_apis(entity: &EntityContext) -> bool {
    is_component(entity) && !relation_targets(entity, "providesApi").is_empty()
}

/// Components that consume at least one API.
pub fn consumes_apis(entity: &EntityContext) -> bool {
    is_component(entity) && !relation_targets(entity, "consumesApi").is_empty()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx(kind: &str, relations: serde_json::Value) -> EntityContext {
        EntityContext {
            entity_ref: format!("{}:default/x", kind.to_lowercase()),
            entity: json!({"kind": kind, "relations": relations}),
        }
    }

    #[test]
    fn applies_only_where_it_should() {
        assert!(is_api(&ctx("API", json!([]))));
        assert!(!is_api(&ctx("Component", json!([]))));
        let provider = ctx(
            "Component",
            json!([{"type": "providesApi", "targetRef": "api:default/petstore"}]),
        );
        assert!(provides_apis(&provider) && !consumes_apis(&provider));
        let consumer = ctx(
            "Component",
            json!([{"type": "consumesApi", "targetRef": "api:default/x"}]),
        );
        assert!(consumes_apis(&consumer) && !provides_apis(&consumer));
        // An API with the reverse relation is not a component.
        assert!(!provides_apis(&ctx(
            "API",
            json!([{"type": "providesApi", "targetRef": "api:default/y"}])
        )));
        // APIs get no card from this plugin (the catalog lists their providers).
        let provided = ctx(
            "API",
            json!([{"type": "apiProvidedBy", "targetRef": "component:default/petstore"}]),
        );
        assert!(
            plugin()
                .entity_cards
                .iter()
                .all(|c| !(c.applies_to)(&provided))
        );
        assert_eq!(
            plugin().nav.map(|n| (n.label, n.path)),
            Some(("APIs", "/api-docs"))
        );
    }
}
