//! HTTPS: a certificate from an unknown CA is a TLS error (not "unreachable"), and the same
//! server works once its CA is trusted through `ClientOptions::extra_roots_pem`.

mod common;

use std::sync::Arc;

use backlot_catalog_sync::{CatalogClient, ClientOptions, SyncOptions, full_sync, test_connection};
use common::{Memory, options, served, server};
use tokio::net::TcpListener;

/// A TLS front on 127.0.0.1 for `backend` (bytes forwarded as they are); returns its
/// address and the PEM of the CA that signed its certificate.
async fn tls_front(backend: std::net::SocketAddr) -> (std::net::SocketAddr, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose};
    let ca_key = KeyPair::generate().expect("ca key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "Backlot Sync Test CA");
    let ca_cert = ca_params.self_signed(&ca_key).expect("ca cert");
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf_params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).expect("leaf params");
    let leaf_cert = leaf_params.signed_by(&leaf_key, &issuer).expect("leaf cert");
    let _ = tokio_rustls::rustls::crypto::aws_lc_rs::default_provider().install_default();
    let key = tokio_rustls::rustls::pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der()).expect("key der");
    let config = tokio_rustls::rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![leaf_cert.der().clone(), ca_cert.der().clone()], key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { break };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else { return };
                let Ok(mut plain) = tokio::net::TcpStream::connect(backend).await else { return };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    (addr, ca_cert.pem())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untrusted_certificates_are_tls_errors_and_a_trusted_ca_works() {
    let srv = server(800).await;
    let (addr, ca_pem) = tls_front(srv.addr()).await;
    let url = format!("https://127.0.0.1:{}", addr.port());

    let err = test_connection(&url, srv.token().as_ref()).await.expect_err("unknown CA");
    assert_eq!(err.kind(), "tls", "{err}");
    assert!(err.to_string().to_lowercase().contains("certificate"), "{err}");

    let untrusted = CatalogClient::new(&url, srv.token().as_ref(), options()).expect("client");
    let mem = Memory::default();
    let err = full_sync(&untrusted, mem.target(), &SyncOptions::new()).await.expect_err("unknown CA");
    assert_eq!(err.kind(), "tls");
    assert_eq!(untrusted.meter().requests, 1, "TLS failures are not retried");
    assert!(mem.snapshot().is_empty());

    let trusted = CatalogClient::new(&url, srv.token().as_ref(), ClientOptions { extra_roots_pem: Some(ca_pem.into_bytes()), ..options() })
        .expect("client");
    let report = full_sync(&trusted, mem.target(), &SyncOptions::new()).await.expect("sync over https");
    assert_eq!(report.added, 800);
    assert_eq!(mem.snapshot(), served(&srv));
}
