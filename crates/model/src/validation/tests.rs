use serde_json::{Value, json};

use super::*;

fn component() -> Value {
    json!({
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": "payments"},
        "spec": {"type": "service", "lifecycle": "production", "owner": "team-a"}
    })
}

fn with(mut base: Value, pointer: &str, v: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    base.pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .insert(key.to_string(), v);
    base
}

fn without(mut base: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    base.pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove(key);
    base
}

fn errors(v: Value) -> Vec<ValidationError> {
    validate_entity(v).err().unwrap_or_default()
}

fn fields(v: Value) -> Vec<String> {
    errors(v).into_iter().map(|e| e.field).collect()
}

#[test]
fn a_valid_component_passes_and_gets_the_default_namespace() {
    let ok = validate_entity(component()).unwrap();
    assert_eq!(ok.entity.metadata.namespace.as_deref(), Some("default"));
    assert_eq!(ok.entity.entity_ref().key(), "component:default/payments");
}

#[test]
fn name_is_required() {
    let e = errors(without(component(), "/metadata/name"));
    assert_eq!(e[0].field, "metadata.name");
    assert!(e[0].message.contains("must have a value"));
}

#[test]
fn name_rule_names_the_field_and_rule() {
    let e = errors(with(
        component(),
        "/metadata/name",
        json!("invalid component"),
    ));
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].field, "metadata.name");
    assert!(
        e[0].message.contains("[a-zA-Z0-9]") && e[0].message.contains("\"invalid component\""),
        "{}",
        e[0]
    );
    assert_eq!(
        fields(with(component(), "/metadata/name", json!("a".repeat(64)))),
        ["metadata.name"]
    );
    assert_eq!(
        fields(with(component(), "/metadata/name", json!(42))),
        ["metadata.name"]
    );
    assert!(errors(with(component(), "/metadata/name", json!("My_Service.v2"))).is_empty());
}

#[test]
fn namespace_rule() {
    assert_eq!(
        fields(with(component(), "/metadata/namespace", json!("Prod"))),
        ["metadata.namespace"]
    );
    assert_eq!(
        fields(with(component(), "/metadata/namespace", json!("a-"))),
        ["metadata.namespace"]
    );
    // Backstage accepts repeated dashes inside a namespace (checked against a real Backstage).
    assert!(errors(with(component(), "/metadata/namespace", json!("a--b"))).is_empty());
    assert!(errors(with(component(), "/metadata/namespace", json!("team-x"))).is_empty());
}

#[test]
fn tag_rule_accepts_backstage_specials() {
    assert!(
        errors(with(
            component(),
            "/metadata/tags",
            json!(["java", "c++", "front#end", "a:b"])
        ))
        .is_empty()
    );
    assert_eq!(
        fields(with(
            component(),
            "/metadata/tags",
            json!(["go", "go 1.15.3", "Java"])
        )),
        ["metadata.tags.1", "metadata.tags.2"]
    );
    assert_eq!(
        fields(with(component(), "/metadata/tags", json!("java"))),
        ["metadata.tags"]
    );
}

#[test]
fn label_keys_and_values() {
    assert!(
        errors(with(
            component(),
            "/metadata/labels",
            json!({"example.com/custom": "custom_label_value", "x": ""})
        ))
        .is_empty()
    );
    assert_eq!(
        fields(with(component(), "/metadata/labels", json!({"a/b/c": "v"}))),
        ["metadata.labels.a/b/c"]
    );
    assert_eq!(
        fields(with(
            component(),
            "/metadata/labels",
            json!({"k": "Random value"})
        )),
        ["metadata.labels.k"]
    );
    assert_eq!(
        fields(with(component(), "/metadata/labels", json!({"k": 3}))),
        ["metadata.labels.k"]
    );
}

#[test]
fn annotation_keys_and_values() {
    assert!(
        errors(with(
            component(),
            "/metadata/annotations",
            json!({"backstage.io/techdocs-ref": "dir:. any text"})
        ))
        .is_empty()
    );
    assert_eq!(
        fields(with(
            component(),
            "/metadata/annotations",
            json!({"Bad.Prefix/x": "v"})
        )),
        ["metadata.annotations.Bad.Prefix/x"]
    );
    assert_eq!(
        fields(with(
            component(),
            "/metadata/annotations",
            json!({"x": true})
        )),
        ["metadata.annotations.x"]
    );
}

#[test]
fn links() {
    let good =
        json!([{"url": "https://example.com", "title": "Docs", "icon": "docs", "type": "website"}]);
    assert!(errors(with(component(), "/metadata/links", good)).is_empty());
    // A real Backstage accepts any non-empty icon name ("bad icon" included).
    assert!(
        errors(with(
            component(),
            "/metadata/links",
            json!([{"url": "https://x.io", "icon": "bad icon"}])
        ))
        .is_empty()
    );
    let bad = json!([{"title": "x"}, {"url": "not a url"}, {"url": "https://x.io", "title": " ", "icon": "", "type": ""}, "s"]);
    assert_eq!(
        fields(with(component(), "/metadata/links", bad)),
        [
            "metadata.links.0.url",
            "metadata.links.1.url",
            "metadata.links.2.title",
            "metadata.links.2.icon",
            "metadata.links.2.type",
            "metadata.links.3"
        ]
    );
}

#[test]
fn title_and_description_types() {
    assert_eq!(
        fields(with(component(), "/metadata/title", json!(""))),
        ["metadata.title"]
    );
    assert_eq!(
        fields(with(component(), "/metadata/description", json!(["x"]))),
        ["metadata.description"]
    );
}

#[test]
fn foreign_root_fields_are_rejected() {
    assert_eq!(fields(with(component(), "/extra", json!(1))), ["extra"]);
}

#[test]
fn api_version_and_kind_syntax() {
    assert_eq!(
        fields(with(component(), "/apiVersion", json!("a/b/c"))),
        ["apiVersion"]
    );
    assert_eq!(fields(without(component(), "/kind")), ["kind"]);
    assert_eq!(
        fields(with(component(), "/kind", json!("My-Kind"))),
        ["kind"]
    );
}

#[test]
fn unknown_kind_and_wrong_api_version_are_clear() {
    let e = errors(with(component(), "/kind", json!("AiResource")));
    assert_eq!(e[0].field, "kind");
    assert!(e[0].message.contains("not a supported kind"), "{}", e[0]);
    let e = errors(with(component(), "/kind", json!("component")));
    assert!(
        e[0].message.contains("did you mean \"Component\""),
        "{}",
        e[0]
    );
    let e = errors(with(component(), "/apiVersion", json!("backstage.io/v2")));
    assert_eq!(e[0].field, "apiVersion");
    assert!(e[0].message.contains("backstage.io/v1alpha1"));
    assert!(
        validate_entity(with(
            component(),
            "/apiVersion",
            json!("backstage.io/v1beta1")
        ))
        .is_ok()
    );
    let tpl = json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Template", "metadata": {"name": "t"}, "spec": {"type": "service", "steps": []}});
    assert_eq!(fields(tpl), ["apiVersion"]);
}

#[test]
fn component_requires_type_lifecycle_owner_as_strings() {
    assert_eq!(fields(without(component(), "/spec")), ["spec"]);
    let v = with(
        without(without(component(), "/spec/type"), "/spec/lifecycle"),
        "/spec/owner",
        json!(5),
    );
    assert_eq!(fields(v), ["spec.type", "spec.lifecycle", "spec.owner"]);
    assert_eq!(
        fields(with(component(), "/spec/providesApis", json!("x"))),
        ["spec.providesApis"]
    );
    assert_eq!(
        fields(with(component(), "/spec/consumesApis", json!(["", 1]))),
        ["spec.consumesApis.0", "spec.consumesApis.1"]
    );
}

fn entity(kind: &str, spec: Value) -> Value {
    let api = if kind == "Template" {
        "scaffolder.backstage.io/v1beta3"
    } else {
        "backstage.io/v1alpha1"
    };
    json!({"apiVersion": api, "kind": kind, "metadata": {"name": "x"}, "spec": spec})
}

#[test]
fn api_requires_definition() {
    let spec = json!({"type": "openapi", "lifecycle": "production", "owner": "t"});
    assert_eq!(fields(entity("API", spec.clone())), ["spec.definition"]);
    let e = errors(entity(
        "API",
        with(spec.clone(), "/definition", json!({"$text": "./x"})),
    ));
    assert!(e[0].message.contains("unresolved placeholder"));
    assert!(
        validate_entity(entity(
            "API",
            with(spec, "/definition", json!("openapi: 3.0.0"))
        ))
        .is_ok()
    );
}

#[test]
fn group_requires_type_and_children() {
    assert_eq!(
        fields(entity("Group", json!({}))),
        ["spec.type", "spec.children"]
    );
    assert!(validate_entity(entity("Group", json!({"type": "team", "children": []}))).is_ok());
    assert_eq!(
        fields(entity(
            "Group",
            json!({"type": "team", "children": [], "profile": {"email": ""}})
        )),
        ["spec.profile.email"]
    );
}

#[test]
fn user_requires_member_of() {
    assert_eq!(fields(entity("User", json!({}))), ["spec.memberOf"]);
    assert!(validate_entity(entity("User", json!({"memberOf": []}))).is_ok());
}

#[test]
fn resource_system_domain_required_fields() {
    assert_eq!(
        fields(entity("Resource", json!({}))),
        ["spec.type", "spec.owner"]
    );
    assert_eq!(
        fields(entity("System", json!({"domain": 1}))),
        ["spec.owner", "spec.domain"]
    );
    assert_eq!(
        fields(entity("Domain", json!({"subdomainOf": ""}))),
        ["spec.owner", "spec.subdomainOf"]
    );
}

#[test]
fn location_fields() {
    assert!(validate_entity(entity("Location", json!({"targets": ["./a.yaml"]}))).is_ok());
    assert_eq!(
        fields(entity(
            "Location",
            json!({"target": 1, "presence": "maybe"})
        )),
        ["spec.target", "spec.presence"]
    );
}

#[test]
fn template_requires_type_and_steps_with_actions() {
    assert_eq!(
        fields(entity("Template", json!({}))),
        ["spec.type", "spec.steps"]
    );
    assert_eq!(
        fields(entity(
            "Template",
            json!({"type": "service", "steps": [{"id": "a"}], "parameters": 3})
        )),
        ["spec.steps.0.action", "spec.parameters"]
    );
    assert!(
        validate_entity(entity(
            "Template",
            json!({"type": "service", "steps": [{"action": "fetch:plain"}], "parameters": [{}]})
        ))
        .is_ok()
    );
}

#[test]
fn refs_without_kind_in_depends_on_are_errors() {
    let e = errors(with(
        component(),
        "/spec/dependsOn",
        json!(["resource:db", "cache"]),
    ));
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].field, "spec.dependsOn.1");
    assert!(e[0].message.contains("has no kind"));
    assert_eq!(
        fields(with(component(), "/spec/owner", json!("group:"))),
        ["spec.owner"]
    );
}

#[test]
fn all_errors_are_reported_together() {
    let v = json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "-x", "namespace": "X", "tags": ["A"]}});
    assert_eq!(
        fields(v),
        ["metadata.name", "metadata.namespace", "metadata.tags.0"]
    );
}

#[test]
fn non_objects_are_rejected() {
    assert_eq!(fields(json!("just a string")), [""]);
    assert_eq!(
        fields(json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": []})),
        ["metadata"]
    );
}

#[test]
fn incoming_relations_field_is_dropped() {
    let v = with(
        component(),
        "/relations",
        json!([{"type": "ownedBy", "targetRef": "group:default/evil"}]),
    );
    let ok = validate_entity(v).unwrap();
    assert!(ok.entity.relations.is_empty());
    assert!(
        ok.relations
            .iter()
            .all(|r| r.target_ref != "group:default/evil")
    );
}

#[test]
fn mcp_server_apis_need_remotes_instead_of_a_definition() {
    let spec = json!({"type": "mcp-server", "lifecycle": "experimental", "owner": "t"});
    assert_eq!(fields(entity("API", spec.clone())), ["spec.remotes"]);
    let ok = with(
        spec,
        "/remotes",
        json!([{"type": "streamable-http", "url": "http://localhost:7007/api/mcp/v1"}]),
    );
    assert!(validate_entity(entity("API", ok)).is_ok());
}
