//! `/catalog`: every entity in a virtualized table, with full-text search as you type, facet
//! filters with counts, sorting and stars. The location's query string holds the search,
//! filters and sort (see `filters.rs`).

use std::collections::HashSet;
use std::rc::Rc;

use backlot_model::ApiError;
use backlot_model::ipc::{GetStarred, SetStarred};
use backlot_model::query::SortField;
use backlot_plugin_api::components::EmptyState;
use backlot_plugin_api::routing::RouteMatch;
use backlot_plugin_api::{Icon, IconView, Link, use_catalog_version, use_shell};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::facet_panel::FacetPanel;
use crate::filters::CatalogFilters;
use crate::perf;
use crate::table::VirtualTable;

#[derive(Properties, PartialEq)]
pub struct CatalogIndexProps {
    pub route: RouteMatch,
}

/// The starred refs, re-read whenever the catalog changes (starring announces a change).
#[hook]
pub fn use_starred() -> (Rc<HashSet<String>>, Callback<(String, bool)>) {
    let shell = use_shell();
    let starred = use_state(|| Rc::new(HashSet::<String>::new()));
    {
        let (backend, starred) = (shell.backend.clone(), starred.clone());
        use_effect_with(shell.catalog_version, move |_| {
            spawn_local(async move {
                if let Ok(s) = backend.call(GetStarred {}).await {
                    starred.set(Rc::new(
                        s.items
                            .into_iter()
                            .map(|e| e.entity_ref)
                            .chain(s.missing)
                            .collect(),
                    ));
                }
            });
        });
    }
    // One callback while the stars stay the same: the table's rows compare equal and are
    // not re-rendered when the table is.
    let on_star = {
        let (backend, setter, changed) = (
            shell.backend.clone(),
            starred.setter(),
            shell.catalog_changed.clone(),
        );
        use_callback(
            (*starred).clone(),
            move |(entity_ref, star): (String, bool), starred| {
                // Shown at once; the answer (and the reload it announces) confirms it.
                let mut next = (**starred).clone();
                if star {
                    next.insert(entity_ref.clone());
                } else {
                    next.remove(&entity_ref);
                }
                setter.set(Rc::new(next));
                let (backend, changed) = (backend.clone(), changed.clone());
                spawn_local(async move {
                    let _ = backend
                        .call(SetStarred {
                            entity_ref,
                            starred: star,
                        })
                        .await;
                    changed.emit(());
                });
            },
        )
    };
    ((*starred).clone(), on_star)
}

#[component(CatalogIndex)]
pub fn catalog_index(props: &CatalogIndexProps) -> Html {
    let shell = use_shell();
    let version = use_catalog_version();
    let filters = CatalogFilters::from_query(&props.route.query);
    // The signed-in user, else the one set by hand in Settings.
    let me = shell.preferences.me().map(str::to_string);
    let (starred, on_star) = use_starred();
    let total = use_state(|| None::<Result<u64, ApiError>>);
    // The search box is controlled; the location follows it as the user types.
    let text = use_state(|| filters.text.clone());
    {
        let text = text.clone();
        use_effect_with(filters.text.clone(), move |from_location| {
            if *text != *from_location {
                text.set(from_location.clone());
            }
        });
    }

    let go = {
        let navigate = shell.navigate.clone();
        use_callback((), move |next: CatalogFilters, _| {
            navigate.emit(next.location())
        })
    };
    // The facet panel does not depend on the search text: it gets the filters without it and
    // one callback (so typing does not re-render it), and its changes keep the text typed.
    let typed = use_mut_ref(String::new);
    typed.borrow_mut().clone_from(&filters.text);
    let on_facet = {
        let (go, typed) = (go.clone(), typed.clone());
        use_callback((), move |next: CatalogFilters, _| {
            go.emit(CatalogFilters {
                text: typed.borrow().clone(),
                ..next
            });
        })
    };
    let facet_filters = CatalogFilters {
        text: String::new(),
        ..filters.clone()
    };
    let oninput = {
        let (text, replace, filters) = (text.clone(), shell.replace.clone(), filters.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                perf::mark("catalog:input");
                let value = input.value();
                text.set(value.clone());
                replace.emit(
                    CatalogFilters {
                        text: value,
                        ..filters.clone()
                    }
                    .location(),
                );
            }
        })
    };
    let on_sort = {
        let (go, filters) = (go.clone(), filters.clone());
        Callback::from(move |field: SortField| go.emit(filters.sorted_by(field)))
    };
    let on_total = {
        let total = total.clone();
        Callback::from(move |t| total.set(t))
    };
    let clear = {
        let (go, filters) = (go.clone(), filters.clone());
        Callback::from(move |_| go.emit(filters.cleared()))
    };

    let count_line = match &*total {
        None => html! { <span class="muted">{"Loading…"}</span> },
        Some(Err(_)) => html! {},
        Some(Ok(n)) => {
            html! { <span>{ if *n == 1 { "1 entity".to_string() } else { format!("{n} entities") } }</span> }
        }
    };
    let empty = match &*total {
        Some(Ok(0)) if !filters.is_narrowed() => Some(html! {
            <EmptyState title="No catalog yet" icon={Icon::Catalog}
                message="Load the demo catalog, open a folder of catalog-info.yaml files (or run `backlot catalog ingest PATH`), or connect your team's Backstage backend.">
                <Link to="/welcome" class="button">{"Get started"}</Link>
                <Link to="/settings" class="button button-secondary">{"Connect a team backend"}</Link>
            </EmptyState>
        }),
        Some(Ok(0)) => Some(html! {
            <EmptyState title="Nothing matches" icon={Icon::Search}
                message="No entity matches this search and these filters. Try fewer words or remove a filter.">
                <button type="button" class="button button-secondary" onclick={clear.clone()}>{"Clear search and filters"}</button>
            </EmptyState>
        }),
        _ => None,
    };

    html! {
        <div class="page catalog-index">
            <div class="catalog-toolbar">
                <div class="search-field">
                    <IconView icon={Icon::Search} size={18} />
                    <input type="search" name="catalog-search" placeholder="Search names, titles, descriptions and tags"
                           value={(*text).clone()} {oninput} aria-label="Search the catalog" autocomplete="off" spellcheck="false" />
                </div>
                <p class="result-count" data-testid="result-count" aria-live="polite">{count_line}</p>
                if filters.is_narrowed() {
                    <button type="button" class="link-button" onclick={clear}>{"Clear all"}</button>
                }
                <Link to="/catalog-import" class="button button-secondary register-link">{"Register existing component"}</Link>
            </div>
            <div class="catalog-body">
                <FacetPanel filters={facet_filters} me={me.clone()} {version} on_change={on_facet} />
                <div class="catalog-results">
                    if let Some(empty) = empty { {empty} }
                    <div class={classes!("catalog-table-wrap", matches!(&*total, Some(Ok(0))).then_some("hidden"))}>
                        <VirtualTable filters={filters} {me} {version} {starred} {on_star} {on_total} {on_sort} />
                    </div>
                </div>
            </div>
        </div>
    }
}
