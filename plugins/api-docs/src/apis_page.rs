//! `/api-docs`: every API entity, with type, owner and lifecycle filters and a text filter.
//! `?type=`, `?owner=`, `?lifecycle=` and `?q=` in the location set the initial filters.
//!
//! The page holds the filters ([`filters`]) and asks for the facet counts and the matching
//! APIs ([`use_apis`]); the [`toolbar`] edits the filters, [`table`] shows the answer.

mod filters;
mod table;
mod toolbar;

use backlot_model::ipc::{GetFacets, QueryEntities};
use backlot_model::query::{EntityFilter, EntityPage, EntityQuery, Facets};
use backlot_plugin_api::components::{EmptyState, ErrorBanner, Spinner};
use backlot_plugin_api::routing::RouteMatch;
use backlot_plugin_api::{Icon, UseCommandHandle, use_catalog_version, use_command};
use yew::prelude::*;

use filters::{Filters, use_filters};
use table::table;
use toolbar::Toolbar;

const PAGE_SIZE: u32 = 500;

#[derive(Properties, PartialEq)]
pub struct ApisPageProps {
    pub route: RouteMatch,
}

/// The API entities' facet counts and the APIs matching `filters`, asked again when the
/// catalog changes. The latest query's answer; an older one arriving late is dropped.
#[hook]
fn use_apis(
    filters: &Filters,
) -> (
    UseCommandHandle<Facets, u64>,
    UseCommandHandle<EntityPage, (Filters, u64)>,
) {
    let version = use_catalog_version();
    let facets = use_command(version, |_| GetFacets {
        filter: EntityFilter {
            kinds: vec!["api".into()],
            ..Default::default()
        },
    });
    let page = use_command((filters.clone(), version), |(filters, _)| QueryEntities {
        query: EntityQuery {
            filter: filters.entity_filter(),
            text: Some(filters.text.trim().to_string()).filter(|t| !t.is_empty()),
            limit: PAGE_SIZE,
            ..Default::default()
        },
    });
    (facets, page)
}

#[component(ApisPage)]
pub fn apis_page(props: &ApisPageProps) -> Html {
    let filters = use_filters(&props.route);
    let (facets, page) = use_apis(&filters);
    let on_change = {
        let filters = filters.clone();
        Callback::from(move |next: Filters| filters.set(next))
    };

    html! {
        <div class="page apis-page">
            <Toolbar filters={(*filters).clone()} facets={facets.shared()} {on_change} />
            { match page.result() {
                None => html! { <Spinner /> },
                Some(Err(error)) => html! { <ErrorBanner error={error.clone()} /> },
                Some(Ok(page)) if page.total == 0 && filters.is_empty() => html! {
                    <EmptyState title="No APIs yet" icon={Icon::Api}
                        message="The catalog has no API entities. Add kind: API descriptors (backlot catalog ingest PATH) or sync a team backend." />
                },
                Some(Ok(page)) if page.total == 0 => html! {
                    <EmptyState title="No API matches" icon={Icon::Search} message="Try fewer words or clear the filters." />
                },
                Some(Ok(page)) => table(page),
            } }
        </div>
    }
}
