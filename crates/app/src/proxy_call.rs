//! `proxy` IPC command: one call through the configured proxy endpoints.

use std::sync::OnceLock;

use backlot_model::ApiError;
use backlot_model::ipc::{ProxyCall, ProxyReply};
use backlot_proxy_backend::{Proxy, ProxyBody, ProxyRequest};

/// The runtime proxy calls run on: built on first use, one worker, shared by the
/// connection pool. Dispatch runs on plain (or blocking-pool) threads and waits here.
pub fn runtime() -> Result<&'static tokio::runtime::Runtime, ApiError> {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("backlot-proxy")
        .enable_all()
        .build()
        .map_err(|e| ApiError::internal(format!("cannot start the network runtime: {e}")))?;
    Ok(RUNTIME.get_or_init(|| rt))
}

pub fn call(proxy: &Proxy, call: ProxyCall) -> Result<ProxyReply, ApiError> {
    let request = ProxyRequest {
        method: if call.method.is_empty() {
            "GET".to_string()
        } else {
            call.method
        },
        path: call.path,
        headers: call.headers,
        body: call
            .body
            .map(|b| ProxyBody::from(b.into_bytes()))
            .unwrap_or(ProxyBody::Empty),
    };
    runtime()?.block_on(async {
        let response = proxy.handle(request).await?;
        let status = response.status;
        let headers = response.headers;
        let body = response.body.bytes().await?;
        Ok(ProxyReply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    })
}
