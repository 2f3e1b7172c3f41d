//! The calls the CI tab makes, as proxy calls through `/github`, and how their answers
//! are read: GitHub's shapes, pagination and failures.

use backlot_model::ApiError;
use backlot_model::ipc::{ProxyCall, ProxyReply};
use serde::de::DeserializeOwned;

use crate::DEFAULT_ENDPOINT_ROUTE;
use crate::error::GithubError;
use crate::types::{Job, JobList, WorkflowRun, WorkflowRunList};

/// Runs fetched per page ("Load more" fetches the next page).
pub const RUNS_PER_PAGE: u32 = 20;
/// Jobs fetched per page (GitHub's maximum); a run rarely has more.
pub const JOBS_PER_PAGE: u32 = 100;

/// A repository named by an entity's `github.com/project-slug` annotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    pub owner: String,
    pub name: String,
}

impl Repo {
    /// `owner/repo` as GitHub allows them (owner: letters, digits, `-`; repository:
    /// letters, digits, `-`, `_`, `.`).
    pub fn parse(slug: &str) -> Result<Repo, GithubError> {
        let invalid = || GithubError::InvalidSlug {
            slug: slug.chars().take(120).collect(),
        };
        let (owner, name) = slug.trim().split_once('/').ok_or_else(invalid)?;
        let owner_ok = (1..=39).contains(&owner.len())
            && owner
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let name_ok = (1..=100).contains(&name.len())
            && name != "."
            && name != ".."
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !owner_ok || !name_ok {
            return Err(invalid());
        }
        Ok(Repo {
            owner: owner.to_string(),
            name: name.to_string(),
        })
    }

    pub fn slug(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    fn base(&self) -> String {
        format!(
            "{DEFAULT_ENDPOINT_ROUTE}/repos/{}/{}/actions",
            self.owner, self.name
        )
    }

    /// The repository's Actions page on the web (github.com; for GitHub Enterprise the
    /// runs' own `html_url`s are used instead).
    pub fn actions_url(&self) -> String {
        format!("https://github.com/{}/{}/actions", self.owner, self.name)
    }
}

fn get(path: String) -> ProxyCall {
    ProxyCall {
        method: "GET".into(),
        path,
        headers: vec![("accept".into(), "application/vnd.github+json".into())],
        body: None,
    }
}

/// `GET /repos/{owner}/{repo}/actions/runs?per_page=…&page=…[&branch=…]`.
pub fn list_runs(repo: &Repo, branch: Option<&str>, page: u32) -> ProxyCall {
    let mut path = format!(
        "{}/runs?per_page={RUNS_PER_PAGE}&page={}",
        repo.base(),
        page.max(1)
    );
    if let Some(branch) = branch.map(str::trim).filter(|b| !b.is_empty()) {
        path.push_str("&branch=");
        path.push_str(&backlot_text::percent::encode(branch));
    }
    get(path)
}

/// `GET /repos/{owner}/{repo}/actions/runs/{run_id}`.
pub fn get_run(repo: &Repo, run_id: u64) -> ProxyCall {
    get(format!("{}/runs/{run_id}", repo.base()))
}

/// `GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs?filter=latest&per_page=100&page=…`.
pub fn list_jobs(repo: &Repo, run_id: u64, page: u32) -> ProxyCall {
    get(format!(
        "{}/runs/{run_id}/jobs?filter=latest&per_page={JOBS_PER_PAGE}&page={}",
        repo.base(),
        page.max(1)
    ))
}

/// `POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun` (GitHub answers 201).
pub fn rerun(repo: &Repo, run_id: u64) -> ProxyCall {
    ProxyCall {
        method: "POST".into(),
        path: format!("{}/runs/{run_id}/rerun", repo.base()),
        headers: vec![
            ("accept".into(), "application/vnd.github+json".into()),
            ("content-type".into(), "application/json".into()),
        ],
        body: Some("{}".into()),
    }
}

/// One page of runs and where the next one is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunsPage {
    pub runs: Vec<WorkflowRun>,
    pub total_count: u64,
    pub next_page: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobsPage {
    pub jobs: Vec<Job>,
    pub total_count: u64,
    pub next_page: Option<u32>,
}

/// Reads the answer to [`list_runs`] for `page`.
pub fn parse_runs(repo: &Repo, page: u32, reply: &ProxyReply) -> Result<RunsPage, GithubError> {
    let list: WorkflowRunList = parse_ok(repo, reply)?;
    let next_page = next_page(reply, page, RUNS_PER_PAGE, list.total_count);
    Ok(RunsPage {
        runs: list.workflow_runs,
        total_count: list.total_count,
        next_page,
    })
}

/// Reads the answer to [`list_jobs`] for `page`.
pub fn parse_jobs(repo: &Repo, page: u32, reply: &ProxyReply) -> Result<JobsPage, GithubError> {
    let list: JobList = parse_ok(repo, reply)?;
    let next_page = next_page(reply, page, JOBS_PER_PAGE, list.total_count);
    Ok(JobsPage {
        jobs: list.jobs,
        total_count: list.total_count,
        next_page,
    })
}

pub fn parse_run(repo: &Repo, reply: &ProxyReply) -> Result<WorkflowRun, GithubError> {
    parse_ok(repo, reply)
}

/// Reads the answer to [`rerun`]: any 2xx is accepted (GitHub says 201 Created).
pub fn parse_rerun(repo: &Repo, reply: &ProxyReply) -> Result<(), GithubError> {
    if (200..300).contains(&reply.status) {
        Ok(())
    } else {
        Err(GithubError::from_reply(repo, reply))
    }
}

/// A failed `proxy` command (the call never reached GitHub) as a [`GithubError`].
pub fn proxy_failed(error: ApiError) -> GithubError {
    GithubError::from_proxy_error(error)
}

fn parse_ok<T: DeserializeOwned>(repo: &Repo, reply: &ProxyReply) -> Result<T, GithubError> {
    if !(200..300).contains(&reply.status) {
        return Err(GithubError::from_reply(repo, reply));
    }
    serde_json::from_str(&reply.body).map_err(|e| GithubError::BadResponse {
        detail: e.to_string(),
    })
}

/// A response header (names compare case-insensitively).
pub fn header<'a>(reply: &'a ProxyReply, name: &str) -> Option<&'a str> {
    reply
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The next page: from the `Link` header's `rel="next"` when there is a `Link` header;
/// without one (a proxy configured without `allowedHeaders: [link]`), from `total_count`.
fn next_page(reply: &ProxyReply, page: u32, per_page: u32, total: u64) -> Option<u32> {
    match header(reply, "link") {
        Some(link) => next_page_from_link(link),
        None => (u64::from(page.max(1)) * u64::from(per_page) < total)
            .then_some(page.max(1).saturating_add(1)),
    }
}

/// The `page` of the `rel="next"` link in a `Link` header
/// (`<https://api.github.com/…?per_page=20&page=2>; rel="next", <…>; rel="last"`).
pub fn next_page_from_link(link: &str) -> Option<u32> {
    link.split(',').find_map(|part| {
        let (url, params) = part.trim().split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim();
            p.strip_prefix("rel=")
                .is_some_and(|v| v.trim_matches('"').split_whitespace().any(|r| r == "next"))
        });
        if !is_next {
            return None;
        }
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        let (_, query) = url.split_once('?')?;
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("page=")?.parse().ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> Repo {
        Repo::parse("acme/payments").unwrap()
    }

    #[test]
    fn slugs_are_owner_slash_repo() {
        let r = Repo::parse(" octo-org/octo.repo_1 ").unwrap();
        assert_eq!(
            (r.owner.as_str(), r.name.as_str()),
            ("octo-org", "octo.repo_1")
        );
        for bad in [
            "",
            "acme",
            "acme/",
            "/repo",
            "a/b/c",
            "acme/..",
            "ac me/x",
            "acme/x?y",
            "acme/x%2f",
        ] {
            assert!(
                matches!(Repo::parse(bad), Err(GithubError::InvalidSlug { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn calls_go_through_the_github_endpoint() {
        let c = list_runs(&repo(), Some("feature/a b#1"), 3);
        assert_eq!(c.method, "GET");
        assert_eq!(
            c.path,
            "/github/repos/acme/payments/actions/runs?per_page=20&page=3&branch=feature%2Fa%20b%231"
        );
        assert_eq!(
            list_runs(&repo(), Some("  "), 0).path,
            "/github/repos/acme/payments/actions/runs?per_page=20&page=1"
        );
        assert_eq!(
            list_jobs(&repo(), 7, 1).path,
            "/github/repos/acme/payments/actions/runs/7/jobs?filter=latest&per_page=100&page=1"
        );
        let r = rerun(&repo(), 7);
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("POST", "/github/repos/acme/payments/actions/runs/7/rerun")
        );
        assert!(
            c.headers
                .iter()
                .all(|(n, _)| !n.eq_ignore_ascii_case("authorization")),
            "the UI never sends credentials"
        );
    }

    #[test]
    fn next_pages_come_from_link_headers() {
        let link = r#"<https://api.github.com/repositories/1/actions/runs?per_page=20&page=3>; rel="next", <https://api.github.com/repositories/1/actions/runs?per_page=20&page=9>; rel="last", <https://api.github.com/repositories/1/actions/runs?per_page=20&page=1>; rel="first""#;
        assert_eq!(next_page_from_link(link), Some(3));
        assert_eq!(
            next_page_from_link(
                r#"<https://x/y?page=1>; rel="prev", <https://x/y?page=1>; rel="first""#
            ),
            None
        );
        assert_eq!(next_page_from_link("garbage"), None);
    }

    #[test]
    fn without_a_link_header_total_count_decides() {
        let reply = |total: u64| ProxyReply {
            status: 200,
            headers: vec![],
            body: format!(r#"{{"total_count": {total}, "workflow_runs": []}}"#),
        };
        assert_eq!(
            parse_runs(&repo(), 1, &reply(45)).unwrap().next_page,
            Some(2)
        );
        assert_eq!(parse_runs(&repo(), 3, &reply(45)).unwrap().next_page, None);
        let mut last = reply(45);
        last.headers
            .push(("Link".into(), r#"<https://x/y?page=1>; rel="first""#.into()));
        assert_eq!(
            parse_runs(&repo(), 1, &last).unwrap().next_page,
            None,
            "a Link header without next is the last page"
        );
    }

    #[test]
    fn unreadable_bodies_are_bad_responses() {
        let reply = ProxyReply {
            status: 200,
            headers: vec![],
            body: "<html>".into(),
        };
        assert!(matches!(
            parse_runs(&repo(), 1, &reply),
            Err(GithubError::BadResponse { .. })
        ));
        let created = ProxyReply {
            status: 201,
            headers: vec![],
            body: String::new(),
        };
        assert_eq!(parse_rerun(&repo(), &created), Ok(()));
    }
}
