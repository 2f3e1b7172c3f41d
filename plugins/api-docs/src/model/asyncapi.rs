//! AsyncAPI 2.x and 3.x, reduced to what the tab shows: servers, channels with their
//! parameters, the operations on each channel and the messages they carry.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde_json::Value;

use super::document::DefinitionError;
use super::openapi::{Example, example_units, pretty};
use super::schema::{self, Budget, SchemaNode, Schemas, TEXT_UNIT, resolve};

/// Longest name, summary or description kept, in bytes (the API's own description is
/// kept whole).
const MAX_TEXT: usize = 16 * 1024;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AsyncApi {
    /// `AsyncAPI 2.0.0`.
    pub spec_version: String,
    pub title: String,
    pub version: Option<String>,
    pub description: Option<String>,
    pub servers: Vec<Server>,
    pub channels: Vec<Channel>,
    /// The document was too large to read whole ([`schema::DOCUMENT_BUDGET`]): what is
    /// listed is a part of it.
    pub truncated: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Server {
    pub name: String,
    pub url: String,
    pub protocol: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Channel {
    /// The channel's key in the document.
    pub name: String,
    /// 3.x `address` (2.x: the name is the address).
    pub address: String,
    pub description: Option<String>,
    pub parameters: Vec<ChannelParameter>,
    pub operations: Vec<Operation>,
    /// Messages declared on the channel (3.x) that no operation lists.
    pub messages: Vec<Message>,
}

impl Channel {
    pub fn matches(&self, needle: &str) -> bool {
        let needle = needle.trim().to_lowercase();
        needle.is_empty()
            || self.address.to_lowercase().contains(&needle)
            || self.name.to_lowercase().contains(&needle)
            || self.operations.iter().any(|o| {
                [o.id.as_ref(), o.summary.as_ref(), Some(&o.action)]
                    .into_iter()
                    .flatten()
                    .any(|s| s.to_lowercase().contains(&needle))
                    || o.messages
                        .iter()
                        .any(|m| m.display_name().to_lowercase().contains(&needle))
            })
            || self
                .messages
                .iter()
                .any(|m| m.display_name().to_lowercase().contains(&needle))
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChannelParameter {
    pub name: String,
    pub description: Option<String>,
    pub type_label: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Operation {
    pub id: Option<String>,
    /// `publish`/`subscribe` (2.x) or `send`/`receive` (3.x).
    pub action: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub messages: Vec<Message>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Message {
    pub name: Option<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub content_type: Option<String>,
    pub payload: Option<SchemaNode>,
    pub headers: Option<SchemaNode>,
    pub examples: Vec<Example>,
}

impl Message {
    pub fn display_name(&self) -> String {
        self.title
            .clone()
            .or_else(|| self.name.clone())
            .unwrap_or_else(|| "message".into())
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| schema::clip(s, MAX_TEXT))
}

/// Reads an AsyncAPI 2.x or 3.x document.
pub fn read(doc: impl Into<Rc<Value>>) -> Result<AsyncApi, DefinitionError> {
    let schemas = Schemas::new(doc.into());
    let budget = schemas.budget().clone();
    let mut api = read_with(&schemas, &budget)?;
    api.truncated = budget.exhausted();
    Ok(api)
}

fn read_with(schemas: &Schemas, budget: &Budget) -> Result<AsyncApi, DefinitionError> {
    let doc = schemas.doc();
    let shape = |reason: &str| DefinitionError::Shape {
        expected: "an AsyncAPI document",
        reason: reason.to_string(),
    };
    let root = doc
        .as_object()
        .ok_or_else(|| shape("the definition is not a mapping of fields"))?;
    let version = match root.get("asyncapi") {
        Some(Value::String(v)) => v.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(shape("it has no `asyncapi` version field")),
    };
    let v3 = version
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| m >= 3);
    let info = root.get("info").unwrap_or(&Value::Null);
    let mut api = AsyncApi {
        spec_version: format!("AsyncAPI {}", schema::clip(&version, 64)),
        title: text(info, "title").unwrap_or_else(|| "Untitled API".into()),
        version: text(info, "version"),
        description: info
            .get("description")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        ..Default::default()
    };
    if let Some(servers) = root.get("servers").and_then(Value::as_object) {
        for (name, server) in servers {
            if !budget.take(1 + name.len() / TEXT_UNIT) {
                break;
            }
            let Some(server) = resolve(doc, server) else {
                continue;
            };
            let url = match (text(server, "url"), text(server, "host")) {
                (Some(url), _) => url,
                (None, Some(host)) => {
                    format!("{host}{}", text(server, "pathname").unwrap_or_default())
                }
                (None, None) => String::new(),
            };
            api.servers.push(Server {
                name: schema::clip(name, MAX_TEXT),
                url,
                protocol: text(server, "protocol"),
                description: text(server, "description"),
            });
        }
    }
    let reader = Reader {
        doc,
        schemas,
        budget,
    };
    // Channel key → its index in `api.channels`.
    let mut index: HashMap<String, usize> = HashMap::new();
    if let Some(channels) = root.get("channels").and_then(Value::as_object) {
        for (name, channel) in channels {
            if !budget.take(1 + name.len() / TEXT_UNIT) {
                break;
            }
            let Some(channel) = resolve(doc, channel) else {
                continue;
            };
            let mut out = Channel {
                name: name.clone(),
                address: if v3 {
                    text(channel, "address").unwrap_or_else(|| name.clone())
                } else {
                    name.clone()
                },
                description: text(channel, "description"),
                parameters: reader.parameters(channel),
                ..Default::default()
            };
            if v3 {
                if let Some(messages) = channel.get("messages").and_then(Value::as_object) {
                    out.messages = messages
                        .iter()
                        .map_while(|(key, m)| reader.message(Some(key), m))
                        .collect();
                }
            } else {
                for action in ["publish", "subscribe"] {
                    let Some(op) = channel.get(action).and_then(|o| resolve(doc, o)) else {
                        continue;
                    };
                    if !budget.take(1) {
                        break;
                    }
                    out.operations.push(Operation {
                        id: text(op, "operationId"),
                        action: action.to_string(),
                        summary: text(op, "summary"),
                        description: text(op, "description"),
                        messages: op
                            .get("message")
                            .map(|m| reader.messages_of(m))
                            .unwrap_or_default(),
                    });
                }
            }
            index.entry(name.clone()).or_insert(api.channels.len());
            api.channels.push(out);
        }
    }
    if v3 && let Some(operations) = root.get("operations").and_then(Value::as_object) {
        for (id, op) in operations {
            if !budget.take(1 + id.len() / TEXT_UNIT) {
                break;
            }
            let Some(op) = resolve(doc, op) else { continue };
            let channel_ref = op
                .pointer("/channel/$ref")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let channel_key = channel_ref.strip_prefix("#/channels/").map(|k| {
                k.rsplit('/')
                    .next()
                    .unwrap_or(k)
                    .replace("~1", "/")
                    .replace("~0", "~")
            });
            let messages: Vec<Message> = match op.get("messages").and_then(Value::as_array) {
                Some(list) => list.iter().map_while(|m| reader.message(None, m)).collect(),
                // No list: every message of the channel.
                None => resolve(doc, op.get("channel").unwrap_or(&Value::Null))
                    .and_then(|c| c.get("messages"))
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .map_while(|(k, v)| reader.message(Some(k), v))
                            .collect()
                    })
                    .unwrap_or_default(),
            };
            let operation = Operation {
                id: Some(schema::clip(id, MAX_TEXT)),
                action: text(op, "action").unwrap_or_else(|| "operation".into()),
                summary: text(op, "summary").or_else(|| text(op, "title")),
                description: text(op, "description"),
                messages,
            };
            let name = channel_key.unwrap_or_else(|| "(no channel)".into());
            match index.get(&name) {
                Some(&i) => api.channels[i].operations.push(operation),
                None => {
                    index.insert(name.clone(), api.channels.len());
                    api.channels.push(Channel {
                        address: schema::clip(&name, MAX_TEXT),
                        name,
                        operations: vec![operation],
                        ..Default::default()
                    });
                }
            }
        }
        // Channel messages an operation already shows are not listed twice.
        for channel in &mut api.channels {
            let shown: HashSet<Option<String>> = channel
                .operations
                .iter()
                .flat_map(|o| o.messages.iter().map(|m| m.name.clone()))
                .collect();
            channel.messages.retain(|m| !shown.contains(&m.name));
        }
    }
    Ok(api)
}

struct Reader<'a> {
    doc: &'a Value,
    schemas: &'a Schemas,
    /// The document's: every message, parameter and example takes from it.
    budget: &'a Budget,
}

impl Reader<'_> {
    fn parameters(&self, channel: &Value) -> Vec<ChannelParameter> {
        let Some(params) = channel.get("parameters").and_then(Value::as_object) else {
            return vec![];
        };
        params
            .iter()
            .take_while(|(name, _)| self.budget.take(1 + name.len() / TEXT_UNIT))
            .map(|(name, p)| {
                let resolved = resolve(self.doc, p).unwrap_or(&Value::Null);
                let type_label = match resolved.get("schema") {
                    Some(s) => self.schemas.tree(s).type_label,
                    None => "string".into(),
                };
                ChannelParameter {
                    name: schema::clip(name, MAX_TEXT),
                    description: text(resolved, "description"),
                    type_label,
                }
            })
            .collect()
    }

    /// A 2.x operation's `message`: one message, or `oneOf` a list.
    fn messages_of(&self, value: &Value) -> Vec<Message> {
        let Some(resolved) = resolve(self.doc, value) else {
            return self.message(None, value).into_iter().collect();
        };
        match resolved.get("oneOf").and_then(Value::as_array) {
            Some(list) => list.iter().map_while(|m| self.message(None, m)).collect(),
            None => self.message(None, value).into_iter().collect(),
        }
    }

    /// One message; `None` once the document's budget is spent.
    fn message(&self, key: Option<&String>, value: &Value) -> Option<Message> {
        if !self.budget.take(1 + key.map_or(0, |k| k.len() / TEXT_UNIT)) {
            return None;
        }
        let key = key.map(|k| schema::clip(k, MAX_TEXT));
        let reference_name = value
            .get("$ref")
            .and_then(Value::as_str)
            .map(schema::ref_name);
        let Some(m) = resolve(self.doc, value) else {
            return Some(Message {
                name: reference_name.or(key),
                description: Some(format!(
                    "Unresolved reference {}",
                    schema::clip(
                        value
                            .get("$ref")
                            .and_then(Value::as_str)
                            .unwrap_or_default(),
                        MAX_TEXT
                    )
                )),
                ..Default::default()
            });
        };
        let mut headers = m.get("headers");
        // 2.x message traits: their headers apply to the message.
        if headers.is_none() {
            for t in m
                .get("traits")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(h) = resolve(self.doc, t).and_then(|t| t.get("headers")) {
                    headers = Some(h);
                    break;
                }
            }
        }
        let mut examples = Vec::new();
        for (i, ex) in m
            .get("examples")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let value = ex.get("payload").unwrap_or(ex);
            let title = text(ex, "name")
                .or_else(|| text(ex, "summary"))
                .unwrap_or_else(|| format!("Example {}", i + 1));
            let example = Example {
                title,
                text: pretty(value),
                generated: false,
            };
            if !self.budget.take(example_units(&example)) {
                break;
            }
            examples.push(example);
        }
        let payload_schema = m.get("payload").map(|p| {
            p.get("schema")
                .filter(|_| p.get("schemaFormat").is_some())
                .unwrap_or(p)
        });
        if examples.is_empty()
            && let Some(p) = payload_schema
        {
            let value = self.schemas.example(p);
            if !value.is_null() {
                let example = Example {
                    title: "Payload example (from the schema)".into(),
                    text: pretty(&value),
                    generated: true,
                };
                if self.budget.take(example_units(&example)) {
                    examples.push(example);
                }
            }
        }
        Some(Message {
            name: text(m, "name").or(key).or(reference_name),
            title: text(m, "title"),
            summary: text(m, "summary"),
            description: text(m, "description"),
            content_type: text(m, "contentType").or_else(|| text(self.doc, "defaultContentType")),
            payload: payload_schema.map(|p| self.schemas.tree(p)),
            headers: headers.map(|h| self.schemas.tree(h)),
            examples,
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::model::{document, fixtures};

    #[test]
    fn streetlights_channels_operations_messages() {
        let api =
            read(document::parse(&fixtures::definition(fixtures::STREETLIGHTS)).unwrap()).unwrap();
        assert_eq!(api.spec_version, "AsyncAPI 2.0.0");
        assert_eq!(api.title, "Streetlights API");
        assert_eq!(api.servers[0].protocol.as_deref(), Some("mqtt"));
        assert_eq!(api.channels.len(), 4);
        let measured = &api.channels[0];
        assert_eq!(
            measured.address,
            "smartylighting/streetlights/1/0/event/{streetlightId}/lighting/measured"
        );
        assert_eq!(measured.parameters[0].name, "streetlightId");
        assert_eq!(
            measured.parameters[0].description.as_deref(),
            Some("The ID of the streetlight.")
        );
        let op = &measured.operations[0];
        assert_eq!(
            (op.action.as_str(), op.id.as_deref()),
            ("subscribe", Some("receiveLightMeasurement"))
        );
        let message = &op.messages[0];
        assert_eq!(message.display_name(), "Light measured");
        assert_eq!(message.content_type.as_deref(), Some("application/json"));
        let payload = message.payload.as_ref().unwrap();
        let lumens = payload
            .children
            .iter()
            .find(|c| c.name.as_deref() == Some("lumens"))
            .unwrap();
        assert_eq!(lumens.type_label, "integer");
        assert!(lumens.constraints.contains(&"minimum: 0".to_string()));
        let sent_at = payload
            .children
            .iter()
            .find(|c| c.name.as_deref() == Some("sentAt"))
            .unwrap();
        assert_eq!(sent_at.type_label, "string (date-time)");
        let headers = message
            .headers
            .as_ref()
            .expect("headers from the message trait");
        assert_eq!(headers.children[0].name.as_deref(), Some("my-app-header"));
        assert_eq!(
            api.channels[3].operations[0].id.as_deref(),
            Some("dimLight")
        );
        assert_eq!(api.channels[3].operations[0].action, "publish");
    }

    #[test]
    fn asyncapi_three_operations_attach_to_channels() {
        let doc = document::parse(
            r##"
asyncapi: 3.0.0
info: {title: Accounts, version: 1.0.0}
servers:
  prod: {host: broker.example.com, protocol: amqp}
channels:
  userSignedUp:
    address: user/signedup
    messages:
      UserSignedUp: {$ref: '#/components/messages/UserSignedUp'}
      Unused: {payload: {type: string}}
operations:
  sendUserSignedUp:
    action: send
    channel: {$ref: '#/channels/userSignedUp'}
    messages:
      - $ref: '#/channels/userSignedUp/messages/UserSignedUp'
components:
  messages:
    UserSignedUp:
      payload:
        type: object
        properties:
          email: {type: string, format: email}
"##,
        )
        .unwrap();
        let api = read(doc).unwrap();
        assert_eq!(api.servers[0].url, "broker.example.com");
        let channel = &api.channels[0];
        assert_eq!(channel.address, "user/signedup");
        assert_eq!(channel.operations[0].action, "send");
        assert_eq!(
            channel.operations[0].messages[0].name.as_deref(),
            Some("UserSignedUp")
        );
        assert_eq!(
            channel
                .messages
                .iter()
                .map(|m| m.name.clone().unwrap_or_default())
                .collect::<Vec<_>>(),
            ["Unused"]
        );
        assert!(channel.matches("signedup") && !channel.matches("nothing-like-it"));
    }
}
