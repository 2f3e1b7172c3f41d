//! The validator against what npm `jsonschema` 1.5 answers (expected values printed by it),
//! parameter pages with `when`, and hostile schemas.

use serde_json::{Value as Json, json};

use super::schema::{MAX_STEPS, validate};
use super::{check_values, parameters::visible_pages};
use crate::ScaffolderError;
use crate::template::{Templater, TemplaterOptions};

fn errors(instance: Json, schema: Json) -> Vec<Json> {
    validate(&instance, &schema)
        .unwrap()
        .iter()
        .map(super::Violation::to_json)
        .collect()
}

fn stacks(instance: Json, schema: Json) -> Vec<String> {
    validate(&instance, &schema)
        .unwrap()
        .iter()
        .map(super::Violation::stack)
        .collect()
}

#[test]
fn error_objects_are_jsonschemas() {
    assert_eq!(
        errors(
            json!({"a": "x"}),
            json!({"definitions": {"s": {"type": "number"}}, "properties": {"a": {"$ref": "#/definitions/s"}}})
        ),
        [
            json!({"path": ["a"], "property": "instance.a", "message": "is not of a type(s) number",
            "schema": {"type": "number"}, "instance": "x", "name": "type", "argument": ["number"],
            "stack": "instance.a is not of a type(s) number"})
        ]
    );
    // A false schema, and draft-3 `required: true` on a missing property (no instance).
    assert_eq!(
        errors(
            json!({"a": "x"}),
            json!({"properties": {"a": false, "b": {"required": true}}})
        ),
        [
            json!({"path": ["a"], "property": "instance.a", "message": "is not of a type(s) ",
                "schema": {"type": []}, "instance": "x", "name": "type", "argument": [],
                "stack": "instance.a is not of a type(s) "}),
            json!({"path": ["b"], "property": "instance.b", "message": "is required",
                "schema": {"required": true}, "name": "required", "stack": "instance.b is required"}),
        ]
    );
}

#[test]
fn messages_per_keyword() {
    assert_eq!(
        stacks(
            json!({"a": [1, "x"], "b": 2.5}),
            json!({"properties": {"a": {"items": {"type": "integer"}, "uniqueItems": true},
                "b": {"multipleOf": 0.1, "not": {"type": "number"}}}, "additionalProperties": false})
        ),
        [
            "instance.a[1] is not of a type(s) integer",
            "instance.b is of prohibited type [object Object]"
        ]
    );
    assert_eq!(
        stacks(
            json!({"a b": 1, "1x": 2}),
            json!({"additionalProperties": false})
        ),
        [
            "instance is not allowed to have the additional property \"a b\"",
            "instance is not allowed to have the additional property \"1x\""
        ]
    );
    assert_eq!(
        stacks(
            json!({"a b": {"1x": {"7": 0}}}),
            json!({"properties": {"a b": {"properties": {"1x": {"properties": {"7": {"minimum": 1}}}}}}})
        ),
        ["instance[\"a b\"][\"1x\"][7] must be greater than or equal to 1"]
    );
    assert_eq!(
        stacks(json!("x"), json!({"const": [1, null, {"a": 1}]})),
        ["instance does not exactly match expected constant: 1,,[object Object]"]
    );
    assert_eq!(
        stacks(json!({"a": 1}), json!({"dependencies": {"a": ["b"]}})),
        ["instance property b not found, required by instance.a"]
    );
    assert_eq!(
        stacks(
            json!({"a": "x"}),
            json!({"anyOf": [{"title": "T", "required": ["b"]}, {"required": ["c"]}]})
        ),
        ["instance is not any of \"T\",[subschema 1]"]
    );
    assert_eq!(
        stacks(json!({"a": "x"}), json!({"allOf": [{"required": ["b"]}]})),
        [
            "instance does not match allOf schema [subschema 0] with 1 error[s]:",
            "instance requires property \"b\""
        ]
    );
    assert_eq!(
        stacks(json!("2020-13-01"), json!({"format": "date"})),
        ["instance does not conform to the \"date\" format"]
    );
    assert_eq!(
        stacks(
            json!({"n": 3, "s": "ab", "l": [1, 1]}),
            json!({"properties": {
            "n": {"exclusiveMinimum": 3, "maximum": 2, "multipleOf": 2},
            "s": {"maxLength": 1, "enum": ["x", 1, null]},
            "l": {"minItems": 3, "uniqueItems": true, "contains": {"type": "string"}}}})
        ),
        [
            "instance.n must be strictly greater than 3",
            "instance.n must be less than or equal to 2",
            "instance.n is not a multiple of (divisible by) 2",
            "instance.s does not meet maximum length of 1",
            "instance.s is not one of enum values: x,1,null",
            "instance.l does not meet minimum length of 3",
            "instance.l contains duplicate item",
            "instance.l must contain an item matching given schema",
        ]
    );
    assert!(
        stacks(
            json!({"a": 1.0}),
            json!({"properties": {"a": {"type": "integer", "enum": [1]}}})
        )
        .is_empty()
    );
    assert_eq!(
        stacks(
            json!({"k": 1}),
            json!({"if": {"required": ["k"]}, "then": {"required": ["v"]}, "else": false})
        ),
        ["instance requires property \"v\""]
    );
}

#[test]
fn hostile_schemas_give_bounded_errors() {
    // Runaway nesting.
    let mut deep = json!({"type": "string"});
    let mut value = json!("x");
    for _ in 0..300 {
        deep = json!({"properties": {"a": deep}});
        value = json!({"a": value});
    }
    let problem = validate(&value, &deep).unwrap_err();
    assert!(problem.0.contains("levels deep"), "{problem}");
    // A reference to itself.
    let problem = validate(&json!({}), &json!({"$ref": "#"})).unwrap_err();
    assert!(problem.0.contains("levels deep"), "{problem}");
    // A missing reference.
    assert!(validate(&json!(1), &json!({"$ref": "#/nowhere"})).is_err());
    assert!(
        validate(
            &json!(1),
            &json!({"$ref": "https://elsewhere.example/s.json"})
        )
        .is_err()
    );
    // Exponential work from a small schema: each level refers ten times to the one below.
    let mut definitions = serde_json::Map::new();
    definitions.insert("l0".into(), json!({"type": "null"}));
    for level in 1..=12 {
        let below = json!({"$ref": format!("#/definitions/l{}", level - 1)});
        let branches: Vec<Json> = (0..10).map(|_| below.clone()).collect();
        definitions.insert(format!("l{level}"), json!({"anyOf": branches}));
    }
    let wide = json!({"definitions": definitions, "$ref": "#/definitions/l12"});
    let start = std::time::Instant::now();
    let problem = validate(&json!(1), &wide).unwrap_err();
    assert!(problem.0.contains(&MAX_STEPS.to_string()), "{problem}");
    assert!(start.elapsed().as_secs() < 10);
    // A huge or exotic pattern.
    let huge = json!({"pattern": "a".repeat(1 << 20)});
    assert!(
        validate(&json!("a"), &huge)
            .unwrap_err()
            .0
            .contains("longer than")
    );
    let exotic = json!({"pattern": "(?=x)"});
    assert!(
        validate(&json!("x"), &exotic)
            .unwrap_err()
            .0
            .contains("lookaround")
    );
    // Not a schema.
    assert!(validate(&json!(1), &json!({"properties": {"a": "string"}})).is_ok());
    assert!(validate(&json!({"a": 1}), &json!({"properties": {"a": "string"}})).is_err());
    assert!(validate(&json!(1), &json!({"enum": "x"})).is_err());
}

fn templater() -> Templater {
    Templater::new(&TemplaterOptions::default())
}

#[test]
fn when_conditions() {
    let t = templater();
    let pages = vec![
        json!({"properties": {"ship": {"type": "boolean"}, "list": {}}}),
        json!({"when": "${{ parameters.ship }}", "properties": {"a": {}}}),
        json!({"when": "parameters.ship", "properties": {"b": {}}}),
        json!({"when": false, "properties": {"c": {}}}),
        json!({"when": "   ", "properties": {"d": {}}}),
        json!({"when": "${{ parameters.list }}", "properties": {"e": {}}}),
        json!({"when": "${{ nonsense(( }}", "properties": {"f": {}}}),
        json!({"when": "not parameters.ship", "properties": {"g": {}}}),
    ];
    let values = json!({"ship": false, "list": []});
    assert_eq!(
        visible_pages(&pages, &values, &t),
        [true, false, false, false, true, false, true, true]
    );
}

#[test]
fn later_conditions_see_earlier_pages_filtered() {
    let t = templater();
    // Page 2 is hidden, so page 3's condition does not see `x`.
    let pages = vec![
        json!({"properties": {"show": {}}}),
        json!({"when": "parameters.show", "properties": {"x": {}}}),
        json!({"when": "parameters.x", "properties": {"y": {}}}),
    ];
    let values = json!({"show": false, "x": true, "y": 1});
    assert_eq!(visible_pages(&pages, &values, &t), [true, false, false]);
    assert_eq!(
        check_values(&pages, &values, &t).unwrap(),
        json!({"show": false})
    );
}

#[test]
fn hidden_pages_are_not_validated_and_the_first_failing_page_is_reported() {
    let t = templater();
    let pages = vec![
        json!({"properties": {"go": {"type": "boolean"}}}),
        json!({"when": "parameters.go", "required": ["needed"]}),
        json!({"required": ["first"]}),
        json!({"required": ["second"]}),
    ];
    let refused = check_values(&pages, &json!({"go": false}), &t).unwrap_err();
    let ScaffolderError::ParametersInvalid { errors } = &refused else {
        panic!("{refused}");
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].stack(), "instance requires property \"first\"");
    assert_eq!(
        refused.to_string(),
        "the values do not satisfy the template's parameters: instance requires property \"first\""
    );
    assert!(refused.parameter_errors_json().is_some());
    let shown =
        check_values(&pages, &json!({"go": true, "first": 1, "second": 2}), &t).unwrap_err();
    assert!(shown.to_string().contains("\"needed\""));
    // A broken page schema is a template problem, not a hang.
    let broken = vec![json!({"properties": {"a": {"$ref": "#"}}})];
    let mut value = json!(1);
    for _ in 0..100 {
        value = json!({"a": value});
    }
    let e = check_values(&broken, &value, &t).unwrap_err();
    assert!(matches!(e, ScaffolderError::TemplateInvalid(_)), "{e}");
}
