//! A real run: started by a command that answers its id at once, run on the host's
//! background thread (inline in the CLI) in a workspace under the data folder, its state
//! saved as it goes for the run page, cancellable between steps. Publishing to a folder
//! (the `publish:*` step of the template, when the user chose a folder) makes a git
//! repository there with one commit; `catalog:register` of what was published there reads
//! its catalog file into the local catalog once the run completed. Without a folder,
//! `publish:github` publishes to GitHub (`github.rs`) and `catalog:register` of its URL
//! registers it in the team's catalog.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use backlot_backend_plugin_api::Host;
use backlot_model::ApiError;
use backlot_scaffolder_common::ipc::{
    OutputLink, OutputText, PublishTarget, RunStatus, RunStep, RunStepStatus, RunSummary, RunView,
    StartRun,
};
use backlot_scaffolder_common::{EventStatus, LogEvent, StepReport, TemplateSpec};
use serde_json::{Value, json};

use super::bridge::{CatalogFetch, HostCall, HostLink, serve_while};
use super::git::{Commit, copy_tree};
use super::github::GithubPublish;
use super::runs;
use super::templates;
use crate::actions::{Action, ActionContext, ActionRegistry};
use crate::{DryRunRequest, Live, RunUser, ScaffolderError};
use std::sync::mpsc::Receiver;

/// The run's state is saved at most this often while log lines come in (and at every
/// step's start and end).
const SAVE_EVERY: Duration = Duration::from_millis(200);
/// Log lines kept in a run's state.
const MAX_LOG: usize = 5_000;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// Actions Backlot adds to the engine's for every run (targets are per run, see
/// [`RunActions`]; here without a host to answer, for telling which actions exist).
pub fn register_host_actions(registry: &mut ActionRegistry) {
    RunActions {
        host: Some(HostLink(super::bridge::channel_pair().0)),
        ..RunActions::default()
    }
    .register(registry);
}

/// The publishing and registering actions of one run.
#[derive(Default, Clone)]
struct RunActions {
    /// Where `publish:*` writes (a folder chosen by the user); `None`: as the template says
    /// (GitHub; other hosts are refused with a message).
    folder: Option<PathBuf>,
    /// Catalog files `catalog:register` asked for, read into the catalog once the run ends.
    to_register: Arc<Mutex<Vec<PathBuf>>>,
    /// Where actions ask the host (the catalog, the proxy, the keychain, the team backend).
    host: Option<HostLink>,
}

impl RunActions {
    fn register(&self, registry: &mut ActionRegistry) {
        for id in [
            "publish:github",
            "github:repo:push",
            "publish:gitlab",
            "publish:bitbucket",
            "publish:azure",
        ] {
            registry.register(Arc::new(Publish {
                id,
                folder: self.folder.clone(),
            }));
        }
        registry.register(Arc::new(Register {
            to_register: self.to_register.clone(),
            published: self.folder.clone(),
            host: self.host.clone(),
        }));
        if let Some(host) = &self.host {
            registry.register(Arc::new(CatalogFetch { host: host.clone() }));
            if self.folder.is_none() {
                for create in [true, false] {
                    registry.register(Arc::new(GithubPublish {
                        create,
                        host: host.clone(),
                    }));
                }
            }
        }
    }
}

/// Starts a run: its id at once; the run goes on on the host's background thread.
pub fn start(host: &dyn Host, c: StartRun) -> Result<String, ApiError> {
    let template = templates::load(host, &c.entity_ref)?;
    let folder = template.folder(host)?;
    let (values, secrets) =
        super::split_secrets(super::with_defaults(&c.values, &template), &template);
    let target = match &c.target {
        PublishTarget::Folder { path } => Some(target_folder(path)?),
        PublishTarget::AsTemplateSays => None,
    };
    let (calls, answers) = super::bridge::channel_pair();
    let actions = RunActions {
        folder: target,
        host: Some(HostLink(calls)),
        ..RunActions::default()
    };
    let mut registry = ActionRegistry::with_builtins();
    actions.register(&mut registry);
    let engine = super::engine_with(host, registry);
    engine
        .check_actions(&template.spec, false)
        .map_err(super::error)?;
    let id = runs::new_id(now_ms());
    let steps = template
        .spec
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| RunStep {
            id: s.id_or_default(i),
            name: s.name_or_default(),
            action: s.action.clone(),
            status: None,
        })
        .collect();
    let view = RunView {
        summary: RunSummary {
            id: id.clone(),
            template_ref: template.summary.entity_ref.clone(),
            template_title: template
                .summary
                .title
                .clone()
                .unwrap_or_else(|| template.summary.name.clone()),
            status: RunStatus::Running,
            started_ms: now_ms(),
            finished_ms: None,
            values: runs::without_secrets(&values, &template.spec.parameters),
        },
        steps,
        ..RunView::default()
    };
    let cancel = runs::cancel_flag(&id);
    runs::save(host.data_dir(), &view)?;
    let job = Job {
        engine,
        actions,
        spec: template.spec,
        template_dir: folder,
        values,
        secrets,
        user: super::run_user(host),
        view,
        cancel,
        answers,
    };
    let task: backlot_backend_plugin_api::Task = Box::new(move |host: &dyn Host| {
        let id = job.view.summary.id.clone();
        run_to_end(host, job);
        runs::forget_flag(&id);
    });
    if let Some(task) = host.spawn(task) {
        task(host);
    }
    Ok(id)
}

/// `~/x` is in the home folder; the folder must be new or empty.
fn target_folder(path: &str) -> Result<PathBuf, ApiError> {
    let path = path.trim();
    if path.is_empty() {
        return Err(ApiError::invalid_input("choose a folder to create it in"));
    }
    let expanded = match path.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(PathBuf::from)
            .ok_or_else(|| ApiError::invalid_input("~ cannot be expanded: HOME is not set"))?
            .join(rest),
        None => PathBuf::from(path),
    };
    if !expanded.is_absolute() {
        return Err(ApiError::invalid_input(format!(
            "{path}: give a full path (or one starting with ~/)"
        )));
    }
    if let Ok(mut entries) = std::fs::read_dir(&expanded)
        && entries.next().is_some()
    {
        return Err(ApiError::invalid_input(format!(
            "{} is not empty: choose a new or empty folder",
            expanded.display()
        )));
    }
    if expanded.exists() && !expanded.is_dir() {
        return Err(ApiError::invalid_input(format!(
            "{} is a file, not a folder",
            expanded.display()
        )));
    }
    Ok(expanded)
}

/// Everything a run needs, owned (it outlives the command that started it).
pub struct Job {
    engine: crate::Engine,
    actions: RunActions,
    spec: TemplateSpec,
    template_dir: PathBuf,
    values: Value,
    /// Never stored: only in memory for the run.
    secrets: BTreeMap<String, String>,
    user: RunUser,
    view: RunView,
    cancel: Arc<std::sync::atomic::AtomicBool>,
    /// The host calls of `catalog:fetch`, answered while the run goes on.
    answers: Receiver<HostCall>,
}

/// How a run ended (for the CLI).
pub type RunOutcome = RunView;

/// Runs the job to its end, saving its state as it goes; the final state.
pub fn run_to_end(host: &dyn Host, job: Job) -> RunOutcome {
    let Job {
        engine,
        actions,
        spec,
        template_dir,
        values,
        secrets,
        user,
        mut view,
        cancel,
        answers,
    } = job;
    let data_dir = host.data_dir().to_path_buf();
    let work = data_dir
        .join("scaffolder")
        .join("work")
        .join(&view.summary.id);
    let mut last_save = Instant::now();
    let template_ref = view.summary.template_ref.clone();
    let result = std::fs::create_dir_all(&work)
        .map_err(|e| ScaffolderError::Io {
            path: work.display().to_string(),
            source: e,
        })
        .and_then(|()| {
            let mut progress =
                |events: &[LogEvent], steps: &[StepReport], current: Option<&str>| {
                    apply_progress(&mut view, events, steps, current);
                    if last_save.elapsed() >= SAVE_EVERY || current.is_none() {
                        let _ = runs::save(&data_dir, &view);
                        last_save = Instant::now();
                    }
                };
            serve_while(host, &answers, || {
                engine.run(
                    &DryRunRequest {
                        template_dir: &template_dir,
                        spec: &spec,
                        values: &values,
                        secrets: &secrets,
                        user,
                    },
                    &work,
                    Live {
                        template_ref: &template_ref,
                        cancel: &cancel,
                        on_progress: &mut progress,
                    },
                )
            })
            .map_err(|f| {
                // The failure's own report has the last events.
                f.error
            })
        });
    let _ = std::fs::remove_dir_all(&work);
    let cancelled = cancel.load(std::sync::atomic::Ordering::Relaxed);
    match result {
        Ok(output) => {
            let registered = std::mem::take(
                &mut *actions
                    .to_register
                    .lock()
                    .unwrap_or_else(|p| p.into_inner()),
            );
            (view.links, view.text) = outputs(&output);
            view.summary.status = RunStatus::Completed;
            if !registered.is_empty() {
                let problem = match host.ingest(&registered) {
                    Ok(report) if report.errors.is_empty() => {
                        view.log.push(line(format!(
                            "Read into the catalog: {} added, {} updated",
                            report.added, report.updated
                        )));
                        None
                    }
                    Ok(report) => Some(
                        report
                            .errors
                            .iter()
                            .map(|p| p.to_string())
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                    Err(e) => Some(e.message),
                };
                if let Some(problem) = problem {
                    view.summary.status = RunStatus::Failed;
                    view.error = Some(format!(
                        "Published, but its catalog file could not be read into the catalog: {problem}"
                    ));
                }
            }
        }
        Err(e) => {
            view.summary.status = if cancelled {
                RunStatus::Cancelled
            } else {
                RunStatus::Failed
            };
            for step in &mut view.steps {
                if step.status == Some(RunStepStatus::Processing) {
                    step.status = Some(if cancelled {
                        RunStepStatus::Cancelled
                    } else {
                        RunStepStatus::Failed
                    });
                }
            }
            view.error = Some(if cancelled {
                "Cancelled: the steps after the one running then did not run.".into()
            } else {
                e.to_string()
            });
        }
    }
    view.summary.finished_ms = Some(now_ms());
    let _ = runs::save(&data_dir, &view);
    view
}

fn line(message: String) -> LogEvent {
    LogEvent {
        step_id: None,
        status: None,
        message,
    }
}

/// Copies the engine's progress into the run's state.
fn apply_progress(
    view: &mut RunView,
    events: &[LogEvent],
    steps: &[StepReport],
    current: Option<&str>,
) {
    view.log = events.iter().rev().take(MAX_LOG).rev().cloned().collect();
    for step in &mut view.steps {
        if let Some(done) = steps.iter().find(|s| s.id == step.id) {
            step.status = Some(done.status.into());
        } else if current == Some(step.id.as_str()) {
            step.status = Some(RunStepStatus::Processing);
        }
    }
    if let Some(failed) = events
        .iter()
        .rev()
        .find(|e| e.status == Some(EventStatus::Failed))
        && let Some(step) = view
            .steps
            .iter_mut()
            .find(|s| Some(&s.id) == failed.step_id.as_ref())
    {
        step.status = Some(RunStepStatus::Failed);
    }
}

/// `output.links` and `output.text` of the rendered output.
fn outputs(output: &Value) -> (Vec<OutputLink>, Vec<OutputText>) {
    let links = output
        .get("links")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|v| serde_json::from_value::<OutputLink>(v.clone()).ok())
                .filter(|l| l.url.is_some() || l.entity_ref.is_some())
                .collect()
        })
        .unwrap_or_default();
    let text = output
        .get("text")
        .and_then(Value::as_array)
        .map(|t| {
            t.iter()
                .filter_map(|v| serde_json::from_value::<OutputText>(v.clone()).ok())
                .collect()
        })
        .unwrap_or_default();
    (links, text)
}

/// `publish:*` into the folder the user chose: the workspace (or its `sourcePath`) copied
/// there, `git init` on `defaultBranch`, everything committed once.
struct Publish {
    id: &'static str,
    folder: Option<PathBuf>,
}

impl Action for Publish {
    fn id(&self) -> &str {
        self.id
    }

    fn supports_dry_run(&self) -> bool {
        false
    }

    fn output_schema(&self) -> Option<Value> {
        Some(super::git::publish_outputs())
    }

    fn run(&self, ctx: &mut ActionContext<'_>, input: &Value) -> Result<(), ScaffolderError> {
        let Some(folder) = &self.folder else {
            return Err(ScaffolderError::Input(format!(
                "{} to the remote host is not available in Backlot yet: choose a folder on this computer",
                self.id
            )));
        };
        let text = |k: &str| input.get(k).and_then(Value::as_str);
        let source = match text("sourcePath") {
            Some(p) => ctx.workspace_path(p)?,
            None => ctx.workspace.to_path_buf(),
        };
        copy_tree(&source, folder)?;
        let commit = Commit::from_input(input, "main");
        let hash = commit.make(folder)?;
        let branch = &commit.branch;
        let url = format!("file://{}", folder.display());
        ctx.info(format!(
            "Published to {} (branch {branch})",
            folder.display()
        ));
        ctx.output("remoteUrl", Value::String(url.clone()));
        ctx.output("repoContentsUrl", Value::String(url));
        ctx.output("commitHash", Value::String(hash));
        Ok(())
    }
}

/// `catalog:register` of a catalog file published to a folder: the file is read into the
/// local catalog when the run completed; `entityRef` is its first entity. A URL is
/// registered in the team's catalog.
struct Register {
    to_register: Arc<Mutex<Vec<PathBuf>>>,
    /// The folder this run publishes to: the only place a catalog file may be registered
    /// from (a template must not read other files of the user's into the catalog).
    published: Option<PathBuf>,
    /// The team backend, for URLs (what was published to GitHub).
    host: Option<HostLink>,
}

impl Register {
    /// A URL registered in the team's catalog (as Backstage's action does: an existing
    /// location fails the step unless `optional`); `entityRef` is what it holds, a
    /// Component first.
    fn register_remote(
        &self,
        ctx: &mut ActionContext<'_>,
        url: &str,
        optional: bool,
    ) -> Result<(), ScaffolderError> {
        let Some(host) = &self.host else {
            return Err(ScaffolderError::Input(format!(
                "{url}: registering a URL needs the team backend"
            )));
        };
        ctx.info(format!("Registering {url} in the catalog"));
        let ask = |dry_run: bool| {
            let target = url.to_string();
            host.ask(move |h| h.register_team_location(&target, dry_run))
        };
        let entities = match ask(false)? {
            Ok(registration) => registration.entities,
            Err(e) if !optional => {
                return Err(ScaffolderError::Input(format!("{url}: {}", e.message)));
            }
            Err(e) => {
                ctx.warn(format!("Not registered (optional): {}", e.message));
                ask(true)?.map(|r| r.entities).unwrap_or_default()
            }
        };
        let named = |e: &&backlot_model::ipc::LocationEntity| {
            !e.entity_ref
                .split_once('/')
                .is_some_and(|(_, name)| name.starts_with("generated-"))
        };
        let chosen = entities
            .iter()
            .filter(named)
            .find(|e| e.entity_ref.starts_with("component:"))
            .or_else(|| entities.iter().find(named))
            .or_else(|| entities.first());
        if let Some(entity) = chosen {
            ctx.output("entityRef", Value::String(entity.entity_ref.clone()));
        }
        ctx.output("catalogInfoUrl", Value::String(url.to_string()));
        Ok(())
    }
}

impl Action for Register {
    fn id(&self) -> &str {
        "catalog:register"
    }

    fn supports_dry_run(&self) -> bool {
        false
    }

    fn output_schema(&self) -> Option<Value> {
        Some(json!({"type": "object", "properties": {
            "entityRef": {"type": "string"}, "catalogInfoUrl": {"type": "string"}
        }}))
    }

    fn run(&self, ctx: &mut ActionContext<'_>, input: &Value) -> Result<(), ScaffolderError> {
        let text = |k: &str| input.get(k).and_then(Value::as_str);
        let url = match (text("catalogInfoUrl"), text("repoContentsUrl")) {
            (Some(url), _) => url.to_string(),
            (None, Some(base)) => format!(
                "{}/{}",
                base.trim_end_matches('/'),
                text("catalogInfoPath")
                    .unwrap_or("/catalog-info.yaml")
                    .trim_start_matches('/')
            ),
            (None, None) => {
                return Err(ScaffolderError::Input(
                    "catalog:register needs catalogInfoUrl, or repoContentsUrl and catalogInfoPath"
                        .into(),
                ));
            }
        };
        let optional = input.get("optional").and_then(Value::as_bool) == Some(true);
        let Some(path) = url.strip_prefix("file://").map(PathBuf::from) else {
            if url.starts_with("https://") || url.starts_with("http://") {
                return self.register_remote(ctx, &url, optional);
            }
            return Err(ScaffolderError::Input(format!(
                "{url}: catalog:register takes a file:// (published to a folder) or http(s) URL"
            )));
        };
        let Some(folder) = &self.published else {
            return Err(ScaffolderError::refused(
                path.display().to_string(),
                "nothing was published to a folder in this run",
            ));
        };
        let relative = path.strip_prefix(folder).map_err(|_| {
            ScaffolderError::refused(
                path.display().to_string(),
                format!("outside the folder published to ({})", folder.display()),
            )
        })?;
        let root = folder
            .canonicalize()
            .map_err(|e| ScaffolderError::io(folder, e))?;
        let path = backlot_safe_fs::resolve_inside(&root, &root, &relative.to_string_lossy())?;
        let text = backlot_safe_fs::read_text_capped(&path, 1024 * 1024)?;
        let entity_ref = first_entity_ref(&text).ok_or_else(|| {
            ScaffolderError::Input(format!("{} has no entity to register", path.display()))
        })?;
        ctx.info(format!("Registering {}", path.display()));
        self.to_register
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(path);
        ctx.output("entityRef", Value::String(entity_ref));
        ctx.output("catalogInfoUrl", Value::String(url));
        Ok(())
    }
}

/// `kind:namespace/name` of the first document of a catalog file.
fn first_entity_ref(yaml: &str) -> Option<String> {
    let doc = yaml
        .split("\n---")
        .map(|d| d.trim_start_matches("---"))
        .find_map(|d| {
            serde_saphyr::from_str::<Value>(d)
                .ok()
                .filter(Value::is_object)
        })?;
    let kind = doc.get("kind")?.as_str()?.to_lowercase();
    let meta = doc.get("metadata")?;
    let name = meta.get("name")?.as_str()?;
    let namespace = meta
        .get("namespace")
        .and_then(Value::as_str)
        .unwrap_or("default");
    Some(format!("{kind}:{namespace}/{name}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

    use super::*;

    #[test]
    fn target_folders_are_new_or_empty_and_absolute() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        assert_eq!(target_folder(empty.to_str().unwrap()).unwrap(), empty);
        let new = dir.path().join("new");
        assert_eq!(target_folder(new.to_str().unwrap()).unwrap(), new);
        std::fs::write(empty.join("x"), "").unwrap();
        let err = target_folder(empty.to_str().unwrap()).unwrap_err();
        assert!(err.message.contains("not empty"), "{err:?}");
        assert!(target_folder("relative/x").is_err());
        assert!(target_folder("  ").is_err());
    }

    #[test]
    fn the_first_entity_of_a_catalog_file_is_its_ref() {
        assert_eq!(
            first_entity_ref(
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n---\nkind: API\nmetadata:\n  name: b\n"
            )
            .as_deref(),
            Some("component:default/a")
        );
        assert_eq!(
            first_entity_ref("---\nkind: System\nmetadata:\n  name: s\n  namespace: ops\n")
                .as_deref(),
            Some("system:ops/s")
        );
        assert_eq!(first_entity_ref("just: text"), None);
    }
}
