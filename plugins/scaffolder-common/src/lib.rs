//! Software Templates (Backstage's scaffolder, `scaffolder.backstage.io/v1beta3`): the types
//! the engine (`backlot-scaffolder-backend`) and the future UI share. Serde only, no I/O, no
//! native-only dependency: this crate compiles for wasm32.
//!
//! - [`TemplateSpec`]: a template's `spec` as the engine reads it (parameters as JSON-schema
//!   form steps, steps, output).
//! - [`DryRunResult`]: what a dry run produced (files, log, step reports, rendered output),
//!   the counterpart of Backstage's `POST /api/scaffolder/v2/dry-run` answer.
//! - [`LogEvent`]: one line of a run's log with the step and status it belongs to, as
//!   Backstage's task events carry them.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// A template's `spec` (the parts the engine uses; the catalog keeps the whole entity).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TemplateSpec {
    /// The form: one JSON schema per page. A single object in the YAML is one page.
    #[serde(default, deserialize_with = "one_or_many")]
    pub parameters: Vec<Value>,
    /// The steps, run in order.
    #[serde(default)]
    pub steps: Vec<TemplateStep>,
    /// Rendered after the last step (`links`, `text`, anything else).
    #[serde(default)]
    pub output: Value,
    /// `owner`, `type`, `presentation`… kept as given.
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Value>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => Vec::new(),
        Value::Array(items) => items,
        other => vec![other],
    })
}

/// One step of a template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TemplateStep {
    /// Defaults to `step-<n>` (1-based), as Backstage's dry run names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Defaults to the action id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub action: String,
    /// Every string inside is a template (`${{ … }}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    /// `false`, or a template string whose rendered value decides (Backstage's `isTruthy`).
    #[serde(rename = "if", default, skip_serializing_if = "Option::is_none")]
    pub if_: Option<Value>,
    /// An array or object (or a template rendering to one): the action runs once per entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub each: Option<Value>,
}

impl TemplateStep {
    /// The step's id, or `step-<index+1>` as Backstage's dry run assigns it.
    pub fn id_or_default(&self, index: usize) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| format!("step-{}", index + 1))
    }

    /// The step's name, or its action id.
    pub fn name_or_default(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.action.clone())
    }
}

/// A file the run left in the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducedFile {
    /// `/`-separated, relative to the workspace.
    pub path: String,
    /// The content (base64 in JSON, as Backstage's `base64Content`).
    #[serde(with = "base64_bytes")]
    pub bytes: Vec<u8>,
    pub executable: bool,
}

mod base64_bytes {
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map_err(serde::de::Error::custom)
    }
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    Done,
    Skipped,
    Failed,
}

/// One step of a run, as it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepReport {
    pub id: String,
    pub name: String,
    pub action: String,
    pub status: StepStatus,
}

/// The status a log event marks, as Backstage's task events carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventStatus {
    Processing,
    Completed,
    Skipped,
    Failed,
    Cancelled,
}

/// One line of a run's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEvent {
    /// The step it belongs to (`None` for task-level lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<EventStatus>,
    pub message: String,
}

/// What a dry run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DryRunResult {
    /// Regular files left in the workspace, sorted by path.
    pub files: Vec<ProducedFile>,
    /// The log messages, in order (`events` has the same lines with their step and status).
    pub log: Vec<String>,
    pub events: Vec<LogEvent>,
    pub steps: Vec<StepReport>,
    /// The template's `output`, rendered.
    pub output: Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_parameters_object_is_one_page() {
        let spec: TemplateSpec = serde_json::from_value(serde_json::json!({
            "parameters": {"properties": {"name": {"type": "string"}}},
            "steps": [{"action": "debug:log", "if": false, "input": {"message": "hi"}}],
            "owner": "me"
        }))
        .unwrap();
        assert_eq!(spec.parameters.len(), 1);
        assert_eq!(spec.steps[0].if_, Some(Value::Bool(false)));
        assert_eq!(spec.steps[0].id_or_default(0), "step-1");
        assert_eq!(spec.steps[0].name_or_default(), "debug:log");
        assert_eq!(spec.other["owner"], "me");
    }

    #[test]
    fn produced_files_carry_base64() {
        let file = ProducedFile {
            path: "a.bin".into(),
            bytes: vec![0, 1, 255],
            executable: true,
        };
        let json = serde_json::to_value(&file).unwrap();
        assert_eq!(json["bytes"], "AAH/");
        let back: ProducedFile = serde_json::from_value(json).unwrap();
        assert_eq!(back, file);
        let report = StepReport {
            id: "a".into(),
            name: "A".into(),
            action: "x".into(),
            status: StepStatus::Skipped,
        };
        assert_eq!(serde_json::to_value(&report).unwrap()["status"], "skipped");
    }
}

mod defaults;
pub mod ipc;

pub use defaults::apply_defaults;
