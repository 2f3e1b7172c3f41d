//! The fake GitHub API ([`crate::fake::FakeGithub`]) over real HTTP on 127.0.0.1, on a
//! thread of its own (usable from plain and async tests alike). Point a proxy endpoint's
//! `target` at [`FakeGithubServer::base_url`].

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

use crate::fake::{FakeGithub, Recorded};

/// A running fake. Dropping it stops the server.
pub struct FakeGithubServer {
    addr: SocketAddr,
    state: Arc<Mutex<FakeGithub>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for FakeGithubServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeGithubServer")
            .field("addr", &self.addr)
            .finish()
    }
}

impl FakeGithubServer {
    /// Serves `fake` on a free port of 127.0.0.1 until dropped.
    pub fn start(fake: FakeGithub) -> std::io::Result<FakeGithubServer> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(fake));
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let served = state.clone();
        let base = format!("http://{addr}");
        std::thread::Builder::new().name("fake-github".into()).spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
                loop {
                    tokio::select! {
                        _ = &mut stopped => break,
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { continue };
                            let (state, base) = (served.clone(), base.clone());
                            tokio::spawn(async move {
                                let service = service_fn(move |req| handle(state.clone(), base.clone(), req));
                                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                            });
                        }
                    }
                }
            });
        })?;
        Ok(FakeGithubServer {
            addr,
            state,
            stop: Some(stop),
        })
    }

    /// `http://127.0.0.1:PORT` — the `target` of a `/github` proxy endpoint.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The fake's state, to inspect (requests, runs) or change (rate limiting).
    pub fn fake(&self) -> MutexGuard<'_, FakeGithub> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What the server received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.fake().requests().to_vec()
    }
}

impl Drop for FakeGithubServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn handle(
    state: Arc<Mutex<FakeGithub>>,
    base: String,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = req.method().as_str().to_string();
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let authorization = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // Read (and drop) the body so keep-alive connections stay in step.
    let _ = req.into_body().collect().await;
    let answer = state.lock().unwrap_or_else(|p| p.into_inner()).handle(
        &method,
        &path,
        authorization.as_deref(),
        &base,
    );
    let mut response = Response::new(Full::new(Bytes::from(answer.body)));
    *response.status_mut() = hyper::StatusCode::from_u16(answer.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            hyper::header::HeaderValue::from_str(&value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    Ok(response)
}
