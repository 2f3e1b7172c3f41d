//! "Test connection" and the client's endpoints against the test server.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use backlot_catalog_sync::test_server::{
    Catalog, Fault, FaultOn, FaultRule, ServerOptions, TestServer,
};
use backlot_catalog_sync::{QuerySpec, SyncError, test_connection};
use backlot_model::{ApiError, ErrorCode};
use backlot_secrets::Sensitive;
use common::{client, options, server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_connection_gives_the_entity_count_and_kinds() {
    let srv = server(1000).await;
    let info = test_connection(
        &format!("{}/api/catalog/", srv.base_url()),
        srv.token().as_ref(),
    )
    .await
    .expect("connection works");
    assert_eq!(info.entity_count, 1000);
    assert_eq!(info.base_url, srv.base_url());
    assert_eq!(
        info.kinds.first().map(|k| (k.value.as_str(), k.count)),
        Some(("Component", 755))
    );
    assert_eq!(info.kinds.iter().map(|k| k.count).sum::<u64>(), 1000);
    let reqs = srv.requests();
    assert_eq!(reqs[0].param("limit"), Some("1"));
    assert_eq!(reqs[0].param("fields"), Some("metadata.name"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_connection_names_the_exact_failure() {
    let srv = server(10).await;
    let kind = |r: Result<backlot_catalog_sync::ConnectionInfo, SyncError>| match r {
        Ok(i) => panic!("expected a failure, got {i:?}"),
        Err(e) => e,
    };
    let wrong = Sensitive::new("nope".to_owned());
    let e = kind(test_connection(&srv.base_url(), Some(&wrong)).await);
    assert_eq!(e.kind(), "unauthorized");
    assert!(e.to_string().contains("401"), "{e}");
    let e = kind(test_connection(&srv.base_url(), None).await);
    assert_eq!(e.kind(), "unauthorized");
    let e = kind(
        test_connection(
            &format!("{}/elsewhere", srv.base_url()),
            srv.token().as_ref(),
        )
        .await,
    );
    assert_eq!(e.kind(), "not_a_catalog");
    let e = kind(test_connection(&format!("https://{}", srv.addr()), srv.token().as_ref()).await);
    assert_eq!(e.kind(), "tls");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    srv.clear_requests();
    let e = kind(test_connection(&format!("http://127.0.0.1:{port}"), None).await);
    assert_eq!(e.kind(), "unreachable");
    assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "{e}");
    let e = kind(test_connection("localhost:7007", None).await);
    assert_eq!(e.kind(), "invalid_url");
    // No retries in a connection test: one 503, one answer.
    srv.inject(FaultRule::once(FaultOn::FirstPage, Fault::Status(503)));
    let e = kind(test_connection(&srv.base_url(), srv.token().as_ref()).await);
    assert_eq!(e.kind(), "server_error");
    assert_eq!(srv.requests().len(), 1);
    let api: ApiError = e.into();
    assert_eq!(api.code, ErrorCode::Offline);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_is_sent_only_as_a_bearer_header_and_never_shows_in_errors() {
    let secret = "sup3r-secret-token";
    let srv = TestServer::start(
        Catalog::generate(5),
        ServerOptions {
            token: Some(secret.into()),
            ..ServerOptions::default()
        },
    )
    .await
    .expect("server");
    let c = client(&srv, options());
    c.query_page(&QuerySpec::default(), None, true)
        .await
        .expect("authorized");
    srv.inject(FaultRule::once(FaultOn::Any, Fault::Status(500)));
    let e = c
        .query_page(&QuerySpec::default(), None, true)
        .await
        .expect_err("500");
    assert!(!e.to_string().contains(secret));
    assert!(!format!("{e:?}").contains(secret));
    assert!(!format!("{c:?}").contains(secret));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_refs_keeps_request_order_with_nulls_and_facets_count() {
    let srv = server(300).await;
    let c = client(&srv, options());
    let refs = vec![
        "Group:default/team-00002".to_owned(),
        "component:default/does-not-exist".to_owned(),
        "component:default/component-000007".to_owned(),
    ];
    let items = c
        .entities_by_refs(&refs, &["metadata.name".to_owned()])
        .await
        .expect("by-refs");
    let names: Vec<Option<&str>> = items
        .iter()
        .map(|i| i.as_ref().and_then(|e| e["metadata"]["name"].as_str()))
        .collect();
    assert_eq!(
        names,
        vec![Some("team-00002"), None, Some("component-000007")]
    );
    assert!(
        items[0].as_ref().is_some_and(|e| e.get("spec").is_none()),
        "fields applied"
    );
    let facets = c.facets(&["kind", "spec.lifecycle"]).await.expect("facets");
    assert_eq!(facets["kind"].iter().map(|f| f.count).sum::<u64>(), 300);
    assert!(
        facets["spec.lifecycle"]
            .iter()
            .any(|f| f.value == "experimental")
    );
    // Filters go on the first page only; the cursor carries them.
    let spec = QuerySpec {
        filters: vec!["kind=component".into()],
        order_field: Some("metadata.name".into()),
        ..QuerySpec::default()
    };
    let small = client(
        &srv,
        backlot_catalog_sync::ClientOptions {
            page_size: 100,
            ..options()
        },
    );
    srv.clear_requests();
    let first = small.query_page(&spec, None, true).await.expect("page 1");
    assert_eq!(first.total_items, Some(227));
    let cursor = first.next_cursor.clone().expect("more pages");
    let second = small
        .query_page(&spec, Some(&cursor), false)
        .await
        .expect("page 2");
    assert!(second.items.iter().all(|e| e["kind"] == "Component"));
    let reqs = srv.requests();
    assert_eq!(reqs[0].param("filter"), Some("kind=component"));
    assert_eq!(reqs[0].param("orderField"), Some("metadata.name"));
    assert_eq!(
        (
            reqs[1].param("filter"),
            reqs[1].param("orderField"),
            reqs[1].param("totalItems")
        ),
        (None, None, None)
    );
}
