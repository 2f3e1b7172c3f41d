//! The input schemas Backstage declares for the built-in actions (scaffolder-backend 4.3.0,
//! written there with zod and converted to JSON schema: every object closed with
//! `additionalProperties: false`). Types and required fields only; the descriptions are
//! Backstage's documentation, not needed to validate.

use serde_json::{Value as Json, json};

fn object(properties: Json, required: &[&str]) -> Json {
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn fetch_template(file: bool) -> Json {
    let mut properties = json!({
        "url": {"type": "string"},
        "targetPath": {"type": "string"},
        "values": {"type": "object", "additionalProperties": {}},
        "copyWithoutRender": {"type": "array", "items": {"type": "string"}},
        "copyWithoutTemplating": {"type": "array", "items": {"type": "string"}},
        "cookiecutterCompat": {"type": "boolean"},
        "templateFileExtension": {"type": ["string", "boolean"]},
        "replace": {"type": "boolean"},
        "trimBlocks": {"type": "boolean"},
        "lstripBlocks": {"type": "boolean"},
        "token": {"type": "string"},
    });
    if file {
        if let Some(p) = properties.as_object_mut() {
            for folder_only in [
                "copyWithoutRender",
                "copyWithoutTemplating",
                "templateFileExtension",
            ] {
                p.remove(folder_only);
            }
        }
        object(properties, &["url", "targetPath"])
    } else {
        object(properties, &["url"])
    }
}

/// The input schema of the built-in action `id`.
pub(crate) fn builtin(id: &str) -> Option<Json> {
    let string = json!({"type": "string"});
    let boolean = json!({"type": "boolean"});
    let number = json!({"type": "number"});
    let strings = json!({"type": "array", "items": {"type": "string"}});
    let fetch_plain = json!({"url": string, "targetPath": string, "token": string});
    Some(match id {
        "debug:log" => object(
            json!({
                "message": string,
                "listWorkspace": {"anyOf": [
                    {"type": "boolean"},
                    {"type": "string", "enum": ["with-filenames", "with-contents"]},
                ]},
            }),
            &[],
        ),
        "debug:wait" => object(
            json!({"minutes": number, "seconds": number, "milliseconds": number}),
            &[],
        ),
        "fetch:plain" => object(fetch_plain, &["url"]),
        "fetch:plain:file" => object(fetch_plain, &["url", "targetPath"]),
        "fetch:template" => fetch_template(false),
        "fetch:template:file" => fetch_template(true),
        "fs:delete" => object(json!({"files": strings}), &["files"]),
        "fs:rename" => object(
            json!({"files": {"type": "array", "items": object(
                json!({"from": string, "to": string, "overwrite": boolean}),
                &["from", "to"],
            )}}),
            &["files"],
        ),
        "fs:readdir" => object(
            json!({
                "paths": {"type": "array", "items": {"type": "string", "minLength": 1}},
                "recursive": boolean,
            }),
            &["paths"],
        ),
        "catalog:write" => object(
            json!({
                "filePath": string,
                "entity": {"type": "object", "additionalProperties": {}},
            }),
            &["entity"],
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::builtin;
    use crate::validate::validate;
    use serde_json::json;

    fn stacks(id: &str, input: serde_json::Value) -> Vec<String> {
        let schema = builtin(id).unwrap();
        validate(&input, &schema)
            .unwrap()
            .iter()
            .map(|v| v.stack())
            .collect()
    }

    #[test]
    fn messages_match_backstage() {
        assert_eq!(
            stacks("debug:log", json!({"message": "x", "extra": {"tugs": [1]}})),
            ["instance is not allowed to have the additional property \"extra\""]
        );
        assert_eq!(
            stacks(
                "fetch:template",
                json!({"url": "./skeleton", "token": false})
            ),
            ["instance.token is not of a type(s) string"]
        );
        assert_eq!(
            stacks("fs:rename", json!({"files": [{"from": "a"}]})),
            ["instance.files[0] requires property \"to\""]
        );
        assert_eq!(
            stacks("debug:log", json!({"listWorkspace": "loud"})),
            ["instance.listWorkspace is not any of [subschema 0],[subschema 1]"]
        );
        assert_eq!(
            stacks("fs:readdir", json!({"paths": [""]})),
            ["instance.paths[0] does not meet minimum length of 1"]
        );
        assert!(
            stacks(
                "fetch:template",
                json!({"url": "x", "copyWithoutRender": ["a"], "values": {"any": 1}})
            )
            .is_empty()
        );
        assert!(builtin("publish:github").is_none());
    }
}
