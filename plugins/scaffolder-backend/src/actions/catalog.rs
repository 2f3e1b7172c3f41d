//! `catalog:write`: an entity written as YAML the way Backstage's `yaml.stringify` writes it.

use serde_json::{Map, Value as Json};

use super::{ActionContext, input_str};
use crate::error::ScaffolderError;
use crate::yaml;

pub struct Write;

impl super::Action for Write {
    fn input_schema(&self) -> Option<Json> {
        super::input_schemas::builtin(self.id())
    }
    fn id(&self) -> &str {
        "catalog:write"
    }
    fn supports_dry_run(&self) -> bool {
        true
    }
    fn run(&self, ctx: &mut ActionContext<'_>, input: &Json) -> Result<(), ScaffolderError> {
        let path = input_str(input, "filePath")
            .unwrap_or("catalog-info.yaml")
            .to_string();
        let Some(entity) = input.get("entity").and_then(Json::as_object) else {
            return Err(ScaffolderError::Input(
                "Invalid input passed to action catalog:write, instance requires property \"entity\"".into(),
            ));
        };
        ctx.info(format!("Writing {path}"));
        let mut entity = entity.clone();
        if let Some(template_ref) = ctx.template_ref {
            let Some(metadata) = entity.get("metadata").and_then(Json::as_object).cloned() else {
                return Err(ScaffolderError::Input(
                    "Cannot read properties of undefined (reading 'annotations')".into(),
                ));
            };
            let mut metadata = metadata;
            let mut annotations = metadata
                .get("annotations")
                .and_then(Json::as_object)
                .cloned()
                .unwrap_or_else(Map::new);
            annotations.insert(
                "backstage.io/source-template".into(),
                Json::String(template_ref.to_string()),
            );
            metadata.insert("annotations".into(), Json::Object(annotations));
            entity.insert("metadata".into(), Json::Object(metadata));
        }
        let text = yaml::stringify(&Json::Object(entity));
        let target = ctx.workspace_path(&path)?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| ScaffolderError::io(parent, e))?;
        }
        std::fs::write(&target, text).map_err(|e| ScaffolderError::io(&target, e))?;
        Ok(())
    }
}
