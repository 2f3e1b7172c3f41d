//! Behaviour that only shows with thousands of entities: the bulk-load path (indexes dropped
//! and rebuilt) and ranking of broad searches beyond the ranking window.

#![allow(clippy::unwrap_used)]

use backlot_catalog_backend::{Store, ingest_values};
use backlot_model::query::{EntityFilter, EntityQuery, SortField, SortOrder};
use serde_json::json;

fn component(i: usize) -> serde_json::Value {
    let name = if i.is_multiple_of(600) {
        format!("alpha-{i}")
    } else {
        format!("svc-{i}")
    };
    json!({"apiVersion": "backstage.io/v1alpha1", "kind": if i.is_multiple_of(2) { "Component" } else { "Resource" },
        "metadata": {"name": name, "description": format!("alpha beta gamma {i}"), "tags": ["bulk"]},
        "spec": {"type": "service", "lifecycle": "production", "owner": format!("team-{}", i % 7), "system": "big"}})
}

#[test]
fn bulk_load_keeps_indexes_and_broad_search_ranks_names_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("scale.db");
    let mut store = Store::open(&db).unwrap();
    let values: Vec<_> = (0..6000).map(component).collect();
    let r = ingest_values(&mut store, "gen", values.clone()).unwrap();
    assert_eq!((r.added, r.errors.len()), (6000, 0));

    // Every index the schema declares exists again after the bulk load.
    let check = rusqlite::Connection::open(&db).unwrap();
    let indexes: i64 = check
        .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND (name LIKE 'entities_%' OR name LIKE 'relations_%' OR name LIKE 'entity_tags_%')", [], |r| r.get(0))
        .unwrap();
    assert_eq!(indexes, 7);

    // Broad query (6000 matches > ranking window): the 10 name matches come first.
    let q = EntityQuery {
        text: Some("alph".into()),
        limit: 10,
        ..Default::default()
    };
    let page = store.query(&q).unwrap();
    assert_eq!(page.total, 6000);
    assert!(
        page.items.iter().all(|s| s.name.starts_with("alpha-")),
        "{:?}",
        page.items.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
    // Paging walks all 6000 exactly once.
    let mut seen = std::collections::HashSet::new();
    let mut cursor = None;
    loop {
        let p = store
            .query(&EntityQuery {
                text: Some("alph".into()),
                cursor: cursor.clone(),
                limit: 1000,
                ..Default::default()
            })
            .unwrap();
        for s in p.items {
            assert!(seen.insert(s.entity_ref));
        }
        match p.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6000);
    // Kind filter inside the full-text index.
    let p = store
        .query(&EntityQuery {
            text: Some("gamma".into()),
            filter: EntityFilter {
                kinds: vec!["Resource".into()],
                ..Default::default()
            },
            limit: 5,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(p.total, 3000);
    assert!(p.items.iter().all(|s| s.kind == "Resource"));

    // Name-ordered text search: the index walk (broad, text only) and the SQL path (forced by
    // a filter that every entity passes) return the same pages, in both directions.
    for descending in [false, true] {
        let order = Some(SortOrder {
            field: SortField::Name,
            descending,
        });
        let walk = |filter: EntityFilter| {
            let mut all = Vec::new();
            let mut cursor = None;
            loop {
                let q = EntityQuery {
                    text: Some("gam".into()),
                    order,
                    filter: filter.clone(),
                    cursor: cursor.clone(),
                    limit: 700,
                    offset: 0,
                };
                let p = store.query(&q).unwrap();
                assert_eq!(p.total, 6000);
                all.extend(p.items.into_iter().map(|s| s.name));
                match p.next_cursor {
                    Some(c) => cursor = Some(c),
                    None => break,
                }
            }
            all
        };
        let fast = walk(EntityFilter::default());
        let slow = walk(EntityFilter {
            namespaces: vec!["default".into()],
            ..Default::default()
        });
        assert_eq!(fast.len(), 6000);
        assert_eq!(fast, slow);
        let mut sorted = fast.clone();
        sorted.sort_by_key(|n| n.to_lowercase());
        if descending {
            sorted.reverse();
        }
        assert_eq!(
            fast.iter().map(|n| n.to_lowercase()).collect::<Vec<_>>(),
            sorted.iter().map(|n| n.to_lowercase()).collect::<Vec<_>>()
        );
    }

    // Relations survive the bulk path; a second run changes nothing.
    let sys = store.relations_of("system:default/big").unwrap();
    assert_eq!(
        sys.iter().filter(|r| r.relation_type == "hasPart").count(),
        6000
    );
    let r = ingest_values(&mut store, "gen", values).unwrap();
    assert_eq!(
        (r.added, r.updated, r.unchanged, r.removed),
        (0, 0, 6000, 0)
    );
    let facets = store
        .facets(&EntityFilter {
            owners: vec!["team-3".into()],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        facets.facets["tag"][0].count,
        facets.facets["kind"].iter().map(|k| k.count).sum::<u64>()
    );
}
