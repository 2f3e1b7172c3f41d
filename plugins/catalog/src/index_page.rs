//! `/catalog`: the table of entities with a search box and a kind filter.
//! `?q=` and `?kind=` in the location set the initial search and filter.

use backlot_model::ApiError;
use backlot_model::ipc::{GetFacets, QueryEntities};
use backlot_model::query::{EntityFilter, EntityPage, EntityQuery, EntitySummary, FacetCount};
use backlot_plugin_api::components::{EmptyState, ErrorBanner, Spinner, kind_label};
use backlot_plugin_api::routing::{RouteMatch, entity_path};
use backlot_plugin_api::{Icon, IconView, Link, use_backend, use_catalog_version};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

const PAGE_SIZE: u32 = 100;

#[derive(Properties, PartialEq)]
pub struct CatalogIndexProps {
    pub route: RouteMatch,
}

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Loaded(EntityPage),
    Failed(ApiError),
}

#[component(CatalogIndex)]
pub fn catalog_index(props: &CatalogIndexProps) -> Html {
    let backend = use_backend();
    let text = use_state(|| props.route.query("q").unwrap_or_default().to_string());
    let kind = use_state(|| props.route.query("kind").unwrap_or_default().to_string());
    let load = use_state(|| Load::Loading);
    let kinds = use_state(Vec::<FacetCount>::new);
    // Answers can arrive out of order while typing: only the newest request may write.
    let generation = use_mut_ref(|| 0u64);
    let version = use_catalog_version();

    // A new `?q=`/`?kind=` in the location (e.g. from the header's search) replaces ours.
    {
        let (text, kind) = (text.clone(), kind.clone());
        use_effect_with(
            (props.route.query("q").map(str::to_string), props.route.query("kind").map(str::to_string)),
            move |(q, k)| {
                if let Some(q) = q {
                    text.set(q.clone());
                }
                if let Some(k) = k {
                    kind.set(k.clone());
                }
            },
        );
    }
    {
        let (backend, kinds) = (backend.clone(), kinds.clone());
        use_effect_with(version, move |_| {
            spawn_local(async move {
                if let Ok(facets) = backend.call(GetFacets { filter: EntityFilter::default() }).await {
                    kinds.set(facets.facets.get("kind").cloned().unwrap_or_default());
                }
            });
        });
    }
    {
        let (backend, load, generation) = (backend.clone(), load.clone(), generation.clone());
        use_effect_with(((*text).clone(), (*kind).clone(), version), move |(text, kind, _)| {
            let query = EntityQuery {
                filter: EntityFilter {
                    kinds: if kind.is_empty() { vec![] } else { vec![kind.clone()] },
                    ..Default::default()
                },
                text: Some(text.trim().to_string()).filter(|t| !t.is_empty()),
                limit: PAGE_SIZE,
                ..Default::default()
            };
            *generation.borrow_mut() += 1;
            let mine = *generation.borrow();
            spawn_local(async move {
                let result = backend.call(QueryEntities { query }).await;
                if *generation.borrow() == mine {
                    load.set(match result {
                        Ok(page) => Load::Loaded(page),
                        Err(e) => Load::Failed(e),
                    });
                }
            });
        });
    }

    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                text.set(input.value());
            }
        })
    };
    let kind_chip = |value: &str, label: String| {
        let kind = kind.clone();
        let selected = kind.eq_ignore_ascii_case(value);
        let value = value.to_string();
        let onclick = Callback::from(move |_| kind.set(value.clone()));
        html! {
            <button type="button" class={classes!("chip", selected.then_some("selected"))}
                    aria-pressed={selected.to_string()} {onclick}>{label}</button>
        }
    };
    let all_count: u64 = kinds.iter().map(|k| k.count).sum();

    html! {
        <div class="page catalog-index">
            <div class="toolbar">
                <div class="search-field">
                    <IconView icon={Icon::Search} size={18} />
                    <input type="search" name="catalog-search" placeholder="Filter by name, title, description or tag"
                           value={(*text).clone()} {oninput} aria-label="Filter the catalog" autocomplete="off" spellcheck="false" />
                </div>
                <div class="chips" role="group" aria-label="Kind">
                    { kind_chip("", format!("All ({all_count})")) }
                    { for kinds.iter().map(|k| kind_chip(&k.value.to_lowercase(), format!("{} ({})", kind_label(&k.value), k.count))) }
                </div>
            </div>
            { match &*load {
                Load::Loading => html! { <Spinner /> },
                Load::Failed(error) => html! { <ErrorBanner error={error.clone()} /> },
                Load::Loaded(page) if page.total == 0 && text.is_empty() && kind.is_empty() => html! {
                    <EmptyState title="No catalog yet" icon={Icon::Catalog}
                        message="Open a folder of catalog-info.yaml files (backlot catalog ingest PATH) or connect a team backend." />
                },
                Load::Loaded(page) if page.total == 0 => html! {
                    <EmptyState title="Nothing matches" icon={Icon::Search} message="Try fewer words or another kind." />
                },
                Load::Loaded(page) => table(page),
            } }
        </div>
    }
}

fn table(page: &EntityPage) -> Html {
    html! {
        <>
            <p class="muted result-count" data-testid="result-count">
                { if page.total as usize > page.items.len() {
                    format!("Showing {} of {} entities", page.items.len(), page.total)
                } else {
                    format!("{} entities", page.total)
                } }
            </p>
            <table class="table entity-table">
                <thead>
                    <tr><th>{"Name"}</th><th>{"Kind"}</th><th>{"Type"}</th><th>{"Owner"}</th><th>{"Lifecycle"}</th><th>{"Description"}</th></tr>
                </thead>
                <tbody>
                    { for page.items.iter().map(row) }
                </tbody>
            </table>
        </>
    }
}

fn short_ref(entity_ref: &str) -> &str {
    let without_kind = entity_ref.split_once(':').map_or(entity_ref, |(_, rest)| rest);
    without_kind.strip_prefix("default/").unwrap_or(without_kind)
}

fn row(e: &EntitySummary) -> Html {
    html! {
        <tr data-ref={e.entity_ref.clone()}>
            <td>
                <div class="entity-name">
                    <IconView icon={Icon::for_kind(&e.kind)} size={16} />
                    <Link to={entity_path(&e.entity_ref)}>{e.title.clone().unwrap_or_else(|| e.name.clone())}</Link>
                </div>
                if e.title.is_some() { <div class="muted small">{&e.name}</div> }
            </td>
            <td>{kind_label(&e.kind)}</td>
            <td>{e.spec_type.clone().unwrap_or_default()}</td>
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
