//! Side by side with the real Backstage proxy-backend (../shared/backstage-peer): the same
//! requests through Backstage's `/api/proxy/echo` and through Backlot's proxy (configured
//! the same way, same node echo upstream) must see the same path mapping, header filtering
//! and refusals.
//!
//! Needs the peer running:  ../shared/backstage-peer/run-backstage.sh start
//! Then:  cargo test -p backlot-proxy-backend --features backstage-peer --test backstage_peer
//! Env: BACKSTAGE_PEER_URL (http://127.0.0.1:7007), BACKSTAGE_PEER_ECHO (http://127.0.0.1:7078),
//! TOKEN (backlot-peer-token-0123456789).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use backlot_proxy_backend::{NoSecrets, Proxy, ProxyBody, ProxyRequest};
use bytes::Bytes;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

struct Peer {
    base: String,
    token: String,
    client: reqwest::Client,
    backlot: Proxy,
}

/// What the echo upstream reports, plus the proxy's answer.
#[derive(Debug)]
struct Outcome {
    status: u16,
    upstream_url: Option<String>,
    upstream_headers: BTreeSet<String>,
    upstream_body: Option<String>,
    response_headers: BTreeSet<String>,
}

/// Headers set by the transport, not by filtering: they legitimately differ.
const TRANSPORT: &[&str] = &[
    "host",
    "connection",
    "content-length",
    "transfer-encoding",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-port",
    "x-forwarded-proto",
];

fn outcome(status: u16, body: &[u8], response_headers: BTreeSet<String>) -> Outcome {
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let upstream_url = json
        .as_ref()
        .and_then(|j| j["url"].as_str().map(str::to_owned));
    let upstream_body = json
        .as_ref()
        .and_then(|j| j["body"].as_str().map(str::to_owned));
    let upstream_headers = json
        .as_ref()
        .and_then(|j| j["headers"].as_object())
        .map(|h| {
            h.keys()
                .filter(|k| !TRANSPORT.contains(&k.as_str()))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    Outcome {
        status,
        upstream_url,
        upstream_headers,
        upstream_body,
        response_headers,
    }
}

/// Response headers that came from the upstream (Backstage adds its own security/CORS
/// headers after the proxy's filter; those are not the proxy's doing).
fn upstream_response_headers<'a>(names: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    names
        .filter(|n| ["content-type", "x-echo"].contains(n))
        .map(str::to_owned)
        .collect()
}

impl Peer {
    async fn connect() -> Peer {
        let base = env_or("BACKSTAGE_PEER_URL", "http://127.0.0.1:7007");
        let echo = env_or("BACKSTAGE_PEER_ECHO", "http://127.0.0.1:7078");
        let token = env_or("TOKEN", "backlot-peer-token-0123456789");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let ready = client
            .get(format!("{base}/.backstage/health/v1/readiness"))
            .send()
            .await;
        assert!(
            ready.as_ref().is_ok_and(|r| r.status().is_success()),
            "the Backstage peer is not running at {base}: start ../shared/backstage-peer/run-backstage.sh start"
        );
        // The peer's own config for `/echo`.
        let yaml = format!(
            "proxy:\n  endpoints:\n    '/echo':\n      target: {echo}\n      allowedHeaders: [X-Custom-Header]\n"
        );
        let config =
            backlot_config::Config::from_yaml("peer.yaml", &yaml, &|_| None).expect("config");
        let backlot = Proxy::from_config(&config, Arc::new(NoSecrets)).expect("proxy");
        Peer {
            base,
            token,
            client,
            backlot,
        }
    }

    async fn backstage(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &'static [u8],
    ) -> Outcome {
        let url = format!("{}/api/proxy{path}", self.base);
        let mut req = self
            .client
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
                &url,
            )
            .bearer_auth(&self.token);
        for (n, v) in headers {
            req = req.header(*n, *v);
        }
        if !body.is_empty() {
            req = req.body(body);
        }
        let resp = req.send().await.expect("backstage answered");
        let status = resp.status().as_u16();
        let names: Vec<String> = resp
            .headers()
            .keys()
            .map(|k| k.as_str().to_owned())
            .collect();
        let bytes = resp.bytes().await.unwrap_or_default();
        outcome(
            status,
            &bytes,
            upstream_response_headers(names.iter().map(String::as_str)),
        )
    }

    async fn backlot(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &'static [u8],
    ) -> Outcome {
        let mut all: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        // What the UI would send along; Backstage needs it for its own auth.
        all.push(("Authorization".into(), format!("Bearer {}", self.token)));
        let req = ProxyRequest {
            method: method.into(),
            path: path.into(),
            headers: all,
            body: if body.is_empty() {
                ProxyBody::Empty
            } else {
                ProxyBody::Bytes(Bytes::from_static(body))
            },
        };
        match self.backlot.handle(req).await {
            Ok(resp) => {
                let status = resp.status;
                let names: Vec<String> = resp.headers.iter().map(|(n, _)| n.clone()).collect();
                let bytes = resp.body.bytes().await.unwrap_or_default();
                outcome(
                    status,
                    &bytes,
                    upstream_response_headers(names.iter().map(String::as_str)),
                )
            }
            Err(e) => outcome(e.status(), b"", BTreeSet::new()),
        }
    }
}

const HEADERS: &[(&str, &str)] = &[
    ("Accept", "application/json"),
    ("User-Agent", "backlot-side-by-side"),
    ("X-Custom-Header", "kept"),
    ("x-other-header", "dropped"),
    ("Cookie", "sid=1"),
    ("Cache-Control", "no-cache"),
    ("Accept-Language", "en"),
];

#[tokio::test]
async fn same_mapping_filtering_and_refusals_as_backstage() {
    let peer = Peer::connect().await;
    for (method, path, body) in [
        ("GET", "/echo/a/b?x=1&y=two", &b""[..]),
        ("GET", "/echo", &b""[..]),
        ("GET", "/echo/", &b""[..]),
        ("GET", "/echo/deep/path/with%20space", &b""[..]),
        ("POST", "/echo/submit", &b"{\"k\":1}"[..]),
        ("DELETE", "/echo/item/1", &b""[..]),
    ] {
        let bs = peer.backstage(method, path, HEADERS, body).await;
        let bl = peer.backlot(method, path, HEADERS, body).await;
        eprintln!("{method} {path}\n  backstage: {bs:?}\n  backlot:   {bl:?}");
        assert_eq!(bs.status, 200, "{path}: Backstage did not proxy");
        assert_eq!(bl.status, bs.status, "{method} {path}: status");
        assert_eq!(
            bl.upstream_url, bs.upstream_url,
            "{method} {path}: path mapping"
        );
        assert_eq!(
            bl.upstream_headers, bs.upstream_headers,
            "{method} {path}: request header filtering"
        );
        assert_eq!(bl.upstream_body, bs.upstream_body, "{method} {path}: body");
        assert_eq!(
            bl.response_headers, bs.response_headers,
            "{method} {path}: response header filtering"
        );
    }
}

impl Peer {
    /// The status for a raw request path: URL libraries (reqwest's `url`) normalise
    /// `%2e%2e` away before sending, so this writes the request line itself.
    async fn backstage_raw_status(&self, path: &str) -> u16 {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let authority = self
            .base
            .trim_start_matches("http://")
            .trim_end_matches('/');
        let mut stream = tokio::net::TcpStream::connect(authority)
            .await
            .expect("connect to the peer");
        let request = format!(
            "GET /api/proxy{path} HTTP/1.1\r\nHost: {authority}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
            self.token
        );
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.expect("read");
        let text = String::from_utf8_lossy(&response);
        text.split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status line")
    }
}

#[tokio::test]
async fn same_refusals_as_backstage() {
    let peer = Peer::connect().await;
    for path in [
        "/echo/../secret",
        "/echo/%2e%2e/secret",
        "/echo/%2E%2E/secret",
        "/echo/..%2fsecret",
        "/echo/..%5csecret",
        "/echo/.%2e/x",
        "/nope/x",
    ] {
        let bs = peer.backstage_raw_status(path).await;
        let bl = peer.backlot("GET", path, HEADERS, b"").await;
        eprintln!("GET {path}: backstage {bs} backlot {}", bl.status);
        assert!(bs >= 400, "{path}: Backstage proxied it ({bs})");
        assert_eq!(bl.status, bs, "{path}: refusal status");
        assert_eq!(bl.upstream_url, None);
    }
    // Not traversal: `a..b` is an ordinary segment for both.
    assert_eq!(peer.backstage_raw_status("/echo/a..b").await, 200);
    assert_eq!(
        peer.backlot("GET", "/echo/a..b", HEADERS, b"").await.status,
        200
    );
}
