//! The CI tab's list of workflow runs: [`use_runs`] asks GitHub (through the proxy) for the
//! first page of a branch's runs, then for further pages on "Load more", and collects the
//! pages in a small `Reducible` ([`Runs`]). Asking again (another branch, a refresh) starts
//! over; an answer to a request that was overtaken is dropped (`use_command`'s guard).

use std::collections::BTreeSet;
use std::rc::Rc;

use backlot_github_actions_common::calls::{self, Repo, RunsPage};
use backlot_github_actions_common::{GithubError, WorkflowRun};
use backlot_plugin_api::use_command;
use yew::prelude::*;

/// What the list asks GitHub for: a branch's runs (all branches when empty), page `page`
/// (1: from scratch).
#[derive(Clone, PartialEq)]
struct Ask {
    branch: String,
    page: u32,
}

/// The runs collected so far.
#[derive(Clone, Default, PartialEq)]
pub struct Runs {
    pub runs: Vec<WorkflowRun>,
    /// GitHub's count of the branch's runs.
    pub total: u64,
    pub next_page: Option<u32>,
    pub error: Option<GithubError>,
    /// Every branch seen so far, for the filter.
    pub branches: BTreeSet<String>,
}

/// Page `page` answered: 1 replaces the runs, later pages add theirs.
pub struct PageAnswered {
    page: u32,
    result: Result<RunsPage, GithubError>,
}

impl Reducible for Runs {
    type Action = PageAnswered;

    fn reduce(self: Rc<Self>, PageAnswered { page, result }: PageAnswered) -> Rc<Self> {
        let mut next = Rc::unwrap_or_clone(self);
        match result {
            Ok(answer) => {
                next.error = None;
                next.branches
                    .extend(answer.runs.iter().filter_map(|r| r.head_branch.clone()));
                if page <= 1 {
                    next.runs = answer.runs;
                } else {
                    // A run may move between pages while paging: keep the first copy.
                    let seen: BTreeSet<u64> = next.runs.iter().map(|r| r.id).collect();
                    next.runs
                        .extend(answer.runs.into_iter().filter(|r| !seen.contains(&r.id)));
                }
                next.total = answer.total_count;
                next.next_page = answer.next_page;
            }
            Err(error) => next.error = Some(error),
        }
        Rc::new(next)
    }
}

/// What [`use_runs`] gives the view.
pub struct RunsHandle {
    pub list: UseReducerHandle<Runs>,
    /// The branch shown (empty: all).
    pub branch: String,
    /// Whether a request is under way.
    pub loading: bool,
    /// The latest failure, except while the list is being loaded again from scratch.
    pub error: Option<GithubError>,
    /// Loads the first page again (refresh, retry, after a re-run).
    pub reload: Callback<()>,
    /// Shows another branch.
    pub set_branch: Callback<String>,
    /// Loads the next page, if there is one and nothing is loading.
    pub load_more: Callback<()>,
}

/// The workflow runs of `repo`.
#[hook]
pub fn use_runs(repo: Rc<Repo>) -> RunsHandle {
    let ask = use_state(|| Ask {
        branch: String::new(),
        page: 1,
    });
    let answer = use_command((repo, (*ask).clone()), |(repo, ask)| {
        let branch = Some(ask.branch.as_str()).filter(|b| !b.is_empty());
        calls::list_runs(repo, branch, ask.page)
    });
    let list = use_reducer(Runs::default);
    {
        let list = list.dispatcher();
        let asked = answer
            .answered_for()
            .map(|(repo, ask)| (repo.clone(), ask.page));
        use_effect_with(answer.shared(), move |reply| {
            if let (Some(reply), Some((repo, page))) = (reply, asked) {
                let result = match &**reply {
                    Ok(reply) => calls::parse_runs(&repo, page, reply),
                    Err(e) => Err(GithubError::from_proxy_error(e.clone())),
                };
                list.dispatch(PageAnswered { page, result });
            }
        });
    }
    let loading = answer.loading();
    let reload = {
        let (ask, answer) = (ask.clone(), answer.clone());
        Callback::from(move |()| {
            ask.set(Ask {
                branch: ask.branch.clone(),
                page: 1,
            });
            answer.reload();
        })
    };
    let set_branch = {
        let ask = ask.clone();
        Callback::from(move |branch: String| ask.set(Ask { branch, page: 1 }))
    };
    let load_more = {
        let (ask, next_page) = (ask.clone(), list.next_page);
        Callback::from(move |()| {
            if let Some(page) = next_page.filter(|_| !loading) {
                ask.set(Ask {
                    branch: ask.branch.clone(),
                    page,
                });
            }
        })
    };
    let reloading = loading && ask.page <= 1;
    RunsHandle {
        error: list.error.clone().filter(|_| !reloading),
        branch: ask.branch.clone(),
        loading,
        reload,
        set_branch,
        load_more,
        list,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn run(id: u64, branch: &str) -> WorkflowRun {
        WorkflowRun {
            id,
            head_branch: Some(branch.into()),
            ..Default::default()
        }
    }

    fn page(runs: Vec<WorkflowRun>, next_page: Option<u32>) -> Result<RunsPage, GithubError> {
        Ok(RunsPage {
            runs,
            total_count: 3,
            next_page,
        })
    }

    #[wasm_bindgen_test]
    fn pages_add_up_without_duplicates_and_page_one_starts_over() {
        let list = Rc::new(Runs::default()).reduce(PageAnswered {
            page: 1,
            result: page(vec![run(3, "main"), run(2, "fix")], Some(2)),
        });
        let list = list.reduce(PageAnswered {
            page: 2,
            result: page(vec![run(2, "fix"), run(1, "main")], None),
        });
        let ids: Vec<u64> = list.runs.iter().map(|r| r.id).collect();
        assert_eq!(
            ids,
            [3, 2, 1],
            "run 2 moved to page 2 while paging: kept once"
        );
        assert_eq!(list.next_page, None);
        let list = list.reduce(PageAnswered {
            page: 1,
            result: Err(GithubError::MissingToken),
        });
        assert_eq!(list.runs.len(), 3, "a failure keeps what is shown");
        assert_eq!(list.error, Some(GithubError::MissingToken));
        let list = list.reduce(PageAnswered {
            page: 1,
            result: page(vec![run(9, "other")], None),
        });
        assert_eq!(list.runs.len(), 1);
        assert_eq!(list.error, None);
        assert_eq!(list.branches.len(), 3, "branches seen stay in the filter");
    }
}
