//! The proxy against real upstreams on 127.0.0.1.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use backlot_model::{ApiError, ErrorCode};
use backlot_proxy_backend::{
    NoSecrets, ProxyBody, ProxyError, ProxyOptions, ProxyRequest, SecretResolver,
};
use bytes::Bytes;
use common::*;
use futures::StreamExt;

fn echo_yaml(url: &str) -> String {
    format!(
        r#"
proxy:
  endpoints:
    /echo:
      target: {url}/base
      headers:
        X-Api-Key: ${{secret:ECHO_KEY}}
        X-Static: static-value
      allowedHeaders: [X-Custom, X-Allowed-Response]
    /fwd:
      target: {url}
      credentials: forward
    /limited:
      target: {url}
      allowedMethods: [GET, HEAD]
    /multi/seg:
      target: {url}/deep
    /rewrite:
      target: {url}
      pathRewrite:
        '^/api/proxy/rewrite/old/': '/new/'
"#
    )
}

#[tokio::test]
async fn maps_paths_and_filters_headers_like_backstage() {
    let up = start().await;
    let resolver = MapResolver::with(&[("ECHO_KEY", "key-123")]);
    let p = proxy(&echo_yaml(&up.url()), resolver.clone());
    let resp = p
        .handle(
            ProxyRequest::get("/echo/a/b?x=1&y=%2F")
                .header("Accept", "application/json")
                .header("Authorization", "Bearer caller-token")
                .header("Cookie", "sid=browser")
                .header("X-Custom", "kept")
                .header("X-Other", "dropped")
                .header("X-Api-Key", "caller-tries-to-override")
                .header("User-Agent", "backlot-ui"),
        )
        .await
        .expect("proxied");
    assert_eq!(resp.status, 200);
    let seen = up.log.last();
    assert_eq!(seen.uri, "/base/a/b?x=1&y=%2F");
    assert_eq!(seen.header("accept"), Some("application/json"));
    assert_eq!(seen.header("x-custom"), Some("kept"));
    assert_eq!(seen.header("user-agent"), Some("backlot-ui"));
    assert_eq!(
        seen.header("x-api-key"),
        Some("key-123"),
        "configured header wins"
    );
    assert_eq!(seen.header("x-static"), Some("static-value"));
    assert_eq!(
        seen.header("authorization"),
        None,
        "credentials: require strips the caller's token"
    );
    assert_eq!(seen.header("cookie"), None);
    assert_eq!(seen.header("x-other"), None);
    assert_eq!(seen.header("host"), Some(up.addr.to_string().as_str()));
    assert_eq!(resolver.calls.load(std::sync::atomic::Ordering::SeqCst), 1);

    assert_eq!(resp.header("content-type"), Some("application/json"));
    assert_eq!(resp.header("x-allowed-response"), Some("yes"));
    assert_eq!(resp.header("x-upstream-private"), None);
    assert_eq!(resp.header("set-cookie"), None);
    let body = resp.body.bytes().await.expect("body");
    let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(json["uri"], "/base/a/b?x=1&y=%2F");
}

#[tokio::test]
async fn route_variants_and_rewrite() {
    let up = start().await;
    let p = proxy(&echo_yaml(&up.url()), Arc::new(NoSecrets));
    for (path, upstream) in [
        ("/multi/seg/x", "/deep/x"),
        ("/multi/seg", "/deep/"),
        ("/fwd", "/"),
        ("/fwd?q=1", "/?q=1"),
        ("/fwd/a//b", "/a/b"),
        ("/rewrite/old/thing", "/new/thing"),
        ("/rewrite/other", "/api/proxy/rewrite/other"),
    ] {
        let r = p.handle(ProxyRequest::get(path)).await.expect(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(up.log.last().uri, upstream, "{path}");
    }
    // `/fwdx` is not `/fwd`: routes match whole segments.
    let e = p
        .handle(ProxyRequest::get("/fwdx/y"))
        .await
        .expect_err("unknown");
    assert_eq!(e.status(), 404);
}

#[tokio::test]
async fn forward_credentials_passes_authorization() {
    let up = start().await;
    let p = proxy(&echo_yaml(&up.url()), Arc::new(NoSecrets));
    p.handle(ProxyRequest::get("/fwd/x").header("Authorization", "Bearer caller"))
        .await
        .expect("ok");
    assert_eq!(up.log.last().header("authorization"), Some("Bearer caller"));
}

#[tokio::test]
async fn refusals_never_reach_the_upstream() {
    let up = start().await;
    let p = proxy(
        &echo_yaml(&up.url()),
        MapResolver::with(&[("ECHO_KEY", "k")]),
    );
    let cases: Vec<(ProxyRequest, u16, ErrorCode)> = vec![
        (ProxyRequest::get("/nope/x"), 404, ErrorCode::NotFound),
        (
            ProxyRequest::get("/echo/../secret"),
            400,
            ErrorCode::InvalidInput,
        ),
        (
            ProxyRequest::get("/echo/%2e%2e/secret"),
            400,
            ErrorCode::InvalidInput,
        ),
        (
            ProxyRequest::get("/echo/%2E%2e%2Fsecret"),
            400,
            ErrorCode::InvalidInput,
        ),
        (
            ProxyRequest::get("/echo/..%2fsecret"),
            400,
            ErrorCode::InvalidInput,
        ),
        (
            ProxyRequest::get("/echo/.%2e/secret"),
            400,
            ErrorCode::InvalidInput,
        ),
        (
            ProxyRequest::get("/echo/%252e%252e/secret"),
            400,
            ErrorCode::InvalidInput,
        ),
        (
            ProxyRequest::get("/echo/..\\secret"),
            400,
            ErrorCode::InvalidInput,
        ),
        (
            ProxyRequest::get("/../echo/x"),
            400,
            ErrorCode::InvalidInput,
        ),
        (
            ProxyRequest::get("http://evil.example/echo/x"),
            400,
            ErrorCode::InvalidInput,
        ),
        (
            ProxyRequest::get("//evil.example/echo/x"),
            400,
            ErrorCode::InvalidInput,
        ),
        (
            ProxyRequest::get("/echo/x\r\nHost: evil"),
            400,
            ErrorCode::InvalidInput,
        ),
        (
            ProxyRequest::get("/echo/x").header("X-Custom", "a\r\nX-Injected: 1"),
            400,
            ErrorCode::InvalidInput,
        ),
        (
            ProxyRequest::get("/echo/x").header("X-Custom", "a\nb"),
            400,
            ErrorCode::InvalidInput,
        ),
        (
            ProxyRequest::get("/echo/x").header("Bad Name", "v"),
            400,
            ErrorCode::InvalidInput,
        ),
        (
            ProxyRequest::get("/echo/x").header("X-Other", "\r\n"),
            400,
            ErrorCode::InvalidInput,
        ),
        (
            ProxyRequest {
                method: "DELETE".into(),
                path: "/limited/x".into(),
                headers: vec![],
                body: ProxyBody::Empty,
            },
            405,
            ErrorCode::Unsupported,
        ),
        (
            ProxyRequest {
                method: "GE T".into(),
                path: "/echo/x".into(),
                headers: vec![],
                body: ProxyBody::Empty,
            },
            400,
            ErrorCode::InvalidInput,
        ),
    ];
    for (req, status, code) in cases {
        let label = format!(
            "{} {} {:?}",
            req.method,
            req.path.escape_debug(),
            req.headers
        );
        let e = p.handle(req).await.expect_err(&label);
        assert_eq!(e.status(), status, "{label}: {e}");
        assert_eq!(ApiError::from(e).code, code, "{label}");
    }
    assert!(
        up.log.all().is_empty(),
        "refused requests reached the upstream: {:?}",
        up.log.all()
    );
    // Allowed methods still pass.
    let ok = p
        .handle(ProxyRequest::get("/limited/x"))
        .await
        .expect("GET allowed");
    assert_eq!(ok.status, 200);
}

#[tokio::test]
async fn missing_secret_is_unauthorized_and_not_sent() {
    let up = start().await;
    let p = proxy(&echo_yaml(&up.url()), Arc::new(NoSecrets));
    let e = p
        .handle(ProxyRequest::get("/echo/x"))
        .await
        .expect_err("missing");
    assert!(
        matches!(e, ProxyError::MissingSecret { ref name, .. } if name == "ECHO_KEY"),
        "{e:?}"
    );
    let api = ApiError::from(e);
    assert_eq!(api.code, ErrorCode::Unauthorized);
    assert!(
        api.message.contains("ECHO_KEY") && api.message.contains("/echo"),
        "{}",
        api.message
    );
    assert!(up.log.all().is_empty());
}

#[tokio::test]
async fn redirects_to_another_origin_are_not_followed() {
    let a = start().await;
    let b = start().await;
    let port = b.addr.port();
    let yaml = format!(
        "proxy:\n  endpoints:\n    /a:\n      target: {}\n      headers:\n        X-Api-Key: ${{secret:ECHO_KEY}}\n      allowedHeaders: [Location]\n",
        a.url()
    );
    let p = proxy(&yaml, MapResolver::with(&[("ECHO_KEY", "cred-for-a")]));
    let resp = p
        .handle(ProxyRequest::get(format!("/a/redirect-to?port={port}")))
        .await
        .expect("3xx returned");
    assert_eq!(resp.status, 302);
    assert_eq!(
        resp.header("location"),
        Some(format!("http://127.0.0.1:{port}/landed").as_str())
    );
    assert!(
        b.log.all().is_empty(),
        "the other origin was contacted: {:?}",
        b.log.all()
    );

    // Same origin: followed, credentials kept.
    let resp = p
        .handle(ProxyRequest::get("/a/redirect-same"))
        .await
        .expect("followed");
    assert_eq!(resp.status, 200);
    let landed = a.log.last();
    assert_eq!(landed.uri, "/landed");
    assert_eq!(landed.header("x-api-key"), Some("cred-for-a"));
}

#[tokio::test]
async fn upstream_timeouts() {
    let up = start().await;
    let yaml = format!(
        "proxy:\n  endpoints:\n    /s: {}\nbacklot:\n  proxy:\n    requestTimeoutSeconds: 1\n    idleTimeoutSeconds: 1\n",
        up.url()
    );
    let p = proxy(&yaml, Arc::new(NoSecrets));
    let started = Instant::now();
    let e = p
        .handle(ProxyRequest::get("/s/slow-headers"))
        .await
        .expect_err("timeout");
    assert!(matches!(e, ProxyError::Timeout { .. }), "{e:?}");
    assert_eq!(e.status(), 504);
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );

    let resp = p
        .handle(ProxyRequest::get("/s/slow-body"))
        .await
        .expect("headers arrive");
    let mut body = resp.body;
    assert_eq!(
        body.next().await.and_then(Result::ok),
        Some(Bytes::from_static(b"first"))
    );
    let started = Instant::now();
    let next = body.next().await.expect("an item");
    assert!(matches!(next, Err(ProxyError::Timeout { .. })), "{next:?}");
    assert!(started.elapsed() < Duration::from_millis(2500));
}

#[tokio::test]
async fn unreachable_upstream_is_offline() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let p = proxy(
        &format!("proxy:\n  endpoints:\n    /gone: http://127.0.0.1:{port}\n"),
        Arc::new(NoSecrets),
    );
    let e = p
        .handle(ProxyRequest::get("/gone/x"))
        .await
        .expect_err("refused");
    assert_eq!(ApiError::from(e).code, ErrorCode::Offline);
}

#[tokio::test]
async fn response_size_cap() {
    let up = start().await;
    let yaml = format!(
        "proxy:\n  endpoints:\n    /h: {}\nbacklot:\n  proxy:\n    maxResponseBytes: 1048576\n",
        up.url()
    );
    let p = proxy(&yaml, Arc::new(NoSecrets));

    let ok = p
        .handle(ProxyRequest::get("/h/huge?n=1048576"))
        .await
        .expect("at the cap");
    assert_eq!(ok.body.bytes().await.expect("body").len(), 1_048_576);

    let e = p
        .handle(ProxyRequest::get("/h/huge?n=5242880&cl=1"))
        .await
        .expect_err("declared too large");
    assert!(
        matches!(
            e,
            ProxyError::ResponseTooLarge {
                limit: 1_048_576,
                ..
            }
        ),
        "{e:?}"
    );

    let resp = p
        .handle(ProxyRequest::get("/h/huge?n=5242880"))
        .await
        .expect("chunked: headers first");
    let mut body = resp.body;
    let mut total = 0usize;
    let mut failed = None;
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(c) => total += c.len(),
            Err(e) => failed = Some(e),
        }
    }
    assert!(
        matches!(failed, Some(ProxyError::ResponseTooLarge { .. })),
        "{failed:?}"
    );
    assert!(total <= 1_048_576, "delivered {total} bytes past the cap");
}

/// The IPC path (`Proxy::call`, what the window and native plugins use) reads whole bodies:
/// a hostile upstream streaming past the cap ends in an error, not in memory.
#[tokio::test]
async fn an_ipc_call_stops_at_the_response_cap() {
    let up = start().await;
    let yaml = format!(
        "proxy:\n  endpoints:\n    /h: {}\nbacklot:\n  proxy:\n    maxResponseBytes: 1048576\n",
        up.url()
    );
    let p = proxy(&yaml, Arc::new(NoSecrets));
    let call = |path: &str| backlot_model::ipc::ProxyCall {
        method: String::new(),
        path: path.to_string(),
        headers: Vec::new(),
        body: None,
    };
    let ok = p.call(call("/h/huge?n=1048576")).await.expect("at the cap");
    assert_eq!((ok.status, ok.body.len()), (200, 1_048_576));
    let e = p
        .call(call("/h/huge?n=5242880"))
        .await
        .expect_err("chunked past the cap");
    assert!(
        matches!(
            e,
            ProxyError::ResponseTooLarge {
                limit: 1_048_576,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(ApiError::from(e).code, ErrorCode::Internal);
}

#[tokio::test]
async fn streams_request_bodies_and_pools_connections() {
    let up = start().await;
    let p = proxy(&echo_yaml(&up.url()), Arc::new(NoSecrets));
    let chunks = (0..16).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b'y'; 64 * 1024])));
    let req = ProxyRequest {
        method: "POST".into(),
        path: "/fwd/upload".into(),
        headers: vec![("Content-Type".into(), "application/octet-stream".into())],
        body: ProxyBody::Stream(Box::pin(futures::stream::iter(chunks))),
    };
    let resp = p.handle(req).await.expect("posted");
    assert_eq!(resp.status, 200);
    resp.body.bytes().await.expect("drained");
    let first = up.log.last();
    assert_eq!(first.body_len, 16 * 64 * 1024);
    assert_eq!(first.header("transfer-encoding"), Some("chunked"));

    let resp = p
        .handle(ProxyRequest::get("/fwd/again"))
        .await
        .expect("second");
    resp.body.bytes().await.expect("drained");
    assert_eq!(
        up.log.last().peer,
        first.peer,
        "the pooled connection was reused"
    );
}

#[tokio::test]
async fn tls_with_a_custom_ca() {
    let tls = start_tls().await;
    let port = tls.server.addr.port();
    let yaml = format!("proxy:\n  endpoints:\n    /secure: https://localhost:{port}/api\n");

    // Not trusted by default.
    let p = proxy(&yaml, Arc::new(NoSecrets));
    let e = p
        .handle(ProxyRequest::get("/secure/x"))
        .await
        .expect_err("untrusted certificate");
    assert!(
        e.to_string().to_lowercase().contains("certificate")
            || e.to_string().contains("invalid peer"),
        "{e}"
    );
    assert!(tls.server.log.all().is_empty());

    // Trusted through backlot.proxy.caFile.
    let dir = tempfile::tempdir().expect("tmp");
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &tls.ca_pem).expect("write ca");
    let yaml_ca = format!("{yaml}backlot:\n  proxy:\n    caFile: {}\n", ca.display());
    let p = proxy(&yaml_ca, Arc::new(NoSecrets));
    let r = p
        .handle(ProxyRequest::get("/secure/x"))
        .await
        .expect("trusted");
    assert_eq!(r.status, 200);
    assert_eq!(tls.server.log.last().uri, "/api/x");

    // And through ProxyOptions::extra_roots_pem.
    let p = proxy_with_roots(&yaml, Arc::new(NoSecrets), Some(&tls.ca_pem)).expect("builds");
    assert_eq!(
        p.handle(ProxyRequest::get("/secure/y"))
            .await
            .expect("trusted")
            .status,
        200
    );

    // A CA file that is not PEM is a setup error, not a silent fallback.
    std::fs::write(&ca, "not a certificate").expect("write");
    assert!(matches!(
        backlot_proxy_backend::Proxy::from_config(&config(&yaml_ca), Arc::new(NoSecrets)),
        Err(ProxyError::Client(_))
    ));
}

#[tokio::test]
async fn bad_configuration_is_reported_at_setup() {
    let yaml = "proxy:\n  endpoints:\n    /r:\n      target: http://127.0.0.1:1\n      pathRewrite:\n        '([': '/'\n";
    let e = backlot_proxy_backend::Proxy::from_config(&config(yaml), Arc::new(NoSecrets))
        .expect_err("bad regex");
    assert!(e.to_string().contains("pathRewrite"), "{e}");
    let yaml = "proxy:\n  endpoints:\n    /r:\n      target: http://127.0.0.1:1\n      headers:\n        'Bad Header': x\n";
    assert!(backlot_proxy_backend::Proxy::from_config(&config(yaml), Arc::new(NoSecrets)).is_err());
}

#[tokio::test]
async fn cached_secrets_skip_the_keychain_until_invalidated() {
    let up = start().await;
    let keychain = MapResolver::with(&[("ECHO_KEY", "cached-key")]);
    let cache = Arc::new(backlot_proxy_backend::CachingResolver::new(
        keychain.clone(),
        Duration::from_secs(60),
    ));
    let calls = || keychain.calls.load(std::sync::atomic::Ordering::SeqCst);
    let p = proxy(&echo_yaml(&up.url()), cache.clone());
    for _ in 0..3 {
        p.handle(ProxyRequest::get("/echo/x")).await.expect("ok");
        assert_eq!(up.log.last().header("x-api-key"), Some("cached-key"));
    }
    // Only the first request reached the (blocking) resolver: the cache answered the rest.
    assert_eq!(calls(), 1);
    cache.invalidate("ECHO_KEY");
    assert!(cache.resolve_now("ECHO_KEY").is_none());
    p.handle(ProxyRequest::get("/echo/x"))
        .await
        .expect("ok after invalidate");
    assert_eq!(calls(), 2);
}

// ---------------------------------------------------------------------------------------
// Hostile servers and callers.

/// A server that trickles one byte every 200 ms never trips the idle timeout (1 s here),
/// but the whole exchange is cut at the total deadline; so are late headers.
#[tokio::test]
async fn a_trickling_body_is_cut_at_the_total_deadline() {
    let up = start().await;
    let yaml = format!(
        "proxy:\n  endpoints:\n    /t: {}\nbacklot:\n  proxy:\n    idleTimeoutSeconds: 1\n",
        up.url()
    );
    let limit = Duration::from_millis(1500);
    let p = proxy_with_options(
        &yaml,
        Arc::new(NoSecrets),
        ProxyOptions {
            response_deadline: limit,
            ..ProxyOptions::default()
        },
    );
    let started = Instant::now();
    let resp = p
        .handle(ProxyRequest::get("/t/trickle"))
        .await
        .expect("headers arrive at once");
    assert_eq!(resp.status, 200);
    let mut body = resp.body;
    let mut received = 0usize;
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(item) = body.next().await {
            match item {
                Ok(chunk) => received += chunk.len(),
                Err(e) => return Some(e),
            }
        }
        None
    })
    .await
    .expect("the trickle was still being read 10 s later: no total deadline");
    let elapsed = started.elapsed();
    let e = ended.expect("the body ended with an error, not silently");
    assert!(
        matches!(e, ProxyError::ResponseDeadline { limit: l, ref endpoint } if l == limit && endpoint == "/t"),
        "{e:?}"
    );
    assert!(
        received >= 3,
        "the upstream was trickling, not silent ({received} bytes)"
    );
    assert!(
        elapsed >= limit && elapsed < Duration::from_millis(3000),
        "cut after {elapsed:?}"
    );
    assert_eq!(e.status(), 504);
    let message = e.to_string();
    assert!(
        message.contains("/t") && message.contains("1.5 s"),
        "{message}"
    );
    assert_eq!(
        body.next().await.map(|r| r.is_ok()),
        None,
        "nothing after the cut"
    );

    // The IPC path reads whole bodies: it ends at the deadline too.
    let started = Instant::now();
    let call = backlot_model::ipc::ProxyCall {
        method: String::new(),
        path: "/t/trickle".into(),
        headers: Vec::new(),
        body: None,
    };
    let e = tokio::time::timeout(Duration::from_secs(10), p.call(call))
        .await
        .expect("the IPC call ended")
        .expect_err("cut at the deadline");
    assert!(matches!(e, ProxyError::ResponseDeadline { .. }), "{e:?}");
    assert_eq!(ApiError::from(e).code, ErrorCode::Offline);
    assert!(started.elapsed() < Duration::from_millis(3000));

    // Headers later than the deadline (but within requestTimeoutSeconds and
    // idleTimeoutSeconds, 30 s by default).
    let p = proxy_with_options(
        &format!("proxy:\n  endpoints:\n    /t: {}\n", up.url()),
        Arc::new(NoSecrets),
        ProxyOptions {
            response_deadline: limit,
            ..ProxyOptions::default()
        },
    );
    let started = Instant::now();
    let e = p
        .handle(ProxyRequest::get("/t/slow-headers"))
        .await
        .expect_err("headers after the deadline");
    assert!(matches!(e, ProxyError::ResponseDeadline { .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_millis(2500));
}

/// An endpoint for `<up>/repos/x` follows redirects under `/repos/x/` only (where it could
/// send a request itself): a redirect to the same host outside that prefix (by path,
/// sibling name, the bare prefix, dot segments in any form or `..;`) is returned as the 3xx
/// and never requested with the endpoint's credentials.
#[tokio::test]
async fn same_origin_redirects_stay_under_the_endpoint_prefix() {
    let up = start().await;
    let yaml = format!(
        "proxy:\n  endpoints:\n    /gh:\n      target: {}/repos/x\n      headers:\n        X-Api-Key: ${{secret:ECHO_KEY}}\n      allowedHeaders: [Location]\n",
        up.url()
    );
    let p = proxy(&yaml, MapResolver::with(&[("ECHO_KEY", "cred-for-x")]));
    for to in [
        "/other/landed",
        "/repos/xy/landed",
        "/repos",
        "/repos/x",
        "/repos/x?q=1",
        "/repos/x/../other",
        "/repos/x/%2e%2e/other",
        "/repos/x/..;/other",
        "/repos/x/%2e%2e;/other",
        "/repos/x/..%2fother",
        "../../other",
        "/repos/x/a%5c..%5c..%5cother",
    ] {
        let before = up.log.all().len();
        let resp = p
            .handle(ProxyRequest::get(format!("/gh/redirect-path?to={to}")))
            .await
            .expect(to);
        assert_eq!(resp.status, 302, "{to} was followed");
        assert_eq!(resp.header("location"), Some(to), "{to}");
        let seen = up.log.all();
        assert_eq!(
            seen.len(),
            before + 1,
            "{to}: the redirect was requested: {:?}",
            seen.last()
        );
        assert_eq!(
            seen[before].uri,
            format!("/repos/x/redirect-path?to={to}"),
            "{to}"
        );
    }

    // Under the prefix: followed, with the credentials.
    for (to, landed) in [
        ("/repos/x/landed", "/repos/x/landed"),
        ("/repos/x/", "/repos/x/"),
        ("landed?page=2", "/repos/x/landed?page=2"),
    ] {
        let resp = p
            .handle(ProxyRequest::get(format!("/gh/redirect-path?to={to}")))
            .await
            .expect(to);
        assert_eq!(resp.status, 200, "{to}");
        let last = up.log.last();
        assert_eq!(last.uri, landed, "{to}");
        assert_eq!(last.header("x-api-key"), Some("cred-for-x"), "{to}");
    }
}

/// Following redirects by hand keeps HTTP's rules: 307 resends the method and body, 303
/// turns into a body-less GET, and a streamed body (it cannot be sent twice) leaves a 307
/// to the caller.
#[tokio::test]
async fn followed_redirects_keep_or_drop_the_body_like_http_says() {
    let up = start().await;
    let p = proxy(&echo_yaml(&up.url()), Arc::new(NoSecrets));
    let post = |path: &str, body: ProxyBody| ProxyRequest {
        method: "POST".into(),
        path: path.into(),
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body,
    };
    let resp = p
        .handle(post(
            "/fwd/redirect-path?to=/landed&status=307",
            ProxyBody::from(b"hello".to_vec()),
        ))
        .await
        .expect("307");
    assert_eq!(resp.status, 200);
    let landed = up.log.last();
    assert_eq!(
        (landed.uri.as_str(), landed.method.as_str(), landed.body_len),
        ("/landed", "POST", 5)
    );
    assert_eq!(landed.header("content-type"), Some("text/plain"));

    let resp = p
        .handle(post(
            "/fwd/redirect-path?to=/landed&status=303",
            ProxyBody::from(b"hello".to_vec()),
        ))
        .await
        .expect("303");
    assert_eq!(resp.status, 200);
    let landed = up.log.last();
    assert_eq!(
        (landed.uri.as_str(), landed.method.as_str(), landed.body_len),
        ("/landed", "GET", 0)
    );
    assert_eq!(landed.header("content-type"), None);

    let chunks = (0..2).map(|_| Ok::<_, std::io::Error>(Bytes::from_static(b"chunk")));
    let resp = p
        .handle(post(
            "/fwd/redirect-path?to=/landed&status=307",
            ProxyBody::Stream(Box::pin(futures::stream::iter(chunks))),
        ))
        .await
        .expect("307 with a stream");
    assert_eq!(resp.status, 307);
    assert_eq!(up.log.last().uri, "/redirect-path?to=/landed&status=307");
}

/// `..` with Tomcat/Jetty path parameters (`..;`), raw or encoded, is traversal: refused
/// before anything is sent.
#[tokio::test]
async fn dot_dot_with_path_parameters_is_traversal() {
    let up = start().await;
    let p = proxy(
        &echo_yaml(&up.url()),
        MapResolver::with(&[("ECHO_KEY", "k")]),
    );
    for path in [
        "/echo/..;/secret",
        "/echo/a/..;/..;/secret",
        "/echo/..;jsessionid=0/secret",
        "/echo/%2e%2e;/secret",
        "/echo/%2E%2e;x=1/secret",
        "/echo/.%2e;/secret",
        "/echo/..%3b/secret",
        "/echo/%2e%2e%3B/secret",
        "/echo/%252e%252e%253b/secret",
        "/fwd/..;",
    ] {
        let e = p.handle(ProxyRequest::get(path)).await.expect_err(path);
        assert!(matches!(e, ProxyError::PathTraversal), "{path}: {e:?}");
        assert_eq!(e.status(), 400, "{path}");
    }
    assert!(
        up.log.all().is_empty(),
        "refused paths reached the upstream: {:?}",
        up.log.all()
    );
    // Path parameters on other segments are not traversal.
    let ok = p
        .handle(ProxyRequest::get("/fwd/a;v=1/.;/b"))
        .await
        .expect("not traversal");
    assert_eq!(ok.status, 200);
    assert_eq!(up.log.last().uri, "/a;v=1/.;/b");
}

/// Request bodies over the cap: one of known size is refused before anything is sent (on
/// the IPC path too); a stream is cut where it passes the cap, and the upstream never gets
/// a complete body past it.
#[tokio::test]
async fn request_bodies_are_capped() {
    let up = start().await;
    let p = proxy_with_options(
        &echo_yaml(&up.url()),
        Arc::new(NoSecrets),
        ProxyOptions {
            max_request_bytes: 1024,
            ..ProxyOptions::default()
        },
    );
    let post = |body: ProxyBody| ProxyRequest {
        method: "POST".into(),
        path: "/fwd/upload".into(),
        headers: Vec::new(),
        body,
    };

    let e = p
        .handle(post(ProxyBody::from(vec![b'z'; 1025])))
        .await
        .expect_err("over the cap");
    assert!(
        matches!(e, ProxyError::RequestTooLarge { limit: 1024, ref endpoint } if endpoint == "/fwd"),
        "{e:?}"
    );
    assert_eq!(e.status(), 413);
    let message = e.to_string();
    assert!(
        message.contains("1024") && message.contains("/fwd"),
        "{message}"
    );
    assert_eq!(ApiError::from(e).code, ErrorCode::InvalidInput);

    let call = backlot_model::ipc::ProxyCall {
        method: "POST".into(),
        path: "/fwd/upload".into(),
        headers: Vec::new(),
        body: Some("z".repeat(4096)),
    };
    let e = p.call(call).await.expect_err("IPC body over the cap");
    assert!(matches!(e, ProxyError::RequestTooLarge { .. }), "{e:?}");
    assert!(
        up.log.all().is_empty(),
        "an oversized body was sent: {:?}",
        up.log.all()
    );

    let ok = p
        .handle(post(ProxyBody::from(vec![b'z'; 1024])))
        .await
        .expect("at the cap");
    assert_eq!(ok.status, 200);
    assert_eq!(up.log.last().body_len, 1024);

    let chunks = |n: usize| {
        let items = (0..n).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b's'; 512])));
        ProxyBody::Stream(Box::pin(futures::stream::iter(items)))
    };
    let ok = p.handle(post(chunks(2))).await.expect("stream at the cap");
    assert_eq!(ok.status, 200);
    assert_eq!(up.log.last().body_len, 1024);

    let before = up.log.all().len();
    let e = p
        .handle(post(chunks(8)))
        .await
        .expect_err("stream over the cap");
    assert!(
        matches!(e, ProxyError::RequestTooLarge { limit: 1024, .. }),
        "{e:?}"
    );
    let after = up.log.all();
    assert!(
        after[before..].iter().all(|s| s.body_len <= 1024),
        "the upstream got a body past the cap: {:?}",
        &after[before..]
    );
}
