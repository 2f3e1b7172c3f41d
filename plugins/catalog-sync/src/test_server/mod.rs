//! A Backstage-catalog-API-compatible server on 127.0.0.1 (hyper), serving a generated
//! [`Catalog`] with cursor paging, `fields`, by-refs with nulls, entity-facets, 401 without
//! the token, gzip when asked, chunked bodies (no Content-Length, like Backstage) — and
//! fault injection ([`FaultRule`]): cut connections, 5xx, slow or stalled pages, bad JSON,
//! expired cursors, HTML instead of JSON — and hostile servers: a gzip bomb, a cursor loop,
//! an endless pager, a listing that suddenly ends. The catalog can be edited between syncs
//! ([`TestServer::with_catalog`]), down to a fraction of it or nothing
//! ([`Catalog::retain_fraction`], [`Catalog::clear`]).
//!
//! The server stops when the [`TestServer`] is dropped.

mod api;
mod bomb;
mod catalog;
mod faults;
mod fields;

use std::convert::Infallible;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use backlot_secrets::Sensitive;
use bytes::Bytes;
use http_body_util::{BodyExt, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

pub use catalog::Catalog;
pub use faults::{Fault, FaultOn, FaultRule};

use api::{Paging, Reply};
use faults::Route;

type Body = BoxBody<Bytes, std::io::Error>;

/// Bytes per body chunk (the body is always chunked, as Backstage's is).
const CHUNK: usize = 16 * 1024;

#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Required bearer token; `None`: no auth.
    pub token: Option<String>,
    /// gzip level when the client accepts gzip (Node's default is 6); 0: never gzip.
    pub gzip_level: u32,
    /// Path prefix the API is mounted under (e.g. `/backstage`); empty: the root.
    pub prefix: String,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            token: Some("test-token-0123456789".into()),
            gzip_level: 6,
            prefix: String::new(),
        }
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub status: u16,
    /// Body bytes put on the wire (after gzip; for a cut body, what was sent).
    pub body_bytes: u64,
    pub gzip: bool,
    pub fault: Option<Fault>,
}

impl RequestRecord {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn params(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

struct State {
    catalog: Mutex<Catalog>,
    /// Rendered (and gzipped) by-query pages by query string, dropped whenever the catalog
    /// is touched: a benchmark measures the client, not this server's JSON and gzip work.
    pages: Mutex<std::collections::HashMap<(bool, String), Rendered>>,
    faults: Mutex<Vec<FaultRule>>,
    log: Mutex<Vec<RequestRecord>>,
    opts: ServerOptions,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub struct TestServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("addr", &self.addr)
            .finish()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestServer {
    /// Binds 127.0.0.1 on a free port and serves until dropped.
    pub async fn start(catalog: Catalog, opts: ServerOptions) -> std::io::Result<TestServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            catalog: Mutex::new(catalog),
            pages: Mutex::new(std::collections::HashMap::new()),
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            opts,
        });
        let st = state.clone();
        let task = tokio::spawn(async move {
            let mut conns = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        // As Node's HTTP server (Backstage) does: no Nagle delay on small writes
                        // such as the end of a chunked body.
                        let _ = stream.set_nodelay(true);
                        let st = st.clone();
                        conns.spawn(async move {
                            let service = service_fn(move |req| handle(st.clone(), req));
                            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                        });
                    }
                    Some(_) = conns.join_next(), if !conns.is_empty() => {}
                }
            }
        });
        Ok(TestServer { addr, state, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT[/prefix]` — what a user types as the backend base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, self.state.opts.prefix)
    }

    pub fn token(&self) -> Option<Sensitive<String>> {
        self.state.opts.token.clone().map(Sensitive::new)
    }

    /// Reads or edits the served catalog (e.g. between syncs).
    pub fn with_catalog<R>(&self, f: impl FnOnce(&mut Catalog) -> R) -> R {
        let mut catalog = lock(&self.state.catalog);
        lock(&self.state.pages).clear();
        f(&mut catalog)
    }

    pub fn inject(&self, rule: FaultRule) {
        lock(&self.state.faults).push(rule);
    }

    pub fn clear_faults(&self) {
        lock(&self.state.faults).clear();
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.state.log).clone()
    }

    pub fn clear_requests(&self) {
        lock(&self.state.log).clear();
    }

    /// Response body bytes put on the wire since the last `clear_requests`.
    pub fn bytes_served(&self) -> u64 {
        lock(&self.state.log).iter().map(|r| r.body_bytes).sum()
    }
}

fn parse_query(q: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(q.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

enum Segment {
    Data(Bytes),
    Sleep(Duration),
    Fail,
}

fn chunks(bytes: &[u8]) -> Vec<Segment> {
    bytes
        .chunks(CHUNK)
        .map(|c| Segment::Data(Bytes::copy_from_slice(c)))
        .collect()
}

fn stream_body(segments: Vec<Segment>) -> Body {
    let stream = futures::stream::unfold(segments.into_iter(), |mut it| async move {
        loop {
            match it.next()? {
                Segment::Data(b) => return Some((Ok(Frame::data(b)), it)),
                Segment::Sleep(d) => tokio::time::sleep(d).await,
                Segment::Fail => {
                    return Some((
                        Err(std::io::Error::other("fault injection: connection cut")),
                        it,
                    ));
                }
            }
        }
    });
    BodyExt::boxed(StreamBody::new(stream))
}

#[derive(Clone)]
struct Rendered {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    /// The body is gzip (sent with `Content-Encoding: gzip`).
    gzip: bool,
}

/// The response body (gzipped when `gzip`), with the fault applied to its content.
#[allow(clippy::too_many_arguments)]
async fn render(
    state: &State,
    fault: Option<&Fault>,
    route: Route,
    authorized: bool,
    gzip: bool,
    method: &str,
    full_path: &str,
    query: &[(String, String)],
    content_type: Option<&str>,
    body: &[u8],
) -> Rendered {
    let url = full_path.to_owned();
    if let Some(Fault::Delay(d)) = fault {
        tokio::time::sleep(*d).await;
    }
    if let Some(Fault::GzipBomb { inflated }) = fault {
        return Rendered {
            status: 200,
            content_type: "application/json; charset=utf-8",
            body: bomb::gzip_bomb(*inflated),
            gzip: true,
        };
    }
    let reply = match fault {
        Some(Fault::Status(s)) => {
            let name = if *s >= 500 { "Error" } else { "InputError" };
            api::error(*s, name, &format!("injected failure {s}"), method, &url)
        }
        Some(Fault::ExpireCursor) if matches!(route, Route::Query { cursor: true }) => api::error(
            400,
            "InputError",
            "Malformed cursor, could not be parsed",
            method,
            &url,
        ),
        Some(Fault::Html) => Reply {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: b"<!doctype html><html><body><div id=\"root\"></div></body></html>".to_vec(),
        },
        _ => {
            if route == Route::Other {
                api::error(
                    404,
                    "NotFoundError",
                    &format!("No route for {method} {full_path}"),
                    method,
                    &url,
                )
            } else if !authorized {
                api::error(
                    401,
                    "AuthenticationError",
                    "Missing credentials",
                    method,
                    &url,
                )
            } else {
                let paging = match fault {
                    Some(Fault::CursorLoop) => Paging::CursorLoop,
                    Some(Fault::EndlessPages) => Paging::Endless,
                    Some(Fault::EndListing) => Paging::EndListing,
                    _ => Paging::Normal,
                };
                let catalog = lock(&state.catalog);
                match route {
                    Route::Query { .. } => api::by_query(&catalog, query, &url, paging),
                    Route::ByRefs => api::by_refs(&catalog, query, content_type, body, &url),
                    Route::Facets => api::facets(&catalog, query),
                    Route::Other => api::error(404, "NotFoundError", "not found", method, &url),
                }
            }
        }
    };
    let Reply {
        status,
        content_type,
        body: mut out,
    } = reply;
    if fault == Some(&Fault::BadJson) {
        out.truncate(out.len() / 2);
        out.extend_from_slice(b"\x00<<not json>>");
    }
    let mut gzipped = false;
    if gzip {
        let mut enc = flate2::write::GzEncoder::new(
            Vec::with_capacity(out.len() / 4),
            flate2::Compression::new(state.opts.gzip_level.min(9)),
        );
        if enc.write_all(&out).is_ok()
            && let Ok(z) = enc.finish()
        {
            out = z;
            gzipped = true;
        }
    }
    Rendered {
        status,
        content_type,
        body: out,
        gzip: gzipped,
    }
}

async fn handle(state: Arc<State>, req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let method = req.method().as_str().to_owned();
    let full_path = req.uri().path().to_owned();
    let req_query = req.uri().query().map(str::to_owned);
    let query = parse_query(req_query.as_deref());
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let accepts_gzip = header("accept-encoding").is_some_and(|v| v.contains("gzip"));
    let auth = header("authorization");
    let content_type = header("content-type");
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let path = full_path
        .strip_prefix(state.opts.prefix.as_str())
        .unwrap_or("/__outside_prefix__")
        .to_owned();
    let route = match (method.as_str(), path.as_str()) {
        ("GET", "/api/catalog/entities/by-query") => Route::Query {
            cursor: query.iter().any(|(k, _)| k == "cursor"),
        },
        ("POST", "/api/catalog/entities/by-refs") => Route::ByRefs,
        ("GET", "/api/catalog/entity-facets") => Route::Facets,
        _ => Route::Other,
    };
    let fault = faults::take(&mut lock(&state.faults), route);
    let gzip = accepts_gzip && state.opts.gzip_level > 0;
    let authorized = match &state.opts.token {
        None => true,
        Some(t) => auth.as_deref() == Some(format!("Bearer {t}").as_str()),
    };
    // Rendered answers are kept until the catalog changes (the bench measures the client, not
    // this server's JSON and gzip): pages by their query, by-refs answers by query and body.
    let cache_key =
        (fault.is_none() && authorized && matches!(route, Route::Query { .. } | Route::ByRefs))
            .then(|| {
                let mut key = req_query.clone().unwrap_or_default();
                if route == Route::ByRefs {
                    key.push('\n');
                    key.push_str(&String::from_utf8_lossy(&body));
                }
                (gzip, key)
            });
    let cached = cache_key
        .as_ref()
        .and_then(|k| lock(&state.pages).get(k).cloned());
    let rendered = match cached {
        Some(r) => r,
        None => {
            let r = render(
                &state,
                fault.as_ref(),
                route,
                authorized,
                gzip,
                &method,
                &full_path,
                &query,
                content_type.as_deref(),
                &body,
            )
            .await;
            if let Some(k) = cache_key {
                lock(&state.pages).insert(k, r.clone());
            }
            r
        }
    };
    let Rendered {
        status,
        content_type,
        body: out,
        gzip,
    } = rendered;
    let (segments, sent) = match &fault {
        Some(Fault::CutMidBody) => {
            let half = out.len() / 2;
            let mut s = chunks(&out[..half]);
            s.push(Segment::Fail);
            (s, half)
        }
        Some(Fault::StallMidBody(d)) => {
            let half = out.len() / 2;
            let mut s = chunks(&out[..half]);
            s.push(Segment::Sleep(*d));
            s.extend(chunks(&out[half..]));
            (s, out.len())
        }
        _ => (chunks(&out), out.len()),
    };
    lock(&state.log).push(RequestRecord {
        method,
        path: full_path,
        query,
        status,
        body_bytes: sent as u64,
        gzip,
        fault: fault.clone(),
    });
    let mut builder = Response::builder()
        .status(status)
        .header("content-type", content_type);
    if gzip {
        builder = builder
            .header("content-encoding", "gzip")
            .header("vary", "Accept-Encoding");
    }
    let response = builder.body(stream_body(segments)).unwrap_or_else(|_| {
        let mut r = Response::new(stream_body(Vec::new()));
        *r.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
        r
    });
    Ok(response)
}
