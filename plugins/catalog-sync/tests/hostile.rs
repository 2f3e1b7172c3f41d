//! A hostile (or badly broken) server cannot exhaust the client: a gzip bomb stops at the
//! response size limit, a cursor loop and an endless pager end the sync with their own
//! error, quickly, and the local catalog is left exactly as it was.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::time::{Duration, Instant};

use backlot_catalog_sync::test_server::{Fault, FaultOn, FaultRule, RequestRecord, TestServer};
use backlot_catalog_sync::{
    CatalogClient, ClientOptions, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_ENTITIES, DEFAULT_MAX_PAGES,
    QuerySpec, SyncError, SyncMode, SyncOptions, SyncReport, full_sync, sync,
};
use backlot_model::ErrorCode;
use common::{Memory, client, options, served, server};

const MODES: [SyncMode; 2] = [SyncMode::Full, SyncMode::Incremental];

/// Every hostile case must fail well within this.
const QUICK: Duration = Duration::from_secs(5);

/// A server with `n` entities and a target holding an older copy of it, so a half-applied
/// sync would show.
async fn setup(n: usize, opts: ClientOptions) -> (TestServer, CatalogClient, Memory) {
    let srv = server(n).await;
    let c = client(&srv, opts);
    let mem = Memory::default();
    full_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("initial sync");
    srv.with_catalog(|cat| {
        for i in (0..n / 2).step_by(5) {
            cat.touch(&format!("component:default/component-{i:06}"));
        }
    });
    srv.clear_requests();
    (srv, c, mem)
}

/// Runs a sync that must fail with `expect`, quickly, and leave the target untouched.
async fn failing(
    c: &CatalogClient,
    mem: &Memory,
    mode: SyncMode,
    opts: &SyncOptions,
    expect: &str,
) -> SyncError {
    let old = mem.snapshot();
    let (commits, rollbacks) = {
        let s = mem.state();
        (s.commits, s.rollbacks)
    };
    let started = Instant::now();
    let err = match sync(c, mem.target(), mode, opts).await {
        Ok(r) => panic!("{mode:?} sync should fail with {expect}, got {r:?}"),
        Err(e) => e,
    };
    let took = started.elapsed();
    assert_eq!(err.kind(), expect, "{mode:?}: {err}");
    assert!(took < QUICK, "{mode:?}: {expect} took {took:?}");
    assert_eq!(err.code(), ErrorCode::Unsupported, "{mode:?}: {err}");
    assert_eq!(mem.snapshot(), old, "{mode:?}: the local copy is unchanged");
    assert_eq!(mem.state().commits, commits, "{mode:?}: nothing committed");
    assert_eq!(
        mem.state().rollbacks,
        rollbacks + 1,
        "{mode:?}: rolled back"
    );
    err
}

async fn succeeding(c: &CatalogClient, mem: &Memory, mode: SyncMode) -> SyncReport {
    match sync(c, mem.target(), mode, &SyncOptions::new()).await {
        Ok(r) => r,
        Err(e) => panic!("{mode:?} sync should succeed: {e}"),
    }
}

/// The listing requests the server saw (an incremental sync also fetches changed entities by
/// ref while it lists).
fn listings(srv: &TestServer) -> Vec<RequestRecord> {
    srv.requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/by-query"))
        .collect()
}

fn small_body(limit: usize) -> ClientOptions {
    ClientOptions {
        max_body_bytes: limit,
        ..options()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gzip_bomb_stops_at_the_size_limit() {
    const LIMIT: usize = 1 << 20;
    const GIB: u64 = 1 << 30;
    assert_eq!(
        ClientOptions::default().max_body_bytes,
        DEFAULT_MAX_BODY_BYTES
    );
    assert_eq!(DEFAULT_MAX_BODY_BYTES, 512 << 20);
    // Pages of 500 entities decode to about 600 KB: under the limit.
    let (srv, c, mem) = setup(1600, small_body(LIMIT)).await;

    // One page, 1 GiB once inflated (about 1 MiB on the wire, 16 MiB per 16 KiB chunk).
    srv.inject(FaultRule::once(
        FaultOn::FirstPage,
        Fault::GzipBomb { inflated: GIB },
    ));
    let before = c.meter();
    let started = Instant::now();
    let err = c
        .query_page_raw(&QuerySpec::default(), None, true)
        .await
        .err();
    assert!(
        matches!(err, Some(SyncError::ResponseTooLarge { limit }) if limit == LIMIT as u64),
        "{err:?}"
    );
    let msg = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("larger than 1 MiB (1048576 bytes)"), "{msg}");
    assert!(started.elapsed() < QUICK);
    let meter = c.meter().since(&before);
    assert_eq!(meter.requests, 1, "not retried");
    assert!(
        meter.bytes_decoded <= LIMIT as u64,
        "decoded {} bytes, over the limit",
        meter.bytes_decoded
    );
    assert!(meter.bytes_decoded > LIMIT as u64 / 2, "{meter:?}");
    assert!(
        meter.bytes_received < 256 * 1024,
        "stopped reading early: {meter:?}"
    );
    let served_bomb = srv.requests()[0].body_bytes;
    assert!(served_bomb < 2 << 20, "small on the wire: {served_bomb}");

    // In a sync: a bomb on a listing page (either mode), or on by-refs.
    for mode in MODES {
        srv.clear_requests();
        srv.inject(FaultRule::always(
            FaultOn::CursorPage,
            Fault::GzipBomb { inflated: GIB },
        ));
        let err = failing(&c, &mem, mode, &SyncOptions::new(), "response_too_large").await;
        assert!(err.to_string().contains("1 MiB"), "{err}");
        let bombs = srv
            .requests()
            .iter()
            .filter(|r| matches!(r.fault, Some(Fault::GzipBomb { .. })))
            .count();
        assert_eq!(bombs, 1, "{mode:?}: not retried");
        srv.clear_faults();
    }
    srv.inject(FaultRule::always(
        FaultOn::ByRefs,
        Fault::GzipBomb { inflated: GIB },
    ));
    failing(
        &c,
        &mem,
        SyncMode::Incremental,
        &SyncOptions::new(),
        "response_too_large",
    )
    .await;
    srv.clear_faults();

    // The limit itself leaves honest pages alone.
    let report = succeeding(&c, &mem, SyncMode::Incremental).await;
    assert!(report.updated > 0);
    assert_eq!(mem.snapshot(), served(&srv));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_body_over_the_limit_is_refused() {
    let (srv, _c, mem) = setup(1200, options()).await;
    // No gzip: the limit applies to the body as it comes.
    let c = client(
        &srv,
        ClientOptions {
            gzip: false,
            ..small_body(64 * 1024)
        },
    );
    for mode in MODES {
        let err = failing(&c, &mem, mode, &SyncOptions::new(), "response_too_large").await;
        assert!(err.to_string().contains("64 KiB (65536 bytes)"), "{err}");
    }
    assert!(
        srv.requests().iter().all(|r| !r.gzip),
        "gzip was not asked for"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_loop_ends_the_sync() {
    // 2000 entities in pages of 500: the first page's cursor A, then B, then C.
    let (srv, c, mem) = setup(2000, options()).await;
    for mode in MODES {
        // A → B → A: the second cursor page hands back the first cursor.
        srv.clear_requests();
        srv.inject(FaultRule::always(FaultOn::CursorPage, Fault::CursorLoop).after(1));
        let err = failing(&c, &mem, mode, &SyncOptions::new(), "cursor_loop").await;
        assert!(matches!(err, SyncError::CursorLoop { page: 3 }), "{err:?}");
        assert!(err.to_string().contains("page 3"), "{err}");
        let reqs = listings(&srv);
        assert_eq!(reqs.len(), 3, "{mode:?}: nothing listed after the loop");
        assert_ne!(
            reqs[1].param("cursor"),
            reqs[2].param("cursor"),
            "A then B, before A again"
        );
        srv.clear_faults();

        // A → A.
        srv.clear_requests();
        srv.inject(FaultRule::always(FaultOn::CursorPage, Fault::CursorLoop));
        let err = failing(&c, &mem, mode, &SyncOptions::new(), "cursor_loop").await;
        assert!(matches!(err, SyncError::CursorLoop { page: 2 }), "{err:?}");
        assert_eq!(listings(&srv).len(), 2);
        srv.clear_faults();
    }
    // An expired cursor restarts the listing: the cursors seen before do not count as a loop.
    srv.clear_requests();
    srv.inject(FaultRule::once(FaultOn::CursorPage, Fault::ExpireCursor).after(1));
    let report = succeeding(&c, &mem, SyncMode::Full).await;
    assert_eq!(report.restarts, 1);
    assert_eq!(mem.snapshot(), served(&srv));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_pager_hits_the_page_and_entity_limits() {
    let defaults = SyncOptions::new();
    assert_eq!(
        (defaults.max_pages, defaults.max_entities),
        (DEFAULT_MAX_PAGES, DEFAULT_MAX_ENTITIES)
    );
    assert_eq!(
        (DEFAULT_MAX_PAGES, DEFAULT_MAX_ENTITIES),
        (100_000, 5_000_000)
    );
    assert_eq!(SyncOptions::default().max_pages, DEFAULT_MAX_PAGES);
    // 1200 entities in pages of 500: three pages a lap, laps without end.
    let (srv, c, mem) = setup(1200, options()).await;
    for mode in MODES {
        srv.clear_requests();
        srv.inject(FaultRule::always(FaultOn::Any, Fault::EndlessPages));
        let opts = SyncOptions::new().with_max_pages(40);
        let err = failing(&c, &mem, mode, &opts, "too_many_pages").await;
        assert!(
            matches!(err, SyncError::TooManyPages { limit: 40 }),
            "{err:?}"
        );
        assert!(err.to_string().contains("40 pages"), "{err}");
        assert_eq!(
            listings(&srv).len(),
            40,
            "{mode:?}: the 41st page is never asked for"
        );

        // The same server under the entity limit: pages of 500, 500, 200, 500, 500 (2 200)
        // pass 2 000 on the fifth.
        srv.clear_requests();
        let opts = SyncOptions::new().with_max_entities(2_000);
        let err = failing(&c, &mem, mode, &opts, "too_many_entities").await;
        assert!(
            matches!(err, SyncError::TooManyEntities { limit: 2_000 }),
            "{err:?}"
        );
        assert!(err.to_string().contains("more than 2000 entities"), "{err}");
        assert_eq!(listings(&srv).len(), 5, "{mode:?}");
        srv.clear_faults();
    }

    // A totalItems over the limit fails on the first page, without paging through.
    srv.clear_requests();
    let opts = SyncOptions::new().with_max_entities(1_000);
    failing(&c, &mem, SyncMode::Full, &opts, "too_many_entities").await;
    assert_eq!(srv.requests().len(), 1);

    // Honest listings within the limits pass.
    let opts = SyncOptions::new()
        .with_max_pages(3)
        .with_max_entities(1_200);
    let report = sync(&c, mem.target(), SyncMode::Full, &opts)
        .await
        .expect("within the limits");
    assert_eq!(report.pages, 3);
    assert_eq!(mem.snapshot(), served(&srv));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_can_shrink_its_catalog_or_end_a_listing_early() {
    // What the store's shrink guard is for: this crate applies whatever the server lists.
    let (srv, c, mem) = setup(1000, options()).await;
    succeeding(&c, &mem, SyncMode::Incremental).await;
    let whole = srv.with_catalog(|cat| cat.clone());

    assert_eq!(srv.with_catalog(|cat| cat.retain_fraction(0.1)), 900);
    let report = succeeding(&c, &mem, SyncMode::Incremental).await;
    assert_eq!((report.remote_total, report.removed), (100, 900));
    assert_eq!(mem.snapshot(), served(&srv));

    srv.with_catalog(|cat| *cat = whole.clone());
    succeeding(&c, &mem, SyncMode::Full).await;
    assert_eq!(mem.keys().len(), 1000);

    // The catalog stays whole but the listing ends after its first page.
    srv.inject(FaultRule::once(FaultOn::CursorPage, Fault::EndListing));
    let report = succeeding(&c, &mem, SyncMode::Full).await;
    assert_eq!((report.remote_total, report.removed), (500, 500));
    // Or serves nothing at all.
    srv.inject(FaultRule::once(FaultOn::FirstPage, Fault::EndListing));
    let report = succeeding(&c, &mem, SyncMode::Incremental).await;
    assert_eq!((report.remote_total, report.removed), (0, 500));
    assert!(mem.keys().is_empty());

    srv.with_catalog(|cat| cat.clear());
    let report = succeeding(&c, &mem, SyncMode::Full).await;
    assert_eq!(report.remote_total, 0);
    srv.with_catalog(|cat| *cat = whole);
    let report = succeeding(&c, &mem, SyncMode::Incremental).await;
    assert_eq!(report.added, 1000);
    assert_eq!(mem.snapshot(), served(&srv));
}
