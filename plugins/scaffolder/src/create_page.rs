//! `/create`: every template as a card (title, description, owner, tags, type; local or
//! team), filtered by type, tag and owner chips and a search box, and the last runs.

use std::collections::BTreeSet;

use backlot_plugin_api::components::{EmptyState, ErrorBanner, Spinner};
use backlot_plugin_api::{Icon, Link, use_catalog_version, use_command};
use backlot_scaffolder_common::ipc::{ListRuns, ListTemplates, RunStatus, TemplateSummary};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::template_link;

#[derive(Clone, Default, PartialEq)]
struct Filters {
    text: String,
    template_type: Option<String>,
    tag: Option<String>,
    owner: Option<String>,
}

impl Filters {
    fn keeps(&self, t: &TemplateSummary) -> bool {
        let needle = self.text.trim().to_lowercase();
        (needle.is_empty()
            || [Some(&t.name), t.title.as_ref(), t.description.as_ref()]
                .into_iter()
                .flatten()
                .chain(t.tags.iter())
                .any(|s| s.to_lowercase().contains(&needle)))
            && self
                .template_type
                .as_ref()
                .is_none_or(|ty| t.template_type.as_ref() == Some(ty))
            && self.tag.as_ref().is_none_or(|tag| t.tags.contains(tag))
            && self
                .owner
                .as_ref()
                .is_none_or(|o| t.owner.as_ref() == Some(o))
    }
}

#[component(CreatePage)]
pub fn create_page() -> Html {
    let version = use_catalog_version();
    let templates = use_command(version, |_| ListTemplates {});
    let runs = use_command((), |_| ListRuns {});
    let filters = use_state(Filters::default);
    let oninput = {
        let filters = filters.clone();
        Callback::from(move |e: InputEvent| {
            filters.set(Filters {
                text: e.target_unchecked_into::<HtmlInputElement>().value(),
                ..(*filters).clone()
            })
        })
    };
    let body = match templates.result() {
        None => html! { <Spinner /> },
        Some(Err(e)) => html! { <ErrorBanner error={e.clone()} /> },
        Some(Ok(all)) if all.is_empty() => html! {
            <EmptyState title="No templates yet" icon={Icon::Template}
                message="Templates are catalog entities of kind Template (scaffolder.backstage.io/v1beta3): add one to a catalog file you opened, or sync a team backend that has some." />
        },
        Some(Ok(all)) => {
            let shown: Vec<&TemplateSummary> = all.iter().filter(|t| filters.keeps(t)).collect();
            html! {
                <>
                    { facets(all, &filters) }
                    <p class="muted small" data-testid="template-count">{format!("{} of {} templates", shown.len(), all.len())}</p>
                    <ul class="template-cards">
                        { for shown.iter().map(|t| card(t)) }
                    </ul>
                </>
            }
        }
    };
    html! {
        <div class="page create-page">
            <div class="page-header">
                <h1 class="page-title">{"Create"}</h1>
                <input class="input" type="search" name="template-filter" placeholder="Search templates"
                       aria-label="Search templates" value={filters.text.clone()} {oninput} />
            </div>
            <p class="muted">{"Start a new component from one of your organization's templates: fill in the form, look at what it would produce, then create it in a folder or on GitHub."}</p>
            { body }
            if let Some(Ok(runs)) = runs.result() {
                if !runs.is_empty() {
                    <h2 class="section-title">{"Recent runs"}</h2>
                    <ul class="run-list" data-testid="runs">
                        { for runs.iter().map(|r| html! {
                            <li class="run-list-item" data-status={status_label(r.status)}>
                                <Link to={format!("/create/runs/{}", r.id)}>{r.template_title.clone()}</Link>
                                <span class={classes!("badge", status_class(r.status))}>{status_label(r.status)}</span>
                            </li>
                        }) }
                    </ul>
                }
            }
        </div>
    }
}

pub fn status_label(s: RunStatus) -> &'static str {
    match s {
        RunStatus::Running => "running",
        RunStatus::Completed => "completed",
        RunStatus::Failed => "failed",
        RunStatus::Cancelled => "cancelled",
    }
}

pub fn status_class(s: RunStatus) -> &'static str {
    match s {
        RunStatus::Completed => "badge-ok",
        RunStatus::Failed => "badge-error",
        _ => "",
    }
}

/// One chip row per facet (type, tag, owner) with what the templates have.
fn facets(all: &[TemplateSummary], filters: &UseStateHandle<Filters>) -> Html {
    let values = |get: fn(&TemplateSummary) -> Vec<String>| -> Vec<String> {
        all.iter()
            .flat_map(get)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let row = |label: &'static str,
               options: Vec<String>,
               current: Option<String>,
               set: fn(&mut Filters, Option<String>)| {
        if options.is_empty() {
            return html! {};
        }
        html! {
            <div class="chip-row" role="group" aria-label={label} data-facet={label}>
                <span class="muted small">{label}</span>
                { for options.into_iter().map(|o| {
                    let selected = current.as_ref() == Some(&o);
                    let filters = filters.clone();
                    let value = o.clone();
                    let onclick = Callback::from(move |_| {
                        let mut next = (*filters).clone();
                        set(&mut next, (!selected).then(|| value.clone()));
                        filters.set(next);
                    });
                    html! {
                        <button type="button" class={classes!("chip", selected.then_some("selected"))}
                                aria-pressed={selected.to_string()} data-value={o.clone()} {onclick}>{o}</button>
                    }
                }) }
            </div>
        }
    };
    html! {
        <div class="template-facets">
            { row("Type", values(|t| t.template_type.iter().cloned().collect()), filters.template_type.clone(), |f, v| f.template_type = v) }
            { row("Tag", values(|t| t.tags.clone()), filters.tag.clone(), |f, v| f.tag = v) }
            { row("Owner", values(|t| t.owner.iter().cloned().collect()), filters.owner.clone(), |f, v| f.owner = v) }
        </div>
    }
}

fn card(t: &TemplateSummary) -> Html {
    html! {
        <li class="template-card card" data-ref={t.entity_ref.clone()}>
            <div class="template-card-head">
                <Link to={template_link(&t.entity_ref)} class="template-card-title">
                    {t.title.clone().unwrap_or_else(|| t.name.clone())}
                </Link>
                if let Some(ty) = &t.template_type { <span class="badge">{ty.clone()}</span> }
                if t.from_team { <span class="badge badge-ok" title="From the team backend">{"team"}</span> }
            </div>
            if let Some(d) = &t.description { <p class="small">{d.clone()}</p> }
            <div class="template-card-foot small">
                if let Some(o) = &t.owner { <span class="muted">{format!("Owner: {o}")}</span> }
                { for t.tags.iter().map(|tag| html! { <span class="tag">{tag.clone()}</span> }) }
            </div>
            <Link to={template_link(&t.entity_ref)} class="button button-secondary">{"Choose"}</Link>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_combine_text_type_tag_and_owner() {
        let t = TemplateSummary {
            name: "new-service".into(),
            title: Some("New service".into()),
            description: Some("A Rust web service".into()),
            template_type: Some("service".into()),
            tags: vec!["rust".into()],
            owner: Some("group:default/platform".into()),
            ..TemplateSummary::default()
        };
        let f = |text: &str, ty: Option<&str>, tag: Option<&str>| Filters {
            text: text.into(),
            template_type: ty.map(Into::into),
            tag: tag.map(Into::into),
            owner: None,
        };
        assert!(f("", None, None).keeps(&t));
        assert!(f("web", Some("service"), Some("rust")).keeps(&t));
        assert!(f("RUST", None, None).keeps(&t));
        assert!(!f("java", None, None).keeps(&t));
        assert!(!f("", Some("website"), None).keeps(&t));
        assert!(!f("", None, Some("go")).keeps(&t));
    }
}
