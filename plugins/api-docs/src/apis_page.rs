//! `/api-docs`: every API entity, with type, owner and lifecycle filters and a text filter.
//! `?type=`, `?owner=`, `?lifecycle=` and `?q=` in the location set the initial filters.

use backlot_model::ApiError;
use backlot_model::ipc::{GetFacets, QueryEntities};
use backlot_model::query::{EntityFilter, EntityPage, EntityQuery, EntitySummary, FacetCount};
use backlot_plugin_api::components::{EmptyState, ErrorBanner, Spinner};
use backlot_plugin_api::routing::{RouteMatch, entity_path};
use backlot_plugin_api::{Icon, IconView, Link, use_backend, use_catalog_version};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::platform::spawn_local;
use yew::prelude::*;

const PAGE_SIZE: u32 = 500;

#[derive(Properties, PartialEq)]
pub struct ApisPageProps {
    pub route: RouteMatch,
}

#[derive(Clone, Default, PartialEq)]
struct Filters {
    text: String,
    api_type: String,
    owner: String,
    lifecycle: String,
}

impl Filters {
    fn entity_filter(&self) -> EntityFilter {
        let one = |v: &str| {
            if v.is_empty() {
                vec![]
            } else {
                vec![v.to_string()]
            }
        };
        EntityFilter {
            kinds: vec!["api".into()],
            types: one(&self.api_type),
            owners: one(&self.owner),
            lifecycles: one(&self.lifecycle),
            ..Default::default()
        }
    }

    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Loaded(EntityPage),
    Failed(ApiError),
}

fn short_ref(entity_ref: &str) -> &str {
    let rest = entity_ref.split_once(':').map_or(entity_ref, |(_, r)| r);
    rest.strip_prefix("default/").unwrap_or(rest)
}

#[component(ApisPage)]
pub fn apis_page(props: &ApisPageProps) -> Html {
    let backend = use_backend();
    let version = use_catalog_version();
    let filters = use_state(|| Filters {
        text: props.route.query("q").unwrap_or_default().to_string(),
        api_type: props.route.query("type").unwrap_or_default().to_string(),
        owner: props.route.query("owner").unwrap_or_default().to_string(),
        lifecycle: props
            .route
            .query("lifecycle")
            .unwrap_or_default()
            .to_string(),
    });
    let load = use_state(|| Load::Loading);
    let facets = use_state(|| None::<std::collections::BTreeMap<String, Vec<FacetCount>>>);
    let generation = use_mut_ref(|| 0u64);
    {
        let (backend, facets) = (backend.clone(), facets.clone());
        use_effect_with(version, move |_| {
            spawn_local(async move {
                let filter = EntityFilter {
                    kinds: vec!["api".into()],
                    ..Default::default()
                };
                if let Ok(f) = backend.call(GetFacets { filter }).await {
                    facets.set(Some(f.facets));
                }
            });
        });
    }
    {
        let (load, generation) = (load.clone(), generation.clone());
        use_effect_with(((*filters).clone(), version), move |(filters, _)| {
            let query = EntityQuery {
                filter: filters.entity_filter(),
                text: Some(filters.text.trim().to_string()).filter(|t| !t.is_empty()),
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
        let filters = filters.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                filters.set(Filters {
                    text: input.value(),
                    ..(*filters).clone()
                });
            }
        })
    };
    let select = |name: &'static str,
                  label: &'static str,
                  current: &str,
                  set: fn(&mut Filters, String)| {
        let filters = filters.clone();
        let onchange = Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                let mut next = (*filters).clone();
                set(&mut next, select.value());
                filters.set(next);
            }
        });
        let values = facets
            .as_ref()
            .and_then(|f| f.get(name))
            .cloned()
            .unwrap_or_default();
        let has_current =
            current.is_empty() || values.iter().any(|v| v.value.eq_ignore_ascii_case(current));
        html! {
            <label class="api-facet">
                <span class="muted small">{label}</span>
                <select name={format!("api-{name}")} {onchange} aria-label={label}>
                    <option value="" selected={current.is_empty()}>{"All"}</option>
                    { for values.iter().map(|v| html! {
                        <option value={v.value.clone()} selected={v.value.eq_ignore_ascii_case(current)}>
                            {format!("{} ({})", if name == "owner" { short_ref(&v.value) } else { &v.value }, v.count)}
                        </option>
                    }) }
                    if !has_current { <option value={current.to_string()} selected=true>{current.to_string()}</option> }
                </select>
            </label>
        }
    };
    let clear = {
        let filters = filters.clone();
        Callback::from(move |_| filters.set(Filters::default()))
    };

    html! {
        <div class="page apis-page">
            <div class="toolbar api-page-toolbar">
                <div class="search-field">
                    <IconView icon={Icon::Search} size={18} />
                    <input type="search" name="apis-search" placeholder="Filter APIs by name, title, description or tag"
                           value={filters.text.clone()} {oninput} aria-label="Filter APIs" autocomplete="off" spellcheck="false" />
                </div>
                <div class="api-facets">
                    { select("type", "Type", &filters.api_type, |f, v| f.api_type = v) }
                    { select("owner", "Owner", &filters.owner, |f, v| f.owner = v) }
                    { select("lifecycle", "Lifecycle", &filters.lifecycle, |f, v| f.lifecycle = v) }
                    if !filters.is_empty() {
                        <button type="button" class="button button-secondary clear-filters" onclick={clear}>{"Clear filters"}</button>
                    }
                </div>
            </div>
            { match &*load {
                Load::Loading => html! { <Spinner /> },
                Load::Failed(error) => html! { <ErrorBanner error={error.clone()} /> },
                Load::Loaded(page) if page.total == 0 && filters.is_empty() => html! {
                    <EmptyState title="No APIs yet" icon={Icon::Api}
                        message="The catalog has no API entities. Add kind: API descriptors (backlot catalog ingest PATH) or sync a team backend." />
                },
                Load::Loaded(page) if page.total == 0 => html! {
                    <EmptyState title="No API matches" icon={Icon::Search} message="Try fewer words or clear the filters." />
                },
                Load::Loaded(page) => table(page),
            } }
        </div>
    }
}

fn table(page: &EntityPage) -> Html {
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
