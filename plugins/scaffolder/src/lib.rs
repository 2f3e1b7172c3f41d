//! Software Templates plugin (UI), Backstage's scaffolder on the desktop: "Create" in the
//! sidebar lists every `Template` entity (local files and the team backend's) as cards with
//! filters and the last runs; a template's page is its form (`form/`), a dry run shows the
//! files it would produce, and a run is followed step by step on its own page. The engine
//! and the actions run on the native side (`backlot-scaffolder-backend`).

mod create_page;
mod dry_run;
pub mod form;
mod run_page;
mod template_page;

use backlot_plugin_api::routing::RouteMatch;
use backlot_plugin_api::{EntityCard, EntityContext, Icon, Link, Plugin};
use yew::prelude::*;

pub fn plugin() -> Plugin {
    Plugin::new("scaffolder", "Create", Icon::Template)
        .nav("Create", "/create", 25)
        .route(
            "/create",
            |_: &RouteMatch| html! { <create_page::CreatePage /> },
        )
        .route(
            "/create/templates/:namespace/:name",
            |m: &RouteMatch| html! { <template_page::TemplatePage route={m.clone()} /> },
        )
        .route(
            "/create/runs/:id",
            |m: &RouteMatch| html! { <run_page::RunPage run_id={m.param("id").to_string()} /> },
        )
        .action(
            "Create something from a template",
            "create new scaffold template component service",
            "/create",
        )
        .entity_card(EntityCard {
            id: "launch-template",
            title: "Use this template",
            applies_to: |e: &EntityContext| e.kind().eq_ignore_ascii_case("template"),
            render: launch_card,
        })
}

/// `/create/templates/<namespace>/<name>` of a template's ref.
pub fn template_link(entity_ref: &str) -> String {
    let rest = entity_ref.split_once(':').map_or(entity_ref, |(_, r)| r);
    let (namespace, name) = rest.split_once('/').unwrap_or(("default", rest));
    format!(
        "/create/templates/{}/{}",
        backlot_text::percent::encode(namespace),
        backlot_text::percent::encode(name)
    )
}

fn launch_card(entity: &EntityContext) -> Html {
    html! {
        <Link to={template_link(&entity.entity_ref)} class="button">{"Choose and fill in"}</Link>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn template_links_name_namespace_and_name() {
        assert_eq!(
            super::template_link("template:default/new-service"),
            "/create/templates/default/new-service"
        );
        assert_eq!(
            super::template_link("template:ops team/a b"),
            "/create/templates/ops%20team/a%20b"
        );
    }
}
