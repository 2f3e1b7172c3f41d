//! One row of the catalog table (an entity: star, name and title, kind, type, owner, system,
//! lifecycle, tags, description), and the star button the entity page shares.

use std::rc::Rc;

use backlot_model::query::EntitySummary;
use backlot_plugin_api::components::kind_label;
use backlot_plugin_api::routing::entity_path;
use backlot_plugin_api::{Icon, IconView, Link};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TableRowProps {
    /// The row's position among all matching entities (0-based).
    pub index: u64,
    pub entity: Rc<EntitySummary>,
    pub starred: bool,
    /// `(entity ref, star it?)`.
    pub on_star: Callback<(String, bool)>,
}

#[component(TableRow)]
pub fn table_row(props: &TableRowProps) -> Html {
    let e = &props.entity;
    let ref_link = |target: &Option<String>| match target {
        Some(t) => html! { <Link to={entity_path(t)}>{short_ref(t)}</Link> },
        None => html! {},
    };
    html! {
        <div class="vt-row" role="row" data-ref={e.entity_ref.clone()} aria-rowindex={(props.index + 1).to_string()}>
            <div class="vt-cell vt-star" role="cell">{ star_button(&e.entity_ref, props.starred, &props.on_star) }</div>
            <div class="vt-cell vt-name" role="cell">
                <IconView icon={Icon::for_kind(&e.kind)} size={16} />
                <div class="vt-name-text">
                    <Link to={entity_path(&e.entity_ref)} class="entity-title">{e.title.clone().unwrap_or_else(|| e.name.clone())}</Link>
                    if e.title.is_some() { <span class="muted small">{&e.name}</span> }
                </div>
            </div>
            <div class="vt-cell" role="cell">{kind_label(&e.kind)}</div>
            <div class="vt-cell" role="cell">{e.spec_type.clone().unwrap_or_default()}</div>
            <div class="vt-cell" role="cell" data-col="owner">{ ref_link(&e.owner) }</div>
            <div class="vt-cell" role="cell">{ ref_link(&e.system) }</div>
            <div class="vt-cell" role="cell">
                if let Some(lifecycle) = &e.lifecycle {
                    <span class={classes!("badge", format!("lifecycle-{lifecycle}"))}>{lifecycle}</span>
                }
            </div>
            <div class="vt-cell vt-tags" role="cell">{ for e.tags.iter().map(|t| html! { <span class="tag">{t}</span> }) }</div>
            <div class="vt-cell vt-description muted" role="cell" title={e.description.clone().unwrap_or_default()}>
                {e.description.clone().unwrap_or_default()}
            </div>
        </div>
    }
}

/// A row whose block has not arrived yet.
pub fn placeholder_row(index: u64) -> Html {
    html! { <div key={index.to_string()} class="vt-row vt-placeholder" role="row" aria-busy="true"><div class="vt-cell"></div></div> }
}

/// `group:default/team-a` → `team-a`; other namespaces are kept (`ops/team-b`).
pub fn short_ref(entity_ref: &str) -> &str {
    let without_kind = entity_ref
        .split_once(':')
        .map_or(entity_ref, |(_, rest)| rest);
    without_kind
        .strip_prefix("default/")
        .unwrap_or(without_kind)
}

pub fn star_button(entity_ref: &str, starred: bool, on_star: &Callback<(String, bool)>) -> Html {
    let onclick = {
        let (on_star, entity_ref) = (on_star.clone(), entity_ref.to_string());
        Callback::from(move |_| on_star.emit((entity_ref.clone(), !starred)))
    };
    let label = if starred { "Unstar" } else { "Star" };
    html! {
        <button type="button" class={classes!("star", starred.then_some("starred"))} aria-pressed={starred.to_string()}
                title={label} aria-label={format!("{label} {entity_ref}")} {onclick}>
            <IconView icon={Icon::Star} size={16} />
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn short_refs_drop_kind_and_default_namespace() {
        assert_eq!(short_ref("group:default/team-a"), "team-a");
        assert_eq!(short_ref("group:ops/team-b"), "ops/team-b");
    }
}
