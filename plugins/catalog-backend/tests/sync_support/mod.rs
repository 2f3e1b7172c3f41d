//! Helpers for the sync tests: the catalog-sync test server on 127.0.0.1, a client for it, a
//! file store, and snapshots of what the store shows.

#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Duration;

use backlot_catalog_backend::Store;
use backlot_catalog_sync::test_server::{Catalog, ServerOptions, TestServer};
use backlot_catalog_sync::{
    CatalogClient, ClientOptions, RetryPolicy, SyncError, SyncMode, SyncOptions, SyncReport, sync,
};
use backlot_model::query::{EntityFilter, EntityQuery};
use rusqlite::Connection;

pub async fn server(n: usize) -> TestServer {
    TestServer::start(Catalog::generate(n), ServerOptions::default())
        .await
        .unwrap()
}

pub fn client(server: &TestServer) -> CatalogClient {
    let opts = ClientOptions {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(5),
        page_size: 100,
        // Listings page by 100 too, so that faults on later pages hit incremental syncs.
        listing_page_size: 100,
        refs_batch: 50,
        retry: RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(20),
        },
        ..ClientOptions::default()
    };
    CatalogClient::new(&server.base_url(), server.token().as_ref(), opts).unwrap()
}

pub fn open(dir: &Path) -> Store {
    Store::open(&dir.join("catalog.db")).unwrap()
}

/// Runs one sync into `store` (the engine writes through `Store::team_sync`).
pub async fn run(
    store: &Store,
    client: &CatalogClient,
    mode: SyncMode,
) -> Result<SyncReport, SyncError> {
    let target = store.team_sync(client.base_url()).unwrap();
    let result = sync(client, target, mode, &SyncOptions::new()).await;
    if let Err(e) = &result {
        store.record_sync_failure(client.base_url(), e).unwrap();
    }
    result
}

/// Everything a reader sees: the export (entities with relations), a full listing and search
/// results, and the facets — as JSON text, for byte-for-byte comparisons.
pub fn view(store: &Store) -> String {
    let export = serde_json::to_string(&store.export().unwrap()).unwrap();
    let listing = store
        .query(&EntityQuery {
            limit: 1000,
            ..Default::default()
        })
        .unwrap();
    let search = store
        .query(&EntityQuery {
            text: Some("generated".into()),
            limit: 1000,
            ..Default::default()
        })
        .unwrap();
    let facets = store.facets(&EntityFilter::default()).unwrap();
    format!(
        "{export}\n{}\n{}\n{}",
        serde_json::to_string(&listing).unwrap(),
        serde_json::to_string(&search).unwrap(),
        serde_json::to_string(&facets).unwrap()
    )
}

/// key → etag of the team entities stored in the database file (read on a fresh connection).
pub fn stored_etags(db: &Path) -> BTreeMap<String, String> {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT entity_ref, etag FROM team_entities")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

pub fn served_etags(server: &TestServer) -> BTreeMap<String, String> {
    server
        .with_catalog(|c| c.etags())
        .into_iter()
        .collect::<HashMap<_, _>>()
        .into_iter()
        .collect()
}

pub fn integrity_ok(db: &Path) -> bool {
    let conn = Connection::open(db).unwrap();
    let result: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    result == "ok"
}

pub fn count(store: &Store, text: Option<&str>) -> u64 {
    store
        .query(&EntityQuery {
            text: text.map(str::to_owned),
            ..Default::default()
        })
        .unwrap()
        .total
}

/// The name and SQL of every schema object (tables, indexes, triggers), to see that a
/// rolled-back or killed sync left the schema whole.
pub fn schema(db: &Path) -> Vec<(String, Option<String>)> {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_master ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// A full sync into `target` on a task of its own.
pub fn spawn_full_sync(
    client: &CatalogClient,
    target: backlot_catalog_backend::TeamSync,
) -> tokio::task::JoinHandle<Result<SyncReport, SyncError>> {
    let client = client.clone();
    tokio::spawn(async move {
        backlot_catalog_sync::full_sync(&client, target, &SyncOptions::new()).await
    })
}

/// Each read of each view in `seen` (export, listing, search, facets: one read transaction
/// each) saw the old catalog or the new one; the commit may land between two reads of a view.
pub fn assert_old_or_new(seen: &[String], before: &str, after: &str) {
    let (old_parts, new_parts): (Vec<&str>, Vec<&str>) =
        (before.lines().collect(), after.lines().collect());
    for v in seen {
        for (i, part) in v.lines().enumerate() {
            assert!(
                part == old_parts[i] || part == new_parts[i],
                "read {i} saw a half-written catalog"
            );
        }
    }
}
