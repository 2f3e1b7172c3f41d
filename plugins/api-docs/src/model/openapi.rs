//! OpenAPI 3.x and Swagger 2.0, reduced to what the tab shows: operations grouped by tag,
//! their parameters, request bodies and responses with schema trees and examples.

use std::collections::HashMap;
use std::rc::Rc;

use serde_json::{Map, Value};

use super::document::DefinitionError;
use super::schema::{self, Budget, SchemaNode, Schemas, TEXT_UNIT, resolve};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
/// Most tag groups one operation is listed in.
const MAX_TAGS_PER_OPERATION: usize = 16;
/// Most content types one Swagger 2.0 operation lists (`consumes`, `produces`).
const MAX_MEDIA_TYPES: usize = 32;
/// Longest summary, description or name kept, in bytes (the API's own description is
/// kept whole: there is one).
const MAX_TEXT: usize = 16 * 1024;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpenApi {
    /// `OpenAPI 3.0.0`, `Swagger 2.0`.
    pub spec_version: String,
    pub title: String,
    pub version: Option<String>,
    pub description: Option<String>,
    pub servers: Vec<String>,
    pub groups: Vec<TagGroup>,
    /// Named schemas (`components.schemas`, `definitions`).
    pub schemas: Vec<SchemaNode>,
    /// The document was too large to read whole ([`schema::DOCUMENT_BUDGET`]): what is
    /// listed is a part of it.
    pub truncated: bool,
}

impl OpenApi {
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.groups.iter().flat_map(|g| g.operations.iter())
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TagGroup {
    pub name: String,
    pub description: Option<String>,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Operation {
    /// Lowercase HTTP method.
    pub method: String,
    /// The path, or the webhook's name.
    pub path: String,
    pub webhook: bool,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub operation_id: Option<String>,
    pub deprecated: bool,
    pub parameters: Vec<Parameter>,
    pub request: Option<Body>,
    pub responses: Vec<Response>,
}

impl Operation {
    /// Case-insensitive match of a filter against method, path, summary, id and description.
    pub fn matches(&self, needle: &str) -> bool {
        let needle = needle.trim().to_lowercase();
        needle.is_empty()
            || [
                Some(&self.method),
                Some(&self.path),
                self.summary.as_ref(),
                self.operation_id.as_ref(),
                self.description.as_ref(),
            ]
            .into_iter()
            .flatten()
            .any(|s| s.to_lowercase().contains(&needle))
    }

    /// A stable id for the operation's element.
    pub fn anchor(&self) -> String {
        let slug: String = self
            .path
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!("op-{}{}", self.method, slug)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parameter {
    pub name: String,
    /// `query`, `path`, `header`, `cookie`, `formData`.
    pub location: String,
    pub required: bool,
    pub deprecated: bool,
    pub type_label: String,
    pub description: Option<String>,
    /// For object-typed parameters, the expanded schema.
    pub schema: Option<SchemaNode>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Body {
    pub description: Option<String>,
    pub required: bool,
    pub contents: Vec<Media>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Media {
    pub content_type: String,
    pub schema: Option<SchemaNode>,
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Example {
    pub title: String,
    /// Pretty-printed JSON, or the text as given.
    pub text: String,
    /// Made up from the schema rather than written in the definition.
    pub generated: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Response {
    /// `200`, `4XX`, `default`.
    pub status: String,
    pub description: Option<String>,
    pub headers: Vec<Parameter>,
    pub contents: Vec<Media>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| schema::clip(s, MAX_TEXT))
}

fn version_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An example as text: a string as given, anything else as pretty JSON; at most
/// [`schema::MAX_EXAMPLE_TEXT`] bytes of it.
pub fn pretty(value: &Value) -> String {
    match value {
        Value::String(s) => schema::clip(s, schema::MAX_EXAMPLE_TEXT),
        other => schema::json_text(other, true, schema::MAX_EXAMPLE_TEXT),
    }
}

/// Units an example's text costs.
pub fn example_units(example: &Example) -> usize {
    1 + (example.title.len() + example.text.len()) / TEXT_UNIT
}

/// Reads an OpenAPI 3.x or Swagger 2.0 document.
pub fn read(doc: impl Into<Rc<Value>>) -> Result<OpenApi, DefinitionError> {
    let schemas = Schemas::new(doc.into());
    let budget = schemas.budget().clone();
    let mut api = read_with(&schemas, &budget)?;
    api.truncated = budget.exhausted();
    Ok(api)
}

fn read_with(schemas: &Schemas, budget: &Budget) -> Result<OpenApi, DefinitionError> {
    let doc = schemas.doc();
    let shape = |reason: &str| DefinitionError::Shape {
        expected: "an OpenAPI document",
        reason: reason.to_string(),
    };
    let root = doc
        .as_object()
        .ok_or_else(|| shape("the definition is not a mapping of fields"))?;
    let (swagger, spec_version) = match (
        root.get("openapi").and_then(version_text),
        root.get("swagger").and_then(version_text),
    ) {
        (Some(v), _) => (false, format!("OpenAPI {v}")),
        (None, Some(v)) => (true, format!("Swagger {v}")),
        (None, None) => {
            return Err(shape(
                "it has neither an `openapi` nor a `swagger` version field",
            ));
        }
    };
    let info = root.get("info").unwrap_or(&Value::Null);
    let mut api = OpenApi {
        spec_version,
        title: text(info, "title").unwrap_or_else(|| "Untitled API".into()),
        version: info.get("version").and_then(version_text),
        description: info
            .get("description")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        ..Default::default()
    };
    if swagger {
        let host = text(doc, "host").unwrap_or_default();
        let base = text(doc, "basePath").unwrap_or_default();
        let schemes: Vec<String> = doc
            .get("schemes")
            .and_then(Value::as_array)
            .map(|s| {
                s.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if !host.is_empty() || !base.is_empty() {
            let scheme = schemes.first().map_or("https", String::as_str);
            api.servers.push(if host.is_empty() {
                base
            } else {
                format!("{scheme}://{host}{base}")
            });
        }
    } else if let Some(servers) = doc.get("servers").and_then(Value::as_array) {
        api.servers = servers.iter().filter_map(|s| text(s, "url")).collect();
    }

    // Groups: the declared tags first (in order), then tags as operations use them.
    let mut groups: Vec<TagGroup> = doc
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| {
                    Some(TagGroup {
                        name: text(t, "name")?,
                        description: text(t, "description"),
                        operations: vec![],
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let mut group_index: HashMap<String, usize> = HashMap::new();
    for (i, g) in groups.iter().enumerate() {
        group_index.entry(g.name.clone()).or_insert(i);
    }
    let reader = Reader {
        doc,
        swagger,
        schemas,
        budget,
    };
    'paths: for (key, webhook) in [("paths", false), ("webhooks", true)] {
        let Some(paths) = doc.get(key).and_then(Value::as_object) else {
            continue;
        };
        for (path, item) in paths {
            let Some(item) = resolve(doc, item) else {
                continue;
            };
            // Methods in the order the document lists them.
            let methods: Vec<&str> = item
                .as_object()
                .map(|m| {
                    m.keys()
                        .map(String::as_str)
                        .filter(|k| METHODS.contains(k))
                        .collect()
                })
                .unwrap_or_default();
            for method in methods {
                let Some(raw) = item.get(method) else {
                    continue;
                };
                let Some(raw) = resolve(doc, raw) else {
                    continue;
                };
                if !budget.take(1 + path.len() / TEXT_UNIT) {
                    break 'paths;
                }
                let op = reader.operation(method, path, webhook, item, raw);
                let tags: Vec<String> = if webhook {
                    vec!["Webhooks".into()]
                } else {
                    raw.get("tags")
                        .and_then(Value::as_array)
                        .map(|t| {
                            t.iter()
                                .filter_map(Value::as_str)
                                .take(MAX_TAGS_PER_OPERATION)
                                .map(|t| schema::clip(t, MAX_TEXT))
                                .collect()
                        })
                        .filter(|t: &Vec<String>| !t.is_empty())
                        .unwrap_or_else(|| vec!["default".into()])
                };
                for tag in tags {
                    match group_index.get(&tag) {
                        Some(&i) => groups[i].operations.push(op.clone()),
                        None => {
                            group_index.insert(tag.clone(), groups.len());
                            groups.push(TagGroup {
                                name: tag,
                                description: None,
                                operations: vec![op.clone()],
                            });
                        }
                    }
                }
            }
        }
    }
    groups.retain(|g| !g.operations.is_empty());
    api.groups = groups;

    let named = if swagger {
        doc.get("definitions")
    } else {
        doc.pointer("/components/schemas")
    };
    if let Some(named) = named.and_then(Value::as_object) {
        let prefix = if swagger {
            "#/definitions/"
        } else {
            "#/components/schemas/"
        };
        for name in named.keys() {
            if !budget.take(1 + name.len() / TEXT_UNIT) {
                break;
            }
            let reference = Value::Object(Map::from_iter([(
                "$ref".to_string(),
                Value::String(format!(
                    "{prefix}{}",
                    name.replace('~', "~0").replace('/', "~1")
                )),
            )]));
            let mut node = schemas.tree(&reference);
            node.name = Some(name.clone());
            api.schemas.push(node);
        }
    }
    Ok(api)
}

struct Reader<'a> {
    doc: &'a Value,
    swagger: bool,
    schemas: &'a Schemas,
    /// The document's: every parameter, response, header and content type takes from it.
    budget: &'a Budget,
}

impl Reader<'_> {
    fn operation(
        &self,
        method: &str,
        path: &str,
        webhook: bool,
        item: &Value,
        raw: &Value,
    ) -> Operation {
        let mut op = Operation {
            method: method.to_string(),
            path: path.to_string(),
            webhook,
            summary: text(raw, "summary"),
            description: text(raw, "description"),
            operation_id: text(raw, "operationId"),
            deprecated: raw.get("deprecated").and_then(Value::as_bool) == Some(true),
            ..Default::default()
        };
        // Path-level parameters, overridden by operation-level ones with the same name+in.
        let mut params: Vec<Option<&Value>> = Vec::new();
        let mut index: HashMap<(String, String), usize> = HashMap::new();
        for list in [item.get("parameters"), raw.get("parameters")] {
            for p in list.and_then(Value::as_array).into_iter().flatten() {
                let Some(p) = resolve(self.doc, p) else {
                    continue;
                };
                let key = |k: &str| p.get(k).map(|v| schema::json_text(v, false, 256));
                let key = (
                    key("name").unwrap_or_default(),
                    key("in").unwrap_or_default(),
                );
                if let Some(earlier) = index.insert(key, params.len()) {
                    params[earlier] = None;
                }
                params.push(Some(p));
            }
        }
        let mut form: Vec<&Value> = Vec::new();
        for p in params.into_iter().flatten() {
            if !self.budget.take(1) {
                break;
            }
            match p.get("in").and_then(Value::as_str) {
                Some("body") if self.swagger => {
                    let media_types = self.media_types(raw, "consumes");
                    op.request = Some(Body {
                        description: text(p, "description"),
                        required: p.get("required").and_then(Value::as_bool) == Some(true),
                        contents: media_types
                            .into_iter()
                            .map_while(|ct| self.media(ct, p.get("schema"), None, None))
                            .collect(),
                    });
                }
                Some("formData") if self.swagger => form.push(p),
                _ => op.parameters.push(self.parameter(p)),
            }
        }
        if !form.is_empty() {
            let mut properties = Map::new();
            let mut required = Vec::new();
            for p in &form {
                let name = text(p, "name").unwrap_or_default();
                if p.get("required").and_then(Value::as_bool) == Some(true) {
                    required.push(Value::String(name.clone()));
                }
                properties.insert(name, (*p).clone());
            }
            let synthetic = serde_json::json!({"type": "object", "properties": properties, "required": required});
            let ct = if form
                .iter()
                .any(|p| p.get("type").and_then(Value::as_str) == Some("file"))
            {
                "multipart/form-data"
            } else {
                "application/x-www-form-urlencoded"
            };
            op.request = Some(Body {
                description: None,
                required: !required.is_empty(),
                contents: self
                    .media(ct.into(), Some(&synthetic), None, None)
                    .into_iter()
                    .collect(),
            });
        }
        if let Some(body) = raw.get("requestBody").and_then(|b| resolve(self.doc, b)) {
            op.request = Some(Body {
                description: text(body, "description"),
                required: body.get("required").and_then(Value::as_bool) == Some(true),
                contents: self.contents(body),
            });
        }
        if let Some(responses) = raw.get("responses").and_then(Value::as_object) {
            for (status, response) in responses {
                if !self.budget.take(1 + status.len() / TEXT_UNIT) {
                    break;
                }
                let Some(response) = resolve(self.doc, response) else {
                    op.responses.push(Response {
                        status: status.clone(),
                        description: Some("(unresolved reference)".into()),
                        ..Default::default()
                    });
                    continue;
                };
                let headers = response
                    .get("headers")
                    .and_then(Value::as_object)
                    .map(|h| {
                        h.iter()
                            .take_while(|(name, _)| self.budget.take(1 + name.len() / TEXT_UNIT))
                            .filter_map(|(name, header)| {
                                let header = resolve(self.doc, header)?;
                                let mut p = self.parameter(header);
                                p.name = name.clone();
                                p.location = "header".into();
                                Some(p)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let contents = if self.swagger {
                    match response.get("schema") {
                        Some(schema) => self
                            .media_types(raw, "produces")
                            .into_iter()
                            .map_while(|ct| {
                                let given = response.pointer(&format!(
                                    "/examples/{}",
                                    ct.replace('~', "~0").replace('/', "~1")
                                ));
                                self.media(ct, Some(schema), given, None)
                            })
                            .collect(),
                        None => vec![],
                    }
                } else {
                    self.contents(response)
                };
                op.responses.push(Response {
                    status: status.clone(),
                    description: text(response, "description"),
                    headers,
                    contents,
                });
            }
        }
        op
    }

    /// Swagger 2.0's `consumes`/`produces` for an operation, defaulting to JSON.
    fn media_types(&self, raw: &Value, key: &str) -> Vec<String> {
        let list = raw
            .get(key)
            .or_else(|| self.doc.get(key))
            .and_then(Value::as_array);
        let types: Vec<String> = list
            .map(|l| {
                l.iter()
                    .filter_map(Value::as_str)
                    .take(MAX_MEDIA_TYPES)
                    .map(|t| schema::clip(t, MAX_TEXT))
                    .collect()
            })
            .unwrap_or_default();
        if types.is_empty() {
            vec!["application/json".into()]
        } else {
            types
        }
    }

    /// OpenAPI 3's `content` map of a request body or response.
    fn contents(&self, holder: &Value) -> Vec<Media> {
        let Some(content) = holder.get("content").and_then(Value::as_object) else {
            return vec![];
        };
        content
            .iter()
            .map_while(|(ct, media)| {
                self.media(
                    schema::clip(ct, MAX_TEXT),
                    media.get("schema"),
                    media.get("example"),
                    media.get("examples"),
                )
            })
            .collect()
    }

    /// A content type with its schema and examples; `None` once the document's budget is
    /// spent.
    fn media(
        &self,
        content_type: String,
        schema: Option<&Value>,
        example: Option<&Value>,
        examples: Option<&Value>,
    ) -> Option<Media> {
        if !self.budget.take(1 + content_type.len() / TEXT_UNIT) {
            return None;
        }
        let mut out = Media {
            content_type,
            schema: schema.map(|s| self.schemas.tree(s)),
            examples: vec![],
        };
        let mut add = |example: Example| {
            if self.budget.take(example_units(&example)) {
                out.examples.push(example);
            }
        };
        if let Some(example) = example {
            add(Example {
                title: "Example".into(),
                text: pretty(example),
                generated: false,
            });
        }
        if let Some(examples) = examples.and_then(Value::as_object) {
            for (name, ex) in examples {
                if self.budget.exhausted() {
                    break;
                }
                let Some(ex) = resolve(self.doc, ex) else {
                    continue;
                };
                let value = ex.get("value").or_else(|| ex.get("externalValue"));
                if let Some(value) = value {
                    let title = text(ex, "summary").unwrap_or_else(|| schema::clip(name, MAX_TEXT));
                    add(Example {
                        title,
                        text: pretty(value),
                        generated: false,
                    });
                }
            }
        }
        if out.examples.is_empty()
            && let Some(schema) = schema
        {
            let value = self.schemas.example(schema);
            if !value.is_null() {
                let example = Example {
                    title: "Example (from the schema)".into(),
                    text: pretty(&value),
                    generated: true,
                };
                if self.budget.take(example_units(&example)) {
                    out.examples.push(example);
                }
            }
        }
        Some(out)
    }

    fn parameter(&self, p: &Value) -> Parameter {
        // 3.x: `schema` (or `content`); 2.0: the type is on the parameter itself.
        let schema_value = p.get("schema").or_else(|| {
            p.get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.values().next())
                .and_then(|m| m.get("schema"))
        });
        let node = self.schemas.tree(schema_value.unwrap_or(p));
        let expanded = !node.children.is_empty();
        let mut type_label = node
            .ref_name
            .clone()
            .filter(|_| expanded)
            .unwrap_or_else(|| node.type_label.clone());
        if !node.enum_values.is_empty() {
            type_label = format!("{type_label}: {}", node.enum_values.join(" | "));
        }
        Parameter {
            name: text(p, "name").unwrap_or_default(),
            location: text(p, "in").unwrap_or_default(),
            required: p.get("required").and_then(Value::as_bool) == Some(true),
            deprecated: p.get("deprecated").and_then(Value::as_bool) == Some(true),
            type_label,
            description: text(p, "description").or_else(|| node.description.clone()),
            schema: expanded.then_some(node),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::model::document;
    use crate::model::fixtures;

    #[test]
    fn petstore_operations_grouped_by_tag() {
        let api =
            read(document::parse(&fixtures::definition(fixtures::PETSTORE)).unwrap()).unwrap();
        assert_eq!(api.spec_version, "OpenAPI 3.0.0");
        assert_eq!(api.title, "Swagger Petstore");
        assert_eq!(api.servers, ["http://petstore.swagger.io/v1"]);
        assert_eq!(api.groups.len(), 1);
        assert_eq!(api.groups[0].name, "pets");
        let ops: Vec<(String, String)> = api
            .operations()
            .map(|o| (o.method.clone(), o.path.clone()))
            .collect();
        assert_eq!(
            ops,
            [
                ("get".into(), "/pets".into()),
                ("post".into(), "/pets".into()),
                ("get".into(), "/pets/{petId}".into())
            ]
        );
        let list = &api.groups[0].operations[0];
        assert_eq!(list.parameters[0].name, "limit");
        assert_eq!(list.parameters[0].location, "query");
        assert_eq!(list.parameters[0].type_label, "integer (int32)");
        let ok = &list.responses[0];
        assert_eq!(ok.status, "200");
        assert_eq!(ok.headers[0].name, "x-next");
        let schema = ok.contents[0].schema.as_ref().unwrap();
        assert_eq!(schema.type_label, "array of Pet");
        let names: Vec<_> = schema
            .children
            .iter()
            .filter_map(|c| c.name.clone())
            .collect();
        assert_eq!(names, ["id", "name", "tag"]);
        assert!(schema.children[0].required && !schema.children[2].required);
        assert!(ok.contents[0].examples[0].generated);
        assert!(
            ok.contents[0].examples[0]
                .text
                .contains("\"name\": \"string\"")
        );
        let by_id = &api.groups[0].operations[2];
        assert!(by_id.parameters[0].required);
        assert_eq!(
            api.schemas
                .iter()
                .filter_map(|s| s.name.clone())
                .collect::<Vec<_>>(),
            ["Pet", "Pets", "Error"]
        );
    }

    #[test]
    fn swagger_two_body_form_and_produces() {
        let doc = serde_json::json!({
            "swagger": "2.0", "info": {"title": "S", "version": "1"}, "host": "api.example.com", "basePath": "/v2", "schemes": ["https"],
            "produces": ["application/xml"],
            "paths": {"/pet": {
                "post": {"tags": ["pet"], "parameters": [{"in": "body", "name": "body", "required": true, "schema": {"$ref": "#/definitions/Pet"}}],
                          "responses": {"405": {"description": "Invalid input"}}},
                "put": {"tags": ["pet"], "consumes": ["multipart/form-data"], "parameters": [
                    {"in": "formData", "name": "file", "type": "file"}, {"in": "formData", "name": "note", "type": "string", "required": true}],
                    "responses": {"200": {"description": "ok", "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
                                  "examples": {"application/xml": "<pets/>"}}}}
            }},
            "definitions": {"Pet": {"type": "object", "properties": {"name": {"type": "string", "example": "doggie"}}}}
        });
        let api = read(doc).unwrap();
        assert_eq!(api.spec_version, "Swagger 2.0");
        assert_eq!(api.servers, ["https://api.example.com/v2"]);
        let post = &api.groups[0].operations[0];
        let body = post.request.as_ref().unwrap();
        assert!(body.required);
        assert_eq!(body.contents[0].content_type, "application/json");
        assert_eq!(
            body.contents[0].schema.as_ref().unwrap().children[0]
                .name
                .as_deref(),
            Some("name")
        );
        assert!(body.contents[0].examples[0].text.contains("doggie"));
        let put = &api.groups[0].operations[1];
        let form = put.request.as_ref().unwrap();
        assert_eq!(form.contents[0].content_type, "multipart/form-data");
        assert_eq!(form.contents[0].schema.as_ref().unwrap().children.len(), 2);
        let ok = &put.responses[0];
        assert_eq!(ok.contents[0].content_type, "application/xml");
        assert_eq!(ok.contents[0].examples[0].text, "<pets/>");
        assert!(!ok.contents[0].examples[0].generated);
    }

    #[test]
    fn not_openapi_is_a_shape_error() {
        let err = read(serde_json::json!({"info": {}})).unwrap_err();
        assert!(
            err.to_string()
                .contains("neither an `openapi` nor a `swagger`"),
            "{err}"
        );
        assert!(read(serde_json::json!(["x"])).is_err());
    }

    #[test]
    fn webhooks_form_their_own_group() {
        let doc = document::parse(fixtures::PETSTORE_WEBHOOK_OAS).unwrap();
        let api = read(doc).unwrap();
        assert_eq!(api.groups[0].name, "Webhooks");
        let op = &api.groups[0].operations[0];
        assert!(op.webhook);
        assert_eq!((op.method.as_str(), op.path.as_str()), ("post", "newPet"));
        assert_eq!(
            op.request.as_ref().unwrap().contents[0]
                .schema
                .as_ref()
                .unwrap()
                .ref_name
                .as_deref(),
            Some("Pet")
        );
    }
}
