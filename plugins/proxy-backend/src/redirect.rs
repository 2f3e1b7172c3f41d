//! Sending a request and following its redirects by hand. A redirect is followed only when
//! it stays with the endpoint: the target's origin and user info, a path under the
//! target's path, no traversal (see [`within_target`]). Any other redirect — another
//! origin, or the same origin outside the endpoint's prefix (an endpoint for
//! `https://api.github.com/repos/x` must not reach `https://api.github.com/other` with its
//! injected credentials) — is returned to the caller as the 3xx response it is.

use http::header::{CONTENT_TYPE, LOCATION};
use http::{HeaderMap, Method, StatusCode};
use url::Url;

use crate::body::Outgoing;
use crate::error::{ProxyError, describe};
use crate::path::within_target;

/// Redirects followed for one call at most; the next 3xx is returned as it is.
pub(crate) const MAX_REDIRECTS: usize = 10;

/// One call to an endpoint's upstream.
pub(crate) struct Call<'a> {
    pub client: &'a reqwest::Client,
    /// The endpoint's configured target: redirects must stay under it.
    pub target: &'a Url,
    pub route: &'a str,
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
}

/// Sends `call` with `body` and follows the redirects that stay with the endpoint, up to
/// [`MAX_REDIRECTS`]. Returns the first response that is not followed.
pub(crate) async fn send(
    call: Call<'_>,
    body: &mut Outgoing,
) -> Result<reqwest::Response, ProxyError> {
    let Call {
        client,
        target,
        route,
        mut method,
        mut url,
        mut headers,
    } = call;
    let mut with_body = true;
    let mut followed = 0;
    loop {
        let mut builder = client
            .request(method.clone(), url.clone())
            .headers(headers.clone());
        if with_body && let Some(b) = body.next_body() {
            builder = builder.body(b);
        }
        let sent = builder.send().await;
        if let Some(e) = body.overflow(route) {
            return Err(e);
        }
        let response = sent.map_err(|e| send_error(e, route))?;
        if followed == MAX_REDIRECTS {
            return Ok(response);
        }
        let status = response.status();
        let Some(next) = location(&response, &url) else {
            return Ok(response);
        };
        if !within_target(target, &next) {
            tracing::info!(
                endpoint = %route, status = status.as_u16(),
                "redirect not followed: it leaves the endpoint's target"
            );
            return Ok(response);
        }
        // What the next request carries (RFC 9110 §15.4, as browsers and reqwest do it).
        let drops_body = status == StatusCode::SEE_OTHER
            || (method == Method::POST
                && matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND));
        if drops_body {
            if method != Method::HEAD {
                method = Method::GET;
            }
            with_body = false;
            headers.remove(CONTENT_TYPE);
        } else if with_body && !body.replayable() {
            // A streamed body cannot be sent twice.
            return Ok(response);
        }
        followed += 1;
        url = next;
    }
}

/// The redirect's destination, resolved against the current URL, if `response` is a
/// redirect with a usable `Location`.
fn location(response: &reqwest::Response, current: &Url) -> Option<Url> {
    if !matches!(
        response.status(),
        StatusCode::MOVED_PERMANENTLY
            | StatusCode::FOUND
            | StatusCode::SEE_OTHER
            | StatusCode::TEMPORARY_REDIRECT
            | StatusCode::PERMANENT_REDIRECT
    ) {
        return None;
    }
    let value = response.headers().get(LOCATION)?.to_str().ok()?;
    let mut next = current.join(value).ok()?;
    next.set_fragment(None);
    Some(next)
}

fn send_error(e: reqwest::Error, route: &str) -> ProxyError {
    let endpoint = route.to_owned();
    if e.is_timeout() {
        ProxyError::Timeout { endpoint }
    } else if e.is_connect() {
        ProxyError::Connect {
            endpoint,
            detail: describe(e),
        }
    } else {
        ProxyError::Upstream {
            endpoint,
            detail: describe(e),
        }
    }
}
