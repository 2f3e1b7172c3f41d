//! Real HTTP(S) upstreams on 127.0.0.1 for the proxy tests.

#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

pub type Body = BoxBody<Bytes, std::io::Error>;

/// What an upstream saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub uri: String,
    pub headers: Vec<(String, String)>,
    pub body_len: usize,
    /// The client's address: the same port twice means a reused (pooled) connection.
    pub peer: SocketAddr,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Clone, Default)]
pub struct Log(pub Arc<Mutex<Vec<Seen>>>);

impl Log {
    pub fn all(&self) -> Vec<Seen> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
    pub fn last(&self) -> Seen {
        self.all().pop().expect("the upstream saw a request")
    }
}

pub fn full(b: impl Into<Bytes>) -> Body {
    Full::new(b.into())
        .map_err(|e: Infallible| match e {})
        .boxed()
}

pub struct Server {
    pub addr: SocketAddr,
    pub log: Log,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// The upstream's routes:
/// - `/redirect-same` → 302 to `/landed` on itself
/// - `/redirect-to?port=N` → 302 to `http://127.0.0.1:N/landed`
/// - `/slow-headers` → waits 3 s before answering
/// - `/slow-body` → headers at once, then 3 s of silence
/// - `/huge?n=N&cl=1` → N bytes in 64 KiB chunks (with Content-Length if `cl`)
/// - `/trickle` → headers at once, then one byte every 200 ms (for ten minutes)
/// - `…/redirect-path?to=LOCATION&status=N` (any prefix) → status N (default 302) with
///   `Location: LOCATION` as given (not decoded)
/// - anything else → echo as JSON `{method, uri, headers, body_len}` plus response headers
///   `x-upstream-private` and `x-allowed-response`.
pub async fn start() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    serve(listener, None).await
}

pub async fn serve(listener: TcpListener, tls: Option<tokio_rustls::TlsAcceptor>) -> Server {
    let addr = listener.local_addr().expect("addr");
    let log = Log::default();
    let server_log = log.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, peer)) = listener.accept().await else {
                break;
            };
            let log = server_log.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req| handle(req, log.clone(), peer));
                match tls {
                    Some(acceptor) => {
                        if let Ok(s) = acceptor.accept(stream).await {
                            let _ = http1::Builder::new()
                                .serve_connection(TokioIo::new(s), svc)
                                .await;
                        }
                    }
                    None => {
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), svc)
                            .await;
                    }
                }
            });
        }
    });
    Server { addr, log }
}

fn query_param(uri: &hyper::Uri, key: &str) -> Option<String> {
    uri.query()?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (k == key).then(|| v.to_owned())
    })
}

async fn handle(
    req: Request<Incoming>,
    log: Log,
    peer: SocketAddr,
) -> Result<Response<Body>, Infallible> {
    let method = req.method().to_string();
    let uri = req.uri().clone();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let seen = Seen {
        method: method.clone(),
        uri: uri.to_string(),
        headers: headers.clone(),
        body_len: body.len(),
        peer,
    };
    if let Ok(mut l) = log.0.lock() {
        l.push(seen.clone());
    }
    let path = uri.path();
    let resp = match path {
        p if p.ends_with("/redirect-path") => {
            let status: u16 = query_param(&uri, "status")
                .and_then(|v| v.parse().ok())
                .unwrap_or(302);
            Response::builder()
                .status(status)
                .header("location", query_param(&uri, "to").unwrap_or_default())
                .body(full(""))
        }
        "/trickle" => {
            let drip = futures::stream::unfold(0u32, |n| async move {
                if n >= 3000 {
                    return None;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
                Some((
                    Ok::<_, std::io::Error>(Frame::data(Bytes::from_static(b"."))),
                    n + 1,
                ))
            });
            Response::builder().body(BodyExt::boxed(StreamBody::new(drip)))
        }
        "/redirect-same" => Response::builder()
            .status(302)
            .header("location", "/landed")
            .body(full("")),
        "/redirect-to" => {
            let port = query_param(&uri, "port").unwrap_or_default();
            Response::builder()
                .status(302)
                .header("location", format!("http://127.0.0.1:{port}/landed"))
                .body(full(""))
        }
        "/slow-headers" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            Response::builder().body(full("late"))
        }
        "/slow-body" => {
            let stream = futures::stream::once(async {
                Ok::<_, std::io::Error>(Frame::data(Bytes::from_static(b"first")))
            })
            .chain(futures::stream::once(async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                Ok(Frame::data(Bytes::from_static(b"second")))
            }));
            Response::builder().body(BodyExt::boxed(StreamBody::new(stream)))
        }
        "/huge" => {
            let n: usize = query_param(&uri, "n")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
            let mut left = n;
            let chunks = std::iter::from_fn(move || {
                if left == 0 {
                    return None;
                }
                let take = left.min(chunk.len());
                left -= take;
                Some(Ok::<_, std::io::Error>(Frame::data(chunk.slice(..take))))
            });
            let mut b = Response::builder();
            if query_param(&uri, "cl").is_some() {
                b = b.header("content-length", n.to_string());
            }
            b.body(BodyExt::boxed(StreamBody::new(futures::stream::iter(
                chunks,
            ))))
        }
        _ => {
            let json = serde_json::json!({
                "method": method,
                "uri": uri.to_string(),
                "headers": headers,
                "body_len": body.len(),
            });
            Response::builder()
                .header("content-type", "application/json")
                .header("x-upstream-private", "internal-detail")
                .header("x-allowed-response", "yes")
                .header("set-cookie", "session=upstream")
                .body(full(json.to_string()))
        }
    };
    Ok(resp.unwrap_or_else(|_| Response::new(full("builder failed"))))
}

/// A test CA and an HTTPS upstream whose certificate it signed (for 127.0.0.1/localhost).
pub struct TlsServer {
    pub server: Server,
    pub ca_pem: String,
}

pub async fn start_tls() -> TlsServer {
    let (acceptor, ca_pem) = backlot_test_support::tls::test_acceptor("Backlot Test CA");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    TlsServer {
        server: serve(listener, Some(acceptor)).await,
        ca_pem,
    }
}

// ---------------------------------------------------------------------------------------
// Building a proxy from YAML, with an in-memory secret resolver.

use backlot_config::Config;
use backlot_proxy_backend::{Proxy, ProxyOptions, SecretResolver};
use backlot_secrets::{SecretError, Sensitive};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Default)]
pub struct MapResolver {
    pub values: HashMap<String, String>,
    pub calls: AtomicUsize,
}

impl MapResolver {
    pub fn with(pairs: &[(&str, &str)]) -> Arc<Self> {
        Arc::new(Self::owned(pairs))
    }

    pub fn owned(pairs: &[(&str, &str)]) -> Self {
        Self {
            values: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            calls: AtomicUsize::new(0),
        }
    }
}

impl SecretResolver for MapResolver {
    fn resolve(&self, name: &str) -> Result<Sensitive<String>, SecretError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.values
            .get(name)
            .cloned()
            .map(Sensitive::new)
            .ok_or_else(|| SecretError::NotFound {
                name: name.to_owned(),
            })
    }
}

pub fn config(yaml: &str) -> Config {
    Config::from_yaml("test-app-config.yaml", yaml, &|_| None).expect("test config loads")
}

pub fn proxy(yaml: &str, resolver: Arc<dyn SecretResolver>) -> Proxy {
    Proxy::from_config(&config(yaml), resolver).expect("proxy builds")
}

pub fn proxy_with_roots(
    yaml: &str,
    resolver: Arc<dyn SecretResolver>,
    pem: Option<&str>,
) -> Result<Proxy, backlot_proxy_backend::ProxyError> {
    let c = config(yaml);
    Proxy::new(
        c.proxy_endpoints,
        c.backlot.proxy,
        resolver,
        ProxyOptions {
            extra_roots_pem: pem.map(|p| p.as_bytes().to_vec()),
            ..ProxyOptions::default()
        },
    )
}

pub fn proxy_with_options(
    yaml: &str,
    resolver: Arc<dyn SecretResolver>,
    options: ProxyOptions,
) -> Proxy {
    Proxy::from_config_with(&config(yaml), resolver, options).expect("proxy builds")
}
