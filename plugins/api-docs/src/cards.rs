//! "Provided APIs" / "Consumed APIs" cards on component pages.

use backlot_model::ipc::GetEntity;
use backlot_model::query::EntitySummary;
use backlot_plugin_api::components::ErrorBanner;
use backlot_plugin_api::routing::entity_path;
use backlot_plugin_api::{EntityContext, Link, use_catalog_version, use_command};
use yew::prelude::*;

/// The targets of `relation` relations of the entity (`api:default/petstore`, …).
pub fn relation_targets(entity: &EntityContext, relation: &str) -> Vec<String> {
    entity
        .entity
        .get("relations")
        .and_then(|r| r.as_array())
        .map(|list| {
            list.iter()
                .filter(|r| r.get("type").and_then(|t| t.as_str()) == Some(relation))
                .filter_map(|r| {
                    r.get("targetRef")
                        .and_then(|t| t.as_str())
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Properties, PartialEq)]
pub struct ApiRelationsProps {
    pub entity: EntityContext,
    /// `providesApi`, `consumesApi` (to APIs), `apiProvidedBy`, `apiConsumedBy` (to components).
    pub relation: AttrValue,
}

fn short(entity_ref: &str) -> &str {
    let rest = entity_ref.split_once(':').map_or(entity_ref, |(_, r)| r);
    rest.strip_prefix("default/").unwrap_or(rest)
}

/// Where a related entity's link leads: an API's API tab, any other entity's page.
fn target_path(entity_ref: &str) -> String {
    if entity_ref.starts_with("api:") {
        format!("{}?tab=api", entity_path(entity_ref))
    } else {
        entity_path(entity_ref)
    }
}

/// The entities of one relation (the APIs a component provides or consumes, the components
/// providing or consuming an API), with type, owner and lifecycle.
#[component(ApiRelations)]
pub fn api_relations(props: &ApiRelationsProps) -> Html {
    let version = use_catalog_version();
    let related = use_command(
        (props.entity.entity_ref.clone(), version),
        |(entity_ref, _)| GetEntity {
            entity_ref: entity_ref.clone(),
        },
    );
    let summaries: &[EntitySummary] = related.data().map_or(&[], |view| &view.details.related);
    // APIs in the catalog first, then dangling references; by name within each.
    let mut targets = relation_targets(&props.entity, &props.relation);
    targets.sort_by_cached_key(|t| {
        (
            related.result().is_some() && !summaries.iter().any(|s| s.entity_ref == *t),
            short(t).to_lowercase(),
        )
    });
    targets.dedup();
    html! {
        <div class="api-relations" data-relation={props.relation.clone()}>
            if let Some(Err(error)) = related.result() { <ErrorBanner error={error.clone()} /> }
            if targets.is_empty() {
                <p class="muted">{"None."}</p>
            } else {
                <table class="table compact api-relations-table">
                    <thead><tr><th>{"Name"}</th><th>{"Type"}</th><th>{"Owner"}</th><th>{"Lifecycle"}</th></tr></thead>
                    <tbody>
                        { for targets.iter().map(|target| match summaries.iter().find(|s| s.entity_ref == *target) {
                            Some(s) => html! {
                                <tr data-ref={target.clone()}>
                                    <td>
                                        <Link to={target_path(target)} class="entity-link">{s.title.clone().unwrap_or_else(|| s.name.clone())}</Link>
                                        if let Some(d) = &s.description { <div class="muted small api-relation-description">{d}</div> }
                                    </td>
                                    <td>{s.spec_type.clone().unwrap_or_default()}</td>
                                    <td>{s.owner.as_deref().map(short).unwrap_or_default()}</td>
                                    <td>
                                        if let Some(l) = &s.lifecycle { <span class={classes!("badge", format!("lifecycle-{l}"))}>{l}</span> }
                                    </td>
                                </tr>
                            },
                            None => html! {
                                <tr data-ref={target.clone()} class="missing">
                                    <td>
                                        if related.result().is_none() {
                                            <Link to={target_path(target)} class="entity-link">{short(target)}</Link>
                                        } else {
                                            <span class="entity-link missing" title={format!("{target} is not in the catalog")}>{short(target)}</span>
                                        }
                                    </td>
                                    <td colspan="3" class="muted">{ if related.result().is_none() { "" } else { "Not in the catalog" } }</td>
                                </tr>
                            },
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}
