//! Plain Rust (no Yew): reading an API entity's `spec.definition` into what the tab shows.

pub mod asyncapi;
pub mod document;
#[cfg(all(test, not(target_arch = "wasm32")))]
pub mod fixtures;
pub mod graphql;
pub mod highlight;
pub mod openapi;
pub mod schema;

use serde_json::Value;

pub use document::DefinitionError;
use highlight::Language;

/// An API entity's definition, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// `spec.type` as written (`openapi`, `grpc`, …); empty when absent.
    pub api_type: String,
    /// The definition's text as the catalog holds it (pretty JSON if it was structured).
    pub raw: String,
    pub language: Language,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The entity has no `spec.definition`.
    Missing,
    /// `$text: https://…` that ingestion did not fetch (offline): only the URL is known.
    Remote(String),
    OpenApi(Box<openapi::OpenApi>),
    AsyncApi(Box<asyncapi::AsyncApi>),
    GraphQl(Box<graphql::Schema>),
    Protobuf(highlight::ProtoSummary),
    /// Shown as highlighted source only.
    Source,
    Failed(DefinitionError),
}

fn is_remote(text: &str) -> bool {
    let t = text.trim();
    !t.contains(char::is_whitespace) && (t.starts_with("https://") || t.starts_with("http://"))
}

/// Reads `spec.definition` of `entity` according to `spec.type` (falling back on the
/// content for unknown types).
pub fn load(entity: &Value) -> Loaded {
    let api_type = entity
        .pointer("/spec/type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let definition = entity.pointer("/spec/definition");
    let (raw, structured) = match definition {
        None | Some(Value::Null) => {
            return Loaded {
                api_type,
                raw: String::new(),
                language: Language::Plain,
                outcome: Outcome::Missing,
            };
        }
        Some(Value::String(s)) => (s.clone(), None),
        // `$json`/`$yaml` placeholders leave a parsed value behind.
        Some(other) => (
            serde_json::to_string_pretty(other).unwrap_or_default(),
            Some(other.clone()),
        ),
    };
    if structured.is_none() && is_remote(&raw) {
        let url = raw.trim().to_string();
        return Loaded {
            api_type,
            raw,
            language: Language::Plain,
            outcome: Outcome::Remote(url),
        };
    }
    let doc_language = if structured.is_some() || document::looks_like_json(&raw) {
        Language::Json
    } else {
        Language::Yaml
    };
    let parse_doc = || match &structured {
        Some(v) => Ok(v.clone()),
        None => document::parse(&raw),
    };
    let (language, outcome) = match api_type.to_ascii_lowercase().as_str() {
        "openapi" | "swagger" => (doc_language, open_api(parse_doc())),
        "asyncapi" => (doc_language, async_api(parse_doc())),
        "graphql" => (
            Language::GraphQl,
            match graphql::parse(&raw) {
                Ok(schema) => Outcome::GraphQl(Box::new(schema)),
                Err(e) => Outcome::Failed(e),
            },
        ),
        "grpc" | "protobuf" | "proto" => (
            Language::Protobuf,
            match highlight::proto_summary(&raw) {
                Ok(summary) => Outcome::Protobuf(summary),
                Err(e) => Outcome::Failed(e),
            },
        ),
        "trpc" => (Language::Script, Outcome::Source),
        _ => sniff(&raw, structured),
    };
    Loaded {
        api_type,
        raw,
        language,
        outcome,
    }
}

fn open_api(doc: Result<Value, DefinitionError>) -> Outcome {
    match doc.and_then(openapi::read) {
        Ok(api) => Outcome::OpenApi(Box::new(api)),
        Err(e) => Outcome::Failed(e),
    }
}

fn async_api(doc: Result<Value, DefinitionError>) -> Outcome {
    match doc.and_then(asyncapi::read) {
        Ok(api) => Outcome::AsyncApi(Box::new(api)),
        Err(e) => Outcome::Failed(e),
    }
}

/// An unknown `spec.type`: render it if the content says what it is, else show the source.
fn sniff(raw: &str, structured: Option<Value>) -> (Language, Outcome) {
    let json = structured.is_some() || document::looks_like_json(raw);
    let doc = match structured {
        Some(v) => Some(v),
        None if json || raw.contains(':') => document::parse(raw).ok(),
        None => None,
    };
    let language = if json {
        Language::Json
    } else if doc.as_ref().is_some_and(Value::is_object) {
        Language::Yaml
    } else {
        Language::Plain
    };
    match doc {
        Some(d) if d.get("openapi").is_some() || d.get("swagger").is_some() => {
            (language, open_api(Ok(d)))
        }
        Some(d) if d.get("asyncapi").is_some() => (language, async_api(Ok(d))),
        _ => (language, Outcome::Source),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::json;

    fn entity(api_type: &str, definition: Value) -> Value {
        json!({"kind": "API", "spec": {"type": api_type, "definition": definition}})
    }

    #[test]
    fn each_fixture_loads_as_its_type() {
        let cases = [
            (fixtures::PETSTORE, "openapi"),
            (fixtures::STREETLIGHTS, "asyncapi"),
            (fixtures::SWAPI, "graphql"),
            (fixtures::HELLO_WORLD, "grpc"),
        ];
        for (file, expected) in cases {
            let e = document::parse(file).unwrap();
            let loaded = load(&e);
            assert_eq!(loaded.api_type, expected);
            let ok = matches!(
                (&loaded.outcome, expected),
                (Outcome::OpenApi(_), "openapi")
                    | (Outcome::AsyncApi(_), "asyncapi")
                    | (Outcome::GraphQl(_), "graphql")
                    | (Outcome::Protobuf(_), "grpc")
            );
            assert!(ok, "{expected}: {:?}", loaded.outcome);
        }
    }

    #[test]
    fn missing_remote_structured_and_unknown() {
        assert_eq!(
            load(&json!({"spec": {"type": "openapi"}})).outcome,
            Outcome::Missing
        );
        let remote = load(&entity(
            "openapi",
            json!("https://example.com/openapi.yaml"),
        ));
        assert_eq!(
            remote.outcome,
            Outcome::Remote("https://example.com/openapi.yaml".into())
        );
        let structured = load(&entity(
            "openapi",
            json!({"openapi": "3.1.0", "info": {"title": "T"}, "paths": {}}),
        ));
        assert!(matches!(structured.outcome, Outcome::OpenApi(ref a) if a.title == "T"));
        assert_eq!(structured.language, Language::Json);
        let sniffed = load(&entity(
            "custom",
            json!("swagger: '2.0'\ninfo: {title: S}\npaths: {}\n"),
        ));
        assert!(matches!(sniffed.outcome, Outcome::OpenApi(_)));
        let plain = load(&entity("sql", json!("SELECT 1;")));
        assert_eq!(
            (plain.outcome, plain.language),
            (Outcome::Source, Language::Plain)
        );
    }

    /// Every prefix of every fixture (cut anywhere, as a half-written file would be) loads
    /// without panicking, as every type.
    #[test]
    fn truncated_definitions_never_panic() {
        let definitions: Vec<String> = [
            fixtures::PETSTORE,
            fixtures::STREETLIGHTS,
            fixtures::SWAPI,
            fixtures::HELLO_WORLD,
        ]
        .into_iter()
        .map(fixtures::definition)
        .chain([fixtures::PETSTORE_31_OAS.to_string()])
        .collect();
        for text in &definitions {
            let cuts: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .step_by(61)
                .chain([text.len()])
                .collect();
            for cut in cuts {
                for api_type in ["openapi", "asyncapi", "graphql", "grpc", "other"] {
                    let loaded = load(&entity(api_type, json!(&text[..cut])));
                    assert_eq!(loaded.raw.len(), cut);
                }
            }
        }
    }

    #[test]
    fn odd_inputs_never_panic() {
        let nasty = [
            "",
            " ",
            "\n\n",
            "\\",
            "\"",
            "\"\"\"",
            "\"\"\"\\\"\"\"",
            "/*",
            "*/",
            "//",
            "'",
            "`",
            "{",
            "}",
            "[",
            "]",
            "#",
            "é\"ü\\",
            "a: \"\\",
            "type A { é: Int }",
            "message é { }",
            "openapi: 3.0.0\npaths: {/a: {get: {parameters: [{$ref: '#/x'}]}}}",
            "openapi: 3.0.0\npaths: {/a: {$ref: '#/paths/~1a'}}",
            "asyncapi: 3.0.0\noperations: {o: {channel: {$ref: '#/nope'}}}",
            "--- \n--- \n",
            "a: &x [*x]",
            "\u{feff}type Query { a: Int }",
            "\t\t{\"openapi\": \"3\", \"paths\": 1}",
        ];
        for text in nasty {
            for api_type in ["openapi", "asyncapi", "graphql", "grpc", "trpc", "other"] {
                let loaded = load(&entity(api_type, json!(text)));
                let _ = highlight::highlight(&loaded.raw, loaded.language);
            }
        }
    }

    #[test]
    fn petstore_31_with_examples_and_refs() {
        let loaded = load(&entity("openapi", json!(fixtures::PETSTORE_31_OAS)));
        let Outcome::OpenApi(api) = loaded.outcome else {
            panic!("{:?}", loaded.outcome)
        };
        assert_eq!(api.spec_version, "OpenAPI 3.1.0");
        let groups: Vec<&str> = api.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(groups, ["pet", "store", "user"]);
        let update = api
            .operations()
            .find(|o| o.operation_id.as_deref() == Some("updatePet"))
            .unwrap();
        let body = update.request.as_ref().unwrap();
        assert!(body.required);
        assert_eq!(
            body.contents
                .iter()
                .map(|m| m.content_type.as_str())
                .collect::<Vec<_>>(),
            [
                "application/json",
                "application/xml",
                "application/x-www-form-urlencoded"
            ]
        );
        let pet = body.contents[0].schema.as_ref().unwrap();
        assert_eq!(pet.ref_name.as_deref(), Some("Pet"));
        let category = pet
            .children
            .iter()
            .find(|c| c.name.as_deref() == Some("category"))
            .unwrap();
        assert_eq!(category.ref_name.as_deref(), Some("Category"));
        assert!(
            category
                .children
                .iter()
                .any(|c| c.name.as_deref() == Some("name"))
        );
        // The schema's own examples feed the generated example.
        assert!(
            body.contents[0].examples[0].text.contains("doggie"),
            "{}",
            body.contents[0].examples[0].text
        );
    }

    #[test]
    fn broken_definitions_fail_with_lines() {
        let broken = load(&entity(
            "openapi",
            json!("openapi: 3.0.0\npaths:\n  /a:\n    get: {responses: [}\n"),
        ));
        match broken.outcome {
            Outcome::Failed(e) => assert!(e.line().is_some_and(|l| (3..=5).contains(&l)), "{e:?}"),
            other => panic!("{other:?}"),
        }
        let wrong = load(&entity("asyncapi", json!("just: a mapping\n")));
        assert!(matches!(
            wrong.outcome,
            Outcome::Failed(DefinitionError::Shape { .. })
        ));
        let gql = load(&entity("graphql", json!("type A {\n  a:\n}")));
        assert!(
            matches!(gql.outcome, Outcome::Failed(ref e) if e.line() == Some(3)),
            "{:?}",
            gql.outcome
        );
    }
}
