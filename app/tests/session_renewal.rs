//! When the signed-in session renews itself, against a hand-written sign-in server on
//! 127.0.0.1 whose token lifetimes and 401s the test controls (a real Backstage issues
//! one-hour tokens: app/tests/backstage_auth_peer.rs covers the rest). Real Secret Service:
//! run under scripts/with-keyring.sh.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use backlot_app::Api;
use backlot_app::sync::{CredentialSource, SyncError};

#[derive(Default)]
struct Server {
    /// Access tokens issued so far (`at-1`, `at-2`, …).
    issued: u32,
    refreshes: u32,
    /// Access tokens the catalog answers 401 to.
    refused: Vec<String>,
    /// Lifetime of new access tokens, seconds.
    lifetime: u64,
    /// Catalog requests and the token each carried.
    catalog_calls: Vec<String>,
}

fn start(state: Arc<Mutex<Server>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let me = base.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let (mut auth, mut length) = (String::new(), 0usize);
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
                let (k, v) = h.split_once(':').unwrap_or(("", ""));
                match k.to_ascii_lowercase().as_str() {
                    "authorization" => auth = v.trim().trim_start_matches("Bearer ").to_string(),
                    "content-length" => length = v.trim().parse().unwrap_or(0),
                    _ => {}
                }
            }
            let mut body = vec![0u8; length];
            let _ = reader.read_exact(&mut body);
            let form = String::from_utf8_lossy(&body).into_owned();
            let path = line.split(' ').nth(1).unwrap_or("").to_string();
            let mut s = state.lock().unwrap();
            let token = |s: &mut Server| {
                s.issued += 1;
                format!(
                    r#"{{"access_token":"at-{}","token_type":"Bearer","expires_in":{},"refresh_token":"rt-{}"}}"#,
                    s.issued, s.lifetime, s.issued
                )
            };
            let (status, answer) = if path.ends_with("/oauth-client/cli.json") {
                (
                    200,
                    format!(
                        r#"{{"client_id":"{me}/api/auth/.well-known/oauth-client/cli.json","redirect_uris":["http://127.0.0.1:8055/callback"],"scope":"openid offline_access"}}"#
                    ),
                )
            } else if path.starts_with("/api/auth/v1/token")
                && form.contains("grant_type=refresh_token")
            {
                s.refreshes += 1;
                (200, token(&mut s))
            } else if path.starts_with("/api/auth/v1/token") {
                (200, token(&mut s))
            } else if path.starts_with("/api/auth/v1/userinfo") {
                (200, r#"{"claims":{"sub":"user:default/ada"}}"#.to_string())
            } else if path.starts_with("/api/catalog/") {
                s.catalog_calls.push(auth.clone());
                if s.refused.contains(&auth) || s.refused.iter().any(|r| r == "*") {
                    (
                        401,
                        r#"{"error":{"name":"AuthenticationError","message":"Illegal token"}}"#
                            .to_string(),
                    )
                } else {
                    (
                        200,
                        r#"{"items":[],"totalItems":0,"pageInfo":{}}"#.to_string(),
                    )
                }
            } else {
                (404, "{}".to_string())
            };
            drop(s);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    base
}

/// Signs `api` in to `base` by playing the browser's return to the listener.
fn sign_in(api: &Api, base: &str) {
    let started = api.start_sign_in(base, false).unwrap();
    let url = url::Url::parse(&started.authorize_url).unwrap();
    let state = url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let mut stream = std::net::TcpStream::connect("127.0.0.1:8055").unwrap();
    write!(
        stream,
        "GET /callback?code=c0de&state={state} HTTP/1.1\r\nhost: x\r\n\r\n"
    )
    .unwrap();
    let mut page = String::new();
    stream.read_to_string(&mut page).unwrap();
    assert!(page.contains("Signed in"), "{page}");
    let session = api.wait_for_sign_in().unwrap();
    assert_eq!(session.user.as_deref(), Some("user:default/ada"));
}

fn sync(api: &Api, base: &str) -> Result<(), SyncError> {
    let credential = api.credential_for(base).unwrap();
    let run = api
        .sync_and_wait(None, &credential, Default::default(), |_| {})
        .unwrap();
    run.result.map(|_| ())
}

fn token_of(api: &Api, base: &str) -> String {
    let credential = api.credential_for(base).unwrap();
    assert_eq!(credential.source, CredentialSource::Session);
    credential.token.unwrap().expose().clone()
}

#[test]
fn the_session_renews_ahead_of_expiry_and_once_after_a_401() {
    assert!(
        std::env::var_os("BACKLOT_KEYRING_SESSION").is_some(),
        "needs a real Secret Service: run under scripts/with-keyring.sh"
    );
    let state = Arc::new(Mutex::new(Server {
        lifetime: 3600,
        ..Server::default()
    }));
    let base = start(state.clone());
    let dir = tempfile::tempdir().unwrap();
    let api = Api::builder(dir.path())
        .keychain_service(&format!("backlot-renewal-{}", std::process::id()))
        .open();

    sign_in(&api, &base);
    assert_eq!(
        token_of(&api, &base),
        "at-1",
        "a fresh token is used as it is"
    );
    assert_eq!(state.lock().unwrap().refreshes, 0);

    // Tokens that expire within the minute are renewed before use.
    state.lock().unwrap().lifetime = 30;
    sign_in(&api, &base);
    assert_eq!(token_of(&api, &base), "at-3", "renewed ahead of expiry");
    assert_eq!(state.lock().unwrap().refreshes, 1);
    state.lock().unwrap().lifetime = 3600;
    assert_eq!(token_of(&api, &base), "at-4");
    assert_eq!(token_of(&api, &base), "at-4", "a long-lived token is kept");

    // The backend stops accepting the token: the sync renews once and goes on.
    state.lock().unwrap().refused.push("at-4".into());
    let run = sync(&api, &base);
    assert!(run.is_ok(), "{run:?}");
    let s = state.lock().unwrap();
    assert_eq!(s.refreshes, 3);
    assert_eq!(s.catalog_calls.first().map(String::as_str), Some("at-4"));
    assert_eq!(s.catalog_calls.last().map(String::as_str), Some("at-5"));
    drop(s);

    // Refusing every token: one renewal, then the sync fails as unauthorized.
    state.lock().unwrap().refused.push("*".into());
    let run = sync(&api, &base);
    assert!(matches!(run, Err(SyncError::Unauthorized)), "{run:?}");
    assert_eq!(
        state.lock().unwrap().refreshes,
        4,
        "exactly one renewal per 401"
    );
    api.sign_out().unwrap();
}
