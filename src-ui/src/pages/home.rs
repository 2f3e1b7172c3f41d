//! Home: a welcome and the catalog at a glance.

use backlot_model::ipc::{CatalogSummary, GetCatalogSummary, GetRecent, GetStarred, SetStarred};
use backlot_model::query::EntitySummary;
use backlot_plugin_api::components::{Card, EmptyState, ErrorBanner, Spinner, kind_label};
use backlot_plugin_api::routing::entity_path;
use backlot_plugin_api::routing::{RouteMatch, build_query};
use backlot_plugin_api::{
    Icon, IconView, Link, Plugin, use_catalog_version, use_command, use_command_callback,
};
use yew::prelude::*;

pub fn plugin() -> Plugin {
    Plugin::new("home", "Home", Icon::Home)
        .nav("Home", "/", 0)
        .route("/", |_: &RouteMatch| html! { <HomePage /> })
}

#[component(HomePage)]
fn home_page() -> Html {
    let version = use_catalog_version();
    let summary = use_command(version, |_| GetCatalogSummary {});
    let shell = backlot_plugin_api::use_shell();
    let me = shell.preferences.me().map(str::to_string);
    html! {
        <div class="page home">
            <section class="hero">
                <h2>{"Welcome to Backlot"}</h2>
                <p>{"Your team's software catalog — services, APIs, systems, resources and the people who own them — on your desktop, searchable and available offline."}</p>
                if let Some(me) = me {
                    <p class="home-me" data-testid="home-me">
                        { if shell.preferences.signed_in_as.is_some() { "Signed in as " } else { "You are " } }
                        <Link to={entity_path(&me)}>{me.clone()}</Link>
                        {" · "}
                        <Link to={format!("/catalog{}", build_query([("mine", "1")]))}>{"What you and your groups own"}</Link>
                    </p>
                }
            </section>
            { match summary.result() {
                None => html! { <Spinner /> },
                Some(Err(error)) => html! { <ErrorBanner error={error.clone()} /> },
                Some(Ok(summary)) if summary.total == 0 => html! {
                    <EmptyState title="No catalog yet" icon={Icon::Catalog}
                        message="Load the demo catalog, open a folder of catalog-info.yaml files, or connect a team backend to fill the catalog.">
                        <Link to="/welcome" class="button">{"Get started"}</Link>
                    </EmptyState>
                },
                Some(Ok(summary)) => html! {
                    <>
                        <div class="home-lists">
                            <Starred />
                            <Recent />
                        </div>
                        { counts(summary) }
                    </>
                },
            } }
        </div>
    }
}

fn entity_row(e: &EntitySummary, action: Html) -> Html {
    html! {
        <li class="entity-item" data-ref={e.entity_ref.clone()}>
            <IconView icon={Icon::for_kind(&e.kind)} size={16} />
            <Link to={entity_path(&e.entity_ref)}>{e.title.clone().unwrap_or_else(|| e.name.clone())}</Link>
            <span class="muted small">{kind_label(&e.kind)}{e.spec_type.as_ref().map(|t| format!(" · {t}")).unwrap_or_default()}</span>
            {action}
        </li>
    }
}

/// The user's starred entities, with unstar.
#[component(Starred)]
fn starred() -> Html {
    let shell = backlot_plugin_api::use_shell();
    let starred = use_command(shell.catalog_version, |_| GetStarred {});
    let changed = shell.catalog_changed.clone();
    let set_starred = use_command_callback::<SetStarred>(Callback::from(move |_| changed.emit(())));
    let unstar = |entity_ref: &str| {
        let (set_starred, entity_ref) = (set_starred.clone(), entity_ref.to_string());
        let label = format!("Unstar {entity_ref}");
        let onclick = Callback::from(move |_| {
            set_starred.emit(SetStarred {
                entity_ref: entity_ref.clone(),
                starred: false,
            })
        });
        html! {
            <button type="button" class="star starred" aria-label={label.clone()} title={label} {onclick}>
                <IconView icon={Icon::Star} size={14} />
            </button>
        }
    };
    html! {
        <Card title="Starred" class="home-starred">
            { match starred.data() {
                None => html! {},
                Some(s) if s.items.is_empty() => html! {
                    <p class="muted">{"Star entities from the catalog or their pages to keep them here."}</p>
                },
                Some(s) => html! {
                    <ul class="entity-list" data-testid="starred-list">
                        { for s.items.iter().map(|e| entity_row(e, unstar(&e.entity_ref))) }
                    </ul>
                },
            } }
        </Card>
    }
}

/// The entities whose pages were opened last.
#[component(Recent)]
fn recent() -> Html {
    let version = use_catalog_version();
    // Visits happen on other pages: re-read whenever Home is shown again.
    let location = yew_router::hooks::use_location().map(|l| l.path().to_string());
    let recent = use_command((version, location), |_| GetRecent { limit: 8 });
    html! {
        <Card title="Recently visited" class="home-recent">
            { match recent.data() {
                None => html! {},
                Some(items) if items.is_empty() => html! { <p class="muted">{"Entities you open show up here."}</p> },
                Some(items) => html! {
                    <ul class="entity-list" data-testid="recent-list">
                        { for items.iter().map(|e| entity_row(e, html! {})) }
                    </ul>
                },
            } }
        </Card>
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
