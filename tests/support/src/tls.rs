//! A test certificate authority for HTTPS servers on 127.0.0.1 (feature `tls`): a fresh CA,
//! a leaf certificate it signed for `localhost` and `127.0.0.1`, and a TLS acceptor that
//! serves the chain. Clients trust the CA through its PEM, as a company CA would be added.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::PrivateKeyDer;

/// A TLS acceptor for 127.0.0.1/localhost and the PEM of the CA that signed its
/// certificate; `ca_name` is the CA's common name (it shows in certificate errors).
pub fn test_acceptor(ca_name: &str) -> (TlsAcceptor, String) {
    let ca_key = KeyPair::generate().expect("ca key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca_params
        .distinguished_name
        .push(DnType::CommonName, ca_name);
    let ca_cert = ca_params.self_signed(&ca_key).expect("ca cert");
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf_params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .expect("leaf params");
    let leaf_cert = leaf_params
        .signed_by(&leaf_key, &issuer)
        .expect("leaf cert");
    let _ = tokio_rustls::rustls::crypto::aws_lc_rs::default_provider().install_default();
    let key = PrivateKeyDer::try_from(leaf_key.serialize_der()).expect("key der");
    let config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![leaf_cert.der().clone(), ca_cert.der().clone()], key)
        .expect("server config");
    (TlsAcceptor::from(Arc::new(config)), ca_cert.pem())
}
