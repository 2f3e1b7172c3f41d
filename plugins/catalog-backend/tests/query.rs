//! Queries over a real SQLite file: filters, full-text search with prefixes and ranking,
//! cursor pagination, facets, lookup by ref with related summaries, export.

#![allow(clippy::unwrap_used)]

mod common;

use backlot_catalog_backend::Store;
use backlot_model::query::{EntityFilter, EntityQuery, RelationFilter, SortField, SortOrder};
use common::*;

fn demo_store(dir: &std::path::Path) -> Store {
    let mut store = file_store(dir);
    let report = backlot_catalog_backend::demo::install(&mut store, dir).unwrap();
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    store
}

fn refs(page: &backlot_model::query::EntityPage) -> Vec<String> {
    page.items.iter().map(|s| s.entity_ref.clone()).collect()
}

#[test]
fn demo_catalog_is_valid_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = file_store(dir.path());
    let report = backlot_catalog_backend::demo::install(&mut store, dir.path()).unwrap();
    assert!(
        report.errors.is_empty() && report.warnings.is_empty(),
        "{report:#?}"
    );
    assert!((40..=60).contains(&report.added), "{}", report.added);
    let kinds: Vec<String> = store
        .summary()
        .unwrap()
        .by_kind
        .into_iter()
        .map(|k| k.0)
        .collect();
    for k in [
        "component",
        "api",
        "system",
        "domain",
        "resource",
        "group",
        "user",
        "location",
        "template",
    ] {
        assert!(kinds.contains(&k.to_string()), "{k} missing: {kinds:?}");
    }
    // $text definitions were read from the written files.
    let api = store.get_entity("api:routes-api").unwrap().unwrap();
    assert!(
        api.spec_str("definition")
            .unwrap()
            .starts_with("openapi: 3.0.3")
    );
    // Installing again changes nothing.
    let again = backlot_catalog_backend::demo::install(&mut store, dir.path()).unwrap();
    assert_eq!((again.added, again.updated, again.removed), (0, 0, 0));
}

#[test]
fn filters_by_each_field_case_insensitively() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    let q = |filter: EntityFilter| {
        store
            .query(&EntityQuery {
                filter,
                limit: 1000,
                ..Default::default()
            })
            .unwrap()
    };
    let p = q(EntityFilter {
        kinds: vec!["API".into()],
        ..Default::default()
    });
    assert_eq!(p.total, 6);
    let p = q(EntityFilter {
        kinds: vec!["component".into()],
        types: vec!["Website".into()],
        ..Default::default()
    });
    assert_eq!(refs(&p), ["component:default/parcelpine-web"]);
    let p = q(EntityFilter {
        owners: vec!["Team-Pay".into()],
        kinds: vec!["component".into()],
        ..Default::default()
    });
    assert_eq!(
        refs(&p),
        [
            "component:default/checkout-service",
            "component:default/invoice-generator"
        ]
    );
    let p = q(EntityFilter {
        owners: vec!["user:olek.nowak".into()],
        ..Default::default()
    });
    assert_eq!(refs(&p), ["component:default/legacy-label-printer"]);
    let p = q(EntityFilter {
        lifecycles: vec!["EXPERIMENTAL".into()],
        kinds: vec!["component".into()],
        ..Default::default()
    });
    assert_eq!(refs(&p), ["component:default/eta-predictor"]);
    let p = q(EntityFilter {
        tags: vec!["postgres".into()],
        ..Default::default()
    });
    assert_eq!(
        refs(&p),
        ["resource:default/payments-db", "resource:default/routes-db"]
    );
    let p = q(EntityFilter {
        systems: vec!["billing".into()],
        ..Default::default()
    });
    assert_eq!(p.total, 3);
    let p = q(EntityFilter {
        namespaces: vec!["nowhere".into()],
        ..Default::default()
    });
    assert_eq!(p.total, 0);
    let rel = RelationFilter {
        relation_type: "consumesApi".into(),
        target_ref: "api:default/routes-api".into(),
    };
    let p = q(EntityFilter {
        relation: Some(rel),
        ..Default::default()
    });
    assert_eq!(p.total, 5, "{:?}", refs(&p));
    let bad = RelationFilter {
        relation_type: "likes".into(),
        target_ref: "api:x".into(),
    };
    assert!(
        store
            .query(&EntityQuery {
                filter: EntityFilter {
                    relation: Some(bad),
                    ..Default::default()
                },
                ..Default::default()
            })
            .is_err()
    );
}

#[test]
fn full_text_search_prefix_and_relevance() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    let search = |text: &str| {
        store
            .query(&EntityQuery {
                text: Some(text.into()),
                limit: 10,
                ..Default::default()
            })
            .unwrap()
    };
    // Prefix matching over name, title, description and tags.
    let p = search("rout");
    assert!(p.total >= 4, "{p:?}");
    // Name matches rank above description-only matches.
    let p = search("checkout");
    let mut top2 = refs(&p)[..2].to_vec();
    top2.sort();
    assert_eq!(
        top2,
        [
            "component:default/checkout-service",
            "system:default/parcel-checkout"
        ],
        "{:?}",
        refs(&p)
    );
    assert_eq!(p.total, 4);
    let p = search("invoice");
    assert_eq!(
        refs(&p)[0],
        "component:default/invoice-generator",
        "{:?}",
        refs(&p)
    );
    let p = search("kotl");
    assert_eq!(p.total, 2, "tags are searchable: {:?}", refs(&p));
    let p = search("c++ ::: \"");
    assert_eq!(p.total, 0);
    let p = store
        .query(&EntityQuery {
            text: Some("route".into()),
            filter: EntityFilter {
                kinds: vec!["api".into()],
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap();
    assert!(refs(&p).contains(&"api:default/routes-api".to_string()));
    assert!(p.items.iter().all(|s| s.kind == "API"));
}

#[test]
fn cursor_pagination_walks_every_row_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    for (order, text) in [
        (
            Some(SortOrder {
                field: SortField::Name,
                descending: false,
            }),
            None,
        ),
        (
            Some(SortOrder {
                field: SortField::Owner,
                descending: true,
            }),
            None,
        ),
        (None, Some("a".to_string())),
    ] {
        let mut seen = Vec::new();
        let mut cursor = None;
        let mut total;
        loop {
            let page = store
                .query(&EntityQuery {
                    order,
                    text: text.clone(),
                    cursor: cursor.clone(),
                    limit: 7,
                    ..Default::default()
                })
                .unwrap();
            total = page.total;
            seen.extend(refs(&page));
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        let mut dedup = seen.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), seen.len(), "{order:?}");
        assert_eq!(seen.len() as u64, total, "{order:?}");
    }
    let garbage = store.query(&EntityQuery {
        cursor: Some("nothex".into()),
        ..Default::default()
    });
    assert!(garbage.is_err());
}

#[test]
fn facets_unfiltered_and_filtered() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    let f = store.facets(&EntityFilter::default()).unwrap().facets;
    for name in ["kind", "type", "owner", "lifecycle", "tag", "namespace"] {
        assert!(f.contains_key(name), "{name}");
    }
    let kinds = &f["kind"];
    assert_eq!((kinds[0].value.as_str(), kinds[0].count), ("component", 13));
    assert!(kinds.windows(2).all(|w| w[0].count >= w[1].count));
    let filtered = store
        .facets(&EntityFilter {
            kinds: vec!["component".into()],
            ..Default::default()
        })
        .unwrap()
        .facets;
    assert_eq!(filtered["kind"].len(), 1);
    assert_eq!(filtered["kind"][0].count, 13);
    assert!(
        filtered["lifecycle"]
            .iter()
            .any(|v| v.value == "deprecated" && v.count == 1)
    );
    assert!(
        filtered["tag"]
            .iter()
            .any(|v| v.value == "rust" && v.count == 2)
    );
    // The precomputed path (kinds only) and the counting path (any other filter) agree.
    for kinds in [
        vec![],
        vec!["component".to_string()],
        vec!["API".to_string(), "resource".to_string()],
    ] {
        let fast = store
            .facets(&EntityFilter {
                kinds: kinds.clone(),
                ..Default::default()
            })
            .unwrap();
        let slow = store
            .facets(&EntityFilter {
                kinds: kinds.clone(),
                namespaces: vec!["default".into()],
                ..Default::default()
            })
            .unwrap();
        assert_eq!(fast, slow, "{kinds:?}");
    }
}

#[test]
fn entity_by_ref_has_relations_and_related_summaries() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    let d = store
        .entity_by_ref("Component:Route-Optimizer")
        .unwrap()
        .unwrap();
    let rels: Vec<(&str, &str)> = d
        .entity
        .relations
        .iter()
        .map(|r| (r.relation_type.as_str(), r.target_ref.as_str()))
        .collect();
    for expected in [
        ("ownedBy", "group:default/team-routing"),
        ("partOf", "system:default/route-planning"),
        ("providesApi", "api:default/routes-api"),
        ("consumesApi", "api:default/tracking-events"),
        ("dependsOn", "resource:default/routes-db"),
        ("dependencyOf", "component:default/depot-scheduler"),
        ("dependsOn", "component:default/deploy-pipeline"),
        ("hasPart", "component:default/geo-utils"),
    ] {
        assert!(rels.contains(&expected), "{expected:?} not in {rels:?}");
    }
    assert!(
        d.related
            .iter()
            .any(|s| s.entity_ref == "group:default/team-routing"
                && s.title.as_deref() == Some("Routing"))
    );
    assert!(store.entity_by_ref("component:nope").unwrap().is_none());
    assert!(store.entity_by_ref("no-kind").is_err());
}

#[test]
fn export_is_backstage_shaped() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    let all = store.export().unwrap();
    assert_eq!(all.len() as u64, store.status().entity_count);
    let json = serde_json::to_value(&all).unwrap();
    let user = json
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["metadata"]["name"] == "ines.okafor")
        .unwrap();
    assert_eq!(user["apiVersion"], "backstage.io/v1alpha1");
    assert_eq!(user["metadata"]["namespace"], "default");
    assert!(
        user["relations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["type"] == "memberOf" && r["targetRef"] == "group:default/team-routing")
    );
}
