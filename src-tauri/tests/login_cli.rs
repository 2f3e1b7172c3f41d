//! `backlot login` / `backlot logout` as processes: what they say when sign-in cannot start
//! (no backend, a URL that would leak the session, a backend that does not offer sign-in
//! for apps). The full sign-in against a real Backstage is in app/tests/backstage_auth_peer.rs.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_backlot");

fn backlot(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .env("BACKLOT_DATA_DIR", dir)
        .args(args)
        .output()
        .unwrap()
}

/// A Backstage without client metadata documents: 404 for everything.
fn plain_backstage() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let body = r#"{"error":{"name":"NotFoundError","message":"Not found"}}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn login_says_why_it_cannot_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = backlot(dir.path(), &["login", "--no-browser"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no team backend: pass --backend URL"),
        "{}",
        stderr(&out)
    );

    let out = backlot(
        dir.path(),
        &["login", "--backend", "http://backstage.example.com"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("only allowed to this machine"),
        "{}",
        stderr(&out)
    );

    let plain = plain_backstage();
    let out = backlot(dir.path(), &["login", "--no-browser", "--backend", &plain]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("does not offer sign-in for apps"), "{err}");
    assert!(
        err.contains("auth.clientIdMetadataDocuments.enabled"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn logout_without_a_session_is_fine() {
    assert!(
        std::env::var_os("BACKLOT_KEYRING_SESSION").is_some(),
        "signing out reads the keychain: run under scripts/with-keyring.sh (make test-native does)"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = backlot(dir.path(), &["logout"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Signed out"));
}
