//! Settings → Configuration: the app-config.yaml files Backlot read and what they set up.

use backlot_model::ipc::GetConfigSummary;
use backlot_plugin_api::components::{Card, ErrorBanner, Spinner};
use backlot_plugin_api::use_command;
use yew::prelude::*;

#[component(ConfigurationCard)]
pub fn configuration_card() -> Html {
    let summary = use_command((), |_| GetConfigSummary {});
    let body = match summary.result() {
        None => html! { <Spinner /> },
        Some(Err(error)) => html! { <ErrorBanner error={error.clone()} /> },
        Some(Ok(config)) => html! {
            <>
                if let Some(error) = &config.error {
                    <div class="banner banner-error" role="alert" data-testid="config-error">
                        <span class="banner-message">{format!("The configuration could not be loaded; Backlot runs on defaults. {error}")}</span>
                    </div>
                }
                <dl class="facts">
                    <dt>{"Files"}</dt>
                    <dd data-testid="config-files">
                        if config.files.is_empty() {
                            <span class="muted">{"none — put an app-config.yaml in the data folder or pass --config FILE"}</span>
                        } else {
                            { for config.files.iter().map(|f| html! { <div><code>{f}</code></div> }) }
                        }
                    </dd>
                    <dt>{"Team backend"}</dt>
                    <dd>{config.team_backend.clone().unwrap_or_else(|| "not configured".into())}</dd>
                    <dt>{"Proxy endpoints"}</dt>
                    <dd>
                        if config.proxy_endpoints.is_empty() {
                            <span class="muted">{"none"}</span>
                        } else {
                            <table class="table compact" data-testid="proxy-endpoints">
                                <thead><tr><th>{"Route"}</th><th>{"Target"}</th><th>{"Methods"}</th><th>{"Secrets"}</th></tr></thead>
                                <tbody>
                                    { for config.proxy_endpoints.iter().map(|e| html! {
                                        <tr>
                                            <td><code>{&e.route}</code></td>
                                            <td>{&e.target}</td>
                                            <td>{if e.allowed_methods.is_empty() { "all".to_string() } else { e.allowed_methods.join(", ") }}</td>
                                            <td>{e.secrets.join(", ")}</td>
                                        </tr>
                                    }) }
                                </tbody>
                            </table>
                        }
                    </dd>
                </dl>
                if !config.warnings.is_empty() {
                    <details class="warnings">
                        <summary>{format!("{} warnings", config.warnings.len())}</summary>
                        <ul>{ for config.warnings.iter().map(|w| html! { <li>{w}</li> }) }</ul>
                    </details>
                }
            </>
        },
    };
    html! { <Card title="Configuration">{body}</Card> }
}
