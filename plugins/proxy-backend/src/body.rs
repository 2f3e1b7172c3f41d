//! Bodies: the caller's request body (bytes or a stream, capped in size) and the upstream's
//! response body, streamed with a size cap and a total deadline.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, StreamExt};
use tokio::time::{Instant, Sleep};

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
    /// The body as it will be sent, held to `limit` bytes: a body of known size over the
    /// limit is refused here, before anything is sent; a stream is cut as soon as it passes
    /// the limit (the upstream sees an unfinished body, and the call fails with
    /// [`ProxyError::RequestTooLarge`]).
    pub(crate) fn capped(self, limit: u64, endpoint: &str) -> Result<Outgoing, ProxyError> {
        match self {
            ProxyBody::Empty => Ok(Outgoing::Empty),
            ProxyBody::Bytes(b) if b.len() as u64 > limit => Err(ProxyError::RequestTooLarge {
                endpoint: endpoint.to_owned(),
                limit,
            }),
            ProxyBody::Bytes(b) => Ok(Outgoing::Bytes(b)),
            ProxyBody::Stream(stream) => {
                let overflowed = Arc::new(AtomicBool::new(false));
                let flag = Arc::clone(&overflowed);
                // (bytes so far, finished): nothing is read from the caller after the cut.
                let capped = stream.scan((0u64, false), move |state: &mut (u64, bool), chunk| {
                    let (seen, finished) = state;
                    let item = if *finished {
                        None
                    } else {
                        match chunk {
                            Ok(chunk) => {
                                *seen = seen.saturating_add(chunk.len() as u64);
                                if *seen > limit {
                                    *finished = true;
                                    flag.store(true, Ordering::SeqCst);
                                    Some(Err(std::io::Error::other(format!(
                                        "the request body is larger than the limit of {limit} bytes"
                                    ))))
                                } else {
                                    Some(Ok(chunk))
                                }
                            }
                            Err(e) => {
                                *finished = true;
                                Some(Err(e))
                            }
                        }
                    };
                    futures::future::ready(item)
                });
                Ok(Outgoing::Stream {
                    stream: Some(Box::pin(capped)),
                    overflowed,
                    limit,
                })
            }
        }
    }
}

/// A request body checked against the cap, ready to send (see [`ProxyBody::capped`]).
pub(crate) enum Outgoing {
    Empty,
    /// Can be sent again (a 307/308 redirect keeps the body).
    Bytes(Bytes),
    /// Sent once; `overflowed` is set when the caller's stream passed `limit`.
    Stream {
        stream: Option<BodyStream>,
        overflowed: Arc<AtomicBool>,
        limit: u64,
    },
}

impl Outgoing {
    /// The body for the next attempt, if there is one (a stream only the first time).
    pub(crate) fn next_body(&mut self) -> Option<reqwest::Body> {
        match self {
            Outgoing::Empty => None,
            Outgoing::Bytes(b) => Some(reqwest::Body::from(b.clone())),
            Outgoing::Stream { stream, .. } => stream.take().map(reqwest::Body::wrap_stream),
        }
    }

    /// Whether the body can be sent again on a redirect that keeps it.
    pub(crate) fn replayable(&self) -> bool {
        !matches!(self, Outgoing::Stream { .. })
    }

    /// The error to report when the caller's stream was cut at the cap.
    pub(crate) fn overflow(&self, endpoint: &str) -> Option<ProxyError> {
        match self {
            Outgoing::Stream {
                overflowed, limit, ..
            } if overflowed.load(Ordering::SeqCst) => Some(ProxyError::RequestTooLarge {
                endpoint: endpoint.to_owned(),
                limit: *limit,
            }),
            _ => None,
        }
    }
}

/// The upstream's response body as a stream of chunks. Ends with
/// `Err(ResponseTooLarge)` if the upstream sends more than the configured cap, and with
/// `Err(ResponseDeadline)` if it has not finished by the exchange's deadline (however
/// steadily it trickles).
pub struct ResponseBody {
    inner: Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>,
    endpoint: String,
    limit: u64,
    seen: u64,
    deadline: Pin<Box<Sleep>>,
    time_limit: Duration,
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
    /// `deadline` is when the whole exchange must be over; `time_limit` is the configured
    /// length it was computed from (for the error message).
    pub(crate) fn new(
        response: reqwest::Response,
        endpoint: String,
        limit: u64,
        deadline: Instant,
        time_limit: Duration,
    ) -> Self {
        Self {
            inner: Box::pin(response.bytes_stream()),
            endpoint,
            limit,
            seen: 0,
            deadline: Box::pin(tokio::time::sleep_until(deadline)),
            time_limit,
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
        // Checked on every poll, so neither a trickle nor a fast endless stream outlives it.
        if self.deadline.as_mut().poll(cx).is_ready() {
            self.done = true;
            let endpoint = self.endpoint.clone();
            tracing::warn!(endpoint = %endpoint, limit_s = self.time_limit.as_secs_f64(), "proxy response exceeded the total deadline");
            return Poll::Ready(Some(Err(ProxyError::ResponseDeadline {
                endpoint,
                limit: self.time_limit,
            })));
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
