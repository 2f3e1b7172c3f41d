//! Search through the API over the demo catalog: entities, docs pages at their heading and
//! API operations in one ranked list; the index follows an edited docs page (that site
//! alone is collated again) and a removed folder.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use backlot_app::Api;
use backlot_model::search::{Search, SearchResults, TYPE_API, TYPE_DOCS, TYPE_ENTITY};

fn search(api: &Api, query: &str, types: &[&str]) -> SearchResults {
    api.search(&Search {
        query: query.into(),
        types: types.iter().map(|t| t.to_string()).collect(),
        limit: 20,
        offset: 0,
        team: false,
    })
    .unwrap()
}

#[test]
fn one_search_finds_entities_docs_pages_and_api_operations() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(dir.path());
    api.load_demo_catalog().unwrap();

    let report = api.rebuild_search_index(false).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(
        report.reindexed >= 4,
        "docs sites and API definitions: {report:?}"
    );
    assert!(report.documents > 10, "{report:?}");

    // A docs section, at its heading.
    let solver = search(&api, "construction heuristic", &[]);
    let hit = &solver.hits[0];
    assert_eq!(hit.doc_type, TYPE_DOCS, "{solver:?}");
    assert!(hit.title.contains("The solver"), "{hit:?}");
    assert!(
        hit.location
            .starts_with("/docs/default/component/route-optimizer?page=how-it-works.md#"),
        "{hit:?}"
    );
    assert!(
        hit.snippet.as_deref().unwrap_or("").contains('\u{2}'),
        "{hit:?}"
    );

    // An API operation, on the API's tab at the operation.
    let routes = search(&api, "routes of a depot", &[TYPE_API]);
    let op = &routes.hits[0];
    assert_eq!(op.title, "GET /depots/{depotId}/routes", "{routes:?}");
    assert!(
        op.location
            .contains("?tab=api#op-get-depots--depotId--routes"),
        "{op:?}"
    );

    // Entities come first for their own name; the types are counted.
    let all = search(&api, "route optimizer", &[]);
    assert_eq!(all.hits[0].doc_type, TYPE_ENTITY, "{all:?}");
    let count = |t: &str| {
        all.by_type
            .iter()
            .find(|c| c.doc_type == t)
            .map_or(0, |c| c.count)
    };
    assert!(
        count(TYPE_ENTITY) >= 1 && count(TYPE_DOCS) >= 1,
        "{:?}",
        all.by_type
    );
    assert_eq!(all.total, all.by_type.iter().map(|c| c.count).sum::<u64>());

    // Nothing changed: nothing is collated again.
    assert_eq!(api.rebuild_search_index(false).unwrap().reindexed, 0);
}

#[test]
fn editing_a_docs_page_reindexes_that_site_only() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(dir.path());
    let loaded = api.load_demo_catalog().unwrap();
    api.rebuild_search_index(false).unwrap();
    assert_eq!(search(&api, "quokkas", &[]).total, 0);

    let page = std::path::Path::new(&loaded.source.path)
        .join("docs/route-optimizer/operations/running.md");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str("\n## Quokkas\n\nThe depot's quokkas nap at noon.\n");
    std::fs::write(&page, text).unwrap();

    let report = api.rebuild_search_index(false).unwrap();
    assert_eq!(report.reindexed, 1, "{report:?}");
    let found = search(&api, "quokkas", &[TYPE_DOCS]);
    assert_eq!(found.total, 1, "{found:?}");
    assert!(
        found.hits[0].location.ends_with("#quokkas"),
        "{:?}",
        found.hits[0]
    );

    // A full rebuild gives the same answers.
    api.rebuild_search_index(true).unwrap();
    assert_eq!(search(&api, "quokkas", &[TYPE_DOCS]).total, 1);
}

/// Searches until `done` holds (the indexer thread works on its own), at most 60 s.
fn search_until(api: &Api, query: &str, done: impl Fn(&SearchResults) -> bool) -> SearchResults {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let found = search(api, query, &[TYPE_DOCS]);
        if done(&found) || std::time::Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn the_indexer_thread_indexes_at_start_and_after_an_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let api = std::sync::Arc::new(Api::open(dir.path()));
    api.load_demo_catalog().unwrap();
    Api::spawn_search_indexer(&api).unwrap();

    let found = search_until(&api, "construction heuristic", |r| {
        !r.indexing && r.total > 0
    });
    assert!(!found.indexing && found.total > 0, "{found:?}");

    // A new folder with a docs site: its pages join without a rebuild.
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join("catalog-info.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: zoo\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: production\n  owner: keepers\n",
    )
    .unwrap();
    std::fs::write(repo.path().join("mkdocs.yml"), "site_name: Zoo\n").unwrap();
    std::fs::create_dir(repo.path().join("docs")).unwrap();
    std::fs::write(
        repo.path().join("docs/index.md"),
        "# Zoo\n\n## Feeding\n\nThe wombats eat at dawn.\n",
    )
    .unwrap();
    api.ingest_files(&[repo.path().to_path_buf()], &[]).unwrap();
    let found = search_until(&api, "wombats", |r| !r.indexing && r.total > 0);
    assert_eq!(found.total, 1, "{found:?}");
    assert!(found.hits[0].location.ends_with("#feeding"), "{found:?}");
}
