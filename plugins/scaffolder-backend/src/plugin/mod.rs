//! The Create plugin's native half as the app registers it: the commands of
//! `backlot_scaffolder_common::ipc` over the [`Host`] — templates from the catalog, dry
//! runs, runs started in the background and followed through their stored state.

mod bridge;
mod git;
mod github;
mod remote;
mod run;
pub mod runs;
pub mod templates;

use std::collections::BTreeMap;

use backlot_backend_plugin_api::{BackendPlugin, Host, SecretDecl};
use backlot_model::router::Router;
use backlot_model::{ApiError, ErrorCode};
use backlot_scaffolder_common::DryRunResult;
use backlot_scaffolder_common::ipc::{
    CancelRun, DryRunTemplate, GetRun, GetTemplate, ListRuns, ListTemplates, RunView, StartRun,
};

pub use run::{RunOutcome, run_to_end};

use crate::{ActionRegistry, DryRunRequest, Engine, RunUser, ScaffolderError};

/// The plugin backend the app registers (`app/src/plugins.rs`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ScaffolderBackend;

impl BackendPlugin for ScaffolderBackend {
    fn id(&self) -> &'static str {
        "scaffolder"
    }

    fn secrets(&self) -> &'static [SecretDecl] {
        &[SecretDecl {
            name: github::TOKEN_SECRET,
            description: "publish:github and github:repo:push: create GitHub repositories and push to them",
        }]
    }

    #[allow(clippy::redundant_closure)] // a fn item is not general enough over the host's lifetime
    fn routes(&self) -> &Router<dyn Host> {
        static ROUTES: std::sync::LazyLock<Router<dyn Host>> = std::sync::LazyLock::new(|| {
            Router::<dyn Host>::new()
                .on::<ListTemplates>(|host, _| templates::list(host))
                .on::<GetTemplate>(|host, c| {
                    Ok(templates::load(host, &c.entity_ref)?.form(&registry()))
                })
                .on::<DryRunTemplate>(|host, c| dry_run(host, &c))
                .on::<StartRun>(|host, c| run::start(host, c))
                .on::<GetRun>(|host, c| get_run(host, &c.run_id))
                .on::<CancelRun>(|host, c| {
                    if !runs::request_cancel(&c.run_id) {
                        return Err(ApiError::new(
                            ErrorCode::Conflict,
                            format!("the run {} is not going on", c.run_id),
                        ));
                    }
                    get_run(host, &c.run_id)
                })
                .on::<ListRuns>(|host, _| runs::list(host.data_dir()))
        });
        &ROUTES
    }
}

/// The actions Backlot runs: the engine's built-ins and those that publish and register.
pub fn registry() -> ActionRegistry {
    let mut registry = ActionRegistry::with_builtins();
    run::register_host_actions(&mut registry);
    registry
}

/// An engine over `registry` that knows the hosts of the app's `integrations` besides
/// Backstage's defaults (repoUrl pickers and `parseRepoUrl` accept them).
pub fn engine_with(host: &dyn Host, registry: ActionRegistry) -> Engine {
    let mut engine = Engine::new(registry);
    for (name, provider) in host.integrations() {
        if engine.integrations.type_of(&name).is_none() {
            engine.integrations.hosts.push((name, provider));
        }
    }
    engine
}

/// `user` in templates: who Backlot knows the user is, with their entity when the catalog
/// has it.
pub fn run_user(host: &dyn Host) -> RunUser {
    let Some(me) = host.me() else {
        return RunUser::default();
    };
    let entity = host
        .entity(&me)
        .ok()
        .flatten()
        .and_then(|e| serde_json::to_value(e.entity).ok());
    RunUser {
        entity,
        entity_ref: Some(me),
    }
}

pub fn error(e: ScaffolderError) -> ApiError {
    let code = match &e {
        ScaffolderError::ActionUnknown { .. } => ErrorCode::Unsupported,
        ScaffolderError::TemplateInvalid(_) => ErrorCode::InvalidInput,
        _ => ErrorCode::InvalidInput,
    };
    ApiError::new(code, e.to_string())
}

/// The values given, with the parameters' defaults for what they leave out (as the form
/// starts with them).
pub fn with_defaults(
    values: &serde_json::Value,
    template: &templates::Template,
) -> serde_json::Value {
    let mut map = values.as_object().cloned().unwrap_or_default();
    backlot_scaffolder_common::apply_defaults(&template.spec.parameters, &mut map);
    serde_json::Value::Object(map)
}

/// Values of Backstage's `Secret` fields (top-level properties with `ui:field: Secret`) leave
/// the values for the run's `secrets`, as Backstage's form sends them: templates read them as
/// `${{ secrets.<name> }}`, logs show `***`.
pub fn split_secrets(
    values: serde_json::Value,
    template: &templates::Template,
) -> (serde_json::Value, BTreeMap<String, String>) {
    let mut secrets = BTreeMap::new();
    let serde_json::Value::Object(mut map) = values else {
        return (values, secrets);
    };
    for page in &template.spec.parameters {
        let Some(props) = page.get("properties").and_then(|p| p.as_object()) else {
            continue;
        };
        for (name, prop) in props {
            if prop.get("ui:field").and_then(|f| f.as_str()) == Some("Secret")
                && let Some(value) = map.remove(name)
            {
                let text = match value {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                secrets.insert(name.clone(), text);
            }
        }
    }
    (serde_json::Value::Object(map), secrets)
}

fn dry_run(host: &dyn Host, c: &DryRunTemplate) -> Result<DryRunResult, ApiError> {
    let template = templates::load(host, &c.entity_ref)?;
    let folder = template.folder(host)?;
    let (values, secrets) = split_secrets(with_defaults(&c.values, &template), &template);
    let (calls, answers) = bridge::channel_pair();
    let mut registry = registry();
    registry.register(std::sync::Arc::new(bridge::CatalogFetch {
        host: bridge::HostLink(calls),
    }));
    let engine = engine_with(host, registry);
    let user = run_user(host);
    bridge::serve_while(host, &answers, || {
        engine.dry_run(&DryRunRequest {
            template_dir: &folder,
            spec: &template.spec,
            values: &values,
            secrets: &secrets,
            user,
        })
    })
    .map_err(|failure| error(failure.error))
}

fn get_run(host: &dyn Host, id: &str) -> Result<RunView, ApiError> {
    Ok(runs::settle_orphan(runs::load(host.data_dir(), id)?))
}
