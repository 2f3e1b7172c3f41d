//! Why talking to the team backend or syncing from it failed, as a typed error with
//! messages meant for the user, and its mapping to the IPC `{code, message}`.
//!
//! Messages never contain the token, request headers or query strings.

use std::time::Duration;

use backlot_model::{ApiError, ErrorCode};

/// Boxed error of a [`crate::SyncTarget`] implementation (the store).
pub type StorageError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the team backend URL `{url}` is not valid: {reason}")]
    InvalidUrl { url: String, reason: String },

    #[error("the team backend token contains characters that cannot be sent in an HTTP header")]
    InvalidToken,

    #[error("cannot set up the HTTP client: {0}")]
    Client(String),

    #[error("cannot reach the team backend at {host}: {detail}")]
    Unreachable { host: String, detail: String },

    #[error("secure connection to {host} failed (TLS): {detail}")]
    Tls { host: String, detail: String },

    #[error("the team backend did not answer within {:.1} s", .after.as_secs_f64())]
    Timeout { after: Duration },

    #[error(
        "the connection to the team backend was cut before the response was complete: {detail}"
    )]
    ConnectionCut { detail: String },

    #[error(
        "the team backend refused the token (401): check the token under Settings → Team backend"
    )]
    Unauthorized,

    #[error("the token is not allowed to read the catalog (403): {detail}")]
    Forbidden { detail: String },

    #[error(
        "{url} is not a Backstage catalog API ({detail}); check the base URL (e.g. https://backstage.example.com)"
    )]
    NotACatalog { url: String, detail: String },

    #[error("the team backend failed with HTTP {status}: {detail}")]
    Server { status: u16, detail: String },

    #[error("the team backend rejected the request with HTTP {status}: {detail}")]
    Rejected { status: u16, detail: String },

    #[error("the team backend sent malformed JSON: {detail}")]
    MalformedJson { detail: String },

    #[error("the team backend's response is not what a Backstage catalog sends: {detail}")]
    UnexpectedResponse { detail: String },

    #[error(
        "the team backend no longer accepts the paging cursor (the listing expired or the server restarted): {detail}"
    )]
    CursorExpired { detail: String },

    #[error(
        "the team backend sent a response larger than {} (the limit per response, counted after gzip decoding); it was refused and the local catalog is unchanged",
        human_bytes(*.limit)
    )]
    ResponseTooLarge { limit: u64 },

    #[error(
        "the team backend's paging loops: page {page} of the listing handed back a cursor it had already given (a cursor cycle such as A → B → A); the sync was stopped and the local catalog is unchanged"
    )]
    CursorLoop { page: u64 },

    #[error(
        "the team backend's listing did not end within {limit} pages (the limit per sync); the sync was stopped and the local catalog is unchanged"
    )]
    TooManyPages { limit: u64 },

    #[error(
        "the team backend lists more than {limit} entities (the limit per sync); the sync was stopped and the local catalog is unchanged"
    )]
    TooManyEntities { limit: u64 },

    #[error("the sync was cancelled; the local catalog is unchanged")]
    Cancelled,

    #[error("the local catalog could not be updated (it is unchanged): {0}")]
    Storage(#[source] StorageError),

    #[error("internal error in the sync engine: {0}")]
    Internal(String),
}

impl SyncError {
    /// Worth retrying after a pause: the same request may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Unreachable { .. }
            | SyncError::Timeout { .. }
            | SyncError::ConnectionCut { .. } => true,
            SyncError::Server { status, .. } => *status != 501,
            SyncError::Rejected { status, .. } => *status == 429 || *status == 408,
            _ => false,
        }
    }

    /// The IPC error code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            SyncError::Unreachable { .. }
            | SyncError::Timeout { .. }
            | SyncError::ConnectionCut { .. }
            | SyncError::Server { .. } => ErrorCode::Offline,
            SyncError::Unauthorized | SyncError::Forbidden { .. } => ErrorCode::Unauthorized,
            SyncError::InvalidUrl { .. }
            | SyncError::InvalidToken
            | SyncError::Tls { .. }
            | SyncError::NotACatalog { .. }
            | SyncError::Rejected { .. } => ErrorCode::InvalidInput,
            SyncError::MalformedJson { .. }
            | SyncError::UnexpectedResponse { .. }
            | SyncError::ResponseTooLarge { .. }
            | SyncError::CursorLoop { .. }
            | SyncError::TooManyPages { .. }
            | SyncError::TooManyEntities { .. } => ErrorCode::Unsupported,
            SyncError::CursorExpired { .. } | SyncError::Cancelled => ErrorCode::Conflict,
            SyncError::Storage(_) => ErrorCode::Storage,
            SyncError::Client(_) | SyncError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// A short, stable name of the failure class (status panels, `--json`, tests).
    pub fn kind(&self) -> &'static str {
        match self {
            SyncError::InvalidUrl { .. } => "invalid_url",
            SyncError::InvalidToken => "invalid_token",
            SyncError::Client(_) => "client",
            SyncError::Unreachable { .. } => "unreachable",
            SyncError::Tls { .. } => "tls",
            SyncError::Timeout { .. } => "timeout",
            SyncError::ConnectionCut { .. } => "connection_cut",
            SyncError::Unauthorized => "unauthorized",
            SyncError::Forbidden { .. } => "forbidden",
            SyncError::NotACatalog { .. } => "not_a_catalog",
            SyncError::Server { .. } => "server_error",
            SyncError::Rejected { .. } => "rejected",
            SyncError::MalformedJson { .. } => "malformed_json",
            SyncError::UnexpectedResponse { .. } => "unexpected_response",
            SyncError::CursorExpired { .. } => "cursor_expired",
            SyncError::ResponseTooLarge { .. } => "response_too_large",
            SyncError::CursorLoop { .. } => "cursor_loop",
            SyncError::TooManyPages { .. } => "too_many_pages",
            SyncError::TooManyEntities { .. } => "too_many_entities",
            SyncError::Cancelled => "cancelled",
            SyncError::Storage(_) => "storage",
            SyncError::Internal(_) => "internal",
        }
    }
}

impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

/// `536870912` → `512 MiB (536870912 bytes)`; small or uneven sizes in bytes only.
fn human_bytes(n: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (size, unit) in UNITS {
        if n >= size && n.is_multiple_of(size) {
            return format!("{} {unit} ({n} bytes)", n / size);
        }
    }
    format!("{n} bytes")
}

/// Classifies a transport error from reqwest. `reading_body`: the status line was received
/// and the body was being read when it failed.
pub(crate) fn from_transport(
    e: reqwest::Error,
    host: &str,
    reading_body: bool,
    timeout: Duration,
) -> SyncError {
    let detail = describe(&e);
    let lower = detail.to_ascii_lowercase();
    if e.is_timeout() || lower.contains("timed out") {
        return SyncError::Timeout { after: timeout };
    }
    let tls_words = [
        "certificate",
        "tls",
        "handshake",
        "corrupt message",
        "unknownissuer",
        "rustls",
    ];
    if tls_words.iter().any(|w| lower.contains(w)) {
        return SyncError::Tls {
            host: host.to_owned(),
            detail,
        };
    }
    if reading_body || e.is_body() || e.is_decode() {
        return SyncError::ConnectionCut { detail };
    }
    if e.is_connect() {
        return SyncError::Unreachable {
            host: host.to_owned(),
            detail,
        };
    }
    // The request went out but the connection closed before a response arrived.
    SyncError::ConnectionCut { detail }
}

/// A reqwest error as text with its causes, without the URL.
fn describe(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut text = match e.url() {
        Some(_) => {
            // Rebuild the top-level message without the URL (it could carry a cursor or filter).
            let kind = if e.is_connect() {
                "connection failed"
            } else if e.is_timeout() {
                "timed out"
            } else if e.is_body() || e.is_decode() {
                "error reading the response body"
            } else {
                "request failed"
            };
            kind.to_owned()
        }
        None => e.to_string(),
    };
    let mut source = e.source();
    let mut depth = 0;
    while let Some(s) = source {
        if depth >= 6 {
            break;
        }
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
        depth += 1;
    }
    text
}

/// The `error.message` of a Backstage error body, or a short prefix of the body.
pub(crate) fn backstage_message(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Outer {
        error: Inner,
    }
    #[derive(serde::Deserialize)]
    struct Inner {
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        message: Option<String>,
    }
    if let Ok(o) = serde_json::from_slice::<Outer>(body) {
        let msg = o.error.message.unwrap_or_default();
        return match o.error.name {
            Some(name) if !name.is_empty() => format!("{name}: {msg}"),
            _ => msg,
        };
    }
    let text = String::from_utf8_lossy(body);
    let trimmed: String = text.trim().chars().take(200).collect();
    if trimmed.is_empty() {
        "empty body".to_owned()
    } else {
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_classes() {
        assert!(
            SyncError::Server {
                status: 503,
                detail: String::new()
            }
            .is_transient()
        );
        assert!(
            !SyncError::Server {
                status: 501,
                detail: String::new()
            }
            .is_transient()
        );
        assert!(
            SyncError::Timeout {
                after: Duration::from_secs(1)
            }
            .is_transient()
        );
        assert!(
            SyncError::ConnectionCut {
                detail: String::new()
            }
            .is_transient()
        );
        assert!(!SyncError::Unauthorized.is_transient());
        assert!(
            !SyncError::MalformedJson {
                detail: String::new()
            }
            .is_transient()
        );
        assert!(
            !SyncError::CursorExpired {
                detail: String::new()
            }
            .is_transient()
        );
    }

    #[test]
    fn hostile_server_errors_name_the_limit_and_are_final() {
        let too_large = SyncError::ResponseTooLarge {
            limit: 512 * 1024 * 1024,
        };
        assert_eq!(too_large.kind(), "response_too_large");
        assert!(
            too_large.to_string().contains("512 MiB (536870912 bytes)"),
            "{too_large}"
        );
        assert!(
            SyncError::ResponseTooLarge { limit: 1000 }
                .to_string()
                .contains("1000 bytes")
        );
        let looped = SyncError::CursorLoop { page: 3 };
        assert_eq!(looped.kind(), "cursor_loop");
        assert!(looped.to_string().contains("page 3"), "{looped}");
        let pages = SyncError::TooManyPages { limit: 100_000 };
        assert_eq!(pages.kind(), "too_many_pages");
        assert!(pages.to_string().contains("100000 pages"), "{pages}");
        let entities = SyncError::TooManyEntities { limit: 5_000_000 };
        assert_eq!(entities.kind(), "too_many_entities");
        assert!(
            entities.to_string().contains("5000000 entities"),
            "{entities}"
        );
        for e in [too_large, looped, pages, entities] {
            assert!(!e.is_transient(), "{e}");
            assert_eq!(e.code(), ErrorCode::Unsupported);
        }
    }

    #[test]
    fn api_error_codes() {
        let e: ApiError = SyncError::Unauthorized.into();
        assert_eq!(e.code, ErrorCode::Unauthorized);
        let e: ApiError = SyncError::Unreachable {
            host: "h".into(),
            detail: "refused".into(),
        }
        .into();
        assert_eq!(e.code, ErrorCode::Offline);
        assert!(e.message.contains("cannot reach"), "{}", e.message);
        let e: ApiError = SyncError::NotACatalog {
            url: "u".into(),
            detail: "HTTP 404".into(),
        }
        .into();
        assert_eq!(e.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn backstage_error_body_message() {
        let body = br#"{"error":{"name":"InputError","message":"Malformed cursor"},"response":{"statusCode":400}}"#;
        assert_eq!(backstage_message(body), "InputError: Malformed cursor");
        assert_eq!(backstage_message(b"<html>nope</html>"), "<html>nope</html>");
        assert_eq!(backstage_message(b""), "empty body");
    }
}
