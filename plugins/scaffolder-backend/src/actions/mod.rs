//! Template actions: the [`Action`] trait, the context a run gives it, the registry, and the
//! built-in actions that need nothing from the host (fetch, fs, debug, catalog:write).

mod catalog;
mod debug;
mod fetch;
mod fs;
mod input_schemas;
mod stubs;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value as Json};

use crate::error::ScaffolderError;
use crate::template::{Integrations, Limits};

pub use stubs::{DryRunStub, example_output};

/// Caps on what an action reads from a template or writes into the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLimits {
    /// Largest single file read.
    pub max_file: u64,
    /// Most files (and folders) walked in one template folder.
    pub max_files: usize,
    /// Most bytes read from one template folder.
    pub max_total: u64,
}

impl Default for FileLimits {
    fn default() -> Self {
        FileLimits {
            max_file: 32 * 1024 * 1024,
            max_files: 10_000,
            max_total: 256 * 1024 * 1024,
        }
    }
}

/// What an action sees of the run.
pub struct ActionContext<'a> {
    /// The run's workspace (canonical); every write stays inside.
    pub workspace: &'a Path,
    /// The template's folder (canonical); `url`s resolve against it and stay inside.
    pub template_dir: &'a Path,
    pub step_id: &'a str,
    pub step_name: &'a str,
    pub is_dry_run: bool,
    /// The template's ref (`template:default/dry-run` in a dry run).
    pub template_ref: Option<&'a str>,
    pub integrations: &'a Integrations,
    pub limits: Limits,
    pub file_limits: FileLimits,
    /// Whether the step loops (`each`): outputs then collect into arrays.
    pub(crate) each: bool,
    pub(crate) outputs: &'a mut Map<String, Json>,
    pub(crate) log: &'a mut Vec<LogLine>,
}

/// A line an action logged, before the runner formats it.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub level: &'static str,
    pub message: String,
    /// Extra fields (winston's meta object), as Backstage's logger appends them.
    pub meta: Option<Json>,
}

impl ActionContext<'_> {
    /// Sets an output; in a looping step each iteration's value is appended to an array.
    pub fn output(&mut self, name: &str, value: Json) {
        if self.each {
            let entry = self
                .outputs
                .entry(name.to_string())
                .or_insert_with(|| Json::Array(Vec::new()));
            if let Json::Array(items) = entry {
                items.push(value);
            }
        } else {
            self.outputs.insert(name.to_string(), value);
        }
    }

    pub fn info(&mut self, message: impl Into<String>) {
        self.log.push(LogLine {
            level: "info",
            message: message.into(),
            meta: None,
        });
    }

    pub fn warn(&mut self, message: impl Into<String>) {
        self.log.push(LogLine {
            level: "warn",
            message: message.into(),
            meta: None,
        });
    }

    pub fn info_with(&mut self, message: impl Into<String>, meta: Option<Json>) {
        self.log.push(LogLine {
            level: "info",
            message: message.into(),
            meta,
        });
    }

    /// `relative` resolved inside the workspace.
    pub fn workspace_path(&self, relative: &str) -> Result<PathBuf, ScaffolderError> {
        crate::paths::safe_child(self.workspace, relative)
    }
}

/// One action a template step can name.
pub trait Action: Send + Sync {
    fn id(&self) -> &str;
    /// Whether a dry run runs it (else it is skipped and its outputs invented from
    /// [`Action::output_schema`]).
    fn supports_dry_run(&self) -> bool;
    /// The JSON schema of its outputs (Backstage's `schema.output`), if it declares one.
    fn output_schema(&self) -> Option<Json> {
        None
    }
    /// The JSON schema its input must satisfy (Backstage's `schema.input`), checked after
    /// rendering and before the step runs; `None`: anything goes.
    fn input_schema(&self) -> Option<Json> {
        None
    }
    /// A stand-in that only exists so dry runs can skip it (a real run refuses it).
    fn is_stub(&self) -> bool {
        false
    }
    fn run(&self, ctx: &mut ActionContext<'_>, input: &Json) -> Result<(), ScaffolderError>;
}

/// The actions a run may use, by id.
#[derive(Clone, Default)]
pub struct ActionRegistry {
    actions: BTreeMap<String, Arc<dyn Action>>,
}

impl std::fmt::Debug for ActionRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.actions.keys()).finish()
    }
}

impl ActionRegistry {
    /// No actions.
    pub fn empty() -> Self {
        ActionRegistry::default()
    }

    /// The built-in actions plus dry-run stand-ins for Backstage's host-backed ones
    /// (publish, register, notify…), which the app replaces with real ones.
    pub fn with_builtins() -> Self {
        let mut registry = ActionRegistry::empty();
        registry.register(Arc::new(fetch::FetchPlain));
        registry.register(Arc::new(fetch::FetchPlainFile));
        registry.register(Arc::new(fetch::FetchTemplate));
        registry.register(Arc::new(fetch::FetchTemplateFile));
        registry.register(Arc::new(fs::Rename));
        registry.register(Arc::new(fs::Delete));
        registry.register(Arc::new(fs::ReadDir));
        registry.register(Arc::new(stubs::GithubPullRequestDryRun));
        registry.register(Arc::new(debug::Log));
        registry.register(Arc::new(debug::Wait));
        registry.register(Arc::new(catalog::Write));
        for stub in stubs::backstage_stubs() {
            registry.register(Arc::new(stub));
        }
        registry
    }

    /// Adds or replaces an action.
    pub fn register(&mut self, action: Arc<dyn Action>) {
        self.actions.insert(action.id().to_string(), action);
    }

    pub fn get(&self, id: &str) -> Option<&Arc<dyn Action>> {
        self.actions.get(id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.actions.keys().map(String::as_str)
    }
}

/// A string input field.
pub(crate) fn input_str<'a>(input: &'a Json, name: &str) -> Option<&'a str> {
    input.get(name).and_then(Json::as_str)
}

/// A required string input field.
pub(crate) fn required_str<'a>(
    input: &'a Json,
    name: &str,
    action: &str,
) -> Result<&'a str, ScaffolderError> {
    input_str(input, name).ok_or_else(|| {
        ScaffolderError::Input(format!(
            "Invalid input passed to action {action}, instance requires property \"{name}\""
        ))
    })
}

pub(crate) fn input_bool(input: &Json, name: &str) -> bool {
    input.get(name).and_then(Json::as_bool).unwrap_or(false)
}
