//! The repository's copy of Backstage's examples (`tests/fixtures/backstage-examples`),
//! read at compile time for the parser tests.

pub const PETSTORE: &str =
    include_str!("../../../../tests/fixtures/backstage-examples/apis/petstore-api.yaml");
pub const STREETLIGHTS: &str =
    include_str!("../../../../tests/fixtures/backstage-examples/apis/streetlights-api.yaml");
pub const SWAPI: &str =
    include_str!("../../../../tests/fixtures/backstage-examples/apis/swapi-graphql.yaml");
pub const HELLO_WORLD: &str =
    include_str!("../../../../tests/fixtures/backstage-examples/apis/hello-world-api.yaml");
pub const PETSTORE_WEBHOOK_OAS: &str =
    include_str!("../../../../tests/fixtures/backstage-examples/apis/petstore-webhook.oas.yaml");
pub const PETSTORE_31_OAS: &str =
    include_str!("../../../../tests/fixtures/backstage-examples/apis/petstore.oas.yaml");

/// `spec.definition` of a catalog entity file.
pub fn definition(entity_yaml: &str) -> String {
    let entity = super::document::parse(entity_yaml).expect("fixture entity parses");
    entity["spec"]["definition"]
        .as_str()
        .expect("an inline definition")
        .to_string()
}
