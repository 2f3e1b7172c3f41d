//! Per-kind checks: is the kind known for this `apiVersion`, and does `spec` match the kind's
//! schema (required fields, their types, non-empty strings).

use serde_json::{Map, Value};

use super::{Report, ValidationError, describe};
use crate::entity::Kind;

/// How a spec field is shaped in the kind's JSON schema.
#[derive(Clone, Copy)]
enum Shape {
    /// A string of at least one character.
    Str,
    /// An array of non-empty strings.
    StrList,
    /// An object.
    Obj,
    /// An array of objects, each with the given required string fields.
    ObjList(&'static [&'static str]),
    /// An object or an array of objects (template parameters).
    ObjOrObjList,
    /// One of the listed strings.
    OneOf(&'static [&'static str]),
}

struct Field {
    name: &'static str,
    shape: Shape,
    required: bool,
}

const fn req(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        shape,
        required: true,
    }
}
const fn opt(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        shape,
        required: false,
    }
}

/// Backstage's `API.v1alpha1.mcp-server` variant: remotes instead of a definition.
const MCP_SERVER: &[Field] = &[
    req("type", Shape::Str),
    req("lifecycle", Shape::Str),
    req("owner", Shape::Str),
    req("remotes", Shape::ObjList(&["type", "url"])),
    opt("system", Shape::Str),
];

const PROFILE_FIELDS: [&str; 3] = ["displayName", "email", "picture"];

fn schema(kind: Kind) -> &'static [Field] {
    use Shape::*;
    match kind {
        Kind::Component => {
            const F: &[Field] = &[
                req("type", Str),
                req("lifecycle", Str),
                req("owner", Str),
                opt("system", Str),
                opt("subcomponentOf", Str),
                opt("providesApis", StrList),
                opt("consumesApis", StrList),
                opt("dependsOn", StrList),
                opt("dependencyOf", StrList),
            ];
            F
        }
        Kind::Api => {
            const F: &[Field] = &[
                req("type", Str),
                req("lifecycle", Str),
                req("owner", Str),
                req("definition", Str),
                opt("system", Str),
            ];
            F
        }
        Kind::Resource => {
            const F: &[Field] = &[
                req("type", Str),
                req("owner", Str),
                opt("system", Str),
                opt("dependsOn", StrList),
                opt("dependencyOf", StrList),
            ];
            F
        }
        Kind::System => {
            const F: &[Field] = &[req("owner", Str), opt("domain", Str), opt("type", Str)];
            F
        }
        Kind::Domain => {
            const F: &[Field] = &[req("owner", Str), opt("subdomainOf", Str), opt("type", Str)];
            F
        }
        Kind::Group => {
            const F: &[Field] = &[
                req("type", Str),
                req("children", StrList),
                opt("profile", Obj),
                opt("parent", Str),
                opt("members", StrList),
            ];
            F
        }
        Kind::User => {
            const F: &[Field] = &[req("memberOf", StrList), opt("profile", Obj)];
            F
        }
        Kind::Location => {
            const F: &[Field] = &[
                opt("type", Str),
                opt("target", Str),
                opt("targets", StrList),
                opt("presence", OneOf(&["required", "optional"])),
            ];
            F
        }
        Kind::Template => {
            const F: &[Field] = &[
                req("type", Str),
                req("steps", ObjList(&["action"])),
                opt("owner", Str),
                opt("parameters", ObjOrObjList),
                opt("output", Obj),
            ];
            F
        }
    }
}

pub(super) fn check(value: &Value, errors: &mut Vec<ValidationError>) {
    let mut r = Report { errors };
    let api_version = value
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let kind_name = value
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(kind) = Kind::from_name(kind_name) else {
        let known: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        let hint = match Kind::from_name_ignore_case(kind_name) {
            Some(k) => format!(" (kinds are case-sensitive: did you mean \"{k}\"?)"),
            None => String::new(),
        };
        r.push(
            "kind",
            format!(
                "\"{kind_name}\" is not a supported kind{hint}; supported kinds are {}",
                known.join(", ")
            ),
        );
        return;
    };
    if !kind.api_versions().contains(&api_version) {
        r.push(
            "apiVersion",
            format!(
                "\"{api_version}\" is not supported for kind {kind}; expected {}",
                kind.api_versions().join(" or ")
            ),
        );
        return;
    }
    let spec = match value.get("spec") {
        Some(Value::Object(spec)) => spec,
        None | Some(Value::Null) => {
            r.push(
                "spec",
                format!("must have a value: kind {kind} requires a spec"),
            );
            return;
        }
        Some(_) => return, // reported by the envelope check
    };
    let fields =
        if kind == Kind::Api && spec.get("type").and_then(Value::as_str) == Some("mcp-server") {
            MCP_SERVER
        } else {
            schema(kind)
        };
    for field in fields {
        check_field(&mut r, spec, field);
    }
    if matches!(kind, Kind::User | Kind::Group)
        && let Some(Value::Object(profile)) = spec.get("profile")
    {
        for f in PROFILE_FIELDS {
            if let Some(v) = profile.get(f)
                && v.as_str().is_none_or(str::is_empty)
            {
                r.push(
                    format!("spec.profile.{f}"),
                    format!("must be a non-empty string, found {}", describe(v)),
                );
            }
        }
    }
}

fn check_field(r: &mut Report, spec: &Map<String, Value>, field: &Field) {
    let path = format!("spec.{}", field.name);
    let value = match spec.get(field.name) {
        None => {
            if field.required {
                r.push(path, "must have a value (required by the kind's schema)");
            }
            return;
        }
        Some(v) => v,
    };
    match field.shape {
        Shape::Str => {
            if value.as_str().is_none_or(str::is_empty) {
                let what = if value.is_object() && is_placeholder(value) {
                    "an unresolved placeholder".to_string()
                } else {
                    describe(value).to_string()
                };
                r.push(path, format!("must be a non-empty string, found {what}"));
            }
        }
        Shape::OneOf(allowed) => {
            if !value.as_str().is_some_and(|s| allowed.contains(&s)) {
                r.push(path, format!("must be one of {}", allowed.join(", ")));
            }
        }
        Shape::Obj => {
            if !value.is_object() {
                r.push(
                    path,
                    format!("must be an object, found {}", describe(value)),
                );
            }
        }
        Shape::StrList => match value.as_array() {
            None => r.push(
                path,
                format!("must be an array of strings, found {}", describe(value)),
            ),
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    if item.as_str().is_none_or(str::is_empty) {
                        r.push(
                            format!("{path}.{i}"),
                            format!("must be a non-empty string, found {}", describe(item)),
                        );
                    }
                }
            }
        },
        Shape::ObjList(required) => match value.as_array() {
            None => r.push(
                path,
                format!("must be an array of objects, found {}", describe(value)),
            ),
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    let Some(obj) = item.as_object() else {
                        r.push(
                            format!("{path}.{i}"),
                            format!("must be an object, found {}", describe(item)),
                        );
                        continue;
                    };
                    for key in required {
                        if !obj.get(*key).is_some_and(Value::is_string) {
                            r.push(format!("{path}.{i}.{key}"), "must have a string value");
                        }
                    }
                }
            }
        },
        Shape::ObjOrObjList => {
            let ok = match value {
                Value::Object(_) => true,
                Value::Array(items) => items.iter().all(Value::is_object),
                _ => false,
            };
            if !ok {
                r.push(
                    path,
                    format!(
                        "must be an object or an array of objects, found {}",
                        describe(value)
                    ),
                );
            }
        }
    }
}

fn is_placeholder(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|o| o.len() == 1 && o.keys().all(|k| k.starts_with('$')))
}
