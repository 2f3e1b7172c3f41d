//! One run: its jobs with their steps, a Re-run button and the link to GitHub.

use std::rc::Rc;

use backlot_github_actions_common::calls::{self, Repo};
use backlot_github_actions_common::{GithubError, Job, WorkflowRun};
use backlot_model::ApiError;
use backlot_model::ipc::{ProxyCall, ProxyReply};
use backlot_plugin_api::components::Spinner;
use backlot_plugin_api::{BackendHandle, use_backend, use_command_callback};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::view::{ErrorView, badge, duration, external, now};

/// Pages of jobs fetched at most (100 jobs each).
const MAX_JOB_PAGES: u32 = 10;

#[derive(Properties, PartialEq)]
pub(crate) struct RunDetailProps {
    pub repo: Rc<Repo>,
    pub run: WorkflowRun,
    pub on_close: Callback<()>,
    /// Called after GitHub accepted a re-run (the list reloads).
    pub on_rerun: Callback<()>,
}

#[derive(Clone, PartialEq)]
enum Rerun {
    Idle,
    Busy,
    Requested(String),
    Failed(GithubError),
}

async fn fetch_jobs(
    backend: BackendHandle,
    repo: Rc<Repo>,
    run_id: u64,
) -> Result<Vec<Job>, GithubError> {
    let mut jobs = Vec::new();
    let mut page = Some(1);
    while let Some(p) = page.filter(|p| *p <= MAX_JOB_PAGES) {
        let reply = backend
            .call(calls::list_jobs(&repo, run_id, p))
            .await
            .map_err(GithubError::from_proxy_error)?;
        let parsed = calls::parse_jobs(&repo, p, &reply)?;
        jobs.extend(parsed.jobs);
        // Only forward: a `Link` that points back cannot loop this.
        page = parsed.next_page.filter(|next| *next > p);
    }
    Ok(jobs)
}

#[component(RunDetail)]
pub(crate) fn run_detail(props: &RunDetailProps) -> Html {
    let backend = use_backend();
    let jobs = use_state(|| None::<Result<Vec<Job>, GithubError>>);
    let rerun = use_state(|| Rerun::Idle);
    let run = &props.run;

    let load_jobs = {
        let (backend, jobs, repo, run_id) =
            (backend.clone(), jobs.clone(), props.repo.clone(), run.id);
        Callback::from(move |()| {
            let (backend, jobs, repo) = (backend.clone(), jobs.clone(), repo.clone());
            jobs.set(None);
            spawn_local(async move { jobs.set(Some(fetch_jobs(backend, repo, run_id).await)) });
        })
    };
    {
        // Again when the run changes (a re-run queues a new attempt).
        let load_jobs = load_jobs.clone();
        use_effect_with((run.id, run.run_attempt, run.status.clone()), move |_| {
            load_jobs.emit(())
        });
    }
    let send_rerun = {
        let (rerun, repo, on_rerun) = (rerun.clone(), props.repo.clone(), props.on_rerun.clone());
        let label = format!("{} #{}", run.workflow_name(), run.run_number);
        use_command_callback::<ProxyCall>(Callback::from(
            move |reply: Result<ProxyReply, ApiError>| match reply
                .map_err(GithubError::from_proxy_error)
                .and_then(|reply| calls::parse_rerun(&repo, &reply))
            {
                Ok(()) => {
                    rerun.set(Rerun::Requested(format!(
                        "Re-run requested: GitHub queued {label} again."
                    )));
                    on_rerun.emit(());
                }
                Err(e) => rerun.set(Rerun::Failed(e)),
            },
        ))
    };
    let on_rerun = {
        let (rerun, repo, run_id) = (rerun.clone(), props.repo.clone(), run.id);
        Callback::from(move |_: MouseEvent| {
            rerun.set(Rerun::Busy);
            send_rerun.emit(calls::rerun(&repo, run_id));
        })
    };
    let now = now();
    let state = run.state();
    let short_sha: String = run.head_sha.chars().take(7).collect();
    let busy = *rerun == Rerun::Busy;

    html! {
        <section class="card gha-run" data-testid="gha-run" data-run-id={run.id.to_string()}>
            <header class="gha-run-head">
                <h3>{run.workflow_name()}<span class="muted">{format!(" #{}", run.run_number)}</span></h3>
                {badge(state)}
                if let Some(attempt) = run.run_attempt.filter(|a| *a > 1) {
                    <span class="muted small">{format!("attempt {attempt}")}</span>
                }
                <span class="gha-spacer"></span>
                <button type="button" class="button" data-action="rerun" disabled={busy || state.is_running()}
                        title={if state.is_running() { "The run has not finished yet" } else { "Run all jobs of this run again" }}
                        onclick={on_rerun}>
                    { if busy { "Re-running…" } else { "Re-run" } }
                </button>
                <button type="button" class="button button-secondary" data-action="close"
                        onclick={props.on_close.reform(|_: MouseEvent| ())}>{"Close"}</button>
            </header>
            <p class="muted small gha-run-meta">
                <code>{run.head_branch.clone().unwrap_or_default()}</code>{" · "}<code>{short_sha}</code>
                {format!(" · {} · by {} · {}", run.event, run.actor_login(), duration(run.duration_secs(now)))}
            </p>
            <p class="gha-commit-message">{run.commit_title()}</p>
            if !run.html_url.is_empty() { {external(&run.html_url, "View this run on GitHub")} }
            { match &*rerun {
                Rerun::Requested(message) => html! {
                    <div class="banner banner-info" data-testid="rerun-result" role="status">
                        <span class="banner-message">{message}</span>
                    </div>
                },
                Rerun::Failed(error) => html! { <ErrorView error={error.clone()} /> },
                _ => html! {},
            } }
            { match &*jobs {
                None => html! { <Spinner /> },
                Some(Err(error)) => html! { <ErrorView error={error.clone()} on_retry={load_jobs.clone()} /> },
                Some(Ok(list)) if list.is_empty() => html! { <p class="muted">{"No jobs yet."}</p> },
                Some(Ok(list)) => html! {
                    <ul class="gha-jobs">{ for list.iter().map(|job| job_view(job, now)) }</ul>
                },
            } }
        </section>
    }
}

fn job_view(job: &Job, now: i64) -> Html {
    html! {
        <li class="gha-job" data-job-id={job.id.to_string()} data-state={job.state().class()}>
            <div class="gha-job-head">
                {badge(job.state())}
                <strong class="gha-job-name">{&job.name}</strong>
                <span class="muted small">{duration(job.duration_secs(now))}</span>
                if let Some(runner) = &job.runner_name { <span class="muted small">{format!("on {runner}")}</span> }
            </div>
            <ol class="gha-steps">
                { for job.steps.iter().map(|step| html! {
                    <li class="gha-step" data-state={step.state().class()}>
                        {badge(step.state())}
                        <span class="gha-step-name">{&step.name}</span>
                        <span class="muted small">{duration(step.duration_secs(now))}</span>
                    </li>
                }) }
            </ol>
        </li>
    }
}
