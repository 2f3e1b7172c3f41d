//! Bodies: the caller's request body (bytes or a stream) and the upstream's response body,
//! streamed with a size cap.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::{Stream, StreamExt};

use crate::error::{ProxyError, describe};

pub type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static>>;

/// A request body.
pub enum ProxyBody {
    Empty,
    Bytes(Bytes),
    /// Sent with chunked transfer encoding as it arrives.
    Stream(BodyStream),
}

impl std::fmt::Debug for ProxyBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProxyBody::Empty => f.write_str("Empty"),
            ProxyBody::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            ProxyBody::Stream(_) => f.write_str("Stream"),
        }
    }
}

impl From<Vec<u8>> for ProxyBody {
    fn from(v: Vec<u8>) -> Self {
        if v.is_empty() {
            ProxyBody::Empty
        } else {
            ProxyBody::Bytes(v.into())
        }
    }
}

impl From<Bytes> for ProxyBody {
    fn from(b: Bytes) -> Self {
        ProxyBody::Bytes(b)
    }
}

impl ProxyBody {
    pub(crate) fn into_reqwest(self) -> Option<reqwest::Body> {
        match self {
            ProxyBody::Empty => None,
            ProxyBody::Bytes(b) => Some(reqwest::Body::from(b)),
            ProxyBody::Stream(s) => Some(reqwest::Body::wrap_stream(s)),
        }
    }
}

/// The upstream's response body as a stream of chunks. Ends with
/// `Err(ResponseTooLarge)` if the upstream sends more than the configured cap.
pub struct ResponseBody {
    inner: Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>,
    endpoint: String,
    limit: u64,
    seen: u64,
    done: bool,
}

impl std::fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseBody")
            .field("endpoint", &self.endpoint)
            .field("seen", &self.seen)
            .finish()
    }
}

impl ResponseBody {
    pub(crate) fn new(response: reqwest::Response, endpoint: String, limit: u64) -> Self {
        Self {
            inner: Box::pin(response.bytes_stream()),
            endpoint,
            limit,
            seen: 0,
            done: false,
        }
    }

    /// Reads the whole body (up to the cap).
    pub async fn bytes(mut self) -> Result<Bytes, ProxyError> {
        let mut buf = Vec::new();
        while let Some(chunk) = self.next().await {
            buf.extend_from_slice(&chunk?);
        }
        Ok(buf.into())
    }
}

impl Stream for ResponseBody {
    type Item = Result<Bytes, ProxyError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match self.inner.as_mut().poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(None)
            }
            Poll::Ready(Some(Ok(chunk))) => {
                self.seen += chunk.len() as u64;
                if self.seen > self.limit {
                    self.done = true;
                    let endpoint = self.endpoint.clone();
                    tracing::warn!(endpoint = %endpoint, limit = self.limit, "proxy response exceeded the size cap");
                    return Poll::Ready(Some(Err(ProxyError::ResponseTooLarge {
                        endpoint,
                        limit: self.limit,
                    })));
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => {
                self.done = true;
                let endpoint = self.endpoint.clone();
                let err = if e.is_timeout() {
                    ProxyError::Timeout { endpoint }
                } else {
                    ProxyError::Upstream {
                        endpoint,
                        detail: describe(e),
                    }
                };
                Poll::Ready(Some(Err(err)))
            }
        }
    }
}
