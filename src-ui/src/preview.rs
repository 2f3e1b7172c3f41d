//! Sample data for previewing the UI in a plain browser, where there is no Rust side.
//! Built only with the `preview` feature (`trunk serve --features preview`); the desktop
//! app never contains it.

use backlot_model::query::EntitySummary;
use backlot_plugin_api::FakeBackend;

fn entity(
    kind: &str,
    name: &str,
    spec_type: &str,
    owner: &str,
    description: &str,
) -> EntitySummary {
    EntitySummary {
        entity_ref: format!("{}:default/{name}", kind.to_lowercase()),
        kind: kind.into(),
        namespace: "default".into(),
        name: name.into(),
        description: Some(description.into()),
        spec_type: Some(spec_type.into()),
        owner: Some(format!("group:default/{owner}")),
        lifecycle: Some("production".into()),
        ..Default::default()
    }
}

pub fn backend() -> FakeBackend {
    FakeBackend::new().with_entities(vec![
        entity(
            "Component",
            "preview-web",
            "website",
            "web-team",
            "Preview data: no Rust side in a plain browser",
        ),
        entity(
            "Component",
            "preview-service",
            "service",
            "platform",
            "Preview data for UI work",
        ),
        entity("API", "preview-api", "openapi", "platform", "Preview API"),
        entity("System", "preview-system", "", "platform", "Preview system"),
    ])
}
