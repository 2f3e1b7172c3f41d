//! Header allow-lists, as Backstage's proxy-backend builds them:
//! - request: the safe list, the names of configured `headers`, `allowedHeaders`, and
//!   `authorization` when `credentials: forward`;
//! - response: the safe list and `allowedHeaders`.
//!
//! Everything else is dropped. Hop-by-hop headers are always dropped (the HTTP client sets
//! `host`, `content-length` and framing itself).

use std::collections::HashSet;

use backlot_config::{CredentialsPolicy, ProxyEndpoint};
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::error::ProxyError;

/// Backstage's `safeForwardHeaders` (plugins/proxy-backend/src/service/router.ts).
pub const SAFE_FORWARD_HEADERS: &[&str] = &[
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
    "host",
    "accept",
    "accept-language",
    "user-agent",
];

/// Never forwarded as given, whatever the allow-list says.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "host",
    "content-length",
];

/// Never returned from upstream even if allowed (framing is ours).
const RESPONSE_HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
];

pub(crate) struct AllowLists {
    pub request: HashSet<String>,
    pub response: HashSet<String>,
}

impl AllowLists {
    pub fn for_endpoint(e: &ProxyEndpoint) -> Self {
        let mut request: HashSet<String> = SAFE_FORWARD_HEADERS
            .iter()
            .map(|h| (*h).to_owned())
            .collect();
        request.extend(e.headers.iter().map(|(name, _)| name.to_ascii_lowercase()));
        request.extend(e.allowed_headers.iter().map(|h| h.to_ascii_lowercase()));
        if e.credentials == CredentialsPolicy::Forward {
            request.insert("authorization".to_owned());
        }
        let mut response: HashSet<String> = SAFE_FORWARD_HEADERS
            .iter()
            .map(|h| (*h).to_owned())
            .collect();
        response.extend(e.allowed_headers.iter().map(|h| h.to_ascii_lowercase()));
        Self { request, response }
    }
}

/// Validates every caller header (invalid names/values are refused, not dropped: a CRLF
/// in a value is an attack or a bug) and keeps the allowed ones.
pub(crate) fn filter_request(
    headers: &[(String, String)],
    allow: &HashSet<String>,
) -> Result<HeaderMap, ProxyError> {
    let mut out = HeaderMap::new();
    for (name, value) in headers {
        let header =
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| ProxyError::InvalidHeader {
                name: printable(name),
                reason: "not a valid header name",
            })?;
        let value = HeaderValue::from_str(value).map_err(|_| ProxyError::InvalidHeader {
            name: header.as_str().to_owned(),
            reason: "the value contains characters not allowed in HTTP headers (e.g. CR or LF)",
        })?;
        let lower = header.as_str();
        if allow.contains(lower) && !HOP_BY_HOP.contains(&lower) {
            out.append(header, value);
        }
    }
    Ok(out)
}

pub(crate) fn filter_response(
    headers: &HeaderMap,
    allow: &HashSet<String>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, value) in headers {
        let lower = name.as_str();
        if allow.contains(lower)
            && !RESPONSE_HOP_BY_HOP.contains(&lower)
            && let Ok(v) = value.to_str()
        {
            out.push((lower.to_owned(), v.to_owned()));
        }
    }
    out
}

/// A header name safe to show in a message (never a value).
fn printable(name: &str) -> String {
    name.chars()
        .take(64)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect()
}
