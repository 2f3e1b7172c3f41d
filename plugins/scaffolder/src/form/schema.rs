//! A template's form page (a JSON schema with `ui:*` keys, as Backstage's form reads it)
//! turned into the fields to show for the values so far: `dependencies` and `oneOf`
//! branches resolved against those values, each field's kind decided from its type, enum,
//! `ui:widget` and `ui:field`. What the form cannot show is named, the rest still renders.
//! Pure: tested natively.

use serde_json::{Map, Value};

/// A field extension of Backstage's scaffolder form (`ui:field`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extension {
    EntityPicker,
    OwnerPicker,
    MultiEntityPicker,
    EntityNamePicker,
    EntityTagsPicker,
    RepoUrlPicker,
    OwnedEntityPicker,
    MyGroupsPicker,
}

impl Extension {
    fn named(name: &str) -> Option<Extension> {
        Some(match name {
            "EntityPicker" => Extension::EntityPicker,
            "OwnerPicker" => Extension::OwnerPicker,
            "MultiEntityPicker" => Extension::MultiEntityPicker,
            "EntityNamePicker" => Extension::EntityNamePicker,
            "EntityTagsPicker" => Extension::EntityTagsPicker,
            "RepoUrlPicker" => Extension::RepoUrlPicker,
            "OwnedEntityPicker" => Extension::OwnedEntityPicker,
            "MyGroupsPicker" => Extension::MyGroupsPicker,
            _ => return None,
        })
    }

    /// Whether the value is a list of entity refs (else one).
    pub fn many(self) -> bool {
        matches!(self, Extension::MultiEntityPicker)
    }
}

/// How a text field is typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextWidget {
    Input,
    Textarea,
    Password,
}

/// How a choice among options is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceWidget {
    Select,
    Radio,
}

/// One option of an enum: the value and what is shown (`enumNames`, else the value).
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub value: Value,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    Text(TextWidget),
    /// `integer`: whole numbers only.
    Number {
        integer: bool,
    },
    Boolean,
    /// One of `options`.
    Choice(ChoiceWidget, Vec<Choice>),
    /// Any of `options` (an array of an enum): checkboxes.
    Choices(Vec<Choice>),
    /// An array of strings typed one per line.
    List,
    /// A nested object: its fields, under this field's name.
    Object(Vec<Field>),
    Extension(Extension),
}

/// A field of the form, at `path` in the values.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Property names from the page's root to this field.
    pub path: Vec<String>,
    pub title: String,
    pub description: Option<String>,
    pub required: bool,
    pub kind: FieldKind,
    /// The property's schema (with its `ui:*` keys): limits, pattern, options.
    pub schema: Value,
}

impl Field {
    pub fn id(&self) -> String {
        self.path.join(".")
    }

    /// A `ui:` key of the field (`ui:help`, `ui:placeholder`, …).
    pub fn ui(&self, key: &str) -> Option<&Value> {
        self.schema.get(format!("ui:{key}").as_str())
    }

    pub fn ui_str(&self, key: &str) -> Option<&str> {
        self.ui(key).and_then(Value::as_str)
    }

    pub fn ui_flag(&self, key: &str) -> bool {
        self.ui(key).and_then(Value::as_bool).unwrap_or(false)
    }

    /// `ui:options.<key>`.
    pub fn option(&self, key: &str) -> Option<&Value> {
        self.ui("options").and_then(|o| o.get(key))
    }

    /// Never shown in the review or kept in the run history.
    pub fn secret(&self) -> bool {
        matches!(self.kind, FieldKind::Text(TextWidget::Password))
            || self.ui_str("field") == Some("Secret")
    }
}

/// A page's fields for `values` (the whole form's values, an object), and what it could
/// not show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub title: Option<String>,
    pub description: Option<String>,
    pub fields: Vec<Field>,
    pub skipped: Vec<String>,
}

/// Properties nested this deep are not shown (hostile or runaway schemas).
const MAX_DEPTH: usize = 8;

pub fn page(schema: &Value, values: &Value) -> Page {
    let mut skipped = Vec::new();
    let fields = object_fields(schema, values, &[], 0, &mut skipped);
    Page {
        title: str_of(schema, "title"),
        description: str_of(schema, "description"),
        fields,
        skipped,
    }
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// The fields of an object schema: its properties, then those its `dependencies` and
/// `oneOf`/`anyOf` branches add for the current values, in the order written.
fn object_fields(
    schema: &Value,
    values: &Value,
    at: &[String],
    depth: usize,
    skipped: &mut Vec<String>,
) -> Vec<Field> {
    let here = |name: &str| -> String {
        let mut p = at.to_vec();
        p.push(name.to_string());
        p.join(".")
    };
    if depth > MAX_DEPTH {
        skipped.push(format!("{}: nested too deeply", at.join(".")));
        return Vec::new();
    }
    let mut props: Vec<(String, Value)> = Vec::new();
    let mut required: Vec<String> = Vec::new();
    collect(schema, values_at(values, at), &mut props, &mut required, 0);
    for key in ["allOf", "if", "patternProperties", "additionalItems"] {
        if schema.get(key).is_some() {
            skipped.push(format!(
                "{}`{key}` (not supported by Backlot's form)",
                if at.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", at.join("."))
                }
            ));
        }
    }
    let order = schema
        .get("ui:order")
        .and_then(Value::as_array)
        .map(|o| o.iter().filter_map(Value::as_str).collect::<Vec<_>>());
    if let Some(order) = order {
        props.sort_by_key(|(name, _)| {
            order
                .iter()
                .position(|o| o == name)
                .or_else(|| order.iter().position(|o| *o == "*"))
                .unwrap_or(order.len())
        });
    }
    let mut fields = Vec::new();
    for (name, prop) in props {
        if prop.get("ui:widget").and_then(Value::as_str) == Some("hidden") {
            continue;
        }
        let mut path = at.to_vec();
        path.push(name.clone());
        match field(&prop, values, path, required.contains(&name), depth) {
            Ok(f) => fields.push(f),
            Err(why) => skipped.push(format!("{}: {why}", here(&name))),
        }
    }
    // Nested objects report what they skipped too.
    for f in &fields {
        if let FieldKind::Object(_) = &f.kind {
            object_fields(&f.schema, values, &f.path, depth + 1, skipped);
        }
    }
    fields
}

fn values_at<'a>(values: &'a Value, at: &[String]) -> &'a Value {
    let mut v = values;
    for key in at {
        v = v.get(key).unwrap_or(&Value::Null);
    }
    v
}

/// Gathers the properties (and required names) of `schema` and of the branches that apply
/// to `values`, without duplicates (a later branch refines an earlier property).
fn collect(
    schema: &Value,
    values: &Value,
    props: &mut Vec<(String, Value)>,
    required: &mut Vec<String>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(Value::Object(p)) = schema.get("properties") {
        for (name, prop) in p {
            match props.iter_mut().find(|(n, _)| n == name) {
                Some((_, existing)) => merge(existing, prop),
                None => props.push((name.clone(), prop.clone())),
            }
        }
    }
    if let Some(Value::Array(r)) = schema.get("required") {
        for name in r.iter().filter_map(Value::as_str) {
            if !required.iter().any(|x| x == name) {
                required.push(name.to_string());
            }
        }
    }
    if let Some(Value::Object(deps)) = schema.get("dependencies") {
        for (trigger, dep) in deps {
            let present = values.get(trigger).is_some_and(|v| !is_empty(v));
            match dep {
                // A property dependency: the listed names are required once it is given.
                Value::Array(names) if present => {
                    for n in names.iter().filter_map(Value::as_str) {
                        if !required.iter().any(|x| x == n) {
                            required.push(n.to_string());
                        }
                    }
                }
                Value::Object(_) => {
                    if let Some(Value::Array(branches)) = dep.get("oneOf") {
                        // The branch whose schema of the trigger accepts its value.
                        if let Some(b) = branches.iter().find(|b| {
                            b.get("properties")
                                .and_then(|p| p.get(trigger))
                                .is_some_and(|t| accepts(t, values.get(trigger)))
                        }) {
                            // The branch's schema of the trigger only selects the branch
                            // (as rjsf drops it): merged, it would narrow the trigger's own
                            // options to the chosen one.
                            let mut b = b.clone();
                            if let Some(Value::Object(p)) = b.get_mut("properties") {
                                p.remove(trigger);
                            }
                            collect(&b, values, props, required, depth + 1);
                        }
                    } else if present {
                        collect(dep, values, props, required, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = schema.get(key) {
            // The first branch the values fit (its enums or consts), else the first.
            let fits = branches.iter().find(|b| branch_fits(b, values));
            if let Some(b) = fits.or(branches.first()) {
                collect(b, values, props, required, depth + 1);
            }
        }
    }
}

fn merge(into: &mut Value, from: &Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, from) {
        for (k, v) in b {
            a.insert(k.clone(), v.clone());
        }
    }
}

/// Whether a property schema accepts `value` (its `enum` or `const`; anything when it has
/// neither and a value is given).
fn accepts(schema: &Value, value: Option<&Value>) -> bool {
    let Some(value) = value else {
        return false;
    };
    if let Some(Value::Array(options)) = schema.get("enum") {
        return options.contains(value);
    }
    if let Some(c) = schema.get("const") {
        return c == value;
    }
    !is_empty(value)
}

fn branch_fits(branch: &Value, values: &Value) -> bool {
    let Some(Value::Object(props)) = branch.get("properties") else {
        return false;
    };
    let constrained: Vec<(&String, &Value)> = props
        .iter()
        .filter(|(_, p)| p.get("enum").is_some() || p.get("const").is_some())
        .collect();
    !constrained.is_empty() && constrained.iter().all(|(n, p)| accepts(p, values.get(*n)))
}

pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn field(
    prop: &Value,
    values: &Value,
    path: Vec<String>,
    required: bool,
    depth: usize,
) -> Result<Field, String> {
    let title = str_of(prop, "title").unwrap_or_else(|| path.last().cloned().unwrap_or_default());
    let kind = kind(prop, values, &path, depth)?;
    Ok(Field {
        path,
        title,
        description: str_of(prop, "description"),
        required,
        kind,
        schema: prop.clone(),
    })
}

fn choices(schema: &Value) -> Option<Vec<Choice>> {
    let options = schema.get("enum")?.as_array()?;
    let names = schema.get("enumNames").and_then(Value::as_array);
    Some(
        options
            .iter()
            .enumerate()
            .map(|(i, v)| Choice {
                value: v.clone(),
                label: names
                    .and_then(|n| n.get(i))
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    }),
            })
            .collect(),
    )
}

fn kind(prop: &Value, values: &Value, path: &[String], depth: usize) -> Result<FieldKind, String> {
    let widget = prop.get("ui:widget").and_then(Value::as_str);
    if let Some(name) = prop.get("ui:field").and_then(Value::as_str) {
        return match Extension::named(name) {
            Some(e) => Ok(FieldKind::Extension(e)),
            // Backstage's Secret field is a password box whose value goes to `secrets`.
            None if name == "Secret" => Ok(FieldKind::Text(TextWidget::Password)),
            None => Err(format!(
                "the field extension `{name}` is not available in Backlot"
            )),
        };
    }
    let ty = match prop.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("string"),
        // An enum without a type is a choice; anything else is text.
        _ => "string",
    };
    if let Some(options) = choices(prop)
        && ty != "array"
    {
        let w = match widget {
            Some("radio") => ChoiceWidget::Radio,
            _ => ChoiceWidget::Select,
        };
        return Ok(FieldKind::Choice(w, options));
    }
    Ok(match ty {
        "string" => FieldKind::Text(match widget {
            Some("textarea") => TextWidget::Textarea,
            Some("password") => TextWidget::Password,
            _ => TextWidget::Input,
        }),
        "number" => FieldKind::Number { integer: false },
        "integer" => FieldKind::Number { integer: true },
        "boolean" => FieldKind::Boolean,
        "array" => {
            let items = prop.get("items").unwrap_or(&Value::Null);
            if let Some(options) = choices(items) {
                FieldKind::Choices(options)
            } else if items
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("string")
                == "string"
                && items.get("properties").is_none()
            {
                FieldKind::List
            } else {
                return Err("arrays of objects are not supported by Backlot's form".into());
            }
        }
        "object" => {
            let mut skipped = Vec::new();
            let fields = object_fields(prop, values, path, depth + 1, &mut skipped);
            FieldKind::Object(fields)
        }
        other => return Err(format!("the type `{other}` is not supported")),
    })
}

/// The values the form starts with: every `default` of every page, nested objects
/// included (what the user already typed wins).
pub fn defaults(pages: &[Value], values: &mut Map<String, Value>) {
    backlot_scaffolder_common::apply_defaults(pages, values);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

    use super::*;
    use serde_json::json;

    fn ids(p: &Page) -> Vec<String> {
        p.fields.iter().map(Field::id).collect()
    }

    #[test]
    fn kinds_follow_type_enum_widget_and_field() {
        let schema = json!({
            "title": "Basics",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "ui:field": "EntityNamePicker"},
                "notes": {"type": "string", "ui:widget": "textarea"},
                "token": {"type": "string", "ui:widget": "password"},
                "size": {"type": "integer"},
                "ratio": {"type": "number"},
                "public": {"type": "boolean"},
                "lang": {"type": "string", "enum": ["go", "rust"], "enumNames": ["Go", "Rust"], "ui:widget": "radio"},
                "extras": {"type": "array", "items": {"type": "string", "enum": ["ci", "docs"]}, "uniqueItems": true},
                "aliases": {"type": "array", "items": {"type": "string"}},
                "owner": {"type": "string", "ui:field": "OwnerPicker"},
                "fancy": {"type": "string", "ui:field": "ShinyPicker"},
                "nested": {"type": "object", "properties": {"depth": {"type": "integer", "default": 2}}},
                "gone": {"type": "string", "ui:widget": "hidden"}
            }
        });
        let p = page(&schema, &json!({}));
        assert_eq!(p.title.as_deref(), Some("Basics"));
        let kind = |id: &str| p.fields.iter().find(|f| f.id() == id).unwrap().kind.clone();
        assert_eq!(
            kind("name"),
            FieldKind::Extension(Extension::EntityNamePicker)
        );
        assert_eq!(kind("notes"), FieldKind::Text(TextWidget::Textarea));
        assert_eq!(kind("token"), FieldKind::Text(TextWidget::Password));
        assert_eq!(kind("size"), FieldKind::Number { integer: true });
        assert_eq!(kind("ratio"), FieldKind::Number { integer: false });
        assert_eq!(kind("public"), FieldKind::Boolean);
        match kind("lang") {
            FieldKind::Choice(ChoiceWidget::Radio, options) => {
                assert_eq!(options[1].label, "Rust");
                assert_eq!(options[1].value, json!("rust"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(kind("extras"), FieldKind::Choices(o) if o.len() == 2));
        assert_eq!(kind("aliases"), FieldKind::List);
        match kind("nested") {
            FieldKind::Object(fields) => assert_eq!(fields[0].id(), "nested.depth"),
            other => panic!("{other:?}"),
        }
        assert!(
            p.fields
                .iter()
                .all(|f| f.id() != "gone" && f.id() != "fancy")
        );
        assert_eq!(
            p.skipped,
            vec!["fancy: the field extension `ShinyPicker` is not available in Backlot"]
        );
        assert!(p.fields[0].required && !p.fields[1].required);
        assert!(
            p.fields
                .iter()
                .find(|f| f.id() == "token")
                .unwrap()
                .secret()
        );
    }

    #[test]
    fn dependencies_and_one_of_branches_follow_the_values() {
        let schema = json!({
            "properties": {
                "kind": {"type": "string", "enum": ["service", "website"]},
                "contact": {"type": "string"}
            },
            "dependencies": {
                "kind": {"oneOf": [
                    {"properties": {"kind": {"enum": ["service"]}, "port": {"type": "integer"}}, "required": ["port"]},
                    {"properties": {"kind": {"enum": ["website"]}, "domain": {"type": "string"}}}
                ]},
                "contact": ["kind"]
            }
        });
        assert_eq!(ids(&page(&schema, &json!({}))), ["kind", "contact"]);
        let service = page(&schema, &json!({"kind": "service"}));
        assert_eq!(ids(&service), ["kind", "contact", "port"]);
        assert!(service.fields[2].required);
        assert_eq!(
            ids(&page(&schema, &json!({"kind": "website"}))),
            ["kind", "contact", "domain"]
        );
        // The trigger keeps all its options once a branch is chosen.
        match &service.fields[0].kind {
            FieldKind::Choice(_, options) => assert_eq!(options.len(), 2),
            other => panic!("{other:?}"),
        }
        // A property dependency makes `kind` required once `contact` is given.
        let p = page(&schema, &json!({"contact": "x"}));
        assert!(p.fields[0].required);
        assert!(!page(&schema, &json!({})).fields[0].required);
    }

    #[test]
    fn defaults_fill_what_is_not_typed_yet_and_ui_order_orders() {
        let pages = vec![
            json!({"properties": {"a": {"type": "string", "default": "x"}, "o": {"type": "object", "properties": {"b": {"type": "integer", "default": 3}}}}}),
            json!({"properties": {"c": {"type": "boolean", "default": true}}}),
        ];
        let mut values = Map::new();
        values.insert("a".into(), json!("typed"));
        defaults(&pages, &mut values);
        assert_eq!(
            Value::Object(values),
            json!({"a": "typed", "o": {"b": 3}, "c": true})
        );
        let ordered =
            json!({"ui:order": ["c", "*", "a"], "properties": {"a": {}, "b": {}, "c": {}}});
        assert_eq!(ids(&page(&ordered, &json!({}))), ["c", "b", "a"]);
    }

    #[test]
    fn runaway_nesting_is_cut_and_named() {
        let mut schema = json!({"type": "string"});
        for _ in 0..50 {
            schema = json!({"type": "object", "properties": {"x": schema}});
        }
        let p = page(&schema, &json!({}));
        assert!(
            p.skipped.iter().any(|s| s.contains("nested too deeply")),
            "{:?}",
            p.skipped
        );
    }
}
