//! GitHub's REST shapes for workflow runs, jobs and steps — the fields Backlot shows.
//! Every field has a default so a GitHub Enterprise version that omits one still parses.

use serde::{Deserialize, Serialize};

/// `GET /repos/{owner}/{repo}/actions/runs` → `{ total_count, workflow_runs }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkflowRunList {
    pub total_count: u64,
    pub workflow_runs: Vec<WorkflowRun>,
}

/// One workflow run (`#/components/schemas/workflow-run`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkflowRun {
    pub id: u64,
    /// The workflow's name (`CI`).
    pub name: Option<String>,
    pub display_title: Option<String>,
    pub run_number: u64,
    pub run_attempt: Option<u64>,
    pub event: String,
    /// `queued`, `in_progress`, `completed`, `waiting`, `requested`, `pending`.
    pub status: Option<String>,
    /// Set when completed: `success`, `failure`, `cancelled`, `skipped`, `timed_out`, …
    pub conclusion: Option<String>,
    pub head_branch: Option<String>,
    pub head_sha: String,
    pub path: String,
    pub workflow_id: u64,
    pub html_url: String,
    pub created_at: String,
    pub updated_at: String,
    pub run_started_at: Option<String>,
    pub actor: Option<Actor>,
    pub triggering_actor: Option<Actor>,
    pub head_commit: Option<HeadCommit>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Actor {
    pub login: String,
    pub html_url: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HeadCommit {
    pub id: String,
    pub message: String,
    pub timestamp: Option<String>,
}

/// `GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs` → `{ total_count, jobs }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobList {
    pub total_count: u64,
    pub jobs: Vec<Job>,
}

/// One job of a run (`#/components/schemas/job`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Job {
    pub id: u64,
    pub run_id: u64,
    pub name: String,
    pub status: Option<String>,
    pub conclusion: Option<String>,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub html_url: Option<String>,
    pub runner_name: Option<String>,
    pub labels: Vec<String>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Step {
    pub name: String,
    pub number: u64,
    pub status: Option<String>,
    pub conclusion: Option<String>,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
}

/// What a run, job or step amounts to, for a badge: the conclusion once completed, the
/// status before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    Success,
    Failure,
    Cancelled,
    Skipped,
    TimedOut,
    ActionRequired,
    Neutral,
    Stale,
    InProgress,
    Queued,
    Waiting,
    Unknown,
}

impl RunState {
    pub fn from_parts(status: Option<&str>, conclusion: Option<&str>) -> Self {
        match (status, conclusion) {
            (_, Some("success")) => Self::Success,
            (_, Some("failure" | "startup_failure")) => Self::Failure,
            (_, Some("cancelled")) => Self::Cancelled,
            (_, Some("skipped")) => Self::Skipped,
            (_, Some("timed_out")) => Self::TimedOut,
            (_, Some("action_required")) => Self::ActionRequired,
            (_, Some("neutral")) => Self::Neutral,
            (_, Some("stale")) => Self::Stale,
            (Some("in_progress"), _) => Self::InProgress,
            (Some("queued" | "requested" | "pending"), _) => Self::Queued,
            (Some("waiting"), _) => Self::Waiting,
            _ => Self::Unknown,
        }
    }

    /// A CSS-friendly name (`success`, `in-progress`, …).
    pub fn class(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
            Self::Cancelled => "cancelled",
            Self::Skipped => "skipped",
            Self::TimedOut => "timed-out",
            Self::ActionRequired => "action-required",
            Self::Neutral => "neutral",
            Self::Stale => "stale",
            Self::InProgress => "in-progress",
            Self::Queued => "queued",
            Self::Waiting => "waiting",
            Self::Unknown => "unknown",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Success => "Success",
            Self::Failure => "Failure",
            Self::Cancelled => "Cancelled",
            Self::Skipped => "Skipped",
            Self::TimedOut => "Timed out",
            Self::ActionRequired => "Action required",
            Self::Neutral => "Neutral",
            Self::Stale => "Stale",
            Self::InProgress => "In progress",
            Self::Queued => "Queued",
            Self::Waiting => "Waiting",
            Self::Unknown => "Unknown",
        }
    }

    /// Whether the run is still going (its duration is counted up to now).
    pub fn is_running(self) -> bool {
        matches!(self, Self::InProgress | Self::Queued | Self::Waiting)
    }
}

impl WorkflowRun {
    pub fn state(&self) -> RunState {
        RunState::from_parts(self.status.as_deref(), self.conclusion.as_deref())
    }

    /// The workflow's name, falling back to its file.
    pub fn workflow_name(&self) -> &str {
        self.name
            .as_deref()
            .filter(|n| !n.is_empty())
            .unwrap_or(&self.path)
    }

    /// The first line of the head commit's message (or the run's title).
    pub fn commit_title(&self) -> &str {
        self.head_commit
            .as_ref()
            .and_then(|c| c.message.lines().next())
            .or(self.display_title.as_deref())
            .unwrap_or_default()
    }

    pub fn actor_login(&self) -> &str {
        self.triggering_actor
            .as_ref()
            .or(self.actor.as_ref())
            .map(|a| a.login.as_str())
            .unwrap_or_default()
    }

    /// When the run (its latest attempt) started.
    pub fn started_at(&self) -> Option<i64> {
        crate::time::parse_timestamp(self.run_started_at.as_deref().unwrap_or(&self.created_at))
    }

    /// Seconds the run took (started → last update when completed; → `now` while running).
    pub fn duration_secs(&self, now: i64) -> Option<i64> {
        let start = self.started_at()?;
        let end = if self.state().is_running() {
            now
        } else {
            crate::time::parse_timestamp(&self.updated_at)?
        };
        Some((end - start).max(0))
    }
}

impl Job {
    pub fn state(&self) -> RunState {
        RunState::from_parts(self.status.as_deref(), self.conclusion.as_deref())
    }

    pub fn duration_secs(&self, now: i64) -> Option<i64> {
        span(
            self.started_at.as_deref(),
            self.completed_at.as_deref(),
            now,
        )
    }
}

impl Step {
    pub fn state(&self) -> RunState {
        RunState::from_parts(self.status.as_deref(), self.conclusion.as_deref())
    }

    pub fn duration_secs(&self, now: i64) -> Option<i64> {
        span(
            self.started_at.as_deref(),
            self.completed_at.as_deref(),
            now,
        )
    }
}

fn span(start: Option<&str>, end: Option<&str>, now: i64) -> Option<i64> {
    let start = crate::time::parse_timestamp(start?)?;
    let end = match end {
        Some(e) => crate::time::parse_timestamp(e)?,
        None => now,
    };
    Some((end - start).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_follow_conclusion_then_status() {
        assert_eq!(
            RunState::from_parts(Some("completed"), Some("success")),
            RunState::Success
        );
        assert_eq!(
            RunState::from_parts(Some("completed"), Some("startup_failure")),
            RunState::Failure
        );
        assert_eq!(
            RunState::from_parts(Some("in_progress"), None),
            RunState::InProgress
        );
        assert_eq!(
            RunState::from_parts(Some("requested"), None),
            RunState::Queued
        );
        assert_eq!(RunState::from_parts(None, None), RunState::Unknown);
        assert_eq!(RunState::TimedOut.class(), "timed-out");
    }

    #[test]
    fn a_run_in_githubs_shape_parses_and_reads_well() {
        let json = r#"{"id": 30433642, "name": "Build", "node_id": "MDEy", "check_suite_id": 42,
            "head_branch": "master", "head_sha": "acb5820ced9479c074f688cc328bf03f341a511d",
            "path": ".github/workflows/build.yml@main", "run_number": 562, "event": "push",
            "display_title": "Update README.md", "status": "completed", "conclusion": "failure",
            "workflow_id": 159038, "url": "https://api.github.com/repos/octo-org/octo-repo/actions/runs/30433642",
            "html_url": "https://github.com/octo-org/octo-repo/actions/runs/30433642",
            "pull_requests": [], "created_at": "2020-01-22T19:33:08Z", "updated_at": "2020-01-22T19:34:38Z",
            "actor": {"login": "octocat", "id": 1, "type": "User", "site_admin": false},
            "run_attempt": 1, "run_started_at": "2020-01-22T19:33:08Z",
            "triggering_actor": {"login": "octocat", "id": 1},
            "head_commit": {"id": "acb5820ced9479c074f688cc328bf03f341a511d", "tree_id": "d23f",
                "message": "Create linter.yaml\n\nWith a body", "timestamp": "2020-01-22T19:33:05Z",
                "author": {"name": "Octo Cat", "email": "octocat@github.com"}},
            "repository": {"id": 1296269, "full_name": "octo-org/octo-repo"}}"#;
        let run: WorkflowRun = serde_json::from_str(json).unwrap();
        assert_eq!(run.workflow_name(), "Build");
        assert_eq!(run.commit_title(), "Create linter.yaml");
        assert_eq!(run.actor_login(), "octocat");
        assert_eq!(run.state(), RunState::Failure);
        assert_eq!(run.duration_secs(0), Some(90));
    }

    #[test]
    fn a_running_run_counts_up_to_now() {
        let run = WorkflowRun {
            status: Some("in_progress".into()),
            run_started_at: Some("2026-01-01T00:00:00Z".into()),
            updated_at: "2026-01-01T00:00:10Z".into(),
            ..Default::default()
        };
        let start = crate::time::parse_timestamp("2026-01-01T00:00:00Z").unwrap();
        assert_eq!(run.duration_secs(start + 125), Some(125));
    }
}
