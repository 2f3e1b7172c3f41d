//! A sync never blocks the user: while a large full sync downloads from a slow team backend,
//! the user's own writes (stars, visits, a folder ingestion) on the app's connection finish at
//! once and persist; and a server that suddenly serves a much smaller catalog does not wipe
//! the offline copy unless the user accepts it.

#![allow(clippy::unwrap_used)]

mod sync_support;

use std::time::{Duration, Instant};

use backlot_catalog_backend::{CATALOG_SHRANK, StoreError, ingest};
use backlot_catalog_sync::test_server::{
    Catalog, Fault, FaultOn, FaultRule, ServerOptions, TestServer,
};
use backlot_catalog_sync::{CatalogClient, ClientOptions, SyncError, SyncMode, SyncOptions, sync};
use sync_support::*;

fn p99(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[(samples.len() * 99 / 100).min(samples.len() - 1)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_writes_during_a_100k_sync_from_a_slow_server_finish_at_once_and_persist() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(Catalog::generate(100_000), ServerOptions::default())
        .await
        .unwrap();
    // Slow pages: the download takes many seconds.
    server.inject(FaultRule::always(
        FaultOn::CursorPage,
        Fault::Delay(Duration::from_millis(40)),
    ));
    let client = CatalogClient::new(
        &server.base_url(),
        server.token().as_ref(),
        ClientOptions {
            page_size: 1000,
            ..ClientOptions::default()
        },
    )
    .unwrap();
    let app = open(dir.path());
    // Something local to star and visit, and a folder to ingest mid-sync.
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let component = |name: &str| {
        format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"
        )
    };
    std::fs::write(repo.join("catalog-info.yaml"), component("local-one")).unwrap();
    let mut app = app;
    ingest(&mut app, std::slice::from_ref(&repo)).unwrap();

    let target = app.team_sync(client.base_url()).unwrap();
    let task = {
        let client = client.clone();
        tokio::spawn(
            async move { sync(&client, target, SyncMode::Full, &SyncOptions::new()).await },
        )
    };
    // The user, clicking on: one write after the other, each timed.
    let mut took = Vec::new();
    let mut i = 0u64;
    let mut ingested_mid_sync = false;
    while !task.is_finished() {
        let started = Instant::now();
        let entity = format!("component:default/clicked-{}", i % 50);
        app.set_starred(&entity, i.is_multiple_of(2)).unwrap();
        app.record_visit(&entity).unwrap();
        took.push(started.elapsed());
        if i == 100 {
            std::fs::write(repo.join("catalog-info.yaml"), component("local-two")).unwrap();
            let started = Instant::now();
            let report = ingest(&mut app, std::slice::from_ref(&repo)).unwrap();
            took.push(started.elapsed());
            assert_eq!((report.added, report.removed), (1, 1));
            ingested_mid_sync = true;
        }
        i += 1;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let report = task.await.unwrap().unwrap();
    assert_eq!(report.added, 100_000);
    assert!(
        ingested_mid_sync,
        "the sync ended before the user could do much ({i} writes)"
    );
    assert!(
        took.len() >= 200,
        "only {} writes during the sync",
        took.len()
    );
    let p99 = p99(took.clone());
    assert!(
        p99 <= Duration::from_millis(250),
        "p99 of {} user writes during the sync: {p99:?} (max {:?})",
        took.len(),
        took.iter().max().unwrap()
    );
    // Everything persisted: the last state of every starred entity, the visits, the folder.
    let last = i - 1;
    let reopened = open(dir.path());
    for k in 0..50u64 {
        let entity = format!("component:default/clicked-{k}");
        // The last write to entity k was the largest j ≤ last with j % 50 == k.
        let j = last - ((last + 50 - k) % 50);
        assert_eq!(
            reopened.is_starred(&entity).unwrap(),
            j.is_multiple_of(2),
            "{entity}"
        );
    }
    assert!(
        reopened
            .get_entity("component:local-two")
            .unwrap()
            .is_some()
    );
    assert!(
        reopened
            .get_entity("component:local-one")
            .unwrap()
            .is_none()
    );
    assert_eq!(reopened.team_entity_count().unwrap(), 100_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catalog_that_suddenly_shrinks_is_not_applied_unless_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(100).await;
    let client = client(&server);
    let store = open(dir.path());
    run(&store, &client, SyncMode::Full).await.unwrap();
    let before = view(&store);

    let shrink = |keep: usize| {
        server.with_catalog(|c| {
            let keys: Vec<String> = c.keys().cloned().collect();
            for k in keys.iter().skip(keep) {
                c.remove(k);
            }
        })
    };
    let refused = |result: Result<_, SyncError>| {
        let error = result.unwrap_err();
        let SyncError::Storage(inner) = &error else {
            panic!("expected the store's refusal, got {error}");
        };
        assert!(
            matches!(
                inner.downcast_ref::<StoreError>(),
                Some(StoreError::CatalogShrank { before: 100, .. })
            ),
            "{error}"
        );
        error
    };

    // 100 → 40: less than half, refused in either mode; the offline catalog is untouched.
    shrink(40);
    for mode in [SyncMode::Full, SyncMode::Incremental] {
        let error = refused(run(&store, &client, mode).await);
        assert!(
            error
                .to_string()
                .contains("serves 40 entities where the offline catalog has 100"),
            "{error}"
        );
        assert_eq!(view(&store), before);
        let status = store.sync_status().unwrap().unwrap();
        assert_eq!(status.last_error_kind.as_deref(), Some(CATALOG_SHRANK));
        assert_eq!(status.team_entities, 100);
    }
    // To nothing: refused too — without waiting for the catalog's write lock, which another
    // writer holds meanwhile.
    shrink(0);
    let other = rusqlite::Connection::open(dir.path().join("catalog.db")).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = std::time::Instant::now();
    refused(run_without_recording(&store, &client).await);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    other.execute_batch("ROLLBACK").unwrap();
    assert_eq!(view(&store), before);

    // Accepted: applied.
    let target = store
        .team_sync(client.base_url())
        .unwrap()
        .accept_shrink(true);
    sync(&client, target, SyncMode::Full, &SyncOptions::new())
        .await
        .unwrap();
    assert_eq!(store.team_entity_count().unwrap(), 0);
    let status = store.sync_status().unwrap().unwrap();
    assert_eq!(status.last_error_kind, None);
}

/// A full sync into `store` whose failure is not recorded (recording writes).
async fn run_without_recording(
    store: &backlot_catalog_backend::Store,
    client: &CatalogClient,
) -> Result<backlot_catalog_sync::SyncReport, SyncError> {
    let target = store.team_sync(client.base_url()).unwrap();
    sync(client, target, SyncMode::Full, &SyncOptions::new()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderate_shrink_is_applied_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(100).await;
    let client = client(&server);
    let store = open(dir.path());
    run(&store, &client, SyncMode::Full).await.unwrap();
    server.with_catalog(|c| {
        let keys: Vec<String> = c.keys().take(40).cloned().collect();
        for k in keys {
            c.remove(&k);
        }
    });
    let report = run(&store, &client, SyncMode::Incremental).await.unwrap();
    assert_eq!(report.removed, 40);
    assert_eq!(store.team_entity_count().unwrap(), 60);
}
