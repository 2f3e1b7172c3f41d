//! A fake of GitHub's Actions REST API as plain functions (no I/O, wasm-safe): generated
//! runs, jobs and steps in GitHub's documented shapes, `page`/`per_page` with `Link`
//! headers, branch filter, re-run, and GitHub's failures (401 bad credentials, 403 rate
//! limit with `x-ratelimit-*` headers, 404). UI tests call [`FakeGithub::handle`] directly;
//! [`crate::test_server`] serves it over HTTP.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::time::format_timestamp;

/// What the fake received (for assertions: method, path with query, `Authorization`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

#[derive(Debug, Clone, Default)]
struct FakeRepo {
    /// Newest first, as GitHub lists them.
    runs: Vec<Value>,
    jobs: BTreeMap<u64, Vec<Value>>,
}

/// The fake API's state: repositories, the token it accepts, rate limiting, and a log.
#[derive(Debug, Clone)]
pub struct FakeGithub {
    token: Option<String>,
    repos: BTreeMap<String, FakeRepo>,
    rate_limited_until: Option<i64>,
    requests: Vec<Recorded>,
    now: i64,
}

const RATE_LIMIT: u32 = 5000;

impl FakeGithub {
    /// A fake that accepts `Authorization: Bearer <token>` (or `token <token>`), at time
    /// `now` (Unix seconds; generated runs are recent relative to it).
    pub fn new(token: &str, now: i64) -> Self {
        Self {
            token: Some(token.to_string()),
            repos: BTreeMap::new(),
            rate_limited_until: None,
            requests: Vec::new(),
            now,
        }
    }

    /// Adds `owner/repo` with `runs` generated workflow runs (newest first).
    pub fn with_repo(mut self, slug: &str, runs: usize) -> Self {
        let (owner, name) = slug.split_once('/').unwrap_or((slug, slug));
        let runs = sample_runs(owner, name, runs, self.now);
        let jobs = runs
            .iter()
            .map(|r| (r["id"].as_u64().unwrap_or_default(), sample_jobs(r)))
            .collect();
        self.repos
            .insert(slug.to_ascii_lowercase(), FakeRepo { runs, jobs });
        self
    }

    /// From now on every call answers 403 with `x-ratelimit-remaining: 0` and this reset
    /// time (`None` lifts the limit).
    pub fn set_rate_limited_until(&mut self, reset: Option<i64>) {
        self.rate_limited_until = reset;
    }

    pub fn requests(&self) -> &[Recorded] {
        &self.requests
    }

    /// The run with `id` as currently served (e.g. after a re-run).
    pub fn run(&self, id: u64) -> Option<&Value> {
        self.repos
            .values()
            .flat_map(|r| &r.runs)
            .find(|r| r["id"].as_u64() == Some(id))
    }

    /// The runs of `owner/repo` as served, newest first.
    pub fn runs(&self, slug: &str) -> &[Value] {
        self.repos
            .get(&slug.to_ascii_lowercase())
            .map(|r| r.runs.as_slice())
            .unwrap_or_default()
    }

    /// Answers one request. `path` is the API path with its query
    /// (`/repos/o/r/actions/runs?page=2`); `base_url` is where the fake is reached, for
    /// the `Link` header's URLs.
    pub fn handle(
        &mut self,
        method: &str,
        path: &str,
        authorization: Option<&str>,
        base_url: &str,
    ) -> FakeResponse {
        self.requests.push(Recorded {
            method: method.to_string(),
            path: path.to_string(),
            authorization: authorization.map(str::to_string),
        });
        let limited = self.rate_limited_until.filter(|reset| *reset > self.now);
        let mut headers = vec![
            (
                "content-type".to_string(),
                "application/json; charset=utf-8".to_string(),
            ),
            (
                "x-github-api-version-selected".to_string(),
                "2022-11-28".to_string(),
            ),
            ("x-ratelimit-limit".to_string(), RATE_LIMIT.to_string()),
            (
                "x-ratelimit-remaining".to_string(),
                if limited.is_some() {
                    "0".into()
                } else {
                    (RATE_LIMIT - 1).to_string()
                },
            ),
            (
                "x-ratelimit-reset".to_string(),
                limited.unwrap_or(self.now + 3600).to_string(),
            ),
            (
                "x-ratelimit-used".to_string(),
                if limited.is_some() {
                    RATE_LIMIT.to_string()
                } else {
                    "1".into()
                },
            ),
            ("x-ratelimit-resource".to_string(), "core".to_string()),
        ];
        let accepted = match (&self.token, authorization) {
            (None, _) => true,
            (Some(token), Some(given)) => given
                .strip_prefix("Bearer ")
                .or_else(|| given.strip_prefix("token "))
                .is_some_and(|t| t == token),
            (Some(_), None) => false,
        };
        if !accepted {
            return error(
                401,
                "Bad credentials",
                "https://docs.github.com/rest",
                headers,
            );
        }
        if limited.is_some() {
            return error(
                403,
                "API rate limit exceeded for user ID 583231. If you reach out to GitHub Support for help, please include the request ID.",
                "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
                headers,
            );
        }
        let (route, query) = path.split_once('?').unwrap_or((path, ""));
        let query: BTreeMap<String, String> = query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_string(), backlot_text::percent::decode_query(v)))
            .collect();
        let segments: Vec<&str> = route.trim_matches('/').split('/').collect();
        let not_found = |headers| {
            error(
                404,
                "Not Found",
                "https://docs.github.com/rest/actions/workflow-runs",
                headers,
            )
        };
        let ["repos", owner, repo, "actions", "runs", rest @ ..] = segments.as_slice() else {
            return not_found(headers);
        };
        let slug = format!("{owner}/{repo}");
        let now = self.now;
        let Some(data) = self.repos.get_mut(&slug.to_ascii_lowercase()) else {
            return not_found(headers);
        };
        match (method, rest) {
            ("GET", []) => {
                let branch = query.get("branch").filter(|b| !b.is_empty());
                let runs: Vec<&Value> = data
                    .runs
                    .iter()
                    .filter(|r| branch.is_none_or(|b| r["head_branch"].as_str() == Some(b)))
                    .collect();
                let (page, per_page) = paging(&query, 30);
                let items: Vec<Value> = runs
                    .iter()
                    .skip((page - 1).saturating_mul(per_page))
                    .take(per_page)
                    .map(|r| (*r).clone())
                    .collect();
                let path = format!("/repos/{slug}/actions/runs");
                let mut extra = branch
                    .map(|b| vec![("branch", b.as_str())])
                    .unwrap_or_default();
                extra.retain(|(_, v)| !v.is_empty());
                if let Some(link) = link_header(base_url, &path, &extra, page, per_page, runs.len())
                {
                    headers.push(("link".into(), link));
                }
                ok(
                    200,
                    json!({ "total_count": runs.len(), "workflow_runs": items }),
                    headers,
                )
            }
            ("GET", [id]) => match data.runs.iter().find(|r| same_id(r, id)) {
                Some(run) => ok(200, run.clone(), headers),
                None => not_found(headers),
            },
            ("GET", [id, "jobs"]) => {
                let Some(jobs) = id.parse().ok().and_then(|id: u64| data.jobs.get(&id)) else {
                    return not_found(headers);
                };
                let (page, per_page) = paging(&query, 30);
                let items: Vec<Value> = jobs
                    .iter()
                    .skip((page - 1).saturating_mul(per_page))
                    .take(per_page)
                    .cloned()
                    .collect();
                let path = format!("/repos/{slug}/actions/runs/{id}/jobs");
                if let Some(link) = link_header(
                    base_url,
                    &path,
                    &[("filter", "latest")],
                    page,
                    per_page,
                    jobs.len(),
                ) {
                    headers.push(("link".into(), link));
                }
                ok(
                    200,
                    json!({ "total_count": jobs.len(), "jobs": items }),
                    headers,
                )
            }
            ("POST", [id, "rerun"]) => {
                let Some(run) = data.runs.iter_mut().find(|r| same_id(r, id)) else {
                    return not_found(headers);
                };
                if run["status"] != "completed" {
                    return error(
                        403,
                        "This workflow is already running",
                        "https://docs.github.com/rest/actions/workflow-runs#re-run-a-workflow",
                        headers,
                    );
                }
                let attempt = run["run_attempt"].as_u64().unwrap_or(1) + 1;
                run["status"] = "queued".into();
                run["conclusion"] = Value::Null;
                run["run_attempt"] = attempt.into();
                run["run_started_at"] = format_timestamp(now).into();
                run["updated_at"] = format_timestamp(now).into();
                let run = run.clone();
                if let Some(id) = run["id"].as_u64() {
                    data.jobs.insert(id, sample_jobs(&run));
                }
                ok(201, json!({}), headers)
            }
            _ => not_found(headers),
        }
    }
}

fn same_id(run: &Value, id: &str) -> bool {
    id.parse::<u64>()
        .ok()
        .is_some_and(|id| run["id"].as_u64() == Some(id))
}

fn paging(query: &BTreeMap<String, String>, default_per_page: usize) -> (usize, usize) {
    let page = query
        .get("page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let per_page = query
        .get("per_page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(default_per_page)
        .clamp(1, 100);
    (page, per_page)
}

fn ok(status: u16, body: Value, headers: Vec<(String, String)>) -> FakeResponse {
    FakeResponse {
        status,
        headers,
        body: body.to_string(),
    }
}

fn error(status: u16, message: &str, docs: &str, headers: Vec<(String, String)>) -> FakeResponse {
    ok(
        status,
        json!({ "message": message, "documentation_url": docs, "status": status.to_string() }),
        headers,
    )
}

/// GitHub's `Link` header: `next` and `last` while there are more pages, `prev` and
/// `first` after the first. `None` when everything fits on one page.
fn link_header(
    base: &str,
    path: &str,
    extra: &[(&str, &str)],
    page: usize,
    per_page: usize,
    total: usize,
) -> Option<String> {
    let last = total.div_ceil(per_page).max(1);
    if last == 1 {
        return None;
    }
    let mut query: String = extra
        .iter()
        .map(|(k, v)| format!("{k}={}&", backlot_text::percent::encode(v)))
        .collect();
    query.push_str(&format!("per_page={per_page}"));
    let url = |p: usize| format!("<{base}{path}?{query}&page={p}>");
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!(r#"{}; rel="prev""#, url(page - 1)));
    }
    if page < last {
        links.push(format!(r#"{}; rel="next""#, url(page + 1)));
        links.push(format!(r#"{}; rel="last""#, url(last)));
    }
    if page > 1 {
        links.push(format!(r#"{}; rel="first""#, url(1)));
    }
    Some(links.join(", "))
}

const WORKFLOWS: &[(&str, &str, u64)] = &[
    ("CI", ".github/workflows/ci.yml", 161_335),
    ("Deploy", ".github/workflows/deploy.yml", 161_336),
    ("CodeQL", ".github/workflows/codeql.yml", 161_337),
];
const BRANCHES: &[&str] = &["main", "feature/checkout-v2", "main", "fix/rounding-errors"];
const ACTORS: &[&str] = &["mona", "hubot", "octocat"];
const MESSAGES: &[&str] = &[
    "Add retry to the payment client\n\nRetries idempotent calls up to three times.",
    "Bump serde from 1.0.210 to 1.0.215",
    "Fix rounding of refunds in EUR",
    "Document the settlement API",
    "Merge pull request #482 from acme/feature/checkout-v2\n\nCheckout v2",
];
const CONCLUSIONS: &[&str] = &[
    "success",
    "success",
    "failure",
    "success",
    "cancelled",
    "success",
    "success",
];

/// A well-spread 64-bit value for `x` (splitmix64), for commit hashes that look real.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn actor(login: &str, id: u64) -> Value {
    json!({
        "login": login, "id": id, "node_id": format!("MDQ6VXNlcj{id}"),
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{id}?v=4"),
        "html_url": format!("https://github.com/{login}"), "type": "User", "site_admin": false
    })
}

/// `n` workflow runs of `owner/repo`, newest first: the newest in progress, the rest
/// completed with mixed conclusions, over several workflows, branches and actors.
pub fn sample_runs(owner: &str, repo: &str, n: usize, now: i64) -> Vec<Value> {
    let api = format!("https://api.github.com/repos/{owner}/{repo}");
    let repository = json!({
        "id": 1_296_269, "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", "name": repo,
        "full_name": format!("{owner}/{repo}"), "private": true,
        "owner": { "login": owner, "id": 9919, "type": "Organization" },
        "html_url": format!("https://github.com/{owner}/{repo}"), "url": api,
    });
    (0..n)
        .map(|i| {
            let id = 9_000_000 + (n - i) as u64 * 7;
            let run_number = (n - i) as u64;
            let (name, path, workflow_id) = WORKFLOWS[i % WORKFLOWS.len()];
            let branch = BRANCHES[i % BRANCHES.len()];
            let login = ACTORS[i % ACTORS.len()];
            let message = MESSAGES[i % MESSAGES.len()];
            let created = now - 300 - i as i64 * 2400;
            let started = created + 4;
            let duration = 60 + (i as i64 * 37) % 600;
            let running = i == 0;
            let (status, conclusion, updated) = if running {
                ("in_progress", Value::Null, now)
            } else {
                ("completed", Value::from(CONCLUSIONS[i % CONCLUSIONS.len()]), started + duration)
            };
            let sha = format!("{:016x}{:016x}{:08x}", mix(id), mix(id ^ 0x5eed), mix(id + 7) as u32);
            json!({
                "id": id, "name": name, "node_id": format!("WFR_kwLOA{id}"),
                "head_branch": branch, "head_sha": sha, "path": path,
                "display_title": message.lines().next().unwrap_or_default(),
                "run_number": run_number, "event": if branch == "main" { "push" } else { "pull_request" },
                "status": status, "conclusion": conclusion,
                "workflow_id": workflow_id, "check_suite_id": id + 1, "check_suite_node_id": format!("CS_kwDO{id}"),
                "url": format!("{api}/actions/runs/{id}"),
                "html_url": format!("https://github.com/{owner}/{repo}/actions/runs/{id}"),
                "pull_requests": [],
                "created_at": format_timestamp(created), "updated_at": format_timestamp(updated),
                "actor": actor(login, 583_231 + (i % ACTORS.len()) as u64),
                "run_attempt": 1, "referenced_workflows": [],
                "run_started_at": format_timestamp(started),
                "triggering_actor": actor(login, 583_231 + (i % ACTORS.len()) as u64),
                "jobs_url": format!("{api}/actions/runs/{id}/jobs"),
                "logs_url": format!("{api}/actions/runs/{id}/logs"),
                "check_suite_url": format!("{api}/check-suites/{}", id + 1),
                "artifacts_url": format!("{api}/actions/runs/{id}/artifacts"),
                "cancel_url": format!("{api}/actions/runs/{id}/cancel"),
                "rerun_url": format!("{api}/actions/runs/{id}/rerun"),
                "previous_attempt_url": null,
                "workflow_url": format!("{api}/actions/workflows/{workflow_id}"),
                "head_commit": {
                    "id": sha, "tree_id": format!("{:016x}{:016x}{:08x}", mix(!id), mix(id << 1), mix(id + 3) as u32), "message": message,
                    "timestamp": format_timestamp(created - 30),
                    "author": { "name": login, "email": format!("{login}@example.com") },
                    "committer": { "name": "GitHub", "email": "noreply@github.com" }
                },
                "repository": repository, "head_repository": repository,
            })
        })
        .collect()
}

/// The jobs (with steps) of a generated run, consistent with its state: a failed run has
/// a failed `test` job whose later steps were skipped; a running one has a job in
/// progress and one queued.
pub fn sample_jobs(run: &Value) -> Vec<Value> {
    let run_id = run["id"].as_u64().unwrap_or_default();
    let started = run["run_started_at"]
        .as_str()
        .and_then(crate::time::parse_timestamp)
        .unwrap_or_default();
    let updated = run["updated_at"]
        .as_str()
        .and_then(crate::time::parse_timestamp)
        .unwrap_or(started);
    let status = run["status"].as_str().unwrap_or("completed");
    let conclusion = run["conclusion"].as_str();
    let html = run["html_url"].as_str().unwrap_or_default().to_string();
    let api = run["url"]
        .as_str()
        .unwrap_or_default()
        .split("/actions/")
        .next()
        .unwrap_or_default()
        .to_string();
    let names: &[&str] = match run["name"].as_str() {
        Some("Deploy") => &["deploy"],
        Some("CodeQL") => &["analyze (rust)"],
        _ => &["build", "test", "lint"],
    };
    let slot = ((updated - started).max(3 * names.len() as i64)) / names.len() as i64;
    names
        .iter()
        .enumerate()
        .map(|(j, job_name)| {
            let id = run_id * 10 + j as u64;
            let job_start = started + j as i64 * slot;
            // (status, conclusion) of this job given the run's outcome.
            let (job_status, job_conclusion): (&str, Option<&str>) = match (status, conclusion) {
                ("completed", Some("failure")) if j == names.len().min(2) - 1 => ("completed", Some("failure")),
                ("completed", Some("failure")) if j >= names.len().min(2) => ("completed", Some("skipped")),
                ("completed", Some("cancelled")) if j == names.len() - 1 => ("completed", Some("cancelled")),
                ("completed", c) => ("completed", c.or(Some("success"))),
                ("in_progress", _) if j == 0 => ("completed", Some("success")),
                ("in_progress", _) if j == 1 => ("in_progress", None),
                _ => ("queued", None),
            };
            let steps = sample_steps(job_name, job_status, job_conclusion, job_start, slot);
            let job_end = job_start + slot;
            json!({
                "id": id, "run_id": run_id, "workflow_name": run["name"], "head_branch": run["head_branch"],
                "run_url": run["url"], "run_attempt": run["run_attempt"], "node_id": format!("CR_kwDO{id}"),
                "head_sha": run["head_sha"], "url": format!("{api}/actions/jobs/{id}"),
                "html_url": format!("{html}/job/{id}"),
                "status": job_status, "conclusion": job_conclusion,
                "created_at": format_timestamp(job_start - 2),
                "started_at": if job_status == "queued" { Value::Null } else { format_timestamp(job_start).into() },
                "completed_at": if job_status == "completed" { format_timestamp(job_end).into() } else { Value::Null },
                "name": job_name, "steps": steps,
                "check_run_url": format!("{api}/check-runs/{id}"),
                "labels": ["ubuntu-latest"], "runner_id": if job_status == "queued" { Value::Null } else { Value::from(17 + j) },
                "runner_name": if job_status == "queued" { Value::Null } else { Value::from(format!("GitHub Actions {}", 17 + j)) },
                "runner_group_id": 2, "runner_group_name": "GitHub Actions"
            })
        })
        .collect()
}

fn sample_steps(
    job: &str,
    status: &str,
    conclusion: Option<&str>,
    start: i64,
    slot: i64,
) -> Vec<Value> {
    let main = format!("Run {job}");
    let names = [
        "Set up job",
        "Checkout",
        main.as_str(),
        "Post Checkout",
        "Complete job",
    ];
    let each = (slot / names.len() as i64).max(1);
    names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let s = start + k as i64 * each;
            let (st, co): (&str, Option<&str>) = match (status, conclusion) {
                ("queued", _) => ("queued", None),
                ("in_progress", _) if k < 2 => ("completed", Some("success")),
                ("in_progress", _) if k == 2 => ("in_progress", None),
                ("in_progress", _) => ("queued", None),
                (_, Some("failure")) if k == 2 => ("completed", Some("failure")),
                (_, Some("failure")) if k > 2 && k < names.len() - 1 => ("completed", Some("skipped")),
                (_, Some("skipped")) => ("completed", Some("skipped")),
                (_, Some("cancelled")) if k >= 2 => ("completed", Some("cancelled")),
                _ => ("completed", Some("success")),
            };
            json!({
                "name": name, "status": st, "conclusion": co, "number": k + 1,
                "started_at": if st == "queued" { Value::Null } else { format_timestamp(s).into() },
                "completed_at": if st == "completed" { format_timestamp(s + each).into() } else { Value::Null },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::{self, Repo};
    use backlot_model::ipc::ProxyReply;

    const NOW: i64 = 1_790_000_000;

    fn reply(r: FakeResponse) -> ProxyReply {
        ProxyReply {
            status: r.status,
            headers: r.headers,
            body: r.body,
        }
    }

    #[test]
    fn generated_runs_page_with_links_and_parse_as_githubs_shapes() {
        let mut gh = FakeGithub::new("t0k", NOW).with_repo("acme/payments", 45);
        let repo = Repo::parse("acme/payments").unwrap();
        let call = calls::list_runs(&repo, None, 1);
        let path = call.path.strip_prefix("/github").unwrap();
        let page1 = calls::parse_runs(
            &repo,
            1,
            &reply(gh.handle("GET", path, Some("Bearer t0k"), "http://fake")),
        )
        .unwrap();
        assert_eq!(
            (page1.runs.len(), page1.total_count, page1.next_page),
            (20, 45, Some(2))
        );
        assert!(page1.runs[0].state().is_running());
        assert!(
            page1.runs.windows(2).all(|w| w[0].id > w[1].id),
            "newest first"
        );
        let call = calls::list_runs(&repo, None, 3);
        let page3 = calls::parse_runs(
            &repo,
            3,
            &reply(gh.handle("GET", &call.path[7..], Some("Bearer t0k"), "http://fake")),
        )
        .unwrap();
        assert_eq!((page3.runs.len(), page3.next_page), (5, None));

        let call = calls::list_runs(&repo, Some("fix/rounding-errors"), 1);
        let only = calls::parse_runs(
            &repo,
            1,
            &reply(gh.handle("GET", &call.path[7..], Some("token t0k"), "http://fake")),
        )
        .unwrap();
        assert!(!only.runs.is_empty());
        assert!(
            only.runs
                .iter()
                .all(|r| r.head_branch.as_deref() == Some("fix/rounding-errors"))
        );
        assert_eq!(gh.requests().len(), 3);
        assert_eq!(gh.requests()[2].authorization.as_deref(), Some("token t0k"));
    }

    #[test]
    fn jobs_of_a_failed_run_show_the_failure_and_skips() {
        let mut gh = FakeGithub::new("t0k", NOW).with_repo("acme/payments", 10);
        let repo = Repo::parse("acme/payments").unwrap();
        let failed = gh
            .runs("acme/payments")
            .iter()
            .find(|r| r["conclusion"] == "failure")
            .unwrap()["id"]
            .as_u64()
            .unwrap();
        let call = calls::list_jobs(&repo, failed, 1);
        let jobs = calls::parse_jobs(
            &repo,
            1,
            &reply(gh.handle("GET", &call.path[7..], Some("Bearer t0k"), "x")),
        )
        .unwrap();
        let states: Vec<&str> = jobs.jobs.iter().map(|j| j.state().class()).collect();
        assert!(states.contains(&"failure"), "{states:?}");
        let failing = jobs
            .jobs
            .iter()
            .find(|j| j.state().class() == "failure")
            .unwrap();
        assert!(failing.steps.iter().any(|s| s.state().class() == "failure"));
        assert!(failing.duration_secs(NOW).is_some_and(|d| d > 0));
    }

    #[test]
    fn failures_in_githubs_words() {
        let mut gh = FakeGithub::new("t0k", NOW).with_repo("acme/payments", 3);
        let repo = Repo::parse("acme/payments").unwrap();
        let path = "/repos/acme/payments/actions/runs";
        assert_eq!(
            calls::parse_runs(
                &repo,
                1,
                &reply(gh.handle("GET", path, Some("Bearer nope"), "x"))
            )
            .unwrap_err()
            .code(),
            "token_rejected"
        );
        assert_eq!(
            calls::parse_runs(&repo, 1, &reply(gh.handle("GET", path, None, "x")))
                .unwrap_err()
                .code(),
            "token_rejected"
        );
        let other = Repo::parse("acme/secret").unwrap();
        let e = calls::parse_runs(
            &other,
            1,
            &reply(gh.handle(
                "GET",
                "/repos/acme/secret/actions/runs",
                Some("Bearer t0k"),
                "x",
            )),
        )
        .unwrap_err();
        assert_eq!(
            e,
            crate::GithubError::RepoNotFound {
                slug: "acme/secret".into()
            }
        );
        gh.set_rate_limited_until(Some(NOW + 600));
        let e = calls::parse_runs(
            &repo,
            1,
            &reply(gh.handle("GET", path, Some("Bearer t0k"), "x")),
        )
        .unwrap_err();
        assert_eq!(
            e,
            crate::GithubError::RateLimited {
                reset: Some(NOW + 600),
                retry_after: None
            }
        );
    }

    #[test]
    fn a_rerun_queues_the_run_again() {
        let mut gh = FakeGithub::new("t0k", NOW).with_repo("acme/payments", 3);
        let repo = Repo::parse("acme/payments").unwrap();
        let done = gh.runs("acme/payments")[1]["id"].as_u64().unwrap();
        let call = calls::rerun(&repo, done);
        let r = gh.handle(&call.method, &call.path[7..], Some("Bearer t0k"), "x");
        assert_eq!(r.status, 201);
        calls::parse_rerun(&repo, &reply(r)).unwrap();
        assert_eq!(gh.run(done).unwrap()["status"], "queued");
        assert_eq!(gh.run(done).unwrap()["run_attempt"], 2);
        let running = gh.runs("acme/payments")[0]["id"].as_u64().unwrap();
        let r = gh.handle(
            "POST",
            &calls::rerun(&repo, running).path[7..],
            Some("Bearer t0k"),
            "x",
        );
        assert_eq!(r.status, 403);
    }
}
