//! The APIs page's result: the count line and one table row per API entity (name linking
//! to its API tab, type, owner, lifecycle, description).

use backlot_model::query::{EntityPage, EntitySummary};
use backlot_plugin_api::routing::entity_path;
use backlot_plugin_api::{Icon, IconView, Link};
use yew::prelude::*;

use super::filters::short_ref;

pub fn table(page: &EntityPage) -> Html {
    html! {
        <>
            <p class="muted result-count" data-testid="api-count">
                { if page.total as usize > page.items.len() {
                    format!("Showing {} of {} APIs", page.items.len(), page.total)
                } else if page.total == 1 {
                    "1 API".to_string()
                } else {
                    format!("{} APIs", page.total)
                } }
            </p>
            <table class="table api-table">
                <thead>
                    <tr><th>{"Name"}</th><th>{"Type"}</th><th>{"Owner"}</th><th>{"Lifecycle"}</th><th>{"Description"}</th></tr>
                </thead>
                <tbody>{ for page.items.iter().map(row) }</tbody>
            </table>
        </>
    }
}

fn row(e: &EntitySummary) -> Html {
    html! {
        <tr data-ref={e.entity_ref.clone()}>
            <td>
                <div class="entity-name">
                    <IconView icon={Icon::Api} size={16} />
                    <Link to={format!("{}?tab=api", entity_path(&e.entity_ref))}>{e.title.clone().unwrap_or_else(|| e.name.clone())}</Link>
                </div>
                if e.title.is_some() { <div class="muted small">{&e.name}</div> }
            </td>
            <td><span class="badge api-type">{e.spec_type.clone().unwrap_or_default()}</span></td>
            <td>{e.owner.as_deref().map(short_ref).unwrap_or_default()}</td>
            <td>
                if let Some(lifecycle) = &e.lifecycle {
                    <span class={classes!("badge", format!("lifecycle-{lifecycle}"))}>{lifecycle}</span>
                }
            </td>
            <td class="description">{e.description.clone().unwrap_or_default()}</td>
        </tr>
    }
}
