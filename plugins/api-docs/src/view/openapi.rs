//! OpenAPI / Swagger: info, servers, operations grouped by tag (collapsible), schemas.

use yew::prelude::*;

use super::common::{ExampleView, follow_schema_link, prose, schema_tree, truncated_notice};
use crate::model::openapi::{Body, Media, OpenApi, Operation, Parameter, Response};

pub fn view(api: &OpenApi, filter: &str) -> Html {
    let groups: Vec<_> = api
        .groups
        .iter()
        .map(|g| {
            (
                g,
                g.operations
                    .iter()
                    .filter(|o| {
                        o.matches(filter)
                            || g.name
                                .to_lowercase()
                                .contains(&filter.trim().to_lowercase())
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, ops)| !ops.is_empty())
        .collect();
    let total = api.operations().count();
    html! {
        <div class="openapi" onclick={Callback::from(|e: MouseEvent| if let Some(t) = e.target_dyn_into::<web_sys::Element>() { follow_schema_link(&t) })}
             onkeydown={Callback::from(|e: KeyboardEvent| if e.key() == "Enter" && let Some(t) = e.target_dyn_into::<web_sys::Element>() { follow_schema_link(&t) })}>
            <header class="api-info">
                <div class="api-title-row">
                    <h3 class="api-title">{&api.title}</h3>
                    if let Some(v) = &api.version { <span class="badge">{format!("v{v}")}</span> }
                </div>
                { prose(&api.description) }
                if !api.servers.is_empty() {
                    <div class="api-servers">
                        <span class="muted">{"Servers"}</span>
                        { for api.servers.iter().map(|s| html! { <code class="api-server">{s}</code> }) }
                    </div>
                }
            </header>
            { truncated_notice(api.truncated) }
            if total == 0 {
                <p class="muted">{"This definition declares no operations."}</p>
            } else if groups.is_empty() {
                <p class="muted api-no-match">{"No operation matches the filter."}</p>
            }
            { for groups.iter().map(|(group, ops)| html! {
                <section class="op-group" data-tag={group.name.clone()}>
                    <h3 class="op-group-title">{&group.name}</h3>
                    if let Some(d) = &group.description { <p class="muted op-group-description">{d}</p> }
                    { for ops.iter().map(|op| operation(op)) }
                </section>
            }) }
            if !api.schemas.is_empty() {
                <section class="api-schemas">
                    <h3 class="op-group-title">{"Schemas"}</h3>
                    { for api.schemas.iter().map(|s| {
                        let name = s.name.clone().unwrap_or_default();
                        html! {
                            <details class="schema-def" data-schema={name.clone()}>
                                <summary><span class="schema-def-name">{name}</span><span class="prop-type">{&s.type_label}</span></summary>
                                { schema_tree(s) }
                            </details>
                        }
                    }) }
                </section>
            }
        </div>
    }
}

fn operation(op: &Operation) -> Html {
    html! {
        <details class={classes!("operation", format!("op-{}", op.method), op.deprecated.then_some("deprecated"))}
                 id={op.anchor()} data-method={op.method.clone()} data-path={op.path.clone()}>
            <summary class="operation-summary">
                <span class={classes!("method", format!("method-{}", op.method))}>{op.method.to_uppercase()}</span>
                <code class="op-path">{&op.path}</code>
                if let Some(s) = &op.summary { <span class="op-summary">{s}</span> }
                if op.deprecated { <span class="badge badge-error">{"deprecated"}</span> }
            </summary>
            <div class="operation-body">
                { prose(&op.description) }
                if let Some(id) = &op.operation_id { <p class="muted small">{"Operation ID "}<code class="op-id">{id}</code></p> }
                if !op.parameters.is_empty() {
                    <h4>{"Parameters"}</h4>
                    { parameters(&op.parameters) }
                }
                if let Some(body) = &op.request { { request(body) } }
                if !op.responses.is_empty() {
                    <h4>{"Responses"}</h4>
                    { for op.responses.iter().map(response) }
                }
            </div>
        </details>
    }
}

pub fn parameters(params: &[Parameter]) -> Html {
    html! {
        <table class="table compact api-params">
            <thead><tr><th>{"Name"}</th><th>{"In"}</th><th>{"Type"}</th><th>{"Description"}</th></tr></thead>
            <tbody>
                { for params.iter().map(|p| html! {
                    <tr data-param={p.name.clone()}>
                        <td>
                            <code class="param-name">{&p.name}</code>
                            if p.required { <span class="prop-required">{"required"}</span> }
                            if p.deprecated { <span class="badge badge-error">{"deprecated"}</span> }
                        </td>
                        <td class="param-in">{&p.location}</td>
                        <td class="param-type"><span class="prop-type">{&p.type_label}</span></td>
                        <td>
                            if let Some(d) = &p.description { {d} }
                            if let Some(schema) = &p.schema { { schema_tree(schema) } }
                        </td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

fn request(body: &Body) -> Html {
    html! {
        <div class="api-request">
            <h4>{"Request body"}if body.required { <span class="prop-required">{"required"}</span> }</h4>
            { prose(&body.description) }
            { for body.contents.iter().map(media) }
        </div>
    }
}

fn status_class(status: &str) -> &'static str {
    match status.chars().next() {
        Some('2') => "status-2xx",
        Some('3') => "status-3xx",
        Some('4') => "status-4xx",
        Some('5') => "status-5xx",
        _ => "status-other",
    }
}

fn response(r: &Response) -> Html {
    html! {
        <div class="api-response" data-status={r.status.clone()}>
            <div class="api-response-head">
                <span class={classes!("status", status_class(&r.status))}>{&r.status}</span>
                if let Some(d) = &r.description { <span>{d}</span> }
            </div>
            if !r.headers.is_empty() {
                <div class="api-response-headers">
                    <span class="muted small">{"Headers"}</span>
                    { parameters(&r.headers) }
                </div>
            }
            { for r.contents.iter().map(media) }
        </div>
    }
}

fn media(m: &Media) -> Html {
    html! {
        <div class="api-media" data-content-type={m.content_type.clone()}>
            <code class="content-type">{&m.content_type}</code>
            if let Some(schema) = &m.schema { { schema_tree(schema) } }
            { for m.examples.iter().map(|e| html! { <ExampleView example={e.clone()} /> }) }
        </div>
    }
}
