use serde_json::{Value, json};

use super::*;
use crate::validation::validate_entity;

fn rels(v: Value) -> Vec<(String, String, String)> {
    let ok = validate_entity(v).unwrap_or_else(|e| panic!("{e:?}"));
    ok.relations
        .into_iter()
        .map(|r| (r.source_ref, r.relation_type, r.target_ref))
        .collect()
}

fn has(r: &[(String, String, String)], s: &str, t: &str, d: &str) -> bool {
    r.iter().any(|x| x.0 == s && x.1 == t && x.2 == d)
}

fn comp(ns: Option<&str>, extra: Value) -> Value {
    let mut spec = json!({"type": "service", "lifecycle": "production", "owner": "team-a"});
    for (k, v) in extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    let mut meta = json!({"name": "Checkout"});
    if let Some(ns) = ns {
        meta["namespace"] = json!(ns);
    }
    json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": meta, "spec": spec})
}

const ME: &str = "component:default/checkout";

#[test]
fn owned_by_defaults_to_group_in_own_namespace() {
    let r = rels(comp(Some("shop"), json!({})));
    assert!(has(
        &r,
        "component:shop/checkout",
        OWNED_BY,
        "group:shop/team-a"
    ));
    assert!(has(
        &r,
        "group:shop/team-a",
        OWNER_OF,
        "component:shop/checkout"
    ));
}

#[test]
fn owned_by_explicit_kind_and_mixed_case() {
    let r = rels(comp(None, json!({"owner": "User:Other/Jane.Doe"})));
    assert!(has(&r, ME, OWNED_BY, "user:other/jane.doe"));
    assert!(has(&r, "user:other/jane.doe", OWNER_OF, ME));
}

#[test]
fn part_of_system() {
    let r = rels(comp(Some("shop"), json!({"system": "Payments"})));
    assert!(has(
        &r,
        "component:shop/checkout",
        PART_OF,
        "system:shop/payments"
    ));
    assert!(has(
        &r,
        "system:shop/payments",
        HAS_PART,
        "component:shop/checkout"
    ));
}

#[test]
fn part_of_subcomponent() {
    let r = rels(comp(None, json!({"subcomponentOf": "web"})));
    assert!(has(&r, ME, PART_OF, "component:default/web"));
    assert!(has(&r, "component:default/web", HAS_PART, ME));
}

#[test]
fn provides_and_consumes_apis_default_to_api() {
    let r = rels(comp(
        None,
        json!({"providesApis": ["Orders", "ext/pay"], "consumesApis": ["api:default/stock"]}),
    ));
    assert!(has(&r, ME, PROVIDES_API, "api:default/orders"));
    assert!(has(&r, "api:default/orders", API_PROVIDED_BY, ME));
    assert!(has(&r, ME, PROVIDES_API, "api:ext/pay"));
    assert!(has(&r, ME, CONSUMES_API, "api:default/stock"));
    assert!(has(&r, "api:default/stock", API_CONSUMED_BY, ME));
}

#[test]
fn depends_on_and_dependency_of_both_sides() {
    let r = rels(comp(
        None,
        json!({"dependsOn": ["Resource:db"], "dependencyOf": ["component:shop/web"]}),
    ));
    assert!(has(&r, ME, DEPENDS_ON, "resource:default/db"));
    assert!(has(&r, "resource:default/db", DEPENDENCY_OF, ME));
    assert!(has(&r, ME, DEPENDENCY_OF, "component:shop/web"));
    assert!(has(&r, "component:shop/web", DEPENDS_ON, ME));
}

#[test]
fn resource_relations() {
    let v = json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Resource", "metadata": {"name": "db"},
        "spec": {"type": "database", "owner": "dba", "system": "shop", "dependsOn": ["resource:disk"], "dependencyOf": ["component:api"]}});
    let r = rels(v);
    let me = "resource:default/db";
    assert!(has(&r, me, OWNED_BY, "group:default/dba"));
    assert!(has(&r, me, PART_OF, "system:default/shop"));
    assert!(has(&r, me, DEPENDS_ON, "resource:default/disk"));
    assert!(has(&r, "component:default/api", DEPENDS_ON, me));
}

#[test]
fn api_owner_and_system() {
    let v = json!({"apiVersion": "backstage.io/v1alpha1", "kind": "API", "metadata": {"name": "orders"},
        "spec": {"type": "openapi", "lifecycle": "production", "owner": "team-a", "system": "shop", "definition": "x"}});
    let r = rels(v);
    assert!(has(
        &r,
        "api:default/orders",
        OWNED_BY,
        "group:default/team-a"
    ));
    assert!(has(
        &r,
        "api:default/orders",
        PART_OF,
        "system:default/shop"
    ));
}

#[test]
fn system_part_of_domain_and_domain_subdomain() {
    let s = json!({"apiVersion": "backstage.io/v1alpha1", "kind": "System", "metadata": {"name": "shop", "namespace": "retail"},
        "spec": {"owner": "team-a", "domain": "Commerce"}});
    let r = rels(s);
    assert!(has(
        &r,
        "system:retail/shop",
        PART_OF,
        "domain:retail/commerce"
    ));
    assert!(has(
        &r,
        "domain:retail/commerce",
        HAS_PART,
        "system:retail/shop"
    ));
    let d = json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Domain", "metadata": {"name": "payments"},
        "spec": {"owner": "team-a", "subdomainOf": "commerce"}});
    let r = rels(d);
    assert!(has(
        &r,
        "domain:default/payments",
        PART_OF,
        "domain:default/commerce"
    ));
    assert!(has(
        &r,
        "domain:default/commerce",
        HAS_PART,
        "domain:default/payments"
    ));
    assert!(has(
        &r,
        "domain:default/payments",
        OWNED_BY,
        "group:default/team-a"
    ));
}

#[test]
fn user_member_of() {
    let v = json!({"apiVersion": "backstage.io/v1alpha1", "kind": "User", "metadata": {"name": "Ada", "namespace": "dev"},
        "spec": {"memberOf": ["team-a", "group:default/Guests"]}});
    let r = rels(v);
    assert!(has(&r, "user:dev/ada", MEMBER_OF, "group:dev/team-a"));
    assert!(has(&r, "group:dev/team-a", HAS_MEMBER, "user:dev/ada"));
    assert!(has(&r, "user:dev/ada", MEMBER_OF, "group:default/guests"));
}

#[test]
fn group_parent_children_members() {
    let v = json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": {"name": "team-a"},
        "spec": {"type": "team", "parent": "Eng", "children": ["squad-1"], "members": ["ada", "user:ops/bob"]}});
    let r = rels(v);
    let me = "group:default/team-a";
    assert!(has(&r, me, CHILD_OF, "group:default/eng"));
    assert!(has(&r, "group:default/eng", PARENT_OF, me));
    assert!(has(&r, me, PARENT_OF, "group:default/squad-1"));
    assert!(has(&r, "group:default/squad-1", CHILD_OF, me));
    assert!(has(&r, me, HAS_MEMBER, "user:default/ada"));
    assert!(has(&r, "user:default/ada", MEMBER_OF, me));
    assert!(has(&r, me, HAS_MEMBER, "user:ops/bob"));
}

#[test]
fn template_owner() {
    let v = json!({"apiVersion": "scaffolder.backstage.io/v1beta3", "kind": "Template", "metadata": {"name": "t"},
        "spec": {"type": "service", "owner": "platform", "steps": []}});
    assert!(has(
        &rels(v),
        "template:default/t",
        OWNED_BY,
        "group:default/platform"
    ));
}

#[test]
fn location_has_no_relations_and_duplicates_collapse() {
    let v = json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Location", "metadata": {"name": "l"}, "spec": {"targets": ["./a.yaml"]}});
    assert!(rels(v).is_empty());
    let r = rels(comp(None, json!({"consumesApis": ["x", "X", "api:x"]})));
    assert_eq!(r.iter().filter(|x| x.1 == CONSUMES_API).count(), 1);
}

#[test]
fn every_relation_type_is_covered_and_default_kinds_match_backstage() {
    assert_eq!(default_kind_for(Kind::Component, "owner"), Some("group"));
    assert_eq!(default_kind_for(Kind::Component, "dependsOn"), None);
    assert_eq!(default_kind_for(Kind::Group, "members"), Some("user"));
    assert_eq!(default_kind_for(Kind::System, "domain"), Some("domain"));
    for t in RELATION_TYPES {
        assert!(
            REF_FIELDS
                .iter()
                .any(|f| f.outgoing == t || f.incoming == t),
            "{t}"
        );
    }
}

#[test]
fn inverse_pairs_every_type_and_matches_derivation() {
    for t in RELATION_TYPES {
        let inv = inverse(t).unwrap();
        assert_eq!(inverse(inv), Some(t));
    }
    assert_eq!(inverse("likes"), None);
    for rf in REF_FIELDS {
        assert_eq!(inverse(rf.outgoing), Some(rf.incoming), "{}", rf.field);
    }
}
