//! The CI tab: the repository's workflow runs, newest first, a page at a time.

use std::rc::Rc;

use backlot_github_actions_common::calls::Repo;
use backlot_github_actions_common::{WorkflowRun, time};
use backlot_plugin_api::components::Spinner;
use backlot_plugin_api::{Icon, IconView};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::run_detail::RunDetail;
use crate::runs::use_runs;
use crate::view::{ErrorView, badge, duration, external, now};

#[derive(Properties, PartialEq)]
pub struct CiTabProps {
    /// The entity's `github.com/project-slug` annotation (`owner/repo`).
    pub slug: AttrValue,
}

#[component(CiTab)]
pub fn ci_tab(props: &CiTabProps) -> Html {
    match Repo::parse(&props.slug) {
        // Another repository starts afresh (branch, pages, selected run).
        Ok(repo) => {
            let key = repo.slug();
            html! { <RunsView {key} repo={Rc::new(repo)} /> }
        }
        Err(error) => html! { <div class="gha" data-testid="gha"><ErrorView {error} /></div> },
    }
}

#[derive(Properties, PartialEq)]
struct RunsViewProps {
    repo: Rc<Repo>,
}

#[component(RunsView)]
fn runs_view(props: &RunsViewProps) -> Html {
    let runs = use_runs(props.repo.clone());
    let selected = use_state(|| None::<u64>);
    let repo = &props.repo;
    let on_branch = {
        let (set_branch, selected) = (runs.set_branch.clone(), selected.clone());
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                selected.set(None);
                set_branch.emit(select.value());
            }
        })
    };
    let now = now();
    let (reload, loading, branch) = (runs.reload.clone(), runs.loading, runs.branch.as_str());
    let list = &runs.list;
    let selected_run = selected
        .and_then(|id| list.runs.iter().find(|r| r.id == id))
        .cloned();

    html! {
        <div class="gha" data-testid="gha" data-repo={repo.slug()}>
            <div class="gha-toolbar">
                <span class="gha-repo"><IconView icon={Icon::Ci} />{repo.slug()}</span>
                <label class="gha-branch">
                    <span class="muted small">{"Branch"}</span>
                    <select name="gha-branch" onchange={on_branch}>
                        <option value="" selected={branch.is_empty()}>{"All branches"}</option>
                        { for list.branches.iter().map(|b| html! {
                            <option value={b.clone()} selected={b == branch}>{b}</option>
                        }) }
                    </select>
                </label>
                <button type="button" class="button button-secondary" data-action="refresh"
                        disabled={loading} onclick={reload.reform(|_: MouseEvent| ())}>{"Refresh"}</button>
                <span class="gha-spacer"></span>
                { external(&actions_url(repo, &list.runs), "Actions on GitHub") }
            </div>
            if let Some(error) = &runs.error {
                <ErrorView error={error.clone()} on_retry={reload.clone()} />
            }
            if let Some(run) = selected_run {
                <RunDetail key={run.id.to_string()} repo={props.repo.clone()} run={run.clone()}
                           on_close={let s = selected.clone(); Callback::from(move |()| s.set(None))}
                           on_rerun={reload.clone()} />
            }
            if list.runs.is_empty() && loading {
                <Spinner />
            } else if list.runs.is_empty() && runs.error.is_none() {
                <p class="muted" data-testid="gha-no-runs">
                    { if branch.is_empty() { "This repository has no workflow runs.".to_string() }
                      else { format!("No workflow runs on {branch}.") } }
                </p>
            }
            if !list.runs.is_empty() {
                <table class="gha-table gha-runs">
                    <thead>
                        <tr>
                            <th>{"Workflow"}</th><th>{"Status"}</th><th>{"Branch"}</th><th>{"Commit"}</th>
                            <th>{"Actor"}</th><th>{"Duration"}</th><th>{"Started"}</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for list.runs.iter().map(|run| run_row(run, now, *selected == Some(run.id), &selected)) }
                    </tbody>
                </table>
                <div class="gha-more">
                    <span class="muted small" data-testid="gha-count">{format!("{} of {} runs", list.runs.len(), list.total)}</span>
                    if list.next_page.is_some() {
                        <button type="button" class="button button-secondary" data-action="load-more"
                                disabled={loading} onclick={runs.load_more.reform(|_: MouseEvent| ())}>{"Load more"}</button>
                    }
                    if loading { <Spinner /> }
                </div>
            }
        </div>
    }
}

/// The repository's Actions page: from a run's own web address when there is one (right
/// for GitHub Enterprise too), else on github.com.
fn actions_url(repo: &Repo, runs: &[WorkflowRun]) -> String {
    runs.iter()
        .find_map(|r| {
            r.html_url
                .split_once("/actions/runs/")
                .map(|(base, _)| format!("{base}/actions"))
        })
        .unwrap_or_else(|| repo.actions_url())
}

fn run_row(
    run: &WorkflowRun,
    now: i64,
    is_selected: bool,
    selected: &UseStateHandle<Option<u64>>,
) -> Html {
    let open = {
        let (selected, id) = (selected.clone(), run.id);
        Callback::from(move |_: MouseEvent| selected.set(if is_selected { None } else { Some(id) }))
    };
    let started = run.started_at();
    html! {
        <tr data-run-id={run.id.to_string()} class={classes!(is_selected.then_some("selected"))}>
            <td>
                <button type="button" class="gha-link-button gha-run-name" data-action="open-run" onclick={open}>
                    {run.workflow_name()}<span class="muted">{format!(" #{}", run.run_number)}</span>
                </button>
            </td>
            <td>{badge(run.state())}</td>
            <td><code class="gha-branch-name">{run.head_branch.clone().unwrap_or_default()}</code></td>
            <td class="gha-commit" title={run.head_commit.as_ref().map(|c| c.message.clone()).unwrap_or_default()}>
                {run.commit_title()}
            </td>
            <td>{run.actor_login()}</td>
            <td>{duration(run.duration_secs(now))}</td>
            <td title={started.map(time::format_timestamp).unwrap_or_default()}>
                {started.map(|s| time::relative(s, now)).unwrap_or_default()}
            </td>
        </tr>
    }
}
