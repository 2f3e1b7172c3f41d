//! The workflow runner: Backstage's `NunjucksWorkflowRunner` (scaffolder-backend 4.3.0) for
//! v1beta3 templates — step inputs rendered with the run's context, `if` and `each`,
//! outputs collected per step, a dry run's skipped actions, the rendered `output`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use backlot_scaffolder_common::{
    DryRunResult, EventStatus, LogEvent, ProducedFile, StepReport, StepStatus, TemplateSpec,
};
use serde_json::{Map, Value as Json, json};

use crate::actions::{ActionContext, ActionRegistry, FileLimits, LogLine};
use crate::error::ScaffolderError;
use crate::paths::relative_slash;
// A loop entry is logged as `{"key":"0","value":"a"}`, each part as JavaScript's String().
use crate::template::{Integrations, Limits, Templater, TemplaterOptions, js};
use crate::validate::schema::js_string;

/// The `apiVersion` this engine runs.
pub const API_VERSION: &str = "scaffolder.backstage.io/v1beta3";

/// The ref a dry run gives its template (`templateInfo.entityRef` in Backstage's dry run).
pub const DRY_RUN_TEMPLATE_REF: &str = "template:default/dry-run";

/// A template entity's `spec`, read from its YAML (`apiVersion` and `kind` checked).
pub fn parse_template(yaml: &str) -> Result<TemplateSpec, ScaffolderError> {
    let entity: Json = serde_saphyr::from_str(yaml)
        .map_err(|e| ScaffolderError::TemplateInvalid(e.to_string()))?;
    template_from_entity(&entity)
}

/// The `spec` of a template entity given as JSON.
pub fn template_from_entity(entity: &Json) -> Result<TemplateSpec, ScaffolderError> {
    let api = entity
        .get("apiVersion")
        .and_then(Json::as_str)
        .unwrap_or_default();
    if api != API_VERSION {
        return Err(ScaffolderError::TemplateInvalid(format!(
            "apiVersion {api:?} is not {API_VERSION}"
        )));
    }
    if entity.get("kind").and_then(Json::as_str) != Some("Template") {
        return Err(ScaffolderError::TemplateInvalid(
            "kind is not Template".into(),
        ));
    }
    let spec = entity.get("spec").cloned().unwrap_or(Json::Null);
    let parsed: TemplateSpec = serde_json::from_value(spec)
        .map_err(|e| ScaffolderError::TemplateInvalid(e.to_string()))?;
    for (i, step) in parsed.steps.iter().enumerate() {
        if step.action.is_empty() {
            return Err(ScaffolderError::TemplateInvalid(format!(
                "step {} has no action",
                i + 1
            )));
        }
    }
    Ok(parsed)
}

/// Who runs the template (`user` in the templates' context).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunUser {
    pub entity: Option<Json>,
    pub entity_ref: Option<String>,
}

/// One dry run's inputs.
#[derive(Debug, Clone)]
pub struct DryRunRequest<'a> {
    /// The template's folder (where `template.yaml` is): `url`s resolve against it.
    pub template_dir: &'a Path,
    pub spec: &'a TemplateSpec,
    /// The form's answers (`parameters`).
    pub values: &'a Json,
    pub secrets: &'a BTreeMap<String, String>,
    pub user: RunUser,
}

/// A failed run: the error and what had happened until then.
#[derive(Debug)]
pub struct RunFailure {
    pub error: ScaffolderError,
    pub report: DryRunResult,
}

impl std::fmt::Display for RunFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for RunFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// What a real run adds to a dry run's inputs: its ref, a cancel flag looked at before each
/// step, and a callback told the log and step reports so far at each step's start (with its
/// id) and end (`None`).
pub struct Live<'a> {
    pub template_ref: &'a str,
    pub cancel: &'a AtomicBool,
    #[allow(clippy::type_complexity)]
    pub on_progress: &'a mut dyn FnMut(&[LogEvent], &[StepReport], Option<&str>),
}

/// The engine: actions, integrations and limits.
#[derive(Debug, Clone)]
pub struct Engine {
    pub registry: ActionRegistry,
    pub integrations: Integrations,
    pub limits: Limits,
    pub file_limits: FileLimits,
    /// Most files a run may leave in its workspace (and be returned).
    pub max_output_files: usize,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(ActionRegistry::with_builtins())
    }
}

/// Backstage's `isTruthy`: arrays by length, everything else as JavaScript's `!!`.
pub fn is_truthy(value: Option<&Json>) -> bool {
    match value {
        None => false,
        Some(Json::Array(items)) => !items.is_empty(),
        Some(v) => js::json_truthy(v),
    }
}

/// An action's log line as Backstage's task logger writes it (winston `simple` format,
/// colourised level, extra fields appended as JSON with sorted keys).
pub fn format_action_line(line: &LogLine) -> String {
    let color = match line.level {
        "error" => "31",
        "warn" => "33",
        "debug" => "34",
        _ => "32",
    };
    let mut out = format!("\u{1b}[{color}m{}\u{1b}[39m: {}", line.level, line.message);
    if let Some(Json::Object(meta)) = &line.meta {
        let sorted = sort_keys(&Json::Object(meta.clone()));
        if meta.iter().any(|(k, _)| k != "level" && k != "message") {
            out.push(' ');
            out.push_str(&js::stringify(&sorted, ""));
        }
    }
    out
}

fn sort_keys(json: &Json) -> Json {
    match json {
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), sort_keys(&m[k]));
            }
            Json::Object(out)
        }
        Json::Array(items) => Json::Array(items.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

struct Run<'a> {
    engine: &'a Engine,
    templater: Templater,
    failed_flag: Arc<AtomicBool>,
    status_checked: Arc<AtomicBool>,
    events: Vec<LogEvent>,
    steps: Vec<StepReport>,
    redactions: Vec<String>,
    /// A real run's hooks; `None` in a dry run.
    live: Option<Live<'a>>,
}

impl Run<'_> {
    /// A real run: tells the progress so far (`current`: the step starting, if any).
    fn progress(&mut self, current: Option<&str>) {
        if let Some(live) = &mut self.live {
            (live.on_progress)(&self.events, &self.steps, current);
        }
    }

    fn cancelled(&self) -> bool {
        self.live
            .as_ref()
            .is_some_and(|l| l.cancel.load(Ordering::Relaxed))
    }

    fn emit(&mut self, step_id: Option<&str>, status: Option<EventStatus>, message: String) {
        let mut message = message;
        for secret in &self.redactions {
            if message.contains(secret.as_str()) {
                message = message.replace(secret.as_str(), "***");
            }
        }
        self.events.push(LogEvent {
            step_id: step_id.map(str::to_string),
            status,
            message,
        });
    }

    /// Backstage's `render`: every string leaf rendered as a value; a failing render keeps
    /// the raw string; `undefined` drops object keys (and is `null` in arrays).
    fn render(&self, input: &Json, context: &Json) -> Option<Json> {
        self.render_depth(input, context, 0)
    }

    fn render_depth(&self, input: &Json, context: &Json, depth: usize) -> Option<Json> {
        if depth > js::MAX_DEPTH {
            return Some(input.clone());
        }
        match input {
            Json::String(s) => match self.templater.render_value(s, context) {
                Ok(v) => v,
                Err(_) => Some(input.clone()),
            },
            Json::Array(items) => Some(Json::Array(
                items
                    .iter()
                    .map(|i| {
                        self.render_depth(i, context, depth + 1)
                            .unwrap_or(Json::Null)
                    })
                    .collect(),
            )),
            Json::Object(map) => {
                let mut out = Map::new();
                for (k, v) in map {
                    if let Some(r) = self.render_depth(v, context, depth + 1) {
                        out.insert(k.clone(), r);
                    }
                }
                Some(Json::Object(out))
            }
            other => Some(other.clone()),
        }
    }
}

fn with_key(context: &Json, key: &str, value: Json) -> Json {
    let mut c = context.clone();
    if let Json::Object(m) = &mut c {
        m.insert(key.to_string(), value);
    }
    c
}

fn filter_conditional_items(items: &mut Vec<Json>) {
    let taken = std::mem::take(items);
    for item in taken {
        match item {
            Json::Object(mut obj) => {
                if let Some(cond) = obj.get("if")
                    && !is_truthy(Some(cond))
                {
                    continue;
                }
                obj.remove("if");
                items.push(Json::Object(obj));
            }
            other => items.push(other),
        }
    }
}

impl Engine {
    pub fn new(registry: ActionRegistry) -> Self {
        Engine {
            registry,
            integrations: Integrations::default(),
            limits: Limits::default(),
            file_limits: FileLimits::default(),
            max_output_files: 10_000,
        }
    }

    /// Every step's action must be known before anything runs (stand-ins count only for a
    /// dry run, which skips them).
    pub fn check_actions(&self, spec: &TemplateSpec, dry_run: bool) -> Result<(), ScaffolderError> {
        for (i, step) in spec.steps.iter().enumerate() {
            let known = self
                .registry
                .get(&step.action)
                .is_some_and(|a| dry_run || !a.is_stub());
            if !known {
                return Err(ScaffolderError::ActionUnknown {
                    step_id: step.id_or_default(i),
                    action: step.action.clone(),
                });
            }
        }
        Ok(())
    }

    /// The form's values checked against the template's parameter pages as Backstage does
    /// before a run (`when` evaluated, visible pages' schemas enforced); the values the steps
    /// see, without those only hidden pages declare.
    pub fn check_values(&self, request: &DryRunRequest<'_>) -> Result<Json, ScaffolderError> {
        let templater = Templater::new(&TemplaterOptions {
            integrations: self.integrations.clone(),
            limits: self.limits,
            ..TemplaterOptions::default()
        });
        crate::validate::check_values(&request.spec.parameters, request.values, &templater)
    }

    /// A run over `request` (a dry run without `live`).
    fn runner<'a>(&'a self, request: &DryRunRequest<'_>, live: Option<Live<'a>>) -> Run<'a> {
        let failed_flag = Arc::new(AtomicBool::new(false));
        let status_checked = Arc::new(AtomicBool::new(false));
        let templater = Templater::with_status(
            &TemplaterOptions {
                integrations: self.integrations.clone(),
                limits: self.limits,
                ..TemplaterOptions::default()
            },
            failed_flag.clone(),
            status_checked.clone(),
        );
        let mut redactions: Vec<String> = request
            .secrets
            .values()
            .map(|s| s.trim().to_string())
            .filter(|s| s.len() > 1)
            .collect();
        redactions.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Run {
            engine: self,
            templater,
            failed_flag,
            status_checked,
            events: Vec::new(),
            steps: Vec::new(),
            redactions,
            live,
        }
    }

    /// Runs the template for real in `workspace` (the caller's, kept as the actions left
    /// it): every action runs, nothing is skipped for being a dry run; `live` is told the
    /// progress and stops the run between steps when its flag is set. The rendered output,
    /// or the failure with the log so far.
    pub fn run<'a>(
        &'a self,
        request: &DryRunRequest<'_>,
        workspace: &Path,
        live: Live<'a>,
    ) -> Result<Json, Box<RunFailure>> {
        let fail = |error: ScaffolderError, report: Option<DryRunResult>| {
            Box::new(RunFailure {
                error,
                report: report.unwrap_or(DryRunResult {
                    files: Vec::new(),
                    log: Vec::new(),
                    events: Vec::new(),
                    steps: Vec::new(),
                    output: Json::Null,
                }),
            })
        };
        let values = self.check_values(request).map_err(|e| fail(e, None))?;
        let request = &DryRunRequest {
            values: &values,
            ..request.clone()
        };
        self.check_actions(request.spec, false)
            .map_err(|e| fail(e, None))?;
        let template_dir = request
            .template_dir
            .canonicalize()
            .map_err(|e| fail(ScaffolderError::io(request.template_dir, e), None))?;
        let workspace = workspace
            .canonicalize()
            .map_err(|e| fail(ScaffolderError::io(workspace, e), None))?;
        let mut run = self.runner(request, Some(live));
        let result = run.execute(request, &template_dir, &workspace);
        run.progress(None);
        result.map_err(|error| {
            let report = DryRunResult {
                files: Vec::new(),
                log: run.events.iter().map(|e| e.message.clone()).collect(),
                events: std::mem::take(&mut run.events),
                steps: std::mem::take(&mut run.steps),
                output: Json::Null,
            };
            fail(error, Some(report))
        })
    }

    /// Runs the template in a temporary workspace as Backstage's dry run does and returns
    /// what it produced.
    pub fn dry_run(&self, request: &DryRunRequest<'_>) -> Result<DryRunResult, Box<RunFailure>> {
        let empty = || DryRunResult {
            files: Vec::new(),
            log: Vec::new(),
            events: Vec::new(),
            steps: Vec::new(),
            output: Json::Null,
        };
        let fail = |error: ScaffolderError| {
            Box::new(RunFailure {
                error,
                report: empty(),
            })
        };
        let values = self.check_values(request).map_err(fail)?;
        let request = &DryRunRequest {
            values: &values,
            ..request.clone()
        };
        self.check_actions(request.spec, true).map_err(fail)?;
        let template_dir = request
            .template_dir
            .canonicalize()
            .map_err(|e| fail(ScaffolderError::io(request.template_dir, e)))?;
        let workspace_holder = tempfile::Builder::new()
            .prefix("backlot-dry-run-")
            .tempdir()
            .map_err(|e| fail(ScaffolderError::io(Path::new("temporary folder"), e)))?;
        let workspace = workspace_holder
            .path()
            .canonicalize()
            .map_err(|e| fail(ScaffolderError::io(workspace_holder.path(), e)))?;
        let mut run = self.runner(request, None);
        let result = run.execute(request, &template_dir, &workspace);
        let files = match &result {
            Ok(_) => collect_files(&workspace, self.max_output_files),
            Err(_) => Ok(Vec::new()),
        };
        let log: Vec<String> = run.events.iter().map(|e| e.message.clone()).collect();
        let mut report = DryRunResult {
            files: Vec::new(),
            log,
            events: std::mem::take(&mut run.events),
            steps: std::mem::take(&mut run.steps),
            output: Json::Null,
        };
        match (result, files) {
            (Ok(output), Ok(files)) => {
                report.output = output;
                report.files = files;
                Ok(report)
            }
            (Err(error), _) | (Ok(_), Err(error)) => Err(Box::new(RunFailure { error, report })),
        }
    }
}

impl Run<'_> {
    fn execute(
        &mut self,
        request: &DryRunRequest<'_>,
        template_dir: &Path,
        workspace: &Path,
    ) -> Result<Json, ScaffolderError> {
        let spec = request.spec;
        // Backstage counts the dry run's own extraction step.
        self.emit(
            None,
            None,
            format!("Starting up task with {} steps", spec.steps.len() + 1),
        );
        let mut user = Map::new();
        if let Some(entity) = &request.user.entity {
            user.insert("entity".into(), entity.clone());
        }
        if let Some(r) = &request.user.entity_ref {
            user.insert("ref".into(), Json::String(r.clone()));
        }
        let mut context = json!({
            "parameters": request.values,
            "environment": {"parameters": {}, "secrets": {}},
            "steps": {},
            "user": user,
            "context": {"task": {"id": "dry-run"}},
        });
        let secrets: Map<String, Json> = request
            .secrets
            .iter()
            .map(|(k, v)| (k.clone(), Json::String(v.clone())))
            .collect();
        let mut redacted: Map<String, Json> = request
            .secrets
            .keys()
            .map(|k| (k.clone(), Json::String("***".into())))
            .collect();
        if self.live.is_none() {
            // Backstage's dry run always adds the caller's token as `backstageToken` (undefined
            // for a service caller, so absent from `secrets`), and the redacted copy shown in
            // the dry-run log lists every key.
            redacted
                .entry("backstageToken")
                .or_insert_with(|| Json::String("***".into()));
        }
        let mut first_error: Option<ScaffolderError> = None;
        for (index, step) in spec.steps.iter().enumerate() {
            let id = step.id_or_default(index);
            let name = step.name_or_default();
            let report = |status| StepReport {
                id: id.clone(),
                name: name.clone(),
                action: step.action.clone(),
                status,
            };
            if first_error.is_some() {
                let runs_anyway = match &step.if_ {
                    Some(Json::String(cond)) => {
                        self.status_checked.store(false, Ordering::SeqCst);
                        let _ = self.render(&Json::String(cond.clone()), &context);
                        self.status_checked.load(Ordering::SeqCst)
                    }
                    _ => false,
                };
                if !runs_anyway {
                    self.emit(
                        Some(&id),
                        Some(EventStatus::Skipped),
                        format!("Skipping step {id} because a previous step failed"),
                    );
                    self.steps.push(report(StepStatus::Skipped));
                    continue;
                }
            }
            if self.cancelled() {
                self.emit(
                    Some(&id),
                    Some(EventStatus::Cancelled),
                    format!("Cancelled before step {name}"),
                );
                return Err(ScaffolderError::Input("the run was cancelled".into()));
            }
            self.progress(Some(&id));
            let outcome = self.execute_step(
                request,
                template_dir,
                workspace,
                index,
                &mut context,
                &secrets,
                &redacted,
            );
            match outcome {
                Ok(status) => self.steps.push(report(status)),
                Err(error) => {
                    self.emit(
                        Some(&id),
                        Some(EventStatus::Failed),
                        format!("Error: {error}"),
                    );
                    self.steps.push(report(StepStatus::Failed));
                    self.failed_flag.store(true, Ordering::SeqCst);
                    if first_error.is_none() {
                        first_error = Some(error);
                    }
                }
            }
        }
        if let Some(error) = first_error {
            return Err(error);
        }
        let spec_output = if spec.output.is_null() {
            json!({})
        } else {
            spec.output.clone()
        };
        let mut output = self.render(&spec_output, &context).unwrap_or(Json::Null);
        for key in ["links", "text"] {
            if let Some(Json::Array(items)) = output.get_mut(key) {
                filter_conditional_items(items);
            }
        }
        Ok(output)
    }

    #[allow(clippy::too_many_arguments)]
    fn execute_step(
        &mut self,
        request: &DryRunRequest<'_>,
        template_dir: &Path,
        workspace: &Path,
        index: usize,
        context: &mut Json,
        secrets: &Map<String, Json>,
        redacted: &Map<String, Json>,
    ) -> Result<StepStatus, ScaffolderError> {
        let step = &request.spec.steps[index];
        let id = step.id_or_default(index);
        let name = step.name_or_default();
        self.emit(
            Some(&id),
            Some(EventStatus::Processing),
            format!("Beginning step {name}"),
        );
        let skip_by_if = match &step.if_ {
            Some(Json::Bool(false)) => true,
            Some(Json::String(cond)) if step.each.is_none() => {
                !is_truthy(self.render(&Json::String(cond.clone()), context).as_ref())
            }
            _ => false,
        };
        if skip_by_if {
            self.emit(
                Some(&id),
                Some(EventStatus::Skipped),
                format!("Skipping step {id} because its if condition was false"),
            );
            return Ok(StepStatus::Skipped);
        }
        let action = self
            .engine
            .registry
            .get(&step.action)
            .cloned()
            .ok_or_else(|| ScaffolderError::ActionUnknown {
                step_id: id.clone(),
                action: step.action.clone(),
            })?;

        let dry = self.live.is_none();
        // Dry run: the inputs logged with secrets redacted.
        let dry_context = with_key(context, "secrets", Json::Object(redacted.clone()));
        let debug_input = step
            .input
            .as_ref()
            .and_then(|i| self.render(i, &dry_context))
            .unwrap_or_else(|| json!({}));
        let line = LogLine {
            level: "info",
            message: format!(
                "Running {} in dry-run mode with inputs (secrets redacted): {}",
                action.id(),
                js::stringify(&debug_input, "  ")
            ),
            meta: None,
        };
        if dry {
            self.emit(Some(&id), None, format_action_line(&line));
        }
        if dry && !action.supports_dry_run() {
            self.emit(
                Some(&id),
                Some(EventStatus::Skipped),
                format!("Skipping because {} does not support dry-run", action.id()),
            );
            let output = action
                .output_schema()
                .map_or_else(|| json!({}), |s| crate::actions::example_output(&s));
            if let Some(steps) = context.get_mut("steps").and_then(Json::as_object_mut) {
                steps.insert(id.clone(), json!({ "output": output }));
            }
            return Ok(StepStatus::Skipped);
        }

        let pre_context = with_key(context, "secrets", Json::Object(secrets.clone()));
        let iterations: Vec<Option<Json>> = match &step.each {
            None => vec![None],
            Some(each) => {
                let resolved = self.render(each, &pre_context);
                let Some(resolved) = resolved else {
                    return Err(ScaffolderError::Input(format!(
                        "Invalid value on action {}.each parameter, \"{}\" cannot be resolved to a value",
                        action.id(),
                        js::to_display_string(&js::from_json(each))
                    )));
                };
                match resolved {
                    Json::Array(items) => items
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| Some(json!({"key": i.to_string(), "value": v})))
                        .collect(),
                    Json::Object(map) => map
                        .into_iter()
                        .map(|(k, v)| Some(json!({"key": k, "value": v})))
                        .collect(),
                    _ => {
                        return Err(ScaffolderError::Input(format!(
                            "Invalid value on action {}.each parameter, must resolve to an array or object",
                            action.id()
                        )));
                    }
                }
            }
        };
        let mut planned = Vec::new();
        for each in iterations {
            let full = match &each {
                Some(e) => with_key(&pre_context, "each", e.clone()),
                None => pre_context.clone(),
            };
            let should_run = match (&each, &step.if_) {
                (Some(_), Some(cond)) if js::json_truthy(cond) => {
                    is_truthy(self.render(cond, &full).as_ref())
                }
                _ => true,
            };
            let input = step
                .input
                .as_ref()
                .and_then(|i| self.render(i, &full))
                .unwrap_or_else(|| json!({}));
            planned.push((each, should_run, input));
        }
        if let Some(schema) = action.input_schema() {
            for (each, _, input) in planned.iter().filter(|(_, run, _)| *run) {
                let errors = crate::validate::validate(input, &schema).map_err(|problem| {
                    ScaffolderError::Input(format!(
                        "the input schema of {} cannot be used: {problem}",
                        action.id()
                    ))
                })?;
                if !errors.is_empty() {
                    let key = each
                        .as_ref()
                        .and_then(|e| e.get("key"))
                        .map(|k| format!("[{}]", crate::validate::schema::js_string(k)))
                        .unwrap_or_default();
                    return Err(ScaffolderError::ActionInputInvalid {
                        action: format!("{}{key}", action.id()),
                        errors,
                    });
                }
            }
        }
        let mut outputs = Map::new();
        for (each, should_run, input) in planned {
            if let Some(e) = &each {
                let shown = json!({
                    "key": js_string(e.get("key").unwrap_or(&Json::Null)),
                    "value": js_string(e.get("value").unwrap_or(&Json::Null)),
                });
                let verb = if should_run { "Running" } else { "Skipping" };
                let line = LogLine {
                    level: "info",
                    message: format!("{verb} step each: {}", js::stringify(&shown, "")),
                    meta: None,
                };
                self.emit(Some(&id), None, format_action_line(&line));
                if !should_run {
                    continue;
                }
            }
            let mut lines = Vec::new();
            let result = {
                let mut ctx = ActionContext {
                    workspace,
                    template_dir,
                    step_id: &id,
                    step_name: &name,
                    is_dry_run: dry,
                    template_ref: Some(
                        self.live
                            .as_ref()
                            .map_or(DRY_RUN_TEMPLATE_REF, |l| l.template_ref),
                    ),
                    integrations: &self.engine.integrations,
                    limits: self.engine.limits,
                    file_limits: self.engine.file_limits,
                    each: step.each.is_some(),
                    outputs: &mut outputs,
                    log: &mut lines,
                };
                action.run(&mut ctx, &input)
            };
            for line in &lines {
                self.emit(Some(&id), None, format_action_line(line));
            }
            result?;
        }
        if let Some(steps) = context.get_mut("steps").and_then(Json::as_object_mut) {
            steps.insert(id.clone(), json!({ "output": Json::Object(outputs) }));
        }
        self.emit(
            Some(&id),
            Some(EventStatus::Completed),
            format!("Finished step {name}"),
        );
        Ok(StepStatus::Done)
    }
}

/// Regular files left in the workspace, sorted by path (symlinks and a top-level `.git`
/// left out), executable bits read from their modes.
fn collect_files(workspace: &Path, max_files: usize) -> Result<Vec<ProducedFile>, ScaffolderError> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![workspace.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let read = std::fs::read_dir(&dir).map_err(|e| ScaffolderError::io(&dir, e))?;
        for item in read {
            let item = item.map_err(|e| ScaffolderError::io(&dir, e))?;
            let path = item.path();
            let rel = relative_slash(workspace, &path);
            if rel == ".git" {
                continue;
            }
            let meta =
                std::fs::symlink_metadata(&path).map_err(|e| ScaffolderError::io(&path, e))?;
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() {
                if out.len() >= max_files {
                    return Err(ScaffolderError::TooManyFiles {
                        what: "the workspace".into(),
                        max: max_files,
                    });
                }
                let bytes = std::fs::read(&path).map_err(|e| ScaffolderError::io(&path, e))?;
                out.push(ProducedFile {
                    path: rel,
                    bytes,
                    executable: is_executable(&meta),
                });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &std::fs::Metadata) -> bool {
    false
}
