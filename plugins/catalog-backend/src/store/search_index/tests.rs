use backlot_model::search::{Search, TYPE_API, TYPE_DOCS, TYPE_ENTITY};
use serde_json::json;

use super::*;

fn store_with_entities() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let component = |name: &str, description: &str| {
        json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
               "metadata": {"name": name, "description": description},
               "spec": {"type": "service", "lifecycle": "production", "owner": "team-a"}})
    };
    crate::ingest_values(
        &mut store,
        "/test",
        vec![
            component("payments-service", "Takes the money"),
            component("ledger", "Keeps the books; talks to payments now and then"),
            component("shipping", "Moves parcels"),
        ],
    )
    .unwrap();
    store
}

fn doc(location: &str, title: &str, headings: &str, text: &str) -> IndexDoc {
    IndexDoc {
        location: location.into(),
        title: title.into(),
        subtitle: None,
        headings: headings.into(),
        text: text.into(),
        entity_ref: Some("component:default/ledger".into()),
    }
}

fn search(store: &Store, query: &str, types: &[&str]) -> SearchResults {
    store
        .search(&Search {
            query: query.into(),
            types: types.iter().map(|t| t.to_string()).collect(),
            limit: 20,
            offset: 0,
            team: false,
        })
        .unwrap()
}

fn titles(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|h| h.title.as_str()).collect()
}

#[test]
fn a_page_about_a_word_outranks_a_passing_mention() {
    let store = store_with_entities();
    store
        .replace_search_scope(
            TYPE_DOCS,
            "component:default/ledger",
            "v1",
            &[
                doc("/docs/a", "Release notes", "Changes", "Fixed a typo. Also payments were mentioned once in a long page about many other things entirely."),
                doc("/docs/b", "Payments", "How payments work", "Payments are taken at checkout; payments settle nightly."),
            ],
        )
        .unwrap();
    let results = search(&store, "payments", &[TYPE_DOCS]);
    assert_eq!(titles(&results), ["Payments", "Release notes"]);
    let snippet = results.hits[0].snippet.clone().unwrap();
    assert!(
        snippet.contains(&format!("{MARK_START}Payments{MARK_END}")),
        "{snippet}"
    );
    // Across types: the entity named for it comes first, docs follow.
    let all = search(&store, "payments", &[]);
    assert_eq!(all.hits[0].doc_type, TYPE_ENTITY);
    assert_eq!(
        all.hits[0].entity_ref.as_deref(),
        Some("component:default/payments-service")
    );
    assert_eq!(all.total, 4, "2 entities, 2 pages: {:?}", all.by_type);
    let count = |t: &str| {
        all.by_type
            .iter()
            .find(|c| c.doc_type == t)
            .map(|c| c.count)
    };
    assert_eq!((count(TYPE_ENTITY), count(TYPE_DOCS)), (Some(2), Some(2)));
}

#[test]
fn scopes_are_replaced_whole_and_removed() {
    let store = store_with_entities();
    let scope = "api:default/payments-api";
    store
        .replace_search_scope(
            TYPE_API,
            scope,
            "s1",
            &[doc("/x#get", "GET /refunds", "", "List refunds")],
        )
        .unwrap();
    assert_eq!(search(&store, "refunds", &[]).total, 1);
    store
        .replace_search_scope(
            TYPE_API,
            scope,
            "s2",
            &[doc("/x#post", "POST /charges", "", "Create a charge")],
        )
        .unwrap();
    assert_eq!(
        search(&store, "refunds", &[]).total,
        0,
        "the old documents went"
    );
    assert_eq!(search(&store, "charges", &[]).total, 1);
    assert_eq!(store.search_stamps(TYPE_API).unwrap()[scope], "s2");
    store.remove_search_scope(TYPE_API, scope).unwrap();
    assert_eq!(search(&store, "charges", &[]).total, 0);
    assert!(store.search_stamps(TYPE_API).unwrap().is_empty());
    assert_eq!(store.search_document_count().unwrap(), 0);
}

#[test]
fn prefixes_match_and_one_typo_is_forgiven() {
    let store = store_with_entities();
    store
        .replace_search_scope(
            TYPE_DOCS,
            "component:default/ledger",
            "v1",
            &[doc(
                "/d",
                "Reconciliation",
                "",
                "Nightly reconciliation of the ledger",
            )],
        )
        .unwrap();
    assert_eq!(titles(&search(&store, "recon", &[])), ["Reconciliation"]);
    let typo = search(&store, "reconcilation", &[]);
    assert_eq!(typo.corrected.as_deref(), Some("reconciliation"));
    assert_eq!(titles(&typo), ["Reconciliation"]);
    let entity_typo = search(&store, "shippng", &[]);
    assert_eq!(entity_typo.corrected.as_deref(), Some("shipping"));
    assert_eq!(
        entity_typo.hits[0].entity_ref.as_deref(),
        Some("component:default/shipping")
    );
    assert_eq!(search(&store, "zzzzzz", &[]).total, 0);
}

#[test]
fn starred_entities_rank_higher_among_equals() {
    let store = store_with_entities();
    let docs = |name: &str| doc(&format!("/docs/{name}"), "Runbook", "", "On call runbook");
    for name in ["ledger", "shipping"] {
        let mut d = docs(name);
        d.entity_ref = Some(format!("component:default/{name}"));
        store
            .replace_search_scope(TYPE_DOCS, &format!("component:default/{name}"), "v", &[d])
            .unwrap();
    }
    store
        .set_starred("component:default/shipping", true)
        .unwrap();
    let first = |s: &Store| search(s, "runbook", &[]).hits[0].entity_ref.clone();
    assert_eq!(first(&store).as_deref(), Some("component:default/shipping"));
    store
        .set_starred("component:default/shipping", false)
        .unwrap();
    store.set_starred("component:default/ledger", true).unwrap();
    assert_eq!(first(&store).as_deref(), Some("component:default/ledger"));
}

#[test]
fn one_edit_means_one() {
    assert!(within_one_edit("payment", "payments"));
    assert!(within_one_edit("payments", "paymants"));
    assert!(within_one_edit("ledger", "ledgr"));
    assert!(!within_one_edit("ledger", "lodgr"));
    assert!(!within_one_edit("abc", "abcde"));
    assert!(within_one_edit("same", "same"));
}

#[test]
fn the_catalog_version_moves_only_when_the_catalog_changes() {
    let mut store = store_with_entities();
    let v = store.catalog_version().unwrap();
    assert!(v > 0, "the first ingest changed the catalog");
    let same = json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
        "metadata": {"name": "shipping", "description": "Moves parcels"},
        "spec": {"type": "service", "lifecycle": "production", "owner": "team-a"}});
    store.set_starred("component:default/ledger", true).unwrap();
    assert_eq!(
        store.catalog_version().unwrap(),
        v,
        "a star is not a catalog change"
    );
    let mut added = same.clone();
    added["metadata"]["name"] = json!("returns");
    crate::ingest_values(&mut store, "/other", vec![added.clone()]).unwrap();
    let after = store.catalog_version().unwrap();
    assert!(after > v);
    crate::ingest_values(&mut store, "/other", vec![added]).unwrap();
    assert_eq!(
        store.catalog_version().unwrap(),
        after,
        "an unchanged re-ingest is not a change"
    );
}
