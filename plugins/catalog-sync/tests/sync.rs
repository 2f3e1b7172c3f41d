//! Full and incremental sync against the Backstage-compatible test server, into the
//! in-memory target.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use backlot_catalog_sync::{
    CancelToken, ClientOptions, LISTING_FIELDS, Phase, Progress, SyncError, SyncMode, SyncOptions,
    full_sync, incremental_sync,
};
use common::{Memory, client, options, served, server};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_sync_copies_the_served_catalog_and_pages_like_the_backstage_client() {
    let srv = server(2345).await;
    let c = client(&srv, options());
    let mem = Memory::default();
    let report = full_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("full sync");
    assert_eq!(
        mem.snapshot(),
        served(&srv),
        "the local copy equals the server's catalog, relations included"
    );
    assert_eq!(report.mode, SyncMode::Full);
    assert_eq!(
        (
            report.added,
            report.updated,
            report.removed,
            report.unchanged
        ),
        (2345, 0, 0, 0)
    );
    assert_eq!(report.remote_total, 2345);
    assert_eq!(report.pages, 5);
    assert_eq!(mem.state().commits, 1);
    assert_eq!(mem.state().begins, vec![SyncMode::Full]);

    let reqs = srv.requests();
    assert_eq!(reqs.len(), 5);
    for (i, r) in reqs.iter().enumerate() {
        assert_eq!(r.path, "/api/catalog/entities/by-query");
        assert_eq!(r.param("limit"), Some("500"));
        assert!(r.gzip, "gzip is asked for");
        if i == 0 {
            assert_eq!(r.param("cursor"), None);
            assert_eq!(r.param("totalItems"), Some("include"));
        } else {
            assert!(r.param("cursor").is_some());
            assert_eq!(
                r.param("totalItems"),
                None,
                "totalItems only on the first page"
            );
            assert_eq!(r.param("filter"), None);
            assert_eq!(r.param("orderField"), None);
        }
    }
    // Bytes are counted as they came over the wire (gzip), and decoded.
    assert_eq!(report.bytes_received, srv.bytes_served());
    assert!(
        report.bytes_decoded > 3 * report.bytes_received,
        "{report:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_with_nothing_changed_lists_only_etags_and_transfers_a_small_fraction() {
    let srv = server(3000).await;
    // Listing pages are larger than entity pages (500 here): refs and etags are small.
    let c = client(
        &srv,
        ClientOptions {
            listing_page_size: 1000,
            ..options()
        },
    );
    let mem = Memory::default();
    let full = full_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("full sync");
    srv.clear_requests();
    let inc = incremental_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("incremental sync");
    assert_eq!(inc.mode, SyncMode::Incremental);
    assert_eq!(
        (inc.added, inc.updated, inc.removed, inc.unchanged),
        (0, 0, 0, 3000)
    );
    assert_eq!(mem.snapshot(), served(&srv));
    let reqs = srv.requests();
    assert!(
        reqs.iter()
            .all(|r| r.path == "/api/catalog/entities/by-query"),
        "no by-refs when nothing changed"
    );
    let want_fields = LISTING_FIELDS.join(",");
    assert_eq!(
        want_fields, "kind,metadata.namespace,metadata.name,metadata.etag",
        "the listing asks for the ref and the etag only"
    );
    assert_eq!(reqs.len(), 3, "3000 refs in listing pages of 1000");
    for (i, r) in reqs.iter().enumerate() {
        assert_eq!(r.param("limit"), Some("1000"));
        assert_eq!(
            r.params("fields"),
            vec![want_fields.as_str()],
            "fields repeated on every page"
        );
        assert_eq!(r.param("totalItems").is_some(), i == 0);
    }
    let ratio = inc.bytes_received as f64 / full.bytes_received as f64;
    let ratio_plain = inc.bytes_decoded as f64 / full.bytes_decoded as f64;
    println!(
        "full: {} B wire / {} B JSON; incremental (no change): {} B wire / {} B JSON; ratio {:.1} % wire, {:.1} % JSON",
        full.bytes_received,
        full.bytes_decoded,
        inc.bytes_received,
        inc.bytes_decoded,
        ratio * 100.0,
        ratio_plain * 100.0
    );
    // The listing is ~175 B of JSON per entity against ~1.45 KB for a whole entity (12 %).
    // On the wire gzip squeezes the (very repetitive) generated entities 14x but cannot
    // squeeze the random uid and 40-hex etag (~49 B per entity): ~47 %. The issue's "a few
    // percent" needs entities of several KB compressed; see the crate README.
    assert!(
        ratio_plain < 0.15,
        "incremental decoded {:.1} % of a full sync",
        ratio_plain * 100.0
    );
    assert!(
        ratio < 0.55,
        "incremental transferred {:.1} % of a full sync",
        ratio * 100.0
    );
    assert!(
        inc.bytes_received < 60 * 3000,
        "at most ~60 B per entity on the wire: {}",
        inc.bytes_received
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_applies_exactly_the_changes() {
    let srv = server(1500).await;
    let c = client(&srv, options());
    let mem = Memory::default();
    full_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("full sync");
    let before = srv.with_catalog(|cat| cat.etags());

    srv.with_catalog(|cat| {
        for i in [3, 400, 401, 999, 1100] {
            assert!(cat.touch(&format!("component:default/component-{i:06}")));
        }
        for i in [10, 20, 30] {
            assert!(cat.remove(&format!("component:default/component-{i:06}")));
        }
        for i in 0..4 {
            cat.insert(json!({
                "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
                "metadata": {"name": format!("new-{i}"), "namespace": "other"},
                "spec": {"type": "service", "owner": "group:default/team-00001", "lifecycle": "production"}
            }));
        }
    });
    let after = srv.with_catalog(|cat| cat.etags());
    let added = after.keys().filter(|k| !before.contains_key(*k)).count() as u64;
    let removed = before.keys().filter(|k| !after.contains_key(*k)).count() as u64;
    let updated = after
        .iter()
        .filter(|(k, v)| before.get(*k).is_some_and(|b| b != *v))
        .count() as u64;
    assert_eq!((added, removed), (4, 3));
    assert!(
        updated >= 5,
        "touched entities and the relations' other ends changed: {updated}"
    );

    srv.clear_requests();
    let report = incremental_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("incremental sync");
    assert_eq!(
        (report.added, report.updated, report.removed),
        (added, updated, removed)
    );
    assert_eq!(report.unchanged, after.len() as u64 - added - updated);
    assert_eq!(
        mem.snapshot(),
        served(&srv),
        "the local copy equals the changed catalog"
    );
    let by_refs = srv
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/by-refs"))
        .count() as u64;
    assert_eq!(
        by_refs,
        (added + updated).div_ceil(100),
        "changed entities fetched in batches of 100"
    );
    assert!(mem.state().committed.contains_key("component:other/new-2"));
    assert!(
        !mem.state()
            .committed
            .contains_key("component:default/component-000020")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changed_entities_are_fetched_while_the_listing_goes_on() {
    // 3 000 entities listed in pages of 500; the first 250 in listing order change, so full
    // batches of 100 are wanted long before the listing ends.
    let srv = server(3000).await;
    let c = client(&srv, options());
    let mem = Memory::default();
    full_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("full sync");
    srv.with_catalog(|cat| {
        let first: Vec<String> = cat.iter().map(|(k, _)| k.clone()).take(250).collect();
        for key in first {
            assert!(cat.touch(&key), "{key}");
        }
    });
    srv.clear_requests();
    let report = incremental_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("incremental sync");
    assert!(report.updated >= 250, "{report:?}");
    assert_eq!(mem.snapshot(), served(&srv));

    let paths: Vec<String> = srv.requests().into_iter().map(|r| r.path).collect();
    let last_listing = paths
        .iter()
        .rposition(|p| p.ends_with("/by-query"))
        .unwrap_or_default();
    let first_fetch = paths
        .iter()
        .position(|p| p.ends_with("/by-refs"))
        .unwrap_or(usize::MAX);
    assert_eq!(paths.iter().filter(|p| p.ends_with("/by-query")).count(), 6);
    assert!(
        first_fetch < last_listing,
        "a by-refs batch went out before the last listing page: {paths:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_on_an_empty_copy_runs_a_full_sync() {
    let srv = server(120).await;
    let c = client(&srv, options());
    let mem = Memory::default();
    let report = incremental_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("sync");
    assert_eq!(report.mode, SyncMode::Full);
    assert_eq!(mem.snapshot(), served(&srv));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_sync_removes_what_the_server_no_longer_has() {
    let srv = server(700).await;
    let c = client(&srv, options());
    let mem = Memory::default();
    full_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("first sync");
    srv.with_catalog(|cat| {
        assert!(cat.remove("component:default/component-000100"));
        assert!(cat.touch("api:default/api-00001"));
    });
    let report = full_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("second sync");
    assert_eq!(report.removed, 1);
    assert!(report.updated >= 1);
    assert_eq!(mem.snapshot(), served(&srv));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_reports_phases_pages_totals_and_eta() {
    let srv = server(2200).await;
    let c = client(&srv, options());
    let events: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let sink = events.clone();
    let opts = SyncOptions::new().with_progress(move |p| {
        sink.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(p.clone())
    });
    let mem = Memory::default();
    full_sync(&c, mem.target(), &opts).await.expect("sync");
    let events = events.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let phases: Vec<Phase> = events.iter().map(|e| e.phase).collect();
    let firsts: Vec<Phase> = phases.iter().copied().fold(Vec::new(), |mut v, p| {
        if v.last() != Some(&p) {
            v.push(p);
        }
        v
    });
    assert_eq!(
        firsts,
        vec![
            Phase::Starting,
            Phase::Listing,
            Phase::Removing,
            Phase::Committing,
            Phase::Done
        ]
    );
    let listing: Vec<&Progress> = events
        .iter()
        .filter(|e| e.phase == Phase::Listing && e.pages > 0)
        .collect();
    assert_eq!(listing.len(), 5);
    assert_eq!(listing.last().map(|e| e.entities), Some(2200));
    assert!(listing.iter().all(|e| e.total == Some(2200)));
    assert!(listing[0].eta_ms.is_some() && listing[0].rate > 0.0);
    assert_eq!(listing.last().and_then(|e| e.eta_ms), Some(0));
    assert!(
        listing
            .windows(2)
            .all(|w| w[0].bytes_received < w[1].bytes_received)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_between_pages_rolls_back() {
    let srv = server(3000).await;
    let c = client(&srv, options());
    let mem = Memory::default();
    full_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("first sync");
    let old = mem.snapshot();
    srv.with_catalog(|cat| {
        for i in 0..50 {
            cat.touch(&format!("component:default/component-{i:06}"));
        }
    });

    for mode in [SyncMode::Full, SyncMode::Incremental] {
        let cancel = CancelToken::new();
        let trigger = cancel.clone();
        let opts = SyncOptions::new()
            .with_cancel(cancel)
            .with_progress(move |p| {
                if p.pages >= 2 {
                    trigger.cancel();
                }
            });
        let rollbacks = mem.state().rollbacks;
        let r = backlot_catalog_sync::sync(&c, mem.target(), mode, &opts).await;
        assert!(matches!(r, Err(SyncError::Cancelled)), "{mode:?}: {r:?}");
        assert_eq!(
            mem.snapshot(),
            old,
            "{mode:?}: nothing of the cancelled sync is visible"
        );
        assert_eq!(mem.state().rollbacks, rollbacks + 1);
        assert_eq!(mem.state().commits, 1);
    }
    // Cancelled before it starts: no request at all.
    srv.clear_requests();
    let cancel = CancelToken::new();
    cancel.cancel();
    let r = full_sync(&c, mem.target(), &SyncOptions::new().with_cancel(cancel)).await;
    assert!(matches!(r, Err(SyncError::Cancelled)));
    assert!(srv.requests().is_empty());
    // And the next sync completes.
    full_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("sync after cancellations");
    assert_eq!(mem.snapshot(), served(&srv));
    let keys: HashSet<String> = mem.keys().into_iter().collect();
    assert_eq!(keys.len(), 3000);
}
