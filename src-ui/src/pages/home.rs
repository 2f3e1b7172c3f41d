//! Home: a welcome and the catalog at a glance.

use backlot_model::ApiError;
use backlot_model::ipc::{CatalogSummary, GetCatalogSummary};
use backlot_plugin_api::components::{Card, EmptyState, ErrorBanner, Spinner, kind_label};
use backlot_plugin_api::routing::{RouteMatch, build_query};
use backlot_plugin_api::{Icon, IconView, Link, Plugin, use_backend, use_catalog_version};
use yew::platform::spawn_local;
use yew::prelude::*;

pub fn plugin() -> Plugin {
    Plugin::new("home", "Home", Icon::Home).nav("Home", "/", 0).route("/", |_: &RouteMatch| html! { <HomePage /> })
}

#[component(HomePage)]
fn home_page() -> Html {
    let backend = use_backend();
    let summary = use_state(|| None::<Result<CatalogSummary, ApiError>>);
    let version = use_catalog_version();
    {
        let summary = summary.clone();
        use_effect_with(version, move |_| {
            spawn_local(async move { summary.set(Some(backend.call(GetCatalogSummary {}).await)) });
        });
    }
    html! {
        <div class="page home">
            <section class="hero">
                <h2>{"Welcome to Backlot"}</h2>
                <p>{"Your team's software catalog — services, APIs, systems, resources and the people who own them — on your desktop, searchable and available offline."}</p>
            </section>
            { match &*summary {
                None => html! { <Spinner /> },
                Some(Err(error)) => html! { <ErrorBanner error={error.clone()} /> },
                Some(Ok(summary)) if summary.total == 0 => html! {
                    <EmptyState title="No catalog yet" icon={Icon::Catalog}
                        message="Ingest a folder of catalog-info.yaml files (backlot catalog ingest PATH) or connect a team backend to fill the catalog." />
                },
                Some(Ok(summary)) => counts(summary),
            } }
        </div>
    }
}

fn counts(summary: &CatalogSummary) -> Html {
    html! {
        <Card title="Your catalog" class="catalog-counts">
            <p class="muted">
                <strong data-testid="catalog-total">{summary.total}</strong>{" entities"}
                if summary.error_count > 0 {
                    {" · "}<span class="text-warning">{format!("{} with processing errors", summary.error_count)}</span>
                }
            </p>
            <div class="stat-grid">
                { for summary.by_kind.iter().map(|(kind, count)| html! {
                    <Link to={format!("/catalog{}", build_query([("kind", kind.to_lowercase().as_str())]))} class="stat">
                        <IconView icon={Icon::for_kind(kind)} size={22} />
                        <span class="stat-value" data-kind={kind.clone()}>{count}</span>
                        <span class="stat-label">{kind_label(kind)}</span>
                    </Link>
                }) }
            </div>
        </Card>
    }
}
