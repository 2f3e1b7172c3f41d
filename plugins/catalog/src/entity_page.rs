//! `/catalog/:namespace/:kind/:name`: one entity — header, About, relations, where it came
//! from (and the team copy a local file hides), and the tabs other plugins contribute.

use std::collections::BTreeMap;

use backlot_model::ApiError;
use backlot_model::entity::Entity;
use backlot_model::ipc::{EntityView, GetEntity};
use backlot_model::query::EntitySummary;
use backlot_plugin_api::components::{Card, EmptyState, ErrorBanner, Spinner, kind_label};
use backlot_plugin_api::routing::{RouteMatch, entity_path};
use backlot_plugin_api::{EntityContext, Icon, IconView, Link, use_backend, use_catalog_version, use_shell};
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EntityPageProps {
    pub route: RouteMatch,
}

#[component(EntityPage)]
pub fn entity_page(props: &EntityPageProps) -> Html {
    let backend = use_backend();
    let version = use_catalog_version();
    let entity_ref =
        format!("{}:{}/{}", props.route.param("kind"), props.route.param("namespace"), props.route.param("name"));
    let view = use_state(|| None::<Result<EntityView, ApiError>>);
    {
        let view = view.clone();
        use_effect_with((entity_ref.clone(), version), move |(entity_ref, _)| {
            let entity_ref = entity_ref.clone();
            view.set(None);
            spawn_local(async move { view.set(Some(backend.call(GetEntity { entity_ref }).await)) });
        });
    }
    match &*view {
        None => html! { <Spinner /> },
        Some(Err(e)) if e.code == backlot_model::ErrorCode::NotFound => html! {
            <EmptyState title="No such entity" icon={Icon::Warning}
                message={format!("{entity_ref} is not in the catalog. It may have been removed, or the link is wrong.")}>
                <Link to="/catalog" class="button">{"Back to the catalog"}</Link>
            </EmptyState>
        },
        Some(Err(e)) => html! { <ErrorBanner error={e.clone()} /> },
        Some(Ok(view)) => html! { <EntityBody view={view.clone()} tab={props.route.query("tab").map(str::to_string)} /> },
    }
}

#[derive(Properties, PartialEq)]
struct EntityBodyProps {
    view: EntityView,
    tab: Option<String>,
}

#[component(EntityBody)]
fn entity_body(props: &EntityBodyProps) -> Html {
    let shell = use_shell();
    let entity = &props.view.details.entity;
    let entity_ref = entity.entity_ref().key();
    let context = EntityContext {
        entity_ref: entity_ref.clone(),
        entity: serde_json::to_value(entity).unwrap_or_default(),
    };
    let tabs: Vec<_> = shell.entity_tabs.iter().filter(|t| (t.applies_to)(&context)).collect();
    let active = props.tab.as_deref().and_then(|id| tabs.iter().find(|t| t.id == id));
    let base = entity_path(&entity_ref);
    html! {
        <div class="page entity-page" data-ref={entity_ref.clone()}>
            { header(entity, &entity_ref) }
            { source_notice(&props.view) }
            <nav class="tabs" aria-label="Entity sections">
                <Link to={base.clone()} class={classes!("tab", active.is_none().then_some("active"))}>{"Overview"}</Link>
                { for tabs.iter().map(|t| html! {
                    <Link to={format!("{base}?tab={}", t.id)}
                          class={classes!("tab", active.is_some_and(|a| a.id == t.id).then_some("active"))}>{t.title}</Link>
                }) }
            </nav>
            { match active {
                Some(tab) => (tab.render)(&context),
                None => html! {
                    <div class="entity-grid">
                        { about(entity, &props.view.details.related) }
                        { relations(entity, &props.view.details.related) }
                        { for shell.entity_cards.iter().filter(|c| (c.applies_to)(&context)).map(|c| html! {
                            <Card title={c.title}>{(c.render)(&context)}</Card>
                        }) }
                    </div>
                },
            } }
        </div>
    }
}

fn spec_str<'a>(entity: &'a Entity, field: &str) -> Option<&'a str> {
    entity.spec.as_ref()?.get(field)?.as_str()
}

fn header(entity: &Entity, entity_ref: &str) -> Html {
    let m = &entity.metadata;
    html! {
        <header class="entity-header">
            <IconView icon={Icon::for_kind(&entity.kind)} size={30} />
            <div>
                <h2>{m.title.clone().unwrap_or_else(|| m.name.clone())}</h2>
                <div class="entity-subtitle">
                    <code>{entity_ref}</code>
                    <span class="badge">{kind_label(&entity.kind)}</span>
                    if let Some(lifecycle) = spec_str(entity, "lifecycle") {
                        <span class={classes!("badge", format!("lifecycle-{lifecycle}"))}>{lifecycle}</span>
                    }
                    { for m.tags.iter().map(|t| html! { <span class="tag">{t}</span> }) }
                </div>
            </div>
        </header>
    }
}

fn source_notice(view: &EntityView) -> Html {
    html! {
        <>
            <p class="muted small" data-testid="entity-source">
                { if view.from_team { "From the team backend" } else { "From a local catalog file" } }
            </p>
            if let Some(team) = &view.shadowed_team_copy {
                <div class="banner banner-info" data-testid="shadow-notice">
                    <IconView icon={Icon::Info} />
                    <span class="banner-message">
                        {"This local entity shadows the team backend's copy of the same ref."}
                    </span>
                </div>
                <details class="team-copy">
                    <summary>{"Show the team version"}</summary>
                    <pre>{serde_json::to_string_pretty(team).unwrap_or_default()}</pre>
                </details>
            }
        </>
    }
}

/// A link to a related entity, titled from its summary when we have one.
fn entity_link(target: &str, related: &[EntitySummary]) -> Html {
    let summary = related.iter().find(|s| s.entity_ref == target);
    let label = summary
        .map(|s| s.title.clone().unwrap_or_else(|| s.name.clone()))
        .unwrap_or_else(|| target.split_once(':').map_or(target, |(_, r)| r).trim_start_matches("default/").to_string());
    if summary.is_some() {
        html! { <Link to={entity_path(target)} class="entity-link">{label}</Link> }
    } else {
        // Not in the catalog (a dangling reference): shown, not linked.
        html! { <span class="entity-link missing" title={format!("{target} is not in the catalog")}>{label}</span> }
    }
}

fn about(entity: &Entity, related: &[EntitySummary]) -> Html {
    let m = &entity.metadata;
    let relation = |t: &str| entity.relations.iter().filter(|r| r.relation_type == t).map(|r| r.target_ref.clone()).collect::<Vec<_>>();
    let row = |label: &str, value: Html| html! { <><dt>{label.to_string()}</dt><dd>{value}</dd></> };
    let links = |targets: Vec<String>| -> Html {
        if targets.is_empty() {
            html! { <span class="muted">{"—"}</span> }
        } else {
            targets.iter().map(|t| entity_link(t, related)).collect::<Html>()
        }
    };
    html! {
        <Card title="About" class="about">
            if let Some(description) = &m.description { <p class="description-text">{description}</p> }
            <dl class="facts">
                { row("Owner", links(relation("ownedBy"))) }
                { row("System", links(relation("partOf").into_iter().filter(|r| r.starts_with("system:")).collect())) }
                { row("Domain", links(relation("partOf").into_iter().filter(|r| r.starts_with("domain:")).collect())) }
                { row("Type", html! { {spec_str(entity, "type").unwrap_or("—")} }) }
                { row("Lifecycle", html! { {spec_str(entity, "lifecycle").unwrap_or("—")} }) }
            </dl>
            if !m.links.is_empty() {
                <ul class="links">
                    { for m.links.iter().map(|l| html! {
                        <li><a href={l.url.clone()} target="_blank" rel="noreferrer">{l.title.clone().unwrap_or_else(|| l.url.clone())}</a></li>
                    }) }
                </ul>
            }
        </Card>
    }
}

fn relations(entity: &Entity, related: &[EntitySummary]) -> Html {
    let mut by_type: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in &entity.relations {
        by_type.entry(r.relation_type.as_str()).or_default().push(r.target_ref.as_str());
    }
    html! {
        <Card title="Relations" class="relations">
            if by_type.is_empty() {
                <p class="muted">{"No relations."}</p>
            } else {
                <dl class="facts">
                    { for by_type.iter().map(|(t, targets)| html! {
                        <>
                            <dt>{*t}</dt>
                            <dd data-relation={t.to_string()}>{ for targets.iter().map(|target| entity_link(target, related)) }</dd>
                        </>
                    }) }
                </dl>
            }
        </Card>
    }
}
