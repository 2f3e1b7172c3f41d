//! JSON Schema validation with the rules and the error shape of the npm `jsonschema` package
//! (1.5), which Backstage's scaffolder uses for form values and action inputs: keywords are
//! checked in the schema's key order, each error carries `path`, `property` (`instance.a[0]`),
//! `message`, the failing (sub)schema, the instance, the keyword `name`, its `argument`, and
//! `stack` (`property message`).
//!
//! Bounded: nesting, `$ref` chains and total work are capped, patterns are length- and
//! size-limited ([`super::pattern`]); a schema beyond them is a [`SchemaProblem`], never a hang.

use std::collections::HashMap;

use regex::Regex;
use serde_json::{Map, Value as Json, json};

use super::pattern;
use crate::template::js;

/// Deepest schema nesting followed (also bounds `$ref` chains).
pub const MAX_DEPTH: usize = 64;
/// Most (sub)schema checks one validation may make.
pub const MAX_STEPS: usize = 200_000;

/// One failure of an instance against a schema, as `jsonschema`'s `ValidationError`.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Where in the instance: keys (strings) and array indexes (numbers).
    pub path: Vec<Json>,
    pub message: String,
    /// The (sub)schema that failed (or its `$id`).
    pub schema: Json,
    /// The value that failed; `None` for JavaScript's `undefined`.
    pub instance: Option<Json>,
    /// The keyword (`required`, `type`, `pattern`…).
    pub name: &'static str,
    pub argument: Option<Json>,
}

impl Violation {
    /// `instance.a[0]["b c"]`, as `jsonschema` names the place.
    pub fn property(&self) -> String {
        property_of(&self.path)
    }

    /// `property message`.
    pub fn stack(&self) -> String {
        format!("{} {}", self.property(), self.message)
    }

    /// The error as Backstage's 400 answer lists it (`{"errors": [...]}`).
    pub fn to_json(&self) -> Json {
        let mut m = Map::new();
        m.insert("path".into(), Json::Array(self.path.clone()));
        m.insert("property".into(), Json::String(self.property()));
        m.insert("message".into(), Json::String(self.message.clone()));
        m.insert("schema".into(), self.schema.clone());
        if let Some(i) = &self.instance {
            m.insert("instance".into(), i.clone());
        }
        m.insert("name".into(), Json::String(self.name.into()));
        if let Some(a) = &self.argument {
            m.insert("argument".into(), a.clone());
        }
        m.insert("stack".into(), Json::String(self.stack()));
        Json::Object(m)
    }
}

/// A schema that cannot be used: malformed, too deep, too costly, an unresolvable `$ref`, a
/// pattern Backlot cannot evaluate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SchemaProblem(pub String);

/// Checks `instance` against `schema`; the violations in `jsonschema`'s order.
pub fn validate(instance: &Json, schema: &Json) -> Result<Vec<Violation>, SchemaProblem> {
    Validator::new(schema).check(Some(instance), schema, &[], 0)
}

fn property_of(path: &[Json]) -> String {
    let mut out = String::from("instance");
    for part in path {
        let key = match part {
            Json::String(s) => s.clone(),
            other => js::stringify(other, ""),
        };
        let plain = !key
            .chars()
            .any(|c| matches!(c, '.' | '[' | ']') || c.is_whitespace())
            && !key.starts_with(|c: char| c.is_ascii_digit());
        if plain {
            out.push('.');
            out.push_str(&key);
        } else if !key.is_empty() && key.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(&format!("[{key}]"));
        } else {
            out.push('[');
            js::quote(&key, &mut out);
            out.push(']');
        }
    }
    out
}

/// JavaScript's `String(v)` of a JSON value (arrays joined by commas, `null` items empty).
pub fn js_string(v: &Json) -> String {
    match v {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => js::json_number_to_string(n),
        Json::String(s) => s.clone(),
        Json::Array(items) => items
            .iter()
            .map(|i| {
                if i.is_null() {
                    String::new()
                } else {
                    js_string(i)
                }
            })
            .collect::<Vec<_>>()
            .join(","),
        Json::Object(_) => "[object Object]".into(),
    }
}

/// `deepCompareStrict`: numbers by value, objects regardless of key order.
pub fn deep_equal(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| deep_equal(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        _ => a == b,
    }
}

fn number(v: Option<&Json>) -> Option<f64> {
    match v {
        Some(Json::Number(n)) => n.as_f64().filter(|f| f.is_finite()),
        _ => None,
    }
}

fn is_object(v: Option<&Json>) -> bool {
    matches!(v, Some(Json::Object(_)))
}

/// How `jsonschema` names a subschema in `anyOf`/`oneOf`/`allOf` messages.
fn subschema_name(schema: &Json, index: usize, bracket_id: bool) -> String {
    let id = schema
        .get("$id")
        .or_else(|| schema.get("id"))
        .and_then(Json::as_str);
    if let Some(id) = id {
        return if bracket_id {
            format!("<{id}>")
        } else {
            id.to_string()
        };
    }
    if let Some(title) = schema.get("title").filter(|t| js::json_truthy(t)) {
        return js::stringify(title, "");
    }
    if let Some(Json::String(r)) = schema.get("$ref") {
        return format!("<{r}>");
    }
    format!("[subschema {index}]")
}

struct Validator<'r> {
    root: &'r Json,
    steps: usize,
    regexes: HashMap<String, Regex>,
}

type Checked = Result<Vec<Violation>, SchemaProblem>;

impl<'r> Validator<'r> {
    fn new(root: &'r Json) -> Self {
        Validator {
            root,
            steps: 0,
            regexes: HashMap::new(),
        }
    }

    fn regex(&mut self, p: &str) -> Result<Regex, SchemaProblem> {
        if let Some(r) = self.regexes.get(p) {
            return Ok(r.clone());
        }
        let r = pattern::compile(p).map_err(SchemaProblem)?;
        self.regexes.insert(p.to_string(), r.clone());
        Ok(r)
    }

    fn resolve(&self, reference: &str) -> Result<&'r Json, SchemaProblem> {
        let missing = || SchemaProblem(format!("no such schema <{reference}>"));
        let Some(pointer) = reference.strip_prefix('#') else {
            return Err(missing());
        };
        let mut target = self.root;
        if pointer.is_empty() {
            return Ok(target);
        }
        let Some(pointer) = pointer.strip_prefix('/') else {
            return Err(missing());
        };
        for segment in pointer.split('/') {
            let key = percent_encoding::percent_decode_str(segment)
                .decode_utf8_lossy()
                .replace("~1", "/")
                .replace("~0", "~");
            target = match target {
                Json::Object(m) => m.get(&key),
                Json::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
                _ => None,
            }
            .ok_or_else(missing)?;
        }
        Ok(target)
    }

    /// Checks `instance` (`None`: undefined) at `path` against `schema`.
    fn check(
        &mut self,
        instance: Option<&Json>,
        schema: &Json,
        path: &[Json],
        depth: usize,
    ) -> Checked {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(SchemaProblem(format!(
                "validating takes more than {MAX_STEPS} steps; the schema is too costly"
            )));
        }
        if depth > MAX_DEPTH {
            return Err(SchemaProblem(format!(
                "the schema nests (or refers) more than {MAX_DEPTH} levels deep"
            )));
        }
        let falsy;
        let (map, schema) = match schema {
            Json::Bool(true) => return Ok(Vec::new()),
            Json::Bool(false) => {
                falsy = json!({"type": []});
                let m = falsy
                    .as_object()
                    .ok_or_else(|| SchemaProblem("unreachable".into()))?;
                (m, &falsy)
            }
            Json::Object(m) => (m, schema),
            _ => {
                return Err(SchemaProblem(format!(
                    "expected a schema (an object or a boolean), found {}",
                    js::stringify(schema, "")
                )));
            }
        };
        if let Some(Json::String(reference)) = map.get("$ref") {
            let target = self.resolve(reference)?;
            return self.check(instance, target, path, depth + 1);
        }
        let mut out = Vec::new();
        let mut ctx = Ctx {
            instance,
            schema,
            path,
            out: &mut out,
        };
        for (key, arg) in map {
            self.keyword(&mut ctx, map, key, arg, depth)?;
        }
        Ok(out)
    }

    #[allow(clippy::too_many_lines)]
    fn keyword(
        &mut self,
        ctx: &mut Ctx<'_, '_>,
        map: &Map<String, Json>,
        key: &str,
        arg: &Json,
        depth: usize,
    ) -> Result<(), SchemaProblem> {
        let instance = ctx.instance;
        let d = depth + 1;
        match key {
            "type" => {
                let Some(value) = instance else { return Ok(()) };
                let types: Vec<&Json> = match arg {
                    Json::Array(a) => a.iter().collect(),
                    other => vec![other],
                };
                let mut any = false;
                for t in &types {
                    if self.test_type(value, t, ctx.path, d)? {
                        any = true;
                        break;
                    }
                }
                if !any {
                    let list: Vec<Json> = types
                        .iter()
                        .map(|t| match t {
                            Json::Object(o) => {
                                match o.get("$id").or_else(|| o.get("id")).and_then(Json::as_str) {
                                    Some(id) => Json::String(format!("<{id}>")),
                                    None => Json::String("[object Object]".into()),
                                }
                            }
                            other => Json::String(js_string(other)),
                        })
                        .collect();
                    let text = js_string(&Json::Array(list.clone()));
                    ctx.add(
                        "type",
                        Some(Json::Array(list)),
                        format!("is not of a type(s) {text}"),
                    );
                }
            }
            "anyOf" | "oneOf" => {
                if instance.is_none() {
                    return Ok(());
                }
                let Json::Array(options) = arg else {
                    return Err(SchemaProblem(format!("{key} must be an array")));
                };
                let mut passing = 0;
                for option in options {
                    if self.check(instance, option, ctx.path, d)?.is_empty() {
                        passing += 1;
                        if key == "anyOf" {
                            break;
                        }
                    }
                }
                let names: Vec<String> = options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| subschema_name(o, i, key == "anyOf"))
                    .collect();
                let argument = Some(json!(names));
                if key == "anyOf" && passing == 0 {
                    ctx.add(
                        "anyOf",
                        argument,
                        format!("is not any of {}", names.join(",")),
                    );
                } else if key == "oneOf" && passing != 1 {
                    let text = format!("is not exactly one from {}", names.join(","));
                    ctx.add("oneOf", argument, text);
                }
            }
            "allOf" => {
                if instance.is_none() {
                    return Ok(());
                }
                let Json::Array(parts) = arg else {
                    return Err(SchemaProblem("allOf must be an array".into()));
                };
                for (i, part) in parts.iter().enumerate() {
                    let inner = self.check(instance, part, ctx.path, d)?;
                    if inner.is_empty() {
                        continue;
                    }
                    let id = subschema_name(part, i, false);
                    let valid = json!({
                        "instance": instance,
                        "schema": part,
                        "options": {},
                        "path": ctx.path,
                        "propertyPath": property_of(ctx.path),
                        "errors": inner.iter().map(Violation::to_json).collect::<Vec<_>>(),
                        "disableFormat": false,
                    });
                    let message = format!(
                        "does not match allOf schema {id} with {} error[s]:",
                        inner.len()
                    );
                    let argument = json!({"id": id, "length": inner.len(), "valid": valid});
                    ctx.add("allOf", Some(argument), message);
                    ctx.out.extend(inner);
                }
            }
            "if" => {
                if instance.is_none() {
                    return Ok(());
                }
                let passes = self.check(instance, arg, ctx.path, d)?.is_empty();
                let branch = if passes {
                    map.get("then")
                } else {
                    map.get("else")
                };
                if let Some(branch) = branch {
                    let inner = self.check(instance, branch, ctx.path, d)?;
                    ctx.out.extend(inner);
                }
            }
            "propertyNames" => {
                let Some(Json::Object(obj)) = instance else {
                    return Ok(());
                };
                for name in obj.keys() {
                    let inner = self.check(Some(&Json::String(name.clone())), arg, ctx.path, d)?;
                    ctx.out.extend(inner);
                }
            }
            "properties" => {
                let Some(Json::Object(obj)) = instance else {
                    return Ok(());
                };
                let Json::Object(props) = arg else {
                    return Ok(());
                };
                for (name, sub) in props {
                    if sub.is_null() {
                        return Err(SchemaProblem(
                            "Unexpected null, expected schema in \"properties\"".into(),
                        ));
                    }
                    let inner = self.check(obj.get(name), sub, &child(ctx.path, name), d)?;
                    ctx.out.extend(inner);
                }
            }
            "patternProperties" => {
                let Some(Json::Object(obj)) = instance else {
                    return Ok(());
                };
                let Json::Object(patterns) = arg else {
                    return Ok(());
                };
                let compiled: Vec<(Regex, &Json)> = patterns
                    .iter()
                    .map(|(p, s)| Ok((self.regex(p)?, s)))
                    .collect::<Result<_, SchemaProblem>>()?;
                for (name, value) in obj {
                    let mut matched = false;
                    for (re, sub) in &compiled {
                        if re.is_match(name) {
                            matched = true;
                            let inner = self.check(Some(value), sub, &child(ctx.path, name), d)?;
                            ctx.out.extend(inner);
                        }
                    }
                    if !matched {
                        self.additional(ctx, map, name, value, d)?;
                    }
                }
            }
            "additionalProperties" => {
                let Some(Json::Object(obj)) = instance else {
                    return Ok(());
                };
                if map.contains_key("patternProperties") {
                    return Ok(());
                }
                for (name, value) in obj {
                    self.additional(ctx, map, name, value, d)?;
                }
            }
            "minProperties" | "maxProperties" => {
                let Some(Json::Object(obj)) = instance else {
                    return Ok(());
                };
                let n = obj.len() as f64;
                let limit = number(Some(arg));
                let (ok, word) = if key == "minProperties" {
                    (limit.is_some_and(|l| n >= l), "minimum")
                } else {
                    (limit.is_some_and(|l| n <= l), "maximum")
                };
                if !ok {
                    let text =
                        format!("does not meet {word} property length of {}", js_string(arg));
                    ctx.add(static_key(key), Some(arg.clone()), text);
                }
            }
            "items" => {
                let Some(Json::Array(items)) = instance else {
                    return Ok(());
                };
                for (i, value) in items.iter().enumerate() {
                    let sub = match arg {
                        Json::Array(tuple) => match tuple.get(i) {
                            Some(s) => Some(s),
                            None => map.get("additionalItems"),
                        },
                        other => Some(other),
                    };
                    let Some(sub) = sub else { continue };
                    if *sub == Json::Bool(false) {
                        ctx.add("items", None, "additionalItems not permitted".into());
                        break;
                    }
                    let inner = self.check(Some(value), sub, &child_index(ctx.path, i), d)?;
                    ctx.out.extend(inner);
                }
            }
            "contains" => {
                let Some(Json::Array(items)) = instance else {
                    return Ok(());
                };
                let mut found = false;
                for (i, value) in items.iter().enumerate() {
                    if self
                        .check(Some(value), arg, &child_index(ctx.path, i), d)?
                        .is_empty()
                    {
                        found = true;
                        break;
                    }
                }
                if !found {
                    let text = "must contain an item matching given schema".to_string();
                    ctx.add("contains", Some(arg.clone()), text);
                }
            }
            "minimum" | "maximum" => {
                let Some(n) = number(instance) else {
                    return Ok(());
                };
                let exclusive_key = if key == "minimum" {
                    "exclusiveMinimum"
                } else {
                    "exclusiveMaximum"
                };
                let exclusive = map.get(exclusive_key) == Some(&Json::Bool(true));
                let limit = number(Some(arg)).unwrap_or(f64::NAN);
                let (ok, text) = match (key == "minimum", exclusive) {
                    (true, true) => (n > limit, "must be greater than"),
                    (true, false) => (n >= limit, "must be greater than or equal to"),
                    (false, true) => (n < limit, "must be less than"),
                    (false, false) => (n <= limit, "must be less than or equal to"),
                };
                if !ok {
                    let text = format!("{text} {}", js_string(arg));
                    ctx.add(static_key(key), Some(arg.clone()), text);
                }
            }
            "exclusiveMinimum" | "exclusiveMaximum" => {
                if arg.is_boolean() {
                    return Ok(());
                }
                let Some(n) = number(instance) else {
                    return Ok(());
                };
                let limit = number(Some(arg)).unwrap_or(f64::NAN);
                let (ok, text) = if key == "exclusiveMinimum" {
                    (n > limit, "must be strictly greater than")
                } else {
                    (n < limit, "must be strictly less than")
                };
                if !ok {
                    let text = format!("{text} {}", js_string(arg));
                    ctx.add(static_key(key), Some(arg.clone()), text);
                }
            }
            "multipleOf" | "divisibleBy" => {
                let Some(n) = number(instance) else {
                    return Ok(());
                };
                let divisor = number(Some(arg)).unwrap_or(f64::NAN);
                if divisor == 0.0 {
                    return Err(SchemaProblem(format!("{key} cannot be zero")));
                }
                let places = decimal_places(n).max(decimal_places(divisor));
                let scale = 10f64.powi(places.min(300) as i32);
                let ok = ((n * scale).round() % (divisor * scale).round()) == 0.0;
                if !ok {
                    let text = if key == "multipleOf" {
                        "is not a multiple of (divisible by) "
                    } else {
                        "is not divisible by (multiple of) "
                    };
                    let text = format!("{text}{}", js::stringify(arg, ""));
                    ctx.add(static_key(key), Some(arg.clone()), text);
                }
            }
            "required" => match (instance, arg) {
                (None, Json::Bool(true)) => ctx.add("required", None, "is required".into()),
                (Some(Json::Object(obj)), Json::Array(names)) => {
                    for name in names {
                        let key_name = js_string(name);
                        if !obj.contains_key(&key_name) {
                            let text = format!("requires property {}", js::stringify(name, ""));
                            ctx.add("required", Some(name.clone()), text);
                        }
                    }
                }
                _ => {}
            },
            "pattern" => {
                let Some(Json::String(s)) = instance else {
                    return Ok(());
                };
                let p = js_string(arg);
                if !self.regex(&p)?.is_match(s) {
                    let text = format!(
                        "does not match pattern {}",
                        js::stringify(&Json::String(p), "")
                    );
                    ctx.add("pattern", Some(arg.clone()), text);
                }
            }
            "format" => {
                let Some(value) = instance else { return Ok(()) };
                if let (Json::String(s), Json::String(format)) = (value, arg)
                    && !super::format::conforms(s, format)
                {
                    let text = format!("does not conform to the {} format", js::stringify(arg, ""));
                    ctx.add("format", Some(arg.clone()), text);
                }
            }
            "minLength" | "maxLength" => {
                let Some(Json::String(s)) = instance else {
                    return Ok(());
                };
                // Code points, as jsonschema counts (UTF-16 units less low surrogates).
                let n = s.chars().count() as f64;
                let limit = number(Some(arg));
                let (ok, word) = if key == "minLength" {
                    (limit.is_some_and(|l| n >= l), "minimum")
                } else {
                    (limit.is_some_and(|l| n <= l), "maximum")
                };
                if !ok {
                    let text = format!("does not meet {word} length of {}", js_string(arg));
                    ctx.add(static_key(key), Some(arg.clone()), text);
                }
            }
            "minItems" | "maxItems" => {
                let Some(Json::Array(items)) = instance else {
                    return Ok(());
                };
                let n = items.len() as f64;
                let limit = number(Some(arg));
                let (ok, word) = if key == "minItems" {
                    (limit.is_some_and(|l| n >= l), "minimum")
                } else {
                    (limit.is_some_and(|l| n <= l), "maximum")
                };
                if !ok {
                    let text = format!("does not meet {word} length of {}", js_string(arg));
                    ctx.add(static_key(key), Some(arg.clone()), text);
                }
            }
            "uniqueItems" => {
                let Some(Json::Array(items)) = instance else {
                    return Ok(());
                };
                if *arg != Json::Bool(true) {
                    return Ok(());
                }
                self.steps += items.len().saturating_mul(items.len()) / 64;
                let duplicate = items
                    .iter()
                    .enumerate()
                    .any(|(i, a)| items[i + 1..].iter().any(|b| deep_equal(a, b)));
                if duplicate {
                    ctx.add("uniqueItems", None, "contains duplicate item".into());
                }
            }
            "dependencies" => {
                let Some(Json::Object(obj)) = instance else {
                    return Ok(());
                };
                let Json::Object(deps) = arg else {
                    return Ok(());
                };
                for (name, dep) in deps {
                    if !obj.contains_key(name) {
                        continue;
                    }
                    let dep_path = property_of(&child(ctx.path, name));
                    let needed: Option<Vec<String>> = match dep {
                        Json::String(s) => Some(vec![s.clone()]),
                        Json::Array(a) => Some(a.iter().map(js_string).collect()),
                        _ => None,
                    };
                    if let Some(needed) = needed {
                        for prop in needed {
                            if !obj.contains_key(&prop) {
                                let text =
                                    format!("property {prop} not found, required by {dep_path}");
                                ctx.add("dependencies", Some(Json::String(dep_path.clone())), text);
                            }
                        }
                    } else {
                        let inner = self.check(instance, dep, &child(ctx.path, name), d)?;
                        if !inner.is_empty() {
                            let text = format!("does not meet dependency required by {dep_path}");
                            ctx.add("dependencies", Some(Json::String(dep_path)), text);
                            ctx.out.extend(inner);
                        }
                    }
                }
            }
            "enum" => {
                let Some(value) = instance else { return Ok(()) };
                let Json::Array(options) = arg else {
                    return Err(SchemaProblem("enum expects an array".into()));
                };
                if !options.iter().any(|o| deep_equal(value, o)) {
                    let text = format!(
                        "is not one of enum values: {}",
                        options.iter().map(js_string).collect::<Vec<_>>().join(",")
                    );
                    ctx.add("enum", Some(arg.clone()), text);
                }
            }
            "const" => {
                let Some(value) = instance else { return Ok(()) };
                if !deep_equal(arg, value) {
                    let text = format!(
                        "does not exactly match expected constant: {}",
                        js_string(arg)
                    );
                    ctx.add("const", Some(arg.clone()), text);
                }
            }
            "not" | "disallow" => {
                let Some(value) = instance else { return Ok(()) };
                let list: Vec<&Json> = match arg {
                    Json::Array(a) => a.iter().collect(),
                    Json::Null | Json::Bool(false) => Vec::new(),
                    other => vec![other],
                };
                for t in list {
                    if self.test_type(value, t, ctx.path, d)? {
                        let id = match t {
                            Json::Object(o) => o.get("$id").or_else(|| o.get("id")).cloned(),
                            _ => None,
                        };
                        let argument = id.unwrap_or_else(|| t.clone());
                        let text = format!("is of prohibited type {}", js_string(&argument));
                        ctx.add("not", Some(argument), text);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// One property not named in `properties` (`additionalProperties`' rule).
    fn additional(
        &mut self,
        ctx: &mut Ctx<'_, '_>,
        map: &Map<String, Json>,
        name: &str,
        value: &Json,
        d: usize,
    ) -> Result<(), SchemaProblem> {
        if let Some(Json::Object(props)) = map.get("properties")
            && props.contains_key(name)
        {
            return Ok(());
        }
        match map.get("additionalProperties") {
            Some(Json::Bool(false)) => {
                let text = format!(
                    "is not allowed to have the additional property {}",
                    js::stringify(&Json::String(name.to_string()), "")
                );
                ctx.add(
                    "additionalProperties",
                    Some(Json::String(name.into())),
                    text,
                );
            }
            Some(sub) if js::json_truthy(sub) => {
                let inner = self.check(Some(value), sub, &child(ctx.path, name), d)?;
                ctx.out.extend(inner);
            }
            _ => {}
        }
        Ok(())
    }

    fn test_type(
        &mut self,
        value: &Json,
        t: &Json,
        path: &[Json],
        d: usize,
    ) -> Result<bool, SchemaProblem> {
        Ok(match t {
            Json::String(name) => match name.as_str() {
                "string" => value.is_string(),
                "number" => number(Some(value)).is_some(),
                "integer" => value.as_f64().is_some_and(|f| f.fract() == 0.0),
                "boolean" => value.is_boolean(),
                "array" => value.is_array(),
                "null" => value.is_null(),
                "object" => is_object(Some(value)),
                "date" => false,
                // `any` and unknown names accept anything.
                _ => true,
            },
            Json::Object(_) => self.check(Some(value), t, path, d)?.is_empty(),
            Json::Null => return Err(SchemaProblem("Unexpected null in \"type\" keyword".into())),
            _ => true,
        })
    }
}

/// Where violations of one schema level go.
struct Ctx<'a, 'o> {
    instance: Option<&'a Json>,
    schema: &'a Json,
    path: &'a [Json],
    out: &'o mut Vec<Violation>,
}

impl Ctx<'_, '_> {
    fn add(&mut self, name: &'static str, argument: Option<Json>, message: String) {
        let schema = self
            .schema
            .get("$id")
            .or_else(|| self.schema.get("id"))
            .filter(|i| i.is_string())
            .cloned()
            .unwrap_or_else(|| self.schema.clone());
        self.out.push(Violation {
            path: self.path.to_vec(),
            message,
            schema,
            instance: self.instance.cloned(),
            name,
            argument,
        });
    }
}

fn child(path: &[Json], key: &str) -> Vec<Json> {
    let mut p = path.to_vec();
    p.push(Json::String(key.to_string()));
    p
}

fn child_index(path: &[Json], index: usize) -> Vec<Json> {
    let mut p = path.to_vec();
    p.push(Json::from(index));
    p
}

fn static_key(key: &str) -> &'static str {
    const KEYS: &[&str] = &[
        "minProperties",
        "maxProperties",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "divisibleBy",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
    ];
    KEYS.iter()
        .find(|k| **k == key)
        .copied()
        .unwrap_or("unknown")
}

/// Digits after the decimal point as JavaScript prints the number (`1e-7` has 7).
fn decimal_places(n: f64) -> usize {
    let text = js::number_to_string(n);
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, ""));
    let mut places = exp
        .strip_prefix('-')
        .and_then(|e| e.parse::<usize>().ok())
        .unwrap_or(0);
    if let Some((_, frac)) = mantissa.split_once('.') {
        places += frac.len();
    }
    places
}
