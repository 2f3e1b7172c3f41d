//! Backlot's Software Templates engine: Backstage's scaffolder (`scaffolder.backstage.io/v1beta3`,
//! scaffolder-backend 4.3.0) in plain Rust, no UI, no network.
//!
//! - [`template`]: `${{ }}` rendering with nunjucks' semantics on minijinja, Backstage's filters.
//! - [`workflow`]: the runner — step inputs, `if`, `each`, outputs, dry runs.
//! - [`validate`]: form values against the parameter pages (`when` too), action inputs against
//!   their schemas, with the npm `jsonschema` package's rules and messages.
//! - [`actions`]: the [`actions::Action`] trait, the registry, the built-in actions.
//!
//! Everything a template names is confined: `url`s to the template's folder, paths to the
//! workspace, reads capped, renders bounded by fuel and an output cap.

pub mod actions;
mod error;
pub mod paths;
pub mod plugin;
pub mod template;
pub mod validate;
pub mod workflow;
mod yaml;

pub use actions::{Action, ActionContext, ActionRegistry, FileLimits};
pub use error::ScaffolderError;
pub use template::{Integrations, Limits, TemplateError, Templater, TemplaterOptions};
pub use workflow::{
    DryRunRequest, Engine, Live, RunFailure, RunUser, parse_template, template_from_entity,
};

/// `yaml.stringify` as Backstage's `catalog:write` uses it.
pub fn yaml_stringify(value: &serde_json::Value) -> String {
    yaml::stringify(value)
}
