//! Canary: a secret stored in a real keychain (gnome-keyring via scripts/with-keyring.sh)
//! is injected into proxied calls while TRACE logging of every crate is captured; its
//! value must appear nowhere in logs, errors (Display, Debug, ApiError JSON), response
//! Debug output or the loaded config.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use backlot_model::ApiError;
use backlot_proxy_backend::{ProxyBody, ProxyRequest};
use backlot_secrets::{Keychain, Sensitive};
use bytes::Bytes;
use common::*;

const CANARY: &str = "canary-9d41f7c2-do-not-log";
const BAD_CANARY: &str = "canary-bad-77aa\r\nX-Evil: 1";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn secret_value_never_leaks() {
    // Outside a keyring session: re-run under scripts/with-keyring.sh, which must run
    // exactly this test and pass.
    if !backlot_test_support::ensure_keyring_session("secret_value_never_leaks") {
        return;
    }

    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(2)
        .build()
        .expect("rt");
    runtime.block_on(async {
        let keychain = Keychain::open_service("backlot-canary").expect("keychain");
        keychain
            .set("CANARY_TOKEN", &Sensitive::new(CANARY.to_owned()))
            .expect("set canary");
        keychain
            .set("BAD_TOKEN", &Sensitive::new(BAD_CANARY.to_owned()))
            .expect("set bad canary");

        let up = start().await;
        let other = start().await;
        let dead = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let dead_port = dead.local_addr().expect("addr").port();
        drop(dead);
        let yaml = format!(
            r#"
proxy:
  endpoints:
    /c:
      target: {up}
      headers:
        Authorization: Bearer ${{secret:CANARY_TOKEN}}
        X-Api-Key: ${{secret:CANARY_TOKEN}}
      allowedHeaders: [Location]
    /bad:
      target: {up}
      headers:
        X-Api-Key: ${{secret:BAD_TOKEN}}
    /dead:
      target: http://127.0.0.1:{dead_port}
      headers:
        X-Api-Key: ${{secret:CANARY_TOKEN}}
backlot:
  proxy:
    requestTimeoutSeconds: 1
    maxResponseBytes: 100
"#,
            up = up.url()
        );
        let config = config(&yaml);
        let proxy = backlot_proxy_backend::Proxy::from_config(&config, Arc::new(keychain.clone()))
            .expect("proxy");
        let mut outputs: Vec<String> = vec![
            format!("{config:?}"),
            format!("{proxy:?}"),
            format!("{keychain:?}"),
        ];

        let requests = vec![
            ProxyRequest::get("/c/huge?n=10").header("Accept", "*/*"),
            ProxyRequest::get(format!("/c/redirect-to?port={}", other.addr.port())),
            ProxyRequest::get("/c/redirect-same"),
            ProxyRequest {
                method: "POST".into(),
                path: "/c/huge?n=20".into(),
                headers: vec![("Content-Type".into(), "text/plain".into())],
                body: ProxyBody::Bytes(Bytes::from_static(b"payload")),
            },
            ProxyRequest::get("/c/huge?n=5000"),
            ProxyRequest::get("/c/slow-headers"),
            ProxyRequest::get("/c/%2e%2e/x"),
            ProxyRequest::get("/c/x").header("X-Custom", "a\r\nb"),
            ProxyRequest::get("/bad/x"),
            ProxyRequest::get("/dead/x"),
        ];
        let mut upstream_saw_canary = false;
        for req in requests {
            outputs.push(format!("{req:?}"));
            match proxy.handle(req).await {
                Ok(resp) => {
                    outputs.push(format!("{resp:?}"));
                    outputs.push(format!("{:?}", resp.headers));
                    match resp.body.bytes().await {
                        Ok(b) => outputs.push(String::from_utf8_lossy(&b).into_owned()),
                        Err(e) => outputs.extend(error_texts(e)),
                    }
                }
                Err(e) => outputs.extend(error_texts(e)),
            }
            upstream_saw_canary |= up
                .log
                .all()
                .iter()
                .any(|s| s.header("x-api-key") == Some(CANARY));
        }
        assert!(
            upstream_saw_canary,
            "the canary was never injected: the test proves nothing"
        );
        assert!(
            other.log.all().is_empty(),
            "a cross-origin redirect was followed"
        );
        keychain.delete("CANARY_TOKEN").expect("cleanup");
        keychain.delete("BAD_TOKEN").expect("cleanup");

        let logs = captured
            .0
            .lock()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        assert!(
            logs.contains("endpoint=/c")
                && logs.contains("status=200")
                && logs.contains("method=GET"),
            "logs not captured:\n{logs}"
        );
        assert!(logs.contains("endpoint=/bad") && logs.contains("endpoint=/dead"));
        for needle in [CANARY, "canary-bad-77aa", "9d41f7c2"] {
            assert!(!logs.contains(needle), "secret in logs:\n{logs}");
            for text in &outputs {
                assert!(!text.contains(needle), "secret in output: {text}");
            }
        }
    });
}

fn error_texts(e: backlot_proxy_backend::ProxyError) -> Vec<String> {
    let display = e.to_string();
    let debug = format!("{e:?}");
    let api = serde_json::to_string(&ApiError::from(e)).unwrap_or_default();
    vec![display, debug, api]
}
