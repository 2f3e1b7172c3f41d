//! Backlot's proxy: Backstage's `proxy.endpoints` semantics on a native, pooled reqwest
//! client, with credentials injected from the keychain when a request is made.
//!
//! ```text
//! Proxy::from_config(&config, Arc::new(keychain))?
//!     .handle(ProxyRequest { method, path: "/github/repos/x/y", headers, body }).await
//! ```
//!
//! Behaviour, following plugins/proxy-backend/src/service/router.ts:
//! - `/<route>/<rest>?q` → `target/<rest>?q`; a custom `pathRewrite` sees
//!   `/api/proxy/<route>/<rest>` and its first matching rule applies;
//! - request headers: Backstage's safe list + configured `headers` names + `allowedHeaders`
//!   (+ `authorization` with `credentials: forward`); response headers: safe list +
//!   `allowedHeaders`; configured headers override the caller's;
//! - refusals before anything is sent: unknown route 404, `..` in any encoding (and with
//!   path parameters, `..;`) 400, method not in `allowedMethods` 405, CR/LF or invalid
//!   header 400, host-changing paths 400, a request body over the cap 413.
//!
//! Differences from Backstage, on purpose: redirects that stay with the endpoint (same
//! origin, under the target's path) are followed; any other is returned as 3xx, never
//! followed, so injected headers stay with the target; `Host` is always the target's
//! (`changeOrigin: false` has no caller host to keep); request and response bodies are
//! capped in size, and a whole call has a deadline (`ProxyOptions`); `credentials: require`
//! has no Backstage user token to check.
//! Logs (tracing, target `backlot_proxy_backend`): method, endpoint route, status,
//! duration — never header values, query strings or secrets.

mod body;
mod cache;
mod client;
mod error;
mod headers;
mod ipc_call;
mod path;
mod proxy;
mod redirect;
mod resolver;

pub use body::{BodyStream, ProxyBody, ResponseBody};
pub use cache::CachingResolver;
pub use error::ProxyError;
pub use headers::SAFE_FORWARD_HEADERS;
pub use proxy::{Proxy, ProxyOptions, ProxyRequest, ProxyResponse};
pub use resolver::{NoSecrets, SecretResolver};
