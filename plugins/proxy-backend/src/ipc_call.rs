//! The IPC contract's `proxy` command on a [`Proxy`]: a [`ProxyCall`] (what the UI, or a
//! native plugin through its host, sends) in, a [`ProxyReply`] (status, allowed headers,
//! the body as text) out.

use backlot_model::ipc::{ProxyCall, ProxyReply};

use crate::body::ProxyBody;
use crate::error::ProxyError;
use crate::proxy::{Proxy, ProxyRequest};

impl Proxy {
    /// Makes `call` (an empty method means GET) and reads the whole answer.
    pub async fn call(&self, call: ProxyCall) -> Result<ProxyReply, ProxyError> {
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
        let response = self.handle(request).await?;
        let (status, headers) = (response.status, response.headers);
        let body = response.body.bytes().await?;
        Ok(ProxyReply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }
}
