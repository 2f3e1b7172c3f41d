//! The relation graph over a real store file: a small catalog written by the test and ingested,
//! plus team entities (both relation directions stored, as a Backstage backend serves them).

#![allow(clippy::unwrap_used)]

mod common;

use backlot_catalog_backend::{Store, StoreError, ingest};
use backlot_catalog_sync::{SyncMode, SyncReport, SyncTarget};
use backlot_model::graph::{EntityGraph, GetEntityGraph};
use backlot_model::{ApiError, ErrorCode};
use common::*;
use serde_json::json;

const ORG: &str = "apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: org
spec:
  type: organization
  children: [team-a]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
  title: Team A
spec:
  type: team
  parent: org
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: ada
spec:
  memberOf: [team-a]
";

const SHOP: &str = "apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: shop
spec:
  owner: team-a
  domain: commerce
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: orders-api
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  system: shop
  definition: openapi
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: db
spec:
  type: database
  owner: team-a
";

fn catalog(dir: &std::path::Path) -> Store {
    let root = dir.join("repo");
    write(&root, "org/catalog-info.yaml", ORG);
    write(&root, "shop/catalog-info.yaml", SHOP);
    write(
        &root,
        "web/catalog-info.yaml",
        &component(
            "web",
            "  system: shop\n  consumesApis: [orders-api]\n  dependsOn: [resource:db]\n",
        ),
    );
    write(
        &root,
        "orders/catalog-info.yaml",
        &component(
            "orders",
            "  system: shop\n  providesApis: [orders-api]\n  dependsOn: [resource:ghost]\n",
        ),
    );
    let mut store = file_store(dir);
    let report = ingest(&mut store, &[root]).unwrap();
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    store
}

fn graph(store: &Store, root: &str, depth: u8) -> EntityGraph {
    store
        .entity_graph(&GetEntityGraph::new(root, depth))
        .unwrap()
}

fn nodes(g: &EntityGraph) -> Vec<(&str, u8)> {
    g.nodes
        .iter()
        .map(|n| (n.entity_ref.as_str(), n.depth))
        .collect()
}

fn edges(g: &EntityGraph) -> Vec<(&str, &str, &str)> {
    g.edges
        .iter()
        .map(|e| (e.from.as_str(), e.relation_type.as_str(), e.to.as_str()))
        .collect()
}

#[test]
fn graph_depth_one_holds_the_neighbours_in_both_directions() {
    let dir = tempfile::tempdir().unwrap();
    let store = catalog(dir.path());
    let g = graph(&store, "API:orders-api", 1);
    assert_eq!(g.root, "api:default/orders-api");
    assert_eq!(
        nodes(&g),
        [
            ("api:default/orders-api", 0),
            ("component:default/orders", 1),
            ("component:default/web", 1),
            ("group:default/team-a", 1),
            ("system:default/shop", 1),
        ]
    );
    // Its own rows (ownedBy, partOf) and the rows of others that target it (providesApi,
    // consumesApi), each pair once, forward.
    let of_root: Vec<_> = edges(&g)
        .into_iter()
        .filter(|e| e.0 == g.root || e.2 == g.root)
        .collect();
    assert_eq!(
        of_root,
        [
            ("api:default/orders-api", "ownedBy", "group:default/team-a"),
            ("api:default/orders-api", "partOf", "system:default/shop"),
            (
                "component:default/orders",
                "providesApi",
                "api:default/orders-api"
            ),
            (
                "component:default/web",
                "consumesApi",
                "api:default/orders-api"
            ),
        ]
    );
    // Relations between the neighbours are drawn too.
    assert!(edges(&g).contains(&("component:default/web", "partOf", "system:default/shop")));
    assert!(edges(&g).contains(&("system:default/shop", "ownedBy", "group:default/team-a")));
    assert_eq!(g.edges.len(), 9);
    let root = &g.nodes[0];
    assert_eq!(
        (root.kind.as_str(), root.name.as_str(), root.missing),
        ("API", "orders-api", false)
    );
    assert_eq!(
        g.nodes
            .iter()
            .find(|n| n.entity_ref == "group:default/team-a")
            .unwrap()
            .title
            .as_deref(),
        Some("Team A")
    );
    assert!(!g.truncated);
}

#[test]
fn graph_depth_two_adds_the_next_ring_and_edges_between_its_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let store = catalog(dir.path());
    let g = graph(&store, "api:orders-api", 2);
    let depth2: Vec<&str> = g
        .nodes
        .iter()
        .filter(|n| n.depth == 2)
        .map(|n| n.entity_ref.as_str())
        .collect();
    assert_eq!(
        depth2,
        [
            "domain:default/commerce",
            "group:default/org",
            "resource:default/db",
            "resource:default/ghost",
            "user:default/ada"
        ]
    );
    // Dangling refs are nodes marked missing, named from the ref.
    let ghost = g
        .nodes
        .iter()
        .find(|n| n.entity_ref == "resource:default/ghost")
        .unwrap();
    assert!(
        ghost.missing && ghost.name == "ghost" && ghost.kind == "resource" && ghost.title.is_none()
    );
    assert!(
        g.nodes
            .iter()
            .filter(|n| n.entity_ref != "resource:default/ghost"
                && n.entity_ref != "domain:default/commerce")
            .all(|n| !n.missing)
    );
    // parent + children both written: one childOf edge.
    let org: Vec<_> = edges(&g)
        .into_iter()
        .filter(|e| e.2 == "group:default/org" || e.0 == "group:default/org")
        .collect();
    assert_eq!(
        org,
        [("group:default/team-a", "childOf", "group:default/org")]
    );
    // web → orders-api and web → db are both there; db has depth 2 and web depth 1.
    assert!(edges(&g).contains(&("component:default/web", "dependsOn", "resource:default/db")));
    // Every edge joins two nodes of the graph, and no inverse names are left.
    for e in &g.edges {
        assert!(
            g.nodes.iter().any(|n| n.entity_ref == e.from)
                && g.nodes.iter().any(|n| n.entity_ref == e.to),
            "{e:?}"
        );
        assert!(
            ![
                "ownerOf",
                "hasPart",
                "apiProvidedBy",
                "apiConsumedBy",
                "dependencyOf",
                "hasMember",
                "parentOf"
            ]
            .contains(&e.relation_type.as_str())
        );
    }
    // Depth 3 is the most; more is clamped.
    assert_eq!(
        graph(&store, "api:orders-api", 3),
        graph(&store, "api:orders-api", 7)
    );
    // Edges between two nodes of the last level are kept: web and shop are both depth 1 here.
    let g = graph(&store, "group:team-a", 1);
    assert!(
        nodes(&g).contains(&("user:default/ada", 1))
            && nodes(&g).contains(&("system:default/shop", 1))
    );
    assert!(
        edges(&g).contains(&("component:default/web", "partOf", "system:default/shop")),
        "{:?}",
        edges(&g)
    );
}

#[test]
fn graph_type_filter_follows_only_those_relations_by_either_name() {
    let dir = tempfile::tempdir().unwrap();
    let store = catalog(dir.path());
    for name in ["ownerOf", "ownedBy"] {
        let request = GetEntityGraph {
            relation_types: vec![name.into()],
            ..GetEntityGraph::new("group:team-a", 3)
        };
        let g = store.entity_graph(&request).unwrap();
        assert!(
            g.edges.iter().all(|e| e.relation_type == "ownedBy"),
            "{:?}",
            edges(&g)
        );
        let refs: Vec<&str> = g.nodes.iter().map(|n| n.entity_ref.as_str()).collect();
        assert_eq!(
            refs,
            [
                "group:default/team-a",
                "api:default/orders-api",
                "component:default/orders",
                "component:default/web",
                "resource:default/db",
                "system:default/shop",
            ]
        );
    }
    let request = GetEntityGraph {
        relation_types: vec!["hasMember".into(), "parentOf".into()],
        ..GetEntityGraph::new("group:team-a", 2)
    };
    let g = store.entity_graph(&request).unwrap();
    assert_eq!(
        nodes(&g),
        [
            ("group:default/team-a", 0),
            ("group:default/org", 1),
            ("user:default/ada", 1)
        ]
    );
    assert_eq!(g.relation_types(), ["childOf", "memberOf"]);
}

#[test]
fn graph_is_truncated_at_max_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let store = catalog(dir.path());
    let request = GetEntityGraph {
        max_nodes: 3,
        ..GetEntityGraph::new("group:team-a", 3)
    };
    let g = store.entity_graph(&request).unwrap();
    assert!(g.truncated);
    assert_eq!(
        nodes(&g),
        [
            ("group:default/team-a", 0),
            ("api:default/orders-api", 1),
            ("component:default/orders", 1)
        ]
    );
    assert_eq!(
        edges(&g),
        [
            ("api:default/orders-api", "ownedBy", "group:default/team-a"),
            (
                "component:default/orders",
                "providesApi",
                "api:default/orders-api"
            ),
            (
                "component:default/orders",
                "ownedBy",
                "group:default/team-a"
            ),
        ]
    );
    let whole = graph(&store, "group:team-a", 3);
    assert!(!whole.truncated);
    assert_eq!(whole.nodes.len(), 10, "{:?}", nodes(&whole));
}

#[test]
fn graph_errors_are_typed() {
    let dir = tempfile::tempdir().unwrap();
    let store = catalog(dir.path());
    let missing = store
        .entity_graph(&GetEntityGraph::new("component:default/nope", 1))
        .unwrap_err();
    assert!(matches!(missing, StoreError::NotFound(_)), "{missing}");
    assert_eq!(ApiError::from(missing).code, ErrorCode::NotFound);
    // A dangling ref is a node, not a root.
    let ghost = store
        .entity_graph(&GetEntityGraph::new("resource:ghost", 1))
        .unwrap_err();
    assert_eq!(ApiError::from(ghost).code, ErrorCode::NotFound);
    for bad in ["", "component:", "no-kind", "a:b/"] {
        let err = store
            .entity_graph(&GetEntityGraph::new(bad, 1))
            .unwrap_err();
        assert_eq!(ApiError::from(err).code, ErrorCode::InvalidInput, "{bad}");
    }
}

#[test]
fn graph_includes_team_entities_with_both_directions_stored() {
    let dir = tempfile::tempdir().unwrap();
    let store = catalog(dir.path());
    let entity = |kind: &str, name: &str, spec: serde_json::Value, relations: serde_json::Value| {
        json!({
            "apiVersion": "backstage.io/v1alpha1", "kind": kind,
            "metadata": {"name": name, "namespace": "default", "uid": format!("uid-{name}"), "etag": "e1"},
            "spec": spec, "relations": relations
        })
    };
    let served = [
        entity(
            "Component",
            "billing",
            json!({"type": "service", "lifecycle": "production", "owner": "team-b", "dependsOn": ["component:web"]}),
            json!([
                {"type": "ownedBy", "targetRef": "group:default/team-b"},
                {"type": "dependsOn", "targetRef": "component:default/web"}
            ]),
        ),
        entity(
            "Group",
            "team-b",
            json!({"type": "team", "children": []}),
            json!([{"type": "ownerOf", "targetRef": "component:default/billing"}]),
        ),
    ];
    let mut sync = store.team_sync("http://team.example").unwrap();
    sync.begin(SyncMode::Full).unwrap();
    sync.upsert(&served).unwrap();
    sync.commit(&SyncReport {
        mode: SyncMode::Full,
        remote_total: 2,
        added: 2,
        updated: 0,
        removed: 0,
        unchanged: 0,
        pages: 1,
        requests: 1,
        retries: 0,
        restarts: 0,
        bytes_received: 0,
        bytes_decoded: 0,
        bytes_sent: 0,
        duration_ms: 0,
    })
    .unwrap();
    assert!(store.is_team_entity("group:team-b").unwrap());

    let g = graph(&store, "group:team-b", 2);
    assert_eq!(
        nodes(&g),
        [
            ("group:default/team-b", 0),
            ("component:default/billing", 1),
            ("component:default/web", 2)
        ]
    );
    // ownedBy on billing's row and ownerOf on team-b's row: one edge.
    assert_eq!(
        edges(&g),
        [
            (
                "component:default/billing",
                "dependsOn",
                "component:default/web"
            ),
            (
                "component:default/billing",
                "ownedBy",
                "group:default/team-b"
            ),
        ]
    );
    // And from the local side: web sees the team component that depends on it.
    let g = graph(&store, "component:web", 1);
    assert!(edges(&g).contains(&(
        "component:default/billing",
        "dependsOn",
        "component:default/web"
    )));
}

#[test]
fn graph_of_a_wide_catalog_reads_one_batch_per_level() {
    // 300 components owned by one group, each depending on a shared resource: the group's
    // depth-2 graph has 302 nodes; the default cap (500) keeps all, a cap of 100 truncates.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    let mut all = String::new();
    for i in 0..300 {
        all.push_str(&component(
            &format!("svc-{i:03}"),
            "  dependsOn: [resource:shared]\n",
        ));
        all.push_str("---\n");
    }
    all.push_str("apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: shared\nspec:\n  type: db\n  owner: team-a\n---\n");
    all.push_str("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n");
    write(&root, "catalog-info.yaml", &all);
    let mut store = file_store(dir.path());
    let report = ingest(&mut store, &[root]).unwrap();
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let started = std::time::Instant::now();
    let g = graph(&store, "group:team-a", 2);
    let took = started.elapsed();
    assert_eq!(g.nodes.len(), 302);
    assert_eq!(g.edges.len(), 300 + 1 + 300);
    assert!(!g.truncated);
    eprintln!("graph of 302 nodes / 601 edges read in {took:?}");
    let small = store
        .entity_graph(&GetEntityGraph {
            max_nodes: 100,
            ..GetEntityGraph::new("group:team-a", 2)
        })
        .unwrap();
    assert!(small.truncated);
    assert_eq!(small.nodes.len(), 100);
    assert!(
        small
            .edges
            .iter()
            .all(|e| small.nodes.iter().any(|n| n.entity_ref == e.from))
    );
}
