//! `/catalog/:namespace/:kind/:name`: one entity — header with star and source links, where it
//! came from (and the team copy a local file hides), the Overview (About, kind-specific
//! sections, relations, processing errors, plugin cards) and the tabs other plugins contribute.

use backlot_model::entity::Entity;
use backlot_model::ipc::{EntityView, GetEntity, RecordVisit};
use backlot_plugin_api::components::{
    Card, EmptyState, ErrorBanner, ExternalLink, Spinner, kind_label,
};
use backlot_plugin_api::routing::{RouteMatch, build_query, entity_path};
use backlot_plugin_api::{
    EntityContext, Icon, IconView, Link, use_catalog_version, use_command, use_shell,
};
use yew::prelude::*;

use crate::entity_sections::{about, kind_sections, problems, relations};
use crate::index_page::use_starred;
use crate::perf;
use crate::table::{short_ref, star_button};

#[derive(Properties, PartialEq)]
pub struct EntityPageProps {
    pub route: RouteMatch,
}

#[component(EntityPage)]
pub fn entity_page(props: &EntityPageProps) -> Html {
    let entity_ref = format!(
        "{}:{}/{}",
        props.route.param("kind"),
        props.route.param("namespace"),
        props.route.param("name")
    );
    // Keyed by the ref: another entity starts afresh (a spinner), while a reload of the same
    // entity (the catalog changed) keeps showing the old answer until the new one is in.
    html! {
        <EntityLoader key={entity_ref.clone()} entity_ref={entity_ref.clone()} tab={props.route.query("tab").map(str::to_string)} />
    }
}

#[derive(Properties, PartialEq)]
struct EntityLoaderProps {
    entity_ref: String,
    tab: Option<String>,
}

#[component(EntityLoader)]
fn entity_loader(props: &EntityLoaderProps) -> Html {
    let version = use_catalog_version();
    let entity_ref = props.entity_ref.clone();
    let view = use_command((entity_ref.clone(), version), |(entity_ref, _)| GetEntity {
        entity_ref: entity_ref.clone(),
    });
    // Recorded once per entity shown; the answer is not needed.
    let _visit = use_command(entity_ref.clone(), |entity_ref| RecordVisit {
        entity_ref: entity_ref.clone(),
    });
    match view.result() {
        None => html! { <Spinner /> },
        Some(Err(e)) if e.code == backlot_model::ErrorCode::NotFound => html! {
            <EmptyState title="No such entity" icon={Icon::Warning}
                message={format!("{entity_ref} is not in the catalog. It may have been removed, or the link is wrong.")}>
                <Link to="/catalog" class="button">{"Back to the catalog"}</Link>
            </EmptyState>
        },
        Some(Err(e)) => html! { <ErrorBanner error={e.clone()} /> },
        Some(Ok(view)) => html! { <EntityBody view={view.clone()} tab={props.tab.clone()} /> },
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
    let (starred, on_star) = use_starred();
    let entity = &props.view.details.entity;
    let related = &props.view.details.related;
    let entity_ref = entity.entity_ref().key();
    let context = EntityContext {
        entity_ref: entity_ref.clone(),
        entity: serde_json::to_value(entity).unwrap_or_default(),
    };
    let tabs: Vec<_> = shell
        .entity_tabs
        .iter()
        .filter(|t| (t.applies_to)(&context))
        .collect();
    let active = props
        .tab
        .as_deref()
        .and_then(|id| tabs.iter().find(|t| t.id == id));
    let base = entity_path(&entity_ref);
    // The page is painted with this entity: for the benchmark (which marks `entity:open` just
    // before following a link).
    use_effect_with(entity_ref.clone(), |_| {
        perf::after_paint(|| perf::measure("entity:open-to-paint", "entity:open"));
    });
    html! {
        <div class="page entity-page" data-ref={entity_ref.clone()}>
            { header(entity, &entity_ref, starred.contains(&entity_ref), &on_star) }
            if props.view.from_team {
                <crate::team_actions::TeamActions entity_ref={entity_ref.clone()} />
            }
            { source_notice(&props.view) }
            <nav class="tabs" aria-label="Entity sections">
                <Link to={base.clone()} class={classes!("tab", (active.is_none() && props.tab.as_deref() != Some("graph")).then_some("active"))}>{"Overview"}</Link>
                <Link to={format!("{base}?tab=graph")} class={classes!("tab", (props.tab.as_deref() == Some("graph")).then_some("active"))}>{"Graph"}</Link>
                { for tabs.iter().map(|t| html! {
                    <Link to={format!("{base}?tab={}", t.id)}
                          class={classes!("tab", active.is_some_and(|a| a.id == t.id).then_some("active"))}>{t.title}</Link>
                }) }
            </nav>
            { match active {
                Some(tab) => (tab.render)(&context),
                None if props.tab.as_deref() == Some("graph") => html! { <crate::graph::RelationGraph entity_ref={entity_ref.clone()} /> },
                None => html! {
                    <div class="entity-grid">
                        { about(entity, related) }
                        { problems(&props.view.problems) }
                        { kind_sections(entity, related) }
                        { relations(entity, related) }
                        { for shell.entity_cards.iter().filter(|c| (c.applies_to)(&context)).map(|c| html! {
                            <Card title={c.title} class={classes!("plugin-card", format!("card-{}", c.id))}>{(c.render)(&context)}</Card>
                        }) }
                    </div>
                },
            } }
        </div>
    }
}

pub(crate) fn spec_str<'a>(entity: &'a Entity, field: &str) -> Option<&'a str> {
    entity.spec.as_ref()?.get(field)?.as_str()
}

/// Where the descriptor can be read or edited, from Backstage's annotations.
fn source_links(entity: &Entity) -> Vec<(&'static str, String)> {
    let a = &entity.metadata.annotations;
    let location = [
        "backstage.io/source-location",
        "backstage.io/managed-by-origin-location",
    ]
    .iter()
    .find_map(|k| a.get(*k))
    .and_then(|l| l.strip_prefix("url:"))
    .map(str::to_string);
    let view = a.get("backstage.io/view-url").cloned().or(location);
    let edit = a.get("backstage.io/edit-url").cloned();
    let mut links = Vec::new();
    if let Some(v) = view.filter(|u| u.starts_with("http")) {
        links.push(("View source", v));
    }
    if let Some(e) = edit.filter(|u| u.starts_with("http")) {
        links.push(("Edit", e));
    }
    links
}

fn header(
    entity: &Entity,
    entity_ref: &str,
    starred: bool,
    on_star: &Callback<(String, bool)>,
) -> Html {
    let m = &entity.metadata;
    let owner = entity
        .relations
        .iter()
        .find(|r| r.relation_type == "ownedBy")
        .map(|r| r.target_ref.clone());
    html! {
        <header class="entity-header">
            <IconView icon={Icon::for_kind(&entity.kind)} size={30} />
            <div class="entity-heading">
                <div class="entity-title-line">
                    <h2>{m.title.clone().unwrap_or_else(|| m.name.clone())}</h2>
                    { star_button(entity_ref, starred, on_star) }
                </div>
                <div class="entity-subtitle">
                    <code>{entity_ref}</code>
                    <span class="badge">{kind_label(&entity.kind)}</span>
                    if let Some(owner) = owner {
                        <span class="entity-owner" data-testid="header-owner">{"Owner "}
                            <Link to={entity_path(&owner)}>{short_ref(&owner).to_string()}</Link>
                        </span>
                    }
                    if let Some(lifecycle) = spec_str(entity, "lifecycle") {
                        <span class={classes!("badge", format!("lifecycle-{lifecycle}"))}>{lifecycle}</span>
                    }
                    { for m.tags.iter().map(|t| html! {
                        <Link to={format!("/catalog{}", build_query([("tag", t.as_str())]))} class="tag">{t}</Link>
                    }) }
                </div>
            </div>
            <div class="entity-actions">
                { for source_links(entity).into_iter().map(|(label, url)| html! {
                    <ExternalLink class="button button-secondary" href={url}>{label}</ExternalLink>
                }) }
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
