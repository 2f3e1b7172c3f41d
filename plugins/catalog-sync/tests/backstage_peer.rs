//! Interop with a real Backstage backend (../shared/backstage-peer): sync its catalog,
//! compare entity refs, etags and relations with what it serves; change a file it ingests,
//! refresh, incremental-sync, see exactly that change.
//!
//! Needs the peer running, e.g.:
//!   PORT=7007 ../shared/backstage-peer/run-backstage.sh start
//!   cargo test -p backlot-catalog-sync --features backstage-peer --test backstage_peer
//! Env: BACKSTAGE_PEER_URL (http://127.0.0.1:7007), TOKEN (backlot-peer-token-0123456789).
//! The edit step rewrites the peer's own `catalog/components.yaml` (found through the
//! entity's managed-by-location annotation) and restores it afterwards.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use backlot_catalog_sync::{
    CatalogClient, QuerySpec, SyncMode, SyncOptions, full_sync, incremental_sync, test_connection,
};
use backlot_secrets::Sensitive;
use common::{Memory, options};
use serde_json::Value;

const EDITED: &str = "platform-cli";

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// What the peer serves, paged by hand with the bare client (no sync engine).
async fn served(c: &CatalogClient) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10_000 {
        let page = c
            .query_page(&QuerySpec::default(), cursor.as_deref(), cursor.is_none())
            .await
            .expect("page");
        for e in page.items {
            out.insert(backlot_catalog_sync::entity_key(&e).expect("ref"), e);
        }
        match page.next_cursor {
            Some(n) => cursor = Some(n),
            None => return out,
        }
    }
    panic!("the peer kept returning pages");
}

fn relations(e: &Value) -> Vec<(String, String)> {
    let mut r: Vec<(String, String)> = e["relations"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| {
                    (
                        r["type"].as_str().unwrap_or("").to_owned(),
                        r["targetRef"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    r.sort();
    r
}

async fn description(c: &CatalogClient) -> Option<String> {
    let items = c
        .entities_by_refs(&[format!("component:default/{EDITED}")], &[])
        .await
        .ok()?;
    items
        .into_iter()
        .next()
        .flatten()
        .and_then(|e| e["metadata"]["description"].as_str().map(str::to_owned))
}

async fn refresh(base: &str, token: &str) {
    let r = reqwest::Client::new()
        .post(format!("{base}/api/catalog/refresh"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(format!("{{\"entityRef\":\"component:default/{EDITED}\"}}"))
        .send()
        .await
        .expect("refresh request");
    assert!(r.status().is_success(), "refresh: HTTP {}", r.status());
}

async fn wait_for_description(c: &CatalogClient, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline {
        if description(c).await.as_deref() == Some(want) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("the peer did not pick up the edited file within 90 s");
}

/// Puts the original file back even if the test fails half-way.
struct Restore {
    path: String,
    original: String,
}

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = std::fs::write(&self.path, &self.original);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_from_a_real_backstage() {
    let base = env_or("BACKSTAGE_PEER_URL", "http://127.0.0.1:7007");
    let token_text = env_or("TOKEN", "backlot-peer-token-0123456789");
    let token = Sensitive::new(token_text.clone());
    let info = match test_connection(&base, Some(&token)).await {
        Ok(i) => i,
        Err(e) => panic!(
            "the Backstage peer is not usable at {base}: {e}\n\
             start it with `../shared/backstage-peer/run-backstage.sh start` (PORT, TOKEN env) and set \
             BACKSTAGE_PEER_URL / TOKEN to match"
        ),
    };
    assert!(info.entity_count > 0, "the peer serves an empty catalog");
    let c = CatalogClient::new(&base, Some(&token), options()).expect("client");

    // 1. Full sync = what the peer serves: refs, etags, relations.
    let mem = Memory::default();
    let full = full_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("full sync from Backstage");
    let remote = served(&c).await;
    let local = mem.snapshot();
    assert_eq!(
        local.keys().collect::<Vec<_>>(),
        remote.keys().collect::<Vec<_>>(),
        "same entity refs"
    );
    for (k, e) in &remote {
        let l = &local[k];
        assert_eq!(l["metadata"]["etag"], e["metadata"]["etag"], "{k}: etag");
        assert_eq!(l["metadata"]["uid"], e["metadata"]["uid"], "{k}: uid");
        assert_eq!(relations(l), relations(e), "{k}: relations");
    }
    assert_eq!(full.remote_total as usize, remote.len());
    assert_eq!(info.entity_count as usize, remote.len());
    println!(
        "peer: {} entities; full sync {} ms, {} B wire, {} B JSON",
        remote.len(),
        full.duration_ms,
        full.bytes_received,
        full.bytes_decoded
    );

    // 2. Incremental, nothing changed.
    let inc = incremental_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("incremental sync");
    assert_eq!(inc.mode, SyncMode::Incremental);
    assert_eq!(
        (inc.added, inc.updated, inc.removed, inc.unchanged),
        (0, 0, 0, remote.len() as u64)
    );
    println!(
        "incremental (no change): {} ms, {} B wire ({:.1} % of full), {} B JSON ({:.1} %)",
        inc.duration_ms,
        inc.bytes_received,
        100.0 * inc.bytes_received as f64 / full.bytes_received as f64,
        inc.bytes_decoded,
        100.0 * inc.bytes_decoded as f64 / full.bytes_decoded as f64
    );

    // 3. Edit the file the peer ingests, refresh, incremental: exactly that change.
    let key = format!("component:default/{EDITED}");
    let Some(entity) = remote.get(&key) else {
        panic!("the peer has no {key} (is it the stock sample catalog?)");
    };
    let location = entity["metadata"]["annotations"]["backstage.io/managed-by-location"]
        .as_str()
        .unwrap_or("");
    let Some(path) = location.strip_prefix("file:") else {
        panic!("{key} is not ingested from a local file ({location})");
    };
    let original = std::fs::read_to_string(path).expect("read the peer's catalog file");
    let old_description = entity["metadata"]["description"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    let new_description = format!("{old_description} (edited by the sync test)");
    let edited = original.replacen(
        &format!("description: {old_description}\n"),
        &format!("description: {new_description}\n"),
        1,
    );
    assert_ne!(
        edited, original,
        "could not find the description line of {EDITED} in {path}"
    );
    let restore = Restore {
        path: path.to_owned(),
        original,
    };
    std::fs::write(path, &edited).expect("write the peer's catalog file");
    refresh(&base, &token_text).await;
    wait_for_description(&c, &new_description).await;

    let changed = incremental_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("incremental after edit");
    assert_eq!(
        (changed.added, changed.updated, changed.removed),
        (0, 1, 0),
        "{changed:?}"
    );
    assert_eq!(
        mem.state().committed[&key]["metadata"]["description"],
        Value::String(new_description)
    );
    let remote = served(&c).await;
    let local = mem.snapshot();
    assert_eq!(local, remote, "after the edit the copy equals the peer");

    // Put it back and see that come through too.
    drop(restore);
    refresh(&base, &token_text).await;
    wait_for_description(&c, &old_description).await;
    let back = incremental_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("incremental after restore");
    assert_eq!((back.added, back.updated, back.removed), (0, 1, 0));
    assert_eq!(
        mem.state().committed[&key]["metadata"]["description"],
        Value::String(old_description)
    );
}
