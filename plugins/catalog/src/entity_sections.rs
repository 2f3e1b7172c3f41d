//! The Overview's cards: About, processing errors, the sections a kind calls for (a system's
//! parts, an API's providers and consumers, a group's members…), and every relation by type.

use std::collections::BTreeMap;

use backlot_model::entity::Entity;
use backlot_model::ingest::IngestProblem;
use backlot_model::query::EntitySummary;
use backlot_plugin_api::components::{Card, ExternalLink, kind_label};
use backlot_plugin_api::routing::entity_path;
use backlot_plugin_api::{Icon, IconView, Link};
use yew::prelude::*;

use crate::entity_page::spec_str;

/// A link to a related entity, titled from its summary when we have one.
pub fn entity_link(target: &str, related: &[EntitySummary]) -> Html {
    let summary = related.iter().find(|s| s.entity_ref == target);
    let label = summary
        .map(|s| s.title.clone().unwrap_or_else(|| s.name.clone()))
        .unwrap_or_else(|| {
            target
                .split_once(':')
                .map_or(target, |(_, r)| r)
                .trim_start_matches("default/")
                .to_string()
        });
    if summary.is_some() {
        html! { <Link to={entity_path(target)} class="entity-link">{label}</Link> }
    } else {
        // Not in the catalog (a dangling reference): shown, not linked.
        html! { <span class="entity-link missing" title={format!("{target} is not in the catalog")}>{label}</span> }
    }
}

fn targets(entity: &Entity, relation: &str) -> Vec<String> {
    entity
        .relations
        .iter()
        .filter(|r| r.relation_type == relation)
        .map(|r| r.target_ref.clone())
        .collect()
}

pub fn about(entity: &Entity, related: &[EntitySummary]) -> Html {
    let m = &entity.metadata;
    let row =
        |label: &str, value: Html| html! { <><dt>{label.to_string()}</dt><dd>{value}</dd></> };
    let links = |targets: Vec<String>| -> Html {
        if targets.is_empty() {
            html! { <span class="muted">{"—"}</span> }
        } else {
            targets
                .iter()
                .map(|t| entity_link(t, related))
                .collect::<Html>()
        }
    };
    let part_of = |kind: &str| {
        targets(entity, "partOf")
            .into_iter()
            .filter(|r| r.starts_with(kind))
            .collect::<Vec<_>>()
    };
    html! {
        <Card title="About" class="about">
            if let Some(description) = &m.description { <p class="description-text">{description}</p> }
            <dl class="facts">
                { row("Owner", links(targets(entity, "ownedBy"))) }
                { row("System", links(part_of("system:"))) }
                { row("Domain", links(part_of("domain:"))) }
                { row("Type", html! { {spec_str(entity, "type").unwrap_or("—")} }) }
                { row("Lifecycle", html! { {spec_str(entity, "lifecycle").unwrap_or("—")} }) }
                { row("Tags", if m.tags.is_empty() {
                    html! { <span class="muted">{"—"}</span> }
                } else {
                    m.tags.iter().map(|t| html! { <span class="tag">{t}</span> }).collect::<Html>()
                }) }
            </dl>
            if !m.links.is_empty() {
                <ul class="links">
                    { for m.links.iter().map(|l| html! {
                        <li><ExternalLink href={l.url.clone()}>{l.title.clone().unwrap_or_else(|| l.url.clone())}</ExternalLink></li>
                    }) }
                </ul>
            }
        </Card>
    }
}

/// What went wrong in the entity's catalog file at its last ingestion.
pub fn problems(problems: &[IngestProblem]) -> Html {
    if problems.is_empty() {
        return html! {};
    }
    html! {
        <Card title="Processing errors" class="problems">
            <p class="muted small">{"The last ingestion of this entity's catalog file reported these problems (other documents of the file may be affected):"}</p>
            <ul class="problem-list">
                { for problems.iter().map(|p| {
                    let place = match (p.line, p.column) {
                        (Some(l), Some(c)) => format!("{}:{l}:{c}", p.file),
                        (Some(l), None) => format!("{}:{l}", p.file),
                        _ => p.file.clone(),
                    };
                    html! {
                        <li>
                            <IconView icon={Icon::Warning} size={14} />
                            <code class="problem-place">{place}</code>
                            if let Some(field) = &p.field { <code>{field}</code> }
                            <span>{&p.message}</span>
                        </li>
                    }
                }) }
            </ul>
        </Card>
    }
}

/// Rows a related-entities table shows before "Show all".
const RELATED_SHOWN: usize = 25;
/// Links per relation type before "+N more".
const RELATION_LINKS_SHOWN: usize = 30;

#[derive(Properties, PartialEq)]
struct RelatedTableProps {
    title: AttrValue,
    id: AttrValue,
    refs: Vec<String>,
    related: std::rc::Rc<Vec<EntitySummary>>,
}

/// A titled table of related entities (a system's components, a group's members…); long
/// lists show their first rows and a button for the rest.
#[component(RelatedTable)]
fn related_table(props: &RelatedTableProps) -> Html {
    let all = use_state(|| false);
    let refs = &props.refs;
    let related = props.related.as_slice();
    let shown = if *all {
        refs.len()
    } else {
        refs.len().min(RELATED_SHOWN)
    };
    let show_all = {
        let all = all.clone();
        Callback::from(move |_| all.set(true))
    };
    html! {
        <Card title={format!("{} ({})", props.title, refs.len())} class={classes!("related", format!("related-{}", props.id))}>
            <table class="table compact related-table" data-section={props.id.clone()}>
                <thead><tr><th>{"Name"}</th><th>{"Kind"}</th><th>{"Type"}</th><th>{"Lifecycle"}</th><th>{"Description"}</th></tr></thead>
                <tbody>
                    { for refs[..shown].iter().map(|r| {
                        let s = related.iter().find(|s| s.entity_ref == *r);
                        html! {
                            <tr data-ref={r.clone()}>
                                <td>{ entity_link(r, related) }</td>
                                <td>{ s.map(|s| kind_label(&s.kind).to_string()).unwrap_or_default() }</td>
                                <td>{ s.and_then(|s| s.spec_type.clone()).unwrap_or_default() }</td>
                                <td>{ s.and_then(|s| s.lifecycle.clone()).unwrap_or_default() }</td>
                                <td class="description">{ s.and_then(|s| s.description.clone()).unwrap_or_default() }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            if shown < refs.len() {
                <button type="button" class="link-button show-all" onclick={show_all}>{format!("Show all {}", refs.len())}</button>
            }
        </Card>
    }
}

/// Sections by kind, from the entity's relations (both directions are in its relation list).
pub fn kind_sections(entity: &Entity, related: &[EntitySummary]) -> Html {
    let of_kind = |relation: &str, kind: &str| -> Vec<String> {
        targets(entity, relation)
            .into_iter()
            .filter(|r| r.starts_with(&format!("{kind}:")))
            .collect()
    };
    let sections: Vec<(&str, &str, Vec<String>)> = match entity.kind.to_ascii_lowercase().as_str() {
        "system" => vec![
            ("Components", "components", of_kind("hasPart", "component")),
            ("APIs", "apis", of_kind("hasPart", "api")),
            ("Resources", "resources", of_kind("hasPart", "resource")),
        ],
        "domain" => vec![("Systems", "systems", of_kind("hasPart", "system"))],
        "api" => vec![
            ("Providers", "providers", targets(entity, "apiProvidedBy")),
            ("Consumers", "consumers", targets(entity, "apiConsumedBy")),
        ],
        "group" => vec![
            ("Parent", "parent", targets(entity, "childOf")),
            ("Child groups", "children", targets(entity, "parentOf")),
            ("Members", "members", targets(entity, "hasMember")),
            ("Owns", "owns", targets(entity, "ownerOf")),
        ],
        "user" => vec![
            ("Groups", "groups", targets(entity, "memberOf")),
            ("Owns", "owns", targets(entity, "ownerOf")),
        ],
        "component" | "resource" => vec![
            (
                "Subcomponents",
                "subcomponents",
                of_kind("hasPart", "component"),
            ),
            ("Depends on", "depends-on", targets(entity, "dependsOn")),
            (
                "Depended on by",
                "dependents",
                targets(entity, "dependencyOf"),
            ),
        ],
        _ => Vec::new(),
    };
    let related = std::rc::Rc::new(related.to_vec());
    sections
        .into_iter()
        .filter(|(_, _, refs)| !refs.is_empty())
        .map(|(title, id, refs)| {
            html! {
                <RelatedTable key={id} title={title} id={id} {refs} related={related.clone()} />
            }
        })
        .collect()
}

pub fn relations(entity: &Entity, related: &[EntitySummary]) -> Html {
    let mut by_type: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in &entity.relations {
        by_type
            .entry(r.relation_type.as_str())
            .or_default()
            .push(r.target_ref.as_str());
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
                            <dd data-relation={t.to_string()}>
                                { for targets.iter().take(RELATION_LINKS_SHOWN).map(|target| entity_link(target, related)) }
                                if targets.len() > RELATION_LINKS_SHOWN {
                                    <span class="muted small">{format!("and {} more", targets.len() - RELATION_LINKS_SHOWN)}</span>
                                }
                            </dd>
                        </>
                    }) }
                </dl>
            }
        </Card>
    }
}
