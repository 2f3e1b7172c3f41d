//! The API docs plugin's native half: its search collator. An API entity's definition
//! (`spec.definition`) yields one document per OpenAPI operation (`GET /payments` with its
//! summary and description), AsyncAPI channel, or GraphQL type (with its fields), each
//! opening the entity's API tab at that place. Definitions are outside data: size, node and
//! document counts are bounded, and a definition that cannot be read yields nothing.

mod extract;

use backlot_backend_plugin_api::{
    BackendPlugin, EntitySelector, Host, HostEntity, SearchCollator, SearchDocument, stamp_of,
};
use backlot_model::ApiError;
use backlot_model::search::TYPE_API;

pub use extract::{Operation, operations};

/// The plugin backend the app registers (`app/src/plugins.rs`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiDocsBackend;

impl BackendPlugin for ApiDocsBackend {
    fn id(&self) -> &'static str {
        "api-docs"
    }

    fn search_collators(&self) -> &'static [&'static dyn SearchCollator] {
        &[&ApiCollator]
    }
}

pub struct ApiCollator;

fn spec_str<'a>(entity: &'a HostEntity, field: &str) -> Option<&'a str> {
    entity.entity.spec.as_ref()?.get(field)?.as_str()
}

impl SearchCollator for ApiCollator {
    fn doc_type(&self) -> &'static str {
        TYPE_API
    }

    fn selects(&self) -> EntitySelector {
        EntitySelector::Kind("api")
    }

    fn stamp(&self, _: &dyn Host, entity: &HostEntity) -> Option<String> {
        let definition = spec_str(entity, "definition")?;
        let kind = spec_str(entity, "type").unwrap_or("");
        let title = entity.entity.metadata.title.as_deref().unwrap_or("");
        Some(stamp_of([
            kind.as_bytes(),
            title.as_bytes(),
            definition.as_bytes(),
        ]))
    }

    fn collate(&self, _: &dyn Host, entity: &HostEntity) -> Result<Vec<SearchDocument>, ApiError> {
        let Some(definition) = spec_str(entity, "definition") else {
            return Ok(Vec::new());
        };
        let kind = spec_str(entity, "type").unwrap_or("");
        let entity_ref = entity.entity.entity_ref();
        let api_title = entity
            .entity
            .metadata
            .title
            .clone()
            .unwrap_or_else(|| entity.entity.metadata.name.clone());
        let base = format!(
            "/catalog/{}/api/{}?tab=api",
            entity_ref.namespace.to_lowercase(),
            backlot_text::percent::encode_path(&entity_ref.name)
        );
        Ok(operations(kind, definition)
            .into_iter()
            .map(|op| SearchDocument {
                location: format!("{base}#{}", op.anchor),
                title: op.title,
                subtitle: Some(api_title.clone()),
                headings: op.summary,
                text: op.text,
            })
            .collect())
    }
}
