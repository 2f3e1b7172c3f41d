//! The Create plugin's commands: what the UI (`backlot-scaffolder`) sends and the native
//! side answers. Templates are `Template` entities of the catalog (local files and the team
//! backend's); a run is identified by an id the native side gives.

use backlot_model::ipc_command;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{DryRunResult, LogEvent, StepStatus};

/// Every Create command name.
pub const COMMAND_NAMES: &[&str] = &[
    "scaffolder_templates",
    "scaffolder_template",
    "scaffolder_dry_run",
    "scaffolder_start",
    "scaffolder_run",
    "scaffolder_cancel",
    "scaffolder_runs",
];

/// Every `Template` entity, for the Create page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListTemplates {}
ipc_command!(ListTemplates => Vec<TemplateSummary>, "scaffolder_templates");

/// A template card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TemplateSummary {
    /// `template:default/new-service`, lowercased.
    pub entity_ref: String,
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// `spec.owner`, as written.
    pub owner: Option<String>,
    /// `spec.type` (service, website, library, …).
    pub template_type: Option<String>,
    pub tags: Vec<String>,
    /// From the team backend (else from a local catalog file).
    pub from_team: bool,
}

/// One template's form: its parameters (JSON schema pages) and what the user is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GetTemplate {
    pub entity_ref: String,
}
ipc_command!(GetTemplate => TemplateForm, "scaffolder_template");

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TemplateForm {
    pub summary: TemplateSummary,
    /// `spec.parameters`: one JSON schema (with `ui:*` keys) per form page.
    pub parameters: Vec<Value>,
    /// Each step's name and action, for the Review page.
    pub steps: Vec<StepOutline>,
    /// Actions the steps use that Backlot does not have: the run would fail at them.
    pub unavailable_actions: Vec<String>,
    /// Whether a step publishes (publish:*): the run asks where to.
    pub publishes: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StepOutline {
    pub id: String,
    pub name: String,
    pub action: String,
}

/// Runs the template without publishing anything: the files it would produce.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DryRunTemplate {
    pub entity_ref: String,
    /// The form's values (`parameters` in templates).
    pub values: Value,
}
ipc_command!(DryRunTemplate => DryRunResult, "scaffolder_dry_run");

/// Where a run publishes to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PublishTarget {
    /// A new (or empty) folder on this machine: a git repository with one commit.
    Folder { path: String },
    /// What the template's publish step says (GitHub through the proxy).
    #[default]
    AsTemplateSays,
}

/// Starts a run; answers its id at once (the run goes on in the background).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StartRun {
    pub entity_ref: String,
    pub values: Value,
    pub target: PublishTarget,
}
ipc_command!(StartRun => String, "scaffolder_start");

/// A run's state, asked again while it runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GetRun {
    pub run_id: String,
}
ipc_command!(GetRun => RunView, "scaffolder_run");

/// Asks a run to stop after its current step (its workspace is removed; nothing it already
/// published is undone).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CancelRun {
    pub run_id: String,
}
ipc_command!(CancelRun => RunView, "scaffolder_cancel");

/// The last runs, newest first (at most 50 are kept).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRuns {}
ipc_command!(ListRuns => Vec<RunSummary>, "scaffolder_runs");

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    #[default]
    Running,
    Completed,
    Failed,
    Cancelled,
}

impl RunStatus {
    pub fn finished(self) -> bool {
        self != RunStatus::Running
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RunSummary {
    pub id: String,
    pub template_ref: String,
    pub template_title: String,
    pub status: RunStatus,
    pub started_ms: u64,
    pub finished_ms: Option<u64>,
    /// The values used (fields the form marks secret left out).
    pub values: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RunView {
    pub summary: RunSummary,
    /// Every step, in order, with its state so far.
    pub steps: Vec<RunStep>,
    pub log: Vec<LogEvent>,
    /// The template's `output.links`, rendered (when the run completed).
    pub links: Vec<OutputLink>,
    /// The template's `output.text`, rendered.
    pub text: Vec<OutputText>,
    /// Why it failed.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RunStep {
    pub id: String,
    pub name: String,
    pub action: String,
    /// `None`: not started yet.
    pub status: Option<RunStepStatus>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStepStatus {
    Processing,
    Completed,
    Skipped,
    Failed,
    Cancelled,
}

impl From<StepStatus> for RunStepStatus {
    fn from(s: StepStatus) -> Self {
        match s {
            StepStatus::Done => RunStepStatus::Completed,
            StepStatus::Skipped => RunStepStatus::Skipped,
            StepStatus::Failed => RunStepStatus::Failed,
        }
    }
}

/// One of `output.links`: a URL (opened in the browser, or the folder) or an entity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OutputLink {
    pub title: Option<String>,
    pub icon: Option<String>,
    pub url: Option<String>,
    pub entity_ref: Option<String>,
}

/// One of `output.text`: a titled Markdown block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OutputText {
    pub title: Option<String>,
    pub content: String,
}
