use backlot_model::{ApiError, ErrorCode};
use backlot_secrets::SecretError;

/// Why a proxied call failed or was refused. Messages never contain header values,
/// secret values or query strings.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    #[error("no proxy endpoint is configured for `{path}`")]
    UnknownEndpoint { path: String },

    #[error("path traversal (`..`) is not allowed in proxy paths")]
    PathTraversal,

    #[error("invalid proxy path: {reason}")]
    InvalidPath { reason: &'static str },

    #[error("the request would leave the endpoint's target host")]
    HostChange,

    #[error("method {method} is not allowed for proxy endpoint `{endpoint}` (allowed: {allowed})")]
    MethodNotAllowed {
        method: String,
        endpoint: String,
        allowed: String,
    },

    #[error("invalid request header `{name}`: {reason}")]
    InvalidHeader { name: String, reason: &'static str },

    #[error(
        "header `{header}` of proxy endpoint `{endpoint}` has a value that is not a valid HTTP header value (check the secret or variable it uses)"
    )]
    InvalidInjectedHeader { endpoint: String, header: String },

    #[error(
        "the secret `{name}` used by proxy endpoint `{endpoint}` is not set; add it under Settings → Credentials"
    )]
    MissingSecret { name: String, endpoint: String },

    #[error(transparent)]
    Keychain(SecretError),

    #[error("proxy endpoint `{endpoint}` is misconfigured: {reason}")]
    Config { endpoint: String, reason: String },

    #[error("cannot set up the proxy's HTTP client: {0}")]
    Client(String),

    #[error("cannot reach the upstream of `{endpoint}`: {detail}")]
    Connect { endpoint: String, detail: String },

    #[error("the upstream of `{endpoint}` did not answer in time")]
    Timeout { endpoint: String },

    #[error("the upstream of `{endpoint}` failed: {detail}")]
    Upstream { endpoint: String, detail: String },

    #[error("the response of `{endpoint}` is larger than the limit of {limit} bytes")]
    ResponseTooLarge { endpoint: String, limit: u64 },

    #[error(
        "the response of `{endpoint}` did not finish within the total time limit of {}; the rest was not read",
        seconds(.limit)
    )]
    ResponseDeadline {
        endpoint: String,
        limit: std::time::Duration,
    },

    #[error(
        "the request body for `{endpoint}` is larger than the limit of {limit} bytes; it was not sent"
    )]
    RequestTooLarge { endpoint: String, limit: u64 },

    #[error("the request body could not be read: {0}")]
    RequestBody(String),
}

impl ProxyError {
    /// The HTTP status a web-style caller should see.
    pub fn status(&self) -> u16 {
        match self {
            ProxyError::UnknownEndpoint { .. } => 404,
            ProxyError::PathTraversal
            | ProxyError::InvalidPath { .. }
            | ProxyError::HostChange
            | ProxyError::InvalidHeader { .. }
            | ProxyError::RequestBody(_) => 400,
            ProxyError::RequestTooLarge { .. } => 413,
            ProxyError::MethodNotAllowed { .. } => 405,
            ProxyError::MissingSecret { .. } => 401,
            ProxyError::Keychain(_) => 503,
            ProxyError::InvalidInjectedHeader { .. }
            | ProxyError::Config { .. }
            | ProxyError::Client(_) => 500,
            ProxyError::Connect { .. }
            | ProxyError::Upstream { .. }
            | ProxyError::ResponseTooLarge { .. } => 502,
            ProxyError::Timeout { .. } | ProxyError::ResponseDeadline { .. } => 504,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ProxyError::UnknownEndpoint { .. } => ErrorCode::NotFound,
            ProxyError::PathTraversal
            | ProxyError::InvalidPath { .. }
            | ProxyError::HostChange
            | ProxyError::InvalidHeader { .. }
            | ProxyError::RequestBody(_)
            | ProxyError::RequestTooLarge { .. }
            | ProxyError::InvalidInjectedHeader { .. }
            | ProxyError::Config { .. } => ErrorCode::InvalidInput,
            ProxyError::MethodNotAllowed { .. } => ErrorCode::Unsupported,
            ProxyError::MissingSecret { .. } => ErrorCode::Unauthorized,
            ProxyError::Keychain(e) => e.code(),
            ProxyError::Connect { .. }
            | ProxyError::Timeout { .. }
            | ProxyError::ResponseDeadline { .. } => ErrorCode::Offline,
            ProxyError::Client(_)
            | ProxyError::Upstream { .. }
            | ProxyError::ResponseTooLarge { .. } => ErrorCode::Internal,
        }
    }
}

impl From<ProxyError> for ApiError {
    fn from(e: ProxyError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

/// A duration for a message: `60 s`, `1.5 s`.
fn seconds(d: &std::time::Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

/// A reqwest error as text, without the URL (it may carry a query with tokens).
pub(crate) fn describe(e: reqwest::Error) -> String {
    use std::error::Error as _;
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
