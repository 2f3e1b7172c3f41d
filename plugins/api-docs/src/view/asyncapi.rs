//! AsyncAPI: info, servers, channels with their operations and messages.

use yew::prelude::*;

use super::common::{ExampleView, prose, schema_tree, truncated_notice};
use crate::model::asyncapi::{AsyncApi, Channel, Message, Operation};

pub fn view(api: &AsyncApi, filter: &str) -> Html {
    let channels: Vec<&Channel> = api.channels.iter().filter(|c| c.matches(filter)).collect();
    html! {
        <div class="asyncapi">
            <header class="api-info">
                <div class="api-title-row">
                    <h3 class="api-title">{&api.title}</h3>
                    if let Some(v) = &api.version { <span class="badge">{format!("v{v}")}</span> }
                </div>
                { prose(&api.description) }
                if !api.servers.is_empty() {
                    <table class="table compact api-servers-table">
                        <thead><tr><th>{"Server"}</th><th>{"URL"}</th><th>{"Protocol"}</th><th>{"Description"}</th></tr></thead>
                        <tbody>
                            { for api.servers.iter().map(|s| html! {
                                <tr data-server={s.name.clone()}>
                                    <td>{&s.name}</td><td><code>{&s.url}</code></td>
                                    <td>{s.protocol.clone().unwrap_or_default()}</td><td>{s.description.clone().unwrap_or_default()}</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            </header>
            { truncated_notice(api.truncated) }
            if api.channels.is_empty() {
                <p class="muted">{"This definition declares no channels."}</p>
            } else if channels.is_empty() {
                <p class="muted api-no-match">{"No channel matches the filter."}</p>
            }
            { for channels.iter().map(|c| channel(c)) }
        </div>
    }
}

fn channel(c: &Channel) -> Html {
    html! {
        <section class="channel" data-channel={c.name.clone()}>
            <h3 class="channel-address"><code>{&c.address}</code></h3>
            if c.name != c.address { <p class="muted small">{"Channel "}<code>{&c.name}</code></p> }
            { prose(&c.description) }
            if !c.parameters.is_empty() {
                <table class="table compact channel-params">
                    <thead><tr><th>{"Parameter"}</th><th>{"Type"}</th><th>{"Description"}</th></tr></thead>
                    <tbody>
                        { for c.parameters.iter().map(|p| html! {
                            <tr data-param={p.name.clone()}>
                                <td><code>{&p.name}</code></td><td><span class="prop-type">{&p.type_label}</span></td>
                                <td>{p.description.clone().unwrap_or_default()}</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            { for c.operations.iter().map(operation) }
            if !c.messages.is_empty() {
                <div class="channel-messages">
                    <h4>{"Messages"}</h4>
                    { for c.messages.iter().map(message) }
                </div>
            }
        </section>
    }
}

fn operation(op: &Operation) -> Html {
    html! {
        <details class={classes!("operation", format!("op-{}", op.action))} data-operation={op.id.clone().unwrap_or_default()} open=true>
            <summary class="operation-summary">
                <span class={classes!("method", format!("action-{}", op.action))}>{op.action.to_uppercase()}</span>
                if let Some(id) = &op.id { <code class="op-id">{id}</code> }
                if let Some(s) = &op.summary { <span class="op-summary">{s}</span> }
            </summary>
            <div class="operation-body">
                { prose(&op.description) }
                { for op.messages.iter().map(message) }
            </div>
        </details>
    }
}

fn message(m: &Message) -> Html {
    html! {
        <div class="api-message" data-message={m.name.clone().unwrap_or_default()}>
            <div class="api-message-head">
                <span class="api-message-name">{m.display_name()}</span>
                if let Some(ct) = &m.content_type { <code class="content-type">{ct}</code> }
            </div>
            if let Some(s) = &m.summary { <p class="api-message-summary">{s}</p> }
            { prose(&m.description) }
            if let Some(h) = &m.headers {
                <div class="api-message-part"><h5>{"Headers"}</h5>{ schema_tree(h) }</div>
            }
            if let Some(p) = &m.payload {
                <div class="api-message-part"><h5>{"Payload"}</h5>{ schema_tree(p) }</div>
            }
            { for m.examples.iter().map(|e| html! { <ExampleView example={e.clone()} /> }) }
        </div>
    }
}
