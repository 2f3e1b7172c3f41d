//! The filter column beside the catalog table: one list per facet with the number of entities
//! each value would show, and the starred / owned by me / processing errors switches with theirs.
//!
//! A facet's counts are taken with every *other* filter applied (as Backstage does), so the
//! values of a facet already narrowed stay visible and selectable together.

use std::collections::BTreeMap;

use backlot_model::ipc::{GetFacets, QueryEntities};
use backlot_model::query::FacetCount;
use backlot_plugin_api::components::kind_label;
use backlot_plugin_api::{BackendHandle, use_backend};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::filters::{CatalogFilters, Facet, Toggle};
use crate::table::short_ref;

/// Values listed before "Show all".
const SHOWN: usize = 8;

#[derive(Properties, PartialEq)]
pub struct FacetPanelProps {
    pub filters: CatalogFilters,
    pub me: Option<String>,
    pub version: u64,
    pub on_change: Callback<CatalogFilters>,
}

#[derive(Clone, Default, PartialEq)]
struct Counts {
    facets: BTreeMap<&'static str, Vec<FacetCount>>,
    toggles: BTreeMap<&'static str, u64>,
}

async fn load_counts(
    backend: BackendHandle,
    filters: CatalogFilters,
    me: Option<String>,
) -> Counts {
    let me = me.as_deref();
    let mut counts = Counts::default();
    let base = backend
        .call(GetFacets {
            filter: filters.entity_filter(me),
        })
        .await
        .unwrap_or_default();
    for facet in Facet::ALL {
        let values = if filters.selected(facet).is_empty() {
            base.facets.get(facet.key()).cloned()
        } else {
            let filter = filters.without(facet).entity_filter(me);
            backend
                .call(GetFacets { filter })
                .await
                .ok()
                .and_then(|f| f.facets.get(facet.key()).cloned())
        };
        counts
            .facets
            .insert(facet.key(), values.unwrap_or_default());
    }
    for toggle in Toggle::ALL {
        if toggle == Toggle::Mine && me.is_none() {
            continue;
        }
        let query = CatalogFilters {
            text: String::new(),
            ..filters.with_toggle(toggle, true)
        }
        .query(me, 0, 1);
        if let Ok(page) = backend.call(QueryEntities { query }).await {
            counts.toggles.insert(toggle.key(), page.total);
        }
    }
    counts
}

fn value_label(facet: Facet, value: &str) -> String {
    match facet {
        Facet::Kind => kind_label(value).to_string(),
        Facet::Owner => short_ref(value).to_string(),
        _ => value.to_string(),
    }
}

#[component(FacetPanel)]
pub fn facet_panel(props: &FacetPanelProps) -> Html {
    let backend = use_backend();
    let counts = use_state(Counts::default);
    let expanded = use_state(Vec::<&'static str>::new);
    // Counts of the latest filters only: an earlier load finishing late is dropped, and the
    // panel says it is busy (`aria-busy`) until the latest one is in.
    let latest = use_mut_ref(|| 0u64);
    let loading = use_state(|| true);
    {
        let (counts, latest, loading) = (counts.clone(), latest.clone(), loading.clone());
        // Counts ignore the text search (the backend's facets are over filters only).
        let key = (
            CatalogFilters {
                text: String::new(),
                sort: None,
                ..props.filters.clone()
            },
            props.me.clone(),
            props.version,
        );
        use_effect_with(key, move |(filters, me, _)| {
            let (filters, me) = (filters.clone(), me.clone());
            *latest.borrow_mut() += 1;
            let this = *latest.borrow();
            loading.set(true);
            spawn_local(async move {
                let loaded = load_counts(backend, filters, me).await;
                if *latest.borrow() == this {
                    counts.set(loaded);
                    loading.set(false);
                }
            });
        });
    }

    let toggles = Toggle::ALL.iter().map(|&toggle| {
        let on = props.filters.toggle(toggle);
        let disabled = toggle == Toggle::Mine && props.me.is_none();
        let onchange = {
            let (filters, on_change) = (props.filters.clone(), props.on_change.clone());
            Callback::from(move |_: Event| on_change.emit(filters.with_toggle(toggle, !on)))
        };
        let count = counts.toggles.get(toggle.key()).copied();
        html! {
            <label class={classes!("facet-option", disabled.then_some("disabled"))} data-toggle={toggle.key()}
                   title={disabled.then_some("Set who you are in Settings to use this filter")}>
                <input type="checkbox" checked={on} {disabled} {onchange} />
                <span class="facet-value">{toggle.label()}</span>
                if let Some(count) = count { <span class="facet-count">{count}</span> }
            </label>
        }
    });

    let facet_list = |facet: Facet| -> Html {
        let mut values = counts.facets.get(facet.key()).cloned().unwrap_or_default();
        // A selected value stays listed even when nothing matches it now.
        for selected in props.filters.selected(facet) {
            if !values
                .iter()
                .any(|v| v.value.eq_ignore_ascii_case(selected))
            {
                values.push(FacetCount {
                    value: selected.clone(),
                    count: 0,
                });
            }
        }
        if values.is_empty() {
            return html! {};
        }
        let all = expanded.contains(&facet.key());
        let hidden = values.len().saturating_sub(SHOWN);
        let shown: Vec<&FacetCount> = values
            .iter()
            .enumerate()
            .filter(|(i, v)| all || *i < SHOWN || props.filters.is_selected(facet, &v.value))
            .map(|(_, v)| v)
            .collect();
        let toggle_all = {
            let expanded = expanded.clone();
            Callback::from(move |_| {
                let mut next = (*expanded).clone();
                match next.iter().position(|k| *k == facet.key()) {
                    Some(i) => {
                        next.remove(i);
                    }
                    None => next.push(facet.key()),
                }
                expanded.set(next);
            })
        };
        html! {
            <fieldset class="facet" data-facet={facet.key()}>
                <legend>{facet.label()}</legend>
                { for shown.into_iter().map(|v| {
                    let selected = props.filters.is_selected(facet, &v.value);
                    let onchange = {
                        let (filters, on_change, value) = (props.filters.clone(), props.on_change.clone(), v.value.clone());
                        Callback::from(move |_: Event| on_change.emit(filters.flip(facet, &value)))
                    };
                    html! {
                        // Keyed by value: when counts arrive and the list re-orders, each
                        // checkbox stays its value's (a click in between toggles what it showed).
                        <label key={v.value.clone()} class="facet-option" data-value={v.value.to_lowercase()}>
                            <input type="checkbox" checked={selected} {onchange} />
                            <span class="facet-value" title={v.value.clone()}>{value_label(facet, &v.value)}</span>
                            <span class="facet-count">{v.count}</span>
                        </label>
                    }
                }) }
                if hidden > 0 {
                    <button type="button" class="link-button" onclick={toggle_all}>
                        { if all { "Show fewer".to_string() } else { format!("Show all {}", values.len()) } }
                    </button>
                }
            </fieldset>
        }
    };

    html! {
        <aside class="facet-panel" aria-label="Filters" aria-busy={(*loading).to_string()}>
            <fieldset class="facet" data-facet="personal">
                <legend>{"Personal"}</legend>
                { for toggles }
            </fieldset>
            { for Facet::ALL.into_iter().map(facet_list) }
        </aside>
    }
}
