//! `/create/runs/:id`: a run's steps with their live status, its log, Cancel while it runs,
//! and once done the template's output: links (opened in the browser, or the entity's page
//! in the app) and texts. Asked again every half second while the run goes on.

use backlot_model::ipc::OpenExternal;
use backlot_plugin_api::components::{ErrorBanner, Spinner};
use backlot_plugin_api::routing::entity_path;
use backlot_plugin_api::{Link, use_command, use_command_callback};
use backlot_scaffolder_common::ipc::{CancelRun, GetRun, OutputLink, RunStepStatus, RunView};
use yew::prelude::*;

use crate::create_page::{status_class, status_label};
use crate::template_link;

const POLL_MS: u32 = 500;

#[derive(Properties, PartialEq)]
pub struct RunPageProps {
    pub run_id: String,
}

#[component(RunPage)]
pub fn run_page(props: &RunPageProps) -> Html {
    let run = use_command(props.run_id.clone(), |id| GetRun { run_id: id.clone() });
    let running = run.data().is_some_and(|r| !r.summary.status.finished());
    {
        let reload = run.reload_callback();
        use_effect_with(running, move |running| {
            let poll = running
                .then(|| gloo_timers::callback::Interval::new(POLL_MS, move || reload.emit(())));
            move || drop(poll)
        });
    }
    let cancel = {
        let reload = run.reload_callback();
        use_command_callback::<CancelRun>(Callback::from(move |_| reload.emit(())))
    };
    let body = match run.result() {
        None => html! { <Spinner /> },
        Some(Err(e)) => html! { <ErrorBanner error={e.clone()} /> },
        Some(Ok(r)) => view(r, running, &cancel, &props.run_id),
    };
    html! {
        <div class="page run-page">
            <p class="small"><Link to="/create">{"← Create"}</Link></p>
            { body }
        </div>
    }
}

fn view(r: &RunView, running: bool, cancel: &Callback<CancelRun>, id: &str) -> Html {
    let s = &r.summary;
    let on_cancel = {
        let (cancel, id) = (cancel.clone(), id.to_string());
        Callback::from(move |_| cancel.emit(CancelRun { run_id: id.clone() }))
    };
    let again = format!(
        "{}?values={}",
        template_link(&s.template_ref),
        backlot_text::percent::encode(&s.values.to_string())
    );
    html! {
        <>
            <div class="page-header">
                <h1 class="page-title">{s.template_title.clone()}</h1>
                <span class={classes!("badge", status_class(s.status))} data-testid="run-status">{status_label(s.status)}</span>
                if running {
                    <button type="button" class="button button-secondary" data-action="cancel" onclick={on_cancel}>{"Cancel"}</button>
                } else {
                    <Link to={again} class="button button-secondary">{"Run again"}</Link>
                }
            </div>
            if let Some(e) = &r.error {
                <div class="notice notice-error" role="alert" data-testid="run-error">{e.clone()}</div>
            }
            <ol class="run-steps" aria-label="Steps">
                { for r.steps.iter().map(|step| {
                    let label = step.status.map_or("waiting", step_label);
                    html! {
                        <li class={classes!("run-step", format!("run-step-{label}"))} data-step={step.id.clone()} data-status={label}>
                            <span class="run-step-name">{step.name.clone()}</span>
                            <span class="muted small">{format!(" {} · {label}", step.action)}</span>
                        </li>
                    }
                }) }
            </ol>
            if !r.links.is_empty() || !r.text.is_empty() {
                <section class="run-output card" aria-label="Output" data-testid="run-output">
                    <ul class="run-links">
                        { for r.links.iter().map(output_link) }
                    </ul>
                    { for r.text.iter().map(|t| html! {
                        <div class="run-text">
                            if let Some(title) = &t.title { <h3>{title.clone()}</h3> }
                            <pre>{t.content.clone()}</pre>
                        </div>
                    }) }
                </section>
            }
            <details class="run-log" open={running}>
                <summary>{format!("Log ({} lines)", r.log.len())}</summary>
                <pre data-testid="run-log">{ r.log.iter().map(|l| l.message.clone()).collect::<Vec<_>>().join("\n") }</pre>
            </details>
        </>
    }
}

fn step_label(s: RunStepStatus) -> &'static str {
    match s {
        RunStepStatus::Processing => "processing",
        RunStepStatus::Completed => "completed",
        RunStepStatus::Skipped => "skipped",
        RunStepStatus::Failed => "failed",
        RunStepStatus::Cancelled => "cancelled",
    }
}

#[derive(Properties, PartialEq)]
struct ExternalProps {
    url: String,
    title: String,
}

/// An http(s) address opens in the browser; a folder is shown to copy.
#[component(ExternalOutput)]
fn external_output(props: &ExternalProps) -> Html {
    let open = use_command_callback::<OpenExternal>(Callback::noop());
    if props.url.starts_with("http://") || props.url.starts_with("https://") {
        let (open, url) = (open.clone(), props.url.clone());
        let onclick = Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            open.emit(OpenExternal { url: url.clone() });
        });
        return html! { <a href={props.url.clone()} {onclick}>{props.title.clone()}</a> };
    }
    let path = props
        .url
        .strip_prefix("file://")
        .unwrap_or(&props.url)
        .to_string();
    html! {
        <span>{format!("{}: ", props.title)}<code class="run-folder" data-testid="run-folder">{path}</code></span>
    }
}

fn output_link(link: &OutputLink) -> Html {
    let title = link
        .title
        .clone()
        .or_else(|| link.entity_ref.clone())
        .or_else(|| link.url.clone())
        .unwrap_or_default();
    html! {
        <li>
            if let Some(entity) = &link.entity_ref {
                <Link to={entity_path(entity)}>{title}</Link>
            } else if let Some(url) = &link.url {
                <ExternalOutput url={url.clone()} {title} />
            }
        </li>
    }
}
