//! The CI tab: the repository's workflow runs, newest first, a page at a time.

use std::collections::BTreeSet;
use std::rc::Rc;

use backlot_github_actions_common::calls::{self, Repo, RunsPage};
use backlot_github_actions_common::{GithubError, WorkflowRun, time};
use backlot_plugin_api::components::Spinner;
use backlot_plugin_api::{BackendHandle, Icon, IconView, use_backend};
use web_sys::HtmlSelectElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::run_detail::RunDetail;
use crate::view::{ErrorView, badge, duration, external, now};

#[derive(Properties, PartialEq)]
pub struct CiTabProps {
    /// The entity's `github.com/project-slug` annotation (`owner/repo`).
    pub slug: AttrValue,
}

#[derive(Default, PartialEq)]
struct Runs {
    /// Bumped by every (re)load: answers to an older load are dropped.
    generation: u32,
    branch: String,
    runs: Vec<WorkflowRun>,
    total: u64,
    next_page: Option<u32>,
    loading: bool,
    error: Option<GithubError>,
    /// Every branch seen so far, for the filter.
    branches: BTreeSet<String>,
}

enum Action {
    Reload { branch: String, generation: u32 },
    LoadingMore,
    Loaded { generation: u32, first: bool, result: Result<RunsPage, GithubError> },
}

impl Reducible for Runs {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = Runs {
            generation: self.generation,
            branch: self.branch.clone(),
            runs: self.runs.clone(),
            total: self.total,
            next_page: self.next_page,
            loading: self.loading,
            error: self.error.clone(),
            branches: self.branches.clone(),
        };
        match action {
            Action::Reload { branch, generation } => {
                next.generation = generation;
                next.branch = branch;
                next.loading = true;
                next.error = None;
            }
            Action::LoadingMore => next.loading = true,
            Action::Loaded { generation, .. } if generation != self.generation => return self,
            Action::Loaded { first, result, .. } => {
                next.loading = false;
                match result {
                    Ok(page) => {
                        next.error = None;
                        next.branches.extend(page.runs.iter().filter_map(|r| r.head_branch.clone()));
                        if first {
                            next.runs = page.runs;
                        } else {
                            // A run may move between pages while paging: keep the first copy.
                            let seen: BTreeSet<u64> = next.runs.iter().map(|r| r.id).collect();
                            next.runs.extend(page.runs.into_iter().filter(|r| !seen.contains(&r.id)));
                        }
                        next.total = page.total_count;
                        next.next_page = page.next_page;
                    }
                    Err(e) => next.error = Some(e),
                }
            }
        }
        Rc::new(next)
    }
}

async fn fetch(backend: BackendHandle, repo: Repo, branch: String, page: u32) -> Result<RunsPage, GithubError> {
    let branch = Some(branch.as_str()).filter(|b| !b.is_empty());
    let reply = backend.call(calls::list_runs(&repo, branch, page)).await.map_err(GithubError::from_proxy_error)?;
    calls::parse_runs(&repo, page, &reply)
}

/// Loads `page` (1: from scratch). `generations` counts loads from scratch; an answer that
/// arrives after a newer one started is dropped.
fn load(
    backend: &BackendHandle,
    runs: &UseReducerHandle<Runs>,
    generations: &Rc<std::cell::Cell<u32>>,
    repo: &Repo,
    branch: String,
    page: u32,
) {
    let first = page <= 1;
    if first {
        generations.set(generations.get() + 1);
        runs.dispatch(Action::Reload { branch: branch.clone(), generation: generations.get() });
    } else {
        runs.dispatch(Action::LoadingMore);
    }
    let generation = generations.get();
    let (backend, runs, repo) = (backend.clone(), runs.clone(), repo.clone());
    spawn_local(async move {
        let result = fetch(backend, repo, branch, page).await;
        runs.dispatch(Action::Loaded { generation, first, result });
    });
}

#[component(CiTab)]
pub fn ci_tab(props: &CiTabProps) -> Html {
    match Repo::parse(&props.slug) {
        Ok(repo) => html! { <RunsView repo={Rc::new(repo)} /> },
        Err(error) => html! { <div class="gha" data-testid="gha"><ErrorView {error} /></div> },
    }
}

#[derive(Properties, PartialEq)]
struct RunsViewProps {
    repo: Rc<Repo>,
}

#[component(RunsView)]
fn runs_view(props: &RunsViewProps) -> Html {
    let backend = use_backend();
    let runs = use_reducer(Runs::default);
    let generations = use_memo((), |_| std::cell::Cell::new(0u32));
    let selected = use_state(|| None::<u64>);
    let repo = (*props.repo).clone();

    {
        let (backend, runs, repo, generations) = (backend.clone(), runs.clone(), repo.clone(), generations.clone());
        use_effect_with(props.repo.clone(), move |_| load(&backend, &runs, &generations, &repo, String::new(), 1));
    }
    let reload = {
        let (backend, runs, repo, generations) = (backend.clone(), runs.clone(), repo.clone(), generations.clone());
        Callback::from(move |()| load(&backend, &runs, &generations, &repo, runs.branch.clone(), 1))
    };
    let on_branch = {
        let (backend, runs, repo, selected, generations) =
            (backend.clone(), runs.clone(), repo.clone(), selected.clone(), generations.clone());
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                selected.set(None);
                load(&backend, &runs, &generations, &repo, select.value(), 1);
            }
        })
    };
    let load_more = {
        let (backend, runs, repo, generations) = (backend.clone(), runs.clone(), repo.clone(), generations.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(page) = runs.next_page.filter(|_| !runs.loading) {
                load(&backend, &runs, &generations, &repo, runs.branch.clone(), page);
            }
        })
    };
    let now = now();
    let selected_run = selected.and_then(|id| runs.runs.iter().find(|r| r.id == id)).cloned();

    html! {
        <div class="gha" data-testid="gha" data-repo={repo.slug()}>
            <div class="gha-toolbar">
                <span class="gha-repo"><IconView icon={Icon::Ci} />{repo.slug()}</span>
                <label class="gha-branch">
                    <span class="muted small">{"Branch"}</span>
                    <select name="gha-branch" onchange={on_branch}>
                        <option value="" selected={runs.branch.is_empty()}>{"All branches"}</option>
                        { for runs.branches.iter().map(|b| html! {
                            <option value={b.clone()} selected={*b == runs.branch}>{b}</option>
                        }) }
                    </select>
                </label>
                <button type="button" class="button button-secondary" data-action="refresh"
                        disabled={runs.loading} onclick={reload.reform(|_: MouseEvent| ())}>{"Refresh"}</button>
                <span class="gha-spacer"></span>
                { external(&actions_url(&repo, &runs.runs), "Actions on GitHub") }
            </div>
            if let Some(error) = &runs.error {
                <ErrorView error={error.clone()} on_retry={reload.clone()} />
            }
            if let Some(run) = selected_run {
                <RunDetail key={run.id.to_string()} repo={props.repo.clone()} run={run.clone()}
                           on_close={let s = selected.clone(); Callback::from(move |()| s.set(None))}
                           on_rerun={reload.clone()} />
            }
            if runs.runs.is_empty() && runs.loading {
                <Spinner />
            } else if runs.runs.is_empty() && runs.error.is_none() {
                <p class="muted" data-testid="gha-no-runs">
                    { if runs.branch.is_empty() { "This repository has no workflow runs.".to_string() }
                      else { format!("No workflow runs on {}.", runs.branch) } }
                </p>
            }
            if !runs.runs.is_empty() {
                <table class="gha-table gha-runs">
                    <thead>
                        <tr>
                            <th>{"Workflow"}</th><th>{"Status"}</th><th>{"Branch"}</th><th>{"Commit"}</th>
                            <th>{"Actor"}</th><th>{"Duration"}</th><th>{"Started"}</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for runs.runs.iter().map(|run| run_row(run, now, *selected == Some(run.id), &selected)) }
                    </tbody>
                </table>
                <div class="gha-more">
                    <span class="muted small" data-testid="gha-count">{format!("{} of {} runs", runs.runs.len(), runs.total)}</span>
                    if runs.next_page.is_some() {
                        <button type="button" class="button button-secondary" data-action="load-more"
                                disabled={runs.loading} onclick={load_more}>{"Load more"}</button>
                    }
                    if runs.loading { <Spinner /> }
                </div>
            }
        </div>
    }
}

/// The repository's Actions page: from a run's own web address when there is one (right
/// for GitHub Enterprise too), else on github.com.
fn actions_url(repo: &Repo, runs: &[WorkflowRun]) -> String {
    runs.iter()
        .find_map(|r| r.html_url.split_once("/actions/runs/").map(|(base, _)| format!("{base}/actions")))
        .unwrap_or_else(|| repo.actions_url())
}

fn run_row(run: &WorkflowRun, now: i64, is_selected: bool, selected: &UseStateHandle<Option<u64>>) -> Html {
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
