//! Templates as the Create page sees them: every `Template` entity as a card, one
//! template's form (its parameters, its steps, the actions Backlot lacks), and where a
//! template's files are (the folder of its catalog file).

use std::path::PathBuf;

use backlot_backend_plugin_api::{Host, HostEntity};
use backlot_model::{ApiError, ErrorCode};
use backlot_scaffolder_common::TemplateSpec;
use backlot_scaffolder_common::ipc::{StepOutline, TemplateForm, TemplateSummary};

use crate::{ActionRegistry, template_from_entity};

pub fn summary(e: &HostEntity) -> TemplateSummary {
    let m = &e.entity.metadata;
    let spec = e.entity.spec.as_ref();
    let text = |key: &str| {
        spec.and_then(|s| s.get(key))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    TemplateSummary {
        entity_ref: e.entity.entity_ref().key(),
        name: m.name.clone(),
        title: m.title.clone(),
        description: m.description.clone(),
        owner: text("owner"),
        template_type: text("type"),
        tags: m.tags.clone(),
        from_team: e.from_team,
    }
}

pub fn list(host: &dyn Host) -> Result<Vec<TemplateSummary>, ApiError> {
    Ok(host
        .entities_of_kind("template")?
        .iter()
        .map(summary)
        .collect())
}

/// A template entity and its parsed spec.
pub struct Template {
    pub entity: HostEntity,
    pub spec: TemplateSpec,
    pub summary: TemplateSummary,
}

pub fn load(host: &dyn Host, entity_ref: &str) -> Result<Template, ApiError> {
    let entity = host
        .entity(entity_ref)?
        .filter(|e| e.entity.kind.eq_ignore_ascii_case("template"))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("there is no template {entity_ref} in the catalog"),
            )
        })?;
    let json = serde_json::to_value(&entity.entity)
        .map_err(|e| ApiError::internal(format!("the template could not be read: {e}")))?;
    let spec = template_from_entity(&json).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!("{entity_ref} cannot be run: {e}"),
        )
    })?;
    let summary = summary(&entity);
    Ok(Template {
        entity,
        spec,
        summary,
    })
}

impl Template {
    /// The folder the template's `url`s resolve against: its catalog file's for a local
    /// template; for a team template, a copy of its folder in the repository its
    /// `backstage.io/managed-by-location` names (GitHub, through the proxy).
    pub fn folder(&self, host: &dyn Host) -> Result<PathBuf, ApiError> {
        if let Some(file) = &self.entity.source_file {
            return file
                .parent()
                .map(PathBuf::from)
                .ok_or_else(|| ApiError::internal(format!("{} has no folder", file.display())));
        }
        let annotations = &self.entity.entity.metadata.annotations;
        let location = annotations
            .get("backstage.io/managed-by-location")
            .or_else(|| annotations.get("backstage.io/managed-by-origin-location"))
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Unsupported,
                    format!(
                        "{} has no backstage.io/managed-by-location: Backlot cannot tell where its files are",
                        self.summary.entity_ref
                    ),
                )
            })?;
        let hosts = super::remote::github_hosts(host);
        let at = super::remote::github_location(location, &hosts).ok_or_else(|| {
            ApiError::new(
                ErrorCode::Unsupported,
                format!(
                    "{} is at {location}: Backlot reads team templates from GitHub ({}; others under integrations.github) through the /github proxy endpoint",
                    self.summary.entity_ref,
                    hosts.join(", ")
                ),
            )
        })?;
        super::remote::materialize(host, &self.summary.entity_ref, &at)
    }

    pub fn form(&self, registry: &ActionRegistry) -> TemplateForm {
        let steps: Vec<StepOutline> = self
            .spec
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| StepOutline {
                id: s.id_or_default(i),
                name: s.name_or_default(),
                action: s.action.clone(),
            })
            .collect();
        let mut unavailable: Vec<String> = steps
            .iter()
            .filter(|s| registry.get(&s.action).is_none_or(|a| a.is_stub()))
            .map(|s| s.action.clone())
            .collect();
        unavailable.dedup();
        TemplateForm {
            summary: self.summary.clone(),
            parameters: self.spec.parameters.clone(),
            publishes: steps.iter().any(|s| s.action.starts_with("publish:")),
            steps,
            unavailable_actions: unavailable,
        }
    }
}
