//! Sync from a team backend into a real store file, against the catalog-sync test server on
//! 127.0.0.1: full then incremental, local files shadowing team entities, atomicity under
//! injected faults, concurrent readers, invalid entities, and the status.

#![allow(clippy::unwrap_used)]

mod sync_support;

use std::time::Duration;

use backlot_catalog_backend::ingest;
use backlot_catalog_sync::SyncMode;
use backlot_catalog_sync::test_server::{Fault, FaultOn, FaultRule};
use backlot_model::sync::SyncRunMode;
use serde_json::json;
use sync_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_then_incremental_sync_into_a_store_file() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(300).await;
    let client = client(&server);
    let store = open(dir.path());
    assert_eq!(store.sync_status().unwrap(), None);

    let report = run(&store, &client, SyncMode::Incremental).await.unwrap();
    assert_eq!(
        report.mode,
        SyncMode::Full,
        "nothing stored yet: the engine runs a full sync"
    );
    assert_eq!((report.added, report.updated, report.removed), (300, 0, 0));
    assert_eq!(count(&store, None), 300);
    assert_eq!(store.team_entity_count().unwrap(), 300);
    assert_eq!(
        stored_etags(&dir.path().join("catalog.db")),
        served_etags(&server)
    );

    // The server's relations, not re-derived: both directions as served.
    let comp = store
        .get_entity("component:default/component-000001")
        .unwrap()
        .unwrap();
    let served = server
        .with_catalog(|c| c.get("component:default/component-000001").cloned())
        .unwrap();
    let mut want: Vec<(String, String)> = served["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["type"].as_str().unwrap().to_owned(),
                r["targetRef"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    want.sort();
    let got: Vec<(String, String)> = comp
        .relations
        .iter()
        .map(|r| (r.relation_type.clone(), r.target_ref.clone()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        comp.metadata.etag.as_deref(),
        served["metadata"]["etag"].as_str()
    );
    assert!(comp.metadata.uid.is_some());
    assert!(
        store
            .is_team_entity("component:default/component-000001")
            .unwrap()
    );
    // Search, facets and filters see team entities.
    assert!(count(&store, Some("component-000001")) >= 1);
    let facets = store.facets(&Default::default()).unwrap();
    assert!(
        facets.facets["kind"]
            .iter()
            .any(|f| f.value == "component" && f.count > 100)
    );

    let status = store.sync_status().unwrap().unwrap();
    assert_eq!(status.mode, Some(SyncRunMode::Full));
    assert_eq!(
        (status.added, status.remote_total, status.team_entities),
        (300, 300, 300)
    );
    assert!(status.last_success_ms.is_some() && status.last_error.is_none());
    assert_eq!(status.source, client.base_url().trim_end_matches('/'));

    // Changes on the server: 3 edited, 1 removed, 1 new.
    server.with_catalog(|c| {
        for k in ["component:default/component-000002", "component:default/component-000003", "api:default/api-00001"] {
            assert!(c.touch(k));
        }
        assert!(c.remove("component:default/component-000010"));
        c.insert(json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": "brand-new", "description": "Appeared between syncs"},
            "spec": {"type": "service", "lifecycle": "production", "owner": "group:default/team-00001"}}));
    });
    server.clear_requests();
    let report = run(&store, &client, SyncMode::Incremental).await.unwrap();
    assert_eq!(report.mode, SyncMode::Incremental);
    // (component-000010 was the target of dependsOn relations: those entities changed too.)
    assert!(report.updated >= 3, "{report:?}");
    assert_eq!((report.added, report.removed), (1, 1));
    assert_eq!(
        stored_etags(&dir.path().join("catalog.db")),
        served_etags(&server)
    );
    assert_eq!(count(&store, None), 300);
    assert!(
        store
            .get_entity("component:default/component-000010")
            .unwrap()
            .is_none()
    );
    let edited = store
        .get_entity("component:default/component-000002")
        .unwrap()
        .unwrap();
    assert!(
        edited
            .metadata
            .description
            .unwrap_or_default()
            .starts_with("Edited")
    );
    let new = store
        .get_entity("component:default/brand-new")
        .unwrap()
        .unwrap();
    assert!(
        new.relations
            .iter()
            .any(|r| r.relation_type == "ownedBy" && r.target_ref == "group:default/team-00001")
    );
    assert_eq!(count(&store, Some("appeared")), 1);
    let status = store.sync_status().unwrap().unwrap();
    assert_eq!(status.mode, Some(SyncRunMode::Incremental));
    assert_eq!((status.added, status.removed), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_files_shadow_team_entities_and_the_team_copy_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(120).await;
    let client = client(&server);
    let mut store = open(dir.path());
    let local_dir = dir.path().join("local");
    std::fs::create_dir_all(&local_dir).unwrap();
    // One local entity with a team ref (different case), one local-only entity.
    let shadow = local_dir.join("catalog-info.yaml");
    std::fs::write(
        &shadow,
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Component-000001\n  description: Local working copy\n\
         spec:\n  type: library\n  lifecycle: experimental\n  owner: group:default/local-team\n---\n\
         apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: only-local\nspec:\n  type: service\n  lifecycle: production\n  owner: local-team\n",
    )
    .unwrap();
    let report = ingest(&mut store, std::slice::from_ref(&local_dir)).unwrap();
    assert_eq!(report.added, 2, "{report:?}");

    // Sync after the local ingestion: the local entity stays shown, the team copy is kept.
    run(&store, &client, SyncMode::Full).await.unwrap();
    assert_eq!(
        count(&store, None),
        121,
        "120 team entities, one shadowed, plus one local-only"
    );
    let shown = store
        .get_entity("component:default/component-000001")
        .unwrap()
        .unwrap();
    assert_eq!(
        shown.metadata.description.as_deref(),
        Some("Local working copy")
    );
    assert!(
        !store
            .is_team_entity("component:default/component-000001")
            .unwrap()
    );
    let team = store
        .shadowed_team_copy("Component:default/component-000001")
        .unwrap()
        .unwrap();
    assert!(
        team.metadata
            .description
            .unwrap_or_default()
            .starts_with("Generated component 1")
    );
    assert!(team.relations.iter().any(|r| r.relation_type == "ownedBy"));
    assert!(
        store
            .team_copy("component:default/only-local")
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .shadowed_team_copy("component:default/component-000002")
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .team_copy("component:default/component-000002")
            .unwrap()
            .is_some()
    );
    assert_eq!(count(&store, Some("working copy")), 1);
    let details = store
        .entity_by_ref("component:default/component-000001")
        .unwrap()
        .unwrap();
    assert_eq!(details.entity.spec_str("type"), Some("library"));
    let facets = store.facets(&Default::default()).unwrap();
    assert!(
        facets.facets["type"]
            .iter()
            .any(|f| f.value == "library" && f.count == 1)
    );
    assert_eq!(store.sync_status().unwrap().unwrap().shadowed, 1);

    // An edit on the server updates the team copy only; removal on the server never touches
    // the local entity.
    server.with_catalog(|c| assert!(c.touch("component:default/component-000001")));
    run(&store, &client, SyncMode::Incremental).await.unwrap();
    let shown = store
        .get_entity("component:default/component-000001")
        .unwrap()
        .unwrap();
    assert_eq!(
        shown.metadata.description.as_deref(),
        Some("Local working copy")
    );
    let team = store
        .team_copy("component:default/component-000001")
        .unwrap()
        .unwrap();
    assert!(
        team.metadata
            .description
            .unwrap_or_default()
            .starts_with("Edited")
    );
    server.with_catalog(|c| assert!(c.remove("component:default/component-000001")));
    run(&store, &client, SyncMode::Full).await.unwrap();
    assert!(
        store
            .team_copy("component:default/component-000001")
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .get_entity("component:default/component-000001")
            .unwrap()
            .unwrap()
            .metadata
            .description
            .as_deref(),
        Some("Local working copy")
    );
    assert!(
        store
            .get_entity("component:default/only-local")
            .unwrap()
            .is_some()
    );

    // Back on the server; then the local file goes: the team copy reappears.
    server.with_catalog(|c| {
        c.insert(json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": "component-000001", "description": "Team copy again"},
            "spec": {"type": "service", "lifecycle": "production", "owner": "group:default/team-00000"}}))
    });
    run(&store, &client, SyncMode::Incremental).await.unwrap();
    std::fs::write(
        &shadow,
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: only-local\nspec:\n  type: service\n  lifecycle: production\n  owner: local-team\n",
    )
    .unwrap();
    let report = ingest(&mut store, std::slice::from_ref(&local_dir)).unwrap();
    assert_eq!(report.removed, 1, "{report:?}");
    let back = store
        .get_entity("component:default/component-000001")
        .unwrap()
        .unwrap();
    assert_eq!(
        back.metadata.description.as_deref(),
        Some("Team copy again")
    );
    assert!(
        back.relations
            .iter()
            .any(|r| r.relation_type == "ownedBy" && r.target_ref == "group:default/team-00000")
    );
    assert!(
        store
            .is_team_entity("component:default/component-000001")
            .unwrap()
    );
    assert!(
        store
            .shadowed_team_copy("component:default/component-000001")
            .unwrap()
            .is_none()
    );
    assert_eq!(count(&store, Some("again")), 1);
    assert_eq!(count(&store, Some("working copy")), 0);
    assert_eq!(count(&store, None), 121);

    // Re-ingesting the local root never deletes team rows; a full sync never deletes local ones.
    ingest(&mut store, std::slice::from_ref(&local_dir)).unwrap();
    assert_eq!(store.team_entity_count().unwrap(), 120);
    run(&store, &client, SyncMode::Full).await.unwrap();
    assert!(
        store
            .get_entity("component:default/only-local")
            .unwrap()
            .is_some()
    );
    assert_eq!(count(&store, None), 121);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_mid_sync_leaves_the_previous_catalog_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(400).await;
    let client = client(&server);
    let mut store = open(dir.path());
    let local = dir.path().join("local.yaml");
    std::fs::write(&local, "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-00001\nspec:\n  type: team\n  children: []\n").unwrap();
    ingest(&mut store, std::slice::from_ref(&local)).unwrap();
    run(&store, &client, SyncMode::Full).await.unwrap();
    let before = view(&store);
    let status_before = store.sync_status().unwrap().unwrap();

    // Many changes on the server, then faults at different points of the next sync.
    server.with_catalog(|c| {
        let keys: Vec<String> = c.keys().take(150).cloned().collect();
        for k in keys.iter().step_by(2) {
            c.touch(k);
        }
        for k in keys.iter().skip(1).step_by(10) {
            c.remove(k);
        }
    });
    let faults = [
        (
            SyncMode::Full,
            FaultRule::always(FaultOn::CursorPage, Fault::Status(503)).after(2),
        ),
        (
            SyncMode::Full,
            FaultRule::always(FaultOn::CursorPage, Fault::CutMidBody).after(1),
        ),
        (
            SyncMode::Full,
            FaultRule::always(FaultOn::CursorPage, Fault::BadJson).after(2),
        ),
        (
            SyncMode::Incremental,
            FaultRule::always(FaultOn::ByRefs, Fault::Status(500)).after(1),
        ),
        (
            SyncMode::Incremental,
            FaultRule::always(FaultOn::CursorPage, Fault::CutMidBody).after(2),
        ),
    ];
    for (mode, rule) in faults {
        server.clear_faults();
        server.inject(rule.clone());
        let err = run(&store, &client, mode)
            .await
            .expect_err("the fault must fail the sync");
        assert!(
            view(&store) == before,
            "after {rule:?}: {err}: the catalog changed"
        );
        // A fresh connection sees the same.
        assert!(view(&open(dir.path())) == before);
        let status = store.sync_status().unwrap().unwrap();
        assert_eq!(status.last_success_ms, status_before.last_success_ms);
        assert_eq!(status.added, status_before.added);
        assert!(
            status.last_error.is_some() && status.last_error_kind.is_some(),
            "{status:?}"
        );
        assert!(integrity_ok(&dir.path().join("catalog.db")));
    }
    server.clear_faults();
    let report = run(&store, &client, SyncMode::Incremental).await.unwrap();
    assert!(report.updated > 0 && report.removed > 0, "{report:?}");
    assert!(view(&store) != before);
    assert_eq!(
        stored_etags(&dir.path().join("catalog.db")),
        served_etags(&server)
    );
    let status = store.sync_status().unwrap().unwrap();
    assert!(status.last_error.is_none());
    // The local group still shadows the team's.
    assert!(!store.is_team_entity("group:default/team-00001").unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_see_the_old_catalog_until_the_commit() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(300).await;
    let client = client(&server);
    let store = open(dir.path());
    run(&store, &client, SyncMode::Full).await.unwrap();
    let before = view(&store);
    server.with_catalog(|c| {
        let keys: Vec<String> = c.keys().cloned().collect();
        for k in &keys {
            c.touch(k);
        }
    });
    // Slow pages: the write transaction stays open while we read.
    server.inject(FaultRule::always(
        FaultOn::CursorPage,
        Fault::Delay(Duration::from_millis(200)),
    ));
    let target = store.team_sync(client.base_url()).unwrap();
    let task = spawn_full_sync(&client, target);
    let reader = open(dir.path());
    let mut seen = Vec::new();
    for _ in 0..200 {
        if task.is_finished() {
            break;
        }
        seen.push(view(&reader));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    task.await.unwrap().unwrap();
    let after = view(&reader);
    assert!(after != before);
    // (The commit may land between the last check and the read: then the reader sees the new one.)
    assert_old_or_new(&seen, &before, &after);
    let old_reads = seen.iter().filter(|v| **v == before).count();
    assert!(
        old_reads >= 3,
        "the sync ended before the reader could look ({old_reads} reads)"
    );
    assert_eq!(
        stored_etags(&dir.path().join("catalog.db")),
        served_etags(&server)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_server_entities_are_kept_out_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(50).await;
    server.with_catalog(|c| {
        // No owner: Backstage's Component schema requires one.
        c.insert(json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": "no-owner"}, "spec": {"type": "service", "lifecycle": "production"}}));
        c.insert(json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": "bad name!"}, "spec": {"type": "service", "lifecycle": "production", "owner": "x"}}));
    });
    let client = client(&server);
    let store = open(dir.path());
    let report = run(&store, &client, SyncMode::Full).await.unwrap();
    assert_eq!(report.remote_total, 52);
    assert_eq!(count(&store, None), 50);
    assert!(
        store
            .get_entity("component:default/no-owner")
            .unwrap()
            .is_none()
    );
    let status = store.sync_status().unwrap().unwrap();
    assert_eq!(status.invalid, 2);
    assert_eq!(status.invalid_samples.len(), 2);
    assert!(
        status
            .invalid_samples
            .iter()
            .any(|s| s.contains("no-owner") && s.contains("owner")),
        "{:?}",
        status.invalid_samples
    );
    // Still invalid next time: counted again, never stored.
    run(&store, &client, SyncMode::Incremental).await.unwrap();
    assert_eq!(store.sync_status().unwrap().unwrap().invalid, 2);
    assert_eq!(store.team_entity_count().unwrap(), 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_backends_replaces_the_team_entities() {
    let dir = tempfile::tempdir().unwrap();
    let first = server(60).await;
    let second = server(20).await;
    let store = open(dir.path());
    run(&store, &client(&first), SyncMode::Full).await.unwrap();
    assert_eq!(store.team_entity_count().unwrap(), 60);
    let report = run(&store, &client(&second), SyncMode::Incremental)
        .await
        .unwrap();
    assert_eq!(report.mode, SyncMode::Full, "nothing from this backend yet");
    assert_eq!(store.team_entity_count().unwrap(), 20);
    assert_eq!(count(&store, None), 20);
    assert_eq!(
        store.sync_status().unwrap().unwrap().source,
        second.base_url()
    );
}

#[test]
fn an_in_memory_store_cannot_sync() {
    let store = backlot_catalog_backend::Store::open_in_memory().unwrap();
    assert!(matches!(
        store.team_sync("http://127.0.0.1:1"),
        Err(backlot_catalog_backend::StoreError::SyncNeedsFile)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_first_sync_keeps_the_local_catalog_and_its_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("catalog.db");
    let server = server(400).await;
    let client = client(&server);
    let mut store = open(dir.path());
    let local = dir.path().join("local.yaml");
    std::fs::write(&local, "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: mine\n  tags: [generated]\nspec:\n  type: service\n  lifecycle: production\n  owner: me\n").unwrap();
    ingest(&mut store, std::slice::from_ref(&local)).unwrap();
    let before = view(&store);
    let schema_before = schema(&db);
    // The first full sync into a small store takes the bulk path (indexes dropped in the
    // transaction); a fault on the last page rolls all of it back.
    server.inject(FaultRule::always(FaultOn::CursorPage, Fault::Status(502)).after(2));
    run(&store, &client, SyncMode::Full)
        .await
        .expect_err("the fault must fail the sync");
    assert!(view(&store) == before, "the local catalog changed");
    assert_eq!(schema(&db), schema_before);
    assert!(integrity_ok(&db));
    server.clear_faults();
    run(&store, &client, SyncMode::Full).await.unwrap();
    assert_eq!(schema(&db), schema_before, "indexes rebuilt at commit");
    assert_eq!(count(&store, None), 401);
    assert_eq!(count(&store, Some("mine")), 1);
}
