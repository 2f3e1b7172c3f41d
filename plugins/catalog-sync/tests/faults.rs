//! Every failure class gives its typed error, transient ones are retried with backoff, and
//! a failed sync leaves the target exactly as it was (rolled back, never half-applied).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::time::{Duration, Instant};

use backlot_catalog_sync::test_server::{Fault, FaultOn, FaultRule};
use backlot_catalog_sync::{
    CatalogClient, ClientOptions, SyncError, SyncMode, SyncOptions, full_sync, sync,
};
use backlot_model::{ApiError, ErrorCode};
use common::{Memory, client, options, served, server};

/// A server with `n` entities, a target holding an older copy of it (some entities changed
/// on the server since), so a half-applied sync would be visible.
async fn setup(
    n: usize,
) -> (
    backlot_catalog_sync::test_server::TestServer,
    CatalogClient,
    Memory,
) {
    let srv = server(n).await;
    let c = client(&srv, options());
    let mem = Memory::default();
    full_sync(&c, mem.target(), &SyncOptions::new())
        .await
        .expect("initial sync");
    srv.with_catalog(|cat| {
        for i in (0..n / 2).step_by(7) {
            cat.touch(&format!("component:default/component-{i:06}"));
        }
        cat.remove("user:default/user-00001");
    });
    srv.clear_requests();
    (srv, c, mem)
}

/// Runs a sync that must fail with `expect`, and checks the target is untouched.
async fn failing_sync(c: &CatalogClient, mem: &Memory, mode: SyncMode, expect: &str) -> SyncError {
    let old = mem.snapshot();
    let commits = mem.state().commits;
    let rollbacks = mem.state().rollbacks;
    let err = match sync(c, mem.target(), mode, &SyncOptions::new()).await {
        Ok(r) => panic!("{mode:?} sync should fail with {expect}, got {r:?}"),
        Err(e) => e,
    };
    assert_eq!(err.kind(), expect, "{mode:?}: {err}");
    assert_eq!(
        mem.snapshot(),
        old,
        "{mode:?}: the local copy is unchanged after {expect}"
    );
    assert_eq!(mem.state().commits, commits);
    assert_eq!(
        mem.state().rollbacks,
        rollbacks + 1,
        "{mode:?}: rolled back once"
    );
    err
}

async fn succeeding_sync(
    c: &CatalogClient,
    mem: &Memory,
    mode: SyncMode,
) -> backlot_catalog_sync::SyncReport {
    match sync(c, mem.target(), mode, &SyncOptions::new()).await {
        Ok(r) => r,
        Err(e) => panic!("{mode:?} sync should recover: {e}"),
    }
}

const MODES: [SyncMode; 2] = [SyncMode::Full, SyncMode::Incremental];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_cut_mid_page_is_retried_then_reported() {
    let (srv, c, mem) = setup(2000).await;
    for mode in MODES {
        srv.inject(FaultRule::always(FaultOn::CursorPage, Fault::CutMidBody));
        let err = failing_sync(&c, &mem, mode, "connection_cut").await;
        assert_eq!(ApiError::from(err).code, ErrorCode::Offline);
        let cuts = srv
            .requests()
            .iter()
            .filter(|r| r.fault == Some(Fault::CutMidBody))
            .count();
        assert_eq!(cuts, 3, "{mode:?}: one page tried 3 times");
        srv.clear_faults();
        srv.clear_requests();
    }
    srv.inject(FaultRule::once(FaultOn::CursorPage, Fault::CutMidBody).after(1));
    let report = succeeding_sync(&c, &mem, SyncMode::Full).await;
    assert_eq!(report.retries, 1);
    assert_eq!(mem.snapshot(), served(&srv));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_then_reported() {
    let (srv, c, mem) = setup(1500).await;
    srv.inject(FaultRule::always(FaultOn::CursorPage, Fault::Status(503)));
    let err = failing_sync(&c, &mem, SyncMode::Full, "server_error").await;
    assert!(matches!(err, SyncError::Server { status: 503, .. }));
    assert!(err.to_string().contains("injected failure 503"), "{err}");
    assert_eq!(srv.requests().iter().filter(|r| r.status == 503).count(), 3);
    srv.clear_faults();

    // by-refs failing during an incremental sync: the listing succeeded, nothing is applied.
    srv.inject(FaultRule::always(FaultOn::ByRefs, Fault::Status(500)));
    failing_sync(&c, &mem, SyncMode::Incremental, "server_error").await;
    srv.clear_faults();

    // Transient: twice 502, then fine.
    srv.inject(FaultRule::once(FaultOn::FirstPage, Fault::Status(502)).times(2));
    let report = succeeding_sync(&c, &mem, SyncMode::Incremental).await;
    assert_eq!(report.retries, 2);
    assert_eq!(mem.snapshot(), served(&srv));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_not_retried_and_changes_nothing() {
    let (srv, c, mem) = setup(1200).await;
    for mode in MODES {
        srv.inject(FaultRule::once(FaultOn::CursorPage, Fault::BadJson));
        let err = failing_sync(&c, &mem, mode, "malformed_json").await;
        assert_eq!(ApiError::from(err).code, ErrorCode::Unsupported);
        assert_eq!(
            srv.requests().iter().filter(|r| r.fault.is_some()).count(),
            1,
            "not retried"
        );
        srv.clear_requests();
    }
    srv.inject(FaultRule::once(FaultOn::ByRefs, Fault::BadJson));
    failing_sync(&c, &mem, SyncMode::Incremental, "malformed_json").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_pages_succeed_and_stalls_time_out() {
    let (srv, c, mem) = setup(1200).await;
    srv.inject(FaultRule::once(
        FaultOn::CursorPage,
        Fault::Delay(Duration::from_millis(300)),
    ));
    srv.inject(FaultRule::once(
        FaultOn::FirstPage,
        Fault::StallMidBody(Duration::from_millis(300)),
    ));
    let started = Instant::now();
    let report = succeeding_sync(&c, &mem, SyncMode::Full).await;
    assert!(started.elapsed() >= Duration::from_millis(600));
    assert_eq!(report.retries, 0);
    assert_eq!(mem.snapshot(), served(&srv));

    let impatient = client(
        &srv,
        ClientOptions {
            read_timeout: Duration::from_millis(400),
            ..options()
        },
    );
    srv.with_catalog(|cat| cat.touch("component:default/component-000001"));
    srv.inject(FaultRule::always(
        FaultOn::CursorPage,
        Fault::Delay(Duration::from_secs(2)),
    ));
    let err = failing_sync(&impatient, &mem, SyncMode::Full, "timeout").await;
    assert_eq!(ApiError::from(err).code, ErrorCode::Offline);
    srv.clear_faults();
    srv.inject(FaultRule::always(
        FaultOn::CursorPage,
        Fault::StallMidBody(Duration::from_secs(2)),
    ));
    failing_sync(&impatient, &mem, SyncMode::Incremental, "timeout").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_cursor_restarts_the_listing_once() {
    let (srv, c, mem) = setup(2000).await;
    srv.inject(FaultRule::once(FaultOn::CursorPage, Fault::ExpireCursor).after(1));
    let report = succeeding_sync(&c, &mem, SyncMode::Full).await;
    assert_eq!(report.restarts, 1);
    assert_eq!(mem.snapshot(), served(&srv));
    let first_pages: Vec<_> = srv
        .requests()
        .into_iter()
        .filter(|r| r.param("cursor").is_none())
        .collect();
    assert_eq!(first_pages.len(), 2);
    assert_eq!(first_pages[0].param("totalItems"), Some("include"));
    assert_eq!(
        first_pages[1].param("totalItems"),
        Some("exclude"),
        "totalItems is asked for once"
    );

    srv.with_catalog(|cat| cat.touch("component:default/component-000002"));
    srv.inject(FaultRule::always(FaultOn::CursorPage, Fault::ExpireCursor));
    for mode in MODES {
        let err = failing_sync(&c, &mem, mode, "cursor_expired").await;
        assert_eq!(ApiError::from(err).code, ErrorCode::Conflict);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_failures_are_not_retried() {
    let (srv, _c, mem) = setup(300).await;
    let wrong = backlot_secrets::Sensitive::new("wrong-token".to_owned());
    let bad = CatalogClient::new(&srv.base_url(), Some(&wrong), options()).expect("client");
    let err = failing_sync(&bad, &mem, SyncMode::Full, "unauthorized").await;
    assert_eq!(ApiError::from(err).code, ErrorCode::Unauthorized);
    assert_eq!(srv.requests().len(), 1, "401 is not retried");
    let none = CatalogClient::new(&srv.base_url(), None, options()).expect("client");
    failing_sync(&none, &mem, SyncMode::Incremental, "unauthorized").await;

    let c = client(&srv, options());
    srv.inject(FaultRule::once(FaultOn::FirstPage, Fault::Status(403)));
    let err = failing_sync(&c, &mem, SyncMode::Full, "forbidden").await;
    assert_eq!(ApiError::from(err).code, ErrorCode::Unauthorized);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_tls_and_not_a_catalog() {
    let (srv, _c, mem) = setup(100).await;
    // Unreachable: a port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let down = CatalogClient::new(
        &format!("http://127.0.0.1:{port}"),
        srv.token().as_ref(),
        options(),
    )
    .expect("client");
    let started = Instant::now();
    let err = failing_sync(&down, &mem, SyncMode::Full, "unreachable").await;
    assert_eq!(down.meter().requests, 3, "retried with backoff");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(ApiError::from(err).code, ErrorCode::Offline);

    // TLS: https:// to a server that speaks plain HTTP.
    let tls = CatalogClient::new(
        &format!("https://{}", srv.addr()),
        srv.token().as_ref(),
        options(),
    )
    .expect("client");
    let err = failing_sync(&tls, &mem, SyncMode::Full, "tls").await;
    assert!(err.to_string().contains("TLS"), "{err}");

    // A URL that is not a Backstage backend: 404 on the catalog path.
    let wrong = CatalogClient::new(
        &format!("{}/not-backstage", srv.base_url()),
        srv.token().as_ref(),
        options(),
    )
    .expect("client");
    let err = failing_sync(&wrong, &mem, SyncMode::Full, "not_a_catalog").await;
    assert!(err.to_string().contains("not a Backstage catalog"), "{err}");
    assert_eq!(ApiError::from(err).code, ErrorCode::InvalidInput);

    // A web page instead of the API.
    let c = client(&srv, options());
    srv.inject(FaultRule::once(FaultOn::FirstPage, Fault::Html));
    failing_sync(&c, &mem, SyncMode::Full, "not_a_catalog").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_failures_roll_back() {
    let (srv, c, mem) = setup(1600).await;
    for mode in MODES {
        mem.state().fail_upsert_at = Some(2);
        let err = failing_sync(&c, &mem, mode, "storage").await;
        assert_eq!(ApiError::from(err).code, ErrorCode::Storage);
    }
    mem.state().fail_upsert_at = None;
    succeeding_sync(&c, &mem, SyncMode::Incremental).await;
    assert_eq!(mem.snapshot(), served(&srv));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_whose_task_is_dropped_rolls_back() {
    let (srv, c, mem) = setup(2000).await;
    srv.inject(FaultRule::always(
        FaultOn::CursorPage,
        Fault::Delay(Duration::from_secs(3)),
    ));
    let old = mem.snapshot();
    let target = mem.target();
    let c2 = c.clone();
    let task = tokio::spawn(async move { full_sync(&c2, target, &SyncOptions::new()).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    task.abort();
    let _ = task.await;
    // The writer thread notices the engine is gone and rolls back.
    let deadline = Instant::now() + Duration::from_secs(5);
    while mem.state().rollbacks == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(mem.state().rollbacks, 1);
    assert_eq!(mem.snapshot(), old);
}
