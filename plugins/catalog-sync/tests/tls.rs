//! HTTPS: a certificate from an unknown CA is a TLS error (not "unreachable"), and the same
//! server works once its CA is trusted through `ClientOptions::extra_roots_pem`.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use backlot_catalog_sync::{CatalogClient, ClientOptions, SyncOptions, full_sync, test_connection};
use common::{Memory, options, served, server};
use tokio::net::TcpListener;

/// A TLS front on 127.0.0.1 for `backend` (bytes forwarded as they are); returns its
/// address and the PEM of the CA that signed its certificate.
async fn tls_front(backend: std::net::SocketAddr) -> (std::net::SocketAddr, String) {
    let (acceptor, ca_pem) = backlot_test_support::tls::test_acceptor("Backlot Sync Test CA");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                break;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let Ok(mut plain) = tokio::net::TcpStream::connect(backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    (addr, ca_pem)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untrusted_certificates_are_tls_errors_and_a_trusted_ca_works() {
    let srv = server(800).await;
    let (addr, ca_pem) = tls_front(srv.addr()).await;
    let url = format!("https://127.0.0.1:{}", addr.port());

    let err = test_connection(&url, srv.token().as_ref())
        .await
        .expect_err("unknown CA");
    assert_eq!(err.kind(), "tls", "{err}");
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );

    let untrusted = CatalogClient::new(&url, srv.token().as_ref(), options()).expect("client");
    let mem = Memory::default();
    let err = full_sync(&untrusted, mem.target(), &SyncOptions::new())
        .await
        .expect_err("unknown CA");
    assert_eq!(err.kind(), "tls");
    assert_eq!(
        untrusted.meter().requests,
        1,
        "TLS failures are not retried"
    );
    assert!(mem.snapshot().is_empty());

    let trusted = CatalogClient::new(
        &url,
        srv.token().as_ref(),
        ClientOptions {
            extra_roots_pem: Some(ca_pem.into_bytes()),
            ..options()
        },
    )
    .expect("client");
    let report = full_sync(&trusted, mem.target(), &SyncOptions::new())
        .await
        .expect("sync over https");
    assert_eq!(report.added, 800);
    assert_eq!(mem.snapshot(), served(&srv));
}
