//! The "API" tab: the definition rendered for its type, or as highlighted source, or — when
//! it cannot be read — the error with its line above the raw source. Never blank.

mod asyncapi;
pub mod common;
mod graphql;
mod openapi;

use std::rc::Rc;

use backlot_plugin_api::components::EmptyState;
use backlot_plugin_api::{EntityContext, Icon, IconView};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::model::{self, Loaded, Outcome};
use common::SourceView;

#[derive(Properties, PartialEq)]
pub struct ApiTabProps {
    pub entity: EntityContext,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Rendered,
    Source,
}

/// The API tab of an API entity.
#[component(ApiTab)]
pub fn api_tab(props: &ApiTabProps) -> Html {
    let loaded = use_memo(props.entity.entity.clone(), model::load);
    html! { <ApiDefinition loaded={loaded} /> }
}

#[derive(Properties, PartialEq)]
pub struct ApiDefinitionProps {
    pub loaded: Rc<Loaded>,
}

fn format_label(outcome: &Outcome, loaded: &Loaded) -> String {
    match outcome {
        Outcome::OpenApi(api) => api.spec_version.clone(),
        Outcome::AsyncApi(api) => api.spec_version.clone(),
        Outcome::GraphQl(_) => "GraphQL".into(),
        Outcome::Protobuf(_) => "protobuf".into(),
        _ if loaded.api_type.is_empty() => loaded.language.label().into(),
        _ => loaded.api_type.clone(),
    }
}

fn data_format(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Missing => "missing",
        Outcome::Remote(_) => "remote",
        Outcome::OpenApi(_) => "openapi",
        Outcome::AsyncApi(_) => "asyncapi",
        Outcome::GraphQl(_) => "graphql",
        Outcome::Protobuf(_) => "protobuf",
        Outcome::Source => "source",
        Outcome::Failed(_) => "error",
    }
}

/// A loaded definition, with the rendered/source switch and the filter box.
#[component(ApiDefinition)]
pub fn api_definition(props: &ApiDefinitionProps) -> Html {
    let mode = use_state(|| Mode::Rendered);
    let filter = use_state(String::new);
    let raw: Rc<str> = use_memo(props.loaded.clone(), |l| Rc::<str>::from(l.raw.as_str()))
        .as_ref()
        .clone();
    let loaded = &props.loaded;
    let outcome = &loaded.outcome;
    let renderable = matches!(
        outcome,
        Outcome::OpenApi(_) | Outcome::AsyncApi(_) | Outcome::GraphQl(_)
    );
    let filterable = renderable && *mode == Mode::Rendered;

    let body = match outcome {
        Outcome::Missing => html! {
            <EmptyState title="No definition" icon={Icon::Api}
                message="This API's descriptor has no spec.definition to show." />
        },
        Outcome::Remote(url) => html! {
            <EmptyState title="Definition not fetched" icon={Icon::Info}
                message={format!("The definition lives at {url}. Backlot reads catalogs offline, so remote $text definitions are not fetched at ingestion; add the file next to the descriptor and point $text at it.")} />
        },
        Outcome::Failed(error) => html! {
            <>
                <div class="banner banner-error api-error" role="alert">
                    <IconView icon={Icon::Warning} />
                    <div class="banner-message">
                        <strong>{format!("This {} definition could not be read", if loaded.api_type.is_empty() { "API" } else { &loaded.api_type })}</strong>
                        <div class="api-error-message" data-testid="api-error-message">{error.to_string()}</div>
                        if let Some(line) = error.line() {
                            <div class="api-error-position" data-testid="api-error-line">
                                { match error.column() {
                                    Some(col) => format!("Line {line}, column {col}"),
                                    None => format!("Line {line}"),
                                } }
                            </div>
                        }
                    </div>
                </div>
                <p class="muted small">{"The definition as the catalog holds it:"}</p>
                <SourceView text={raw.clone()} language={loaded.language} error_line={error.line()} />
            </>
        },
        _ if *mode == Mode::Source => {
            html! { <SourceView text={raw.clone()} language={loaded.language} /> }
        }
        Outcome::OpenApi(api) => openapi::view(api, &filter),
        Outcome::AsyncApi(api) => asyncapi::view(api, &filter),
        Outcome::GraphQl(schema) => graphql::view(schema, &filter),
        Outcome::Protobuf(summary) => html! {
            <>
                <div class="proto-summary">
                    if let Some(p) = &summary.package { <p>{"Package "}<code class="proto-package">{p}</code></p> }
                    { for summary.services.iter().map(|s| html! {
                        <div class="proto-service" data-service={s.name.clone()}>
                            <h4>{"service "}{&s.name}</h4>
                            <ul>{ for s.rpcs.iter().map(|r| html! { <li><code class="proto-rpc">{r}</code></li> }) }</ul>
                        </div>
                    }) }
                    if !summary.messages.is_empty() {
                        <p class="muted small">{"Messages: "}{summary.messages.join(", ")}</p>
                    }
                </div>
                <SourceView text={raw.clone()} language={loaded.language} />
            </>
        },
        Outcome::Source => html! { <SourceView text={raw.clone()} language={loaded.language} /> },
    };

    let set_mode = |m: Mode| {
        let mode = mode.clone();
        Callback::from(move |_| mode.set(m))
    };
    let oninput = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                filter.set(input.value());
            }
        })
    };
    html! {
        <div class="api-docs" data-format={data_format(outcome)}>
            <div class="api-toolbar">
                <span class="badge api-format">{format_label(outcome, loaded)}</span>
                if renderable {
                    <div class="segmented" role="group" aria-label="View">
                        <button type="button" class={classes!("segment", (*mode == Mode::Rendered).then_some("selected"))}
                                data-mode="rendered" aria-pressed={(*mode == Mode::Rendered).to_string()} onclick={set_mode(Mode::Rendered)}>{"Rendered"}</button>
                        <button type="button" class={classes!("segment", (*mode == Mode::Source).then_some("selected"))}
                                data-mode="source" aria-pressed={(*mode == Mode::Source).to_string()} onclick={set_mode(Mode::Source)}>{"Source"}</button>
                    </div>
                }
                if filterable {
                    <div class="search-field api-filter">
                        <IconView icon={Icon::Search} size={16} />
                        <input type="search" name="api-filter" placeholder="Filter operations, channels, types"
                               value={(*filter).clone()} {oninput} aria-label="Filter the definition" autocomplete="off" spellcheck="false" />
                    </div>
                }
            </div>
            { body }
        </div>
    }
}
