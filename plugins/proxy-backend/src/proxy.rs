//! The proxy itself: one pooled client, the configured endpoints, and `handle`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use backlot_config::{Config, ProxyEndpoint, ProxyTuning, Template};
use backlot_secrets::{SecretError, Sensitive};
use http::{HeaderName, HeaderValue, Method};
use regex::Regex;

use crate::body::{ProxyBody, ResponseBody};
use crate::error::ProxyError;
use crate::headers::{AllowLists, filter_request, filter_response};
use crate::path::{matches_route, rewrite, split_query, upstream_url, validate};
use crate::redirect::{self, Call};
use crate::resolver::SecretResolver;

/// A call from a plugin: `path` is `/<endpoint route>/<rest>[?query]` (what follows
/// `/api/proxy` in Backstage).
#[derive(Debug)]
pub struct ProxyRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: ProxyBody,
}

impl ProxyRequest {
    pub fn get(path: impl Into<String>) -> Self {
        Self {
            method: "GET".into(),
            path: path.into(),
            headers: Vec::new(),
            body: ProxyBody::Empty,
        }
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// The upstream's answer: status, allowed headers (lower-case names), body stream.
#[derive(Debug)]
pub struct ProxyResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: ResponseBody,
}

impl ProxyResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Endpoint {
    config: ProxyEndpoint,
    rewrite: Option<Vec<(Regex, String)>>,
    allow: AllowLists,
    injected: Vec<(HeaderName, Template)>,
    has_secrets: bool,
}

struct Inner {
    endpoints: Vec<Endpoint>,
    client: reqwest::Client,
    tuning: ProxyTuning,
    response_deadline: Duration,
    max_request_bytes: u64,
    resolver: Arc<dyn SecretResolver>,
}

/// Cheap to clone; share one per app (it owns the connection pool).
#[derive(Clone)]
pub struct Proxy {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field(
                "endpoints",
                &self
                    .inner
                    .endpoints
                    .iter()
                    .map(|e| e.config.route.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Options beyond the config file.
#[derive(Debug, Clone)]
pub struct ProxyOptions {
    /// Extra trusted CA certificates (PEM), in addition to the platform's and `caFile`.
    pub extra_roots_pem: Option<Vec<u8>>,
    /// The longest one call may take, from sending the request to the last byte of the
    /// response body, redirects included. `idleTimeoutSeconds` only bounds the silence
    /// between two chunks: an upstream trickling a byte a second would never trip it, this
    /// cuts it ([`ProxyError::ResponseDeadline`]). Default:
    /// [`DEFAULT_RESPONSE_DEADLINE`](Self::DEFAULT_RESPONSE_DEADLINE).
    pub response_deadline: Duration,
    /// The largest request body sent upstream: a larger body of known size is refused
    /// before anything is sent, a larger stream is cut where it passes the limit
    /// ([`ProxyError::RequestTooLarge`] either way). Default:
    /// [`DEFAULT_MAX_REQUEST_BYTES`](Self::DEFAULT_MAX_REQUEST_BYTES).
    pub max_request_bytes: u64,
}

impl ProxyOptions {
    pub const DEFAULT_RESPONSE_DEADLINE: Duration = Duration::from_secs(60);
    pub const DEFAULT_MAX_REQUEST_BYTES: u64 = 32 * 1024 * 1024;
}

impl Default for ProxyOptions {
    fn default() -> Self {
        Self {
            extra_roots_pem: None,
            response_deadline: Self::DEFAULT_RESPONSE_DEADLINE,
            max_request_bytes: Self::DEFAULT_MAX_REQUEST_BYTES,
        }
    }
}

impl Proxy {
    /// The endpoints and limits of a loaded configuration.
    pub fn from_config(
        config: &Config,
        resolver: Arc<dyn SecretResolver>,
    ) -> Result<Self, ProxyError> {
        Self::from_config_with(config, resolver, ProxyOptions::default())
    }

    /// [`from_config`](Self::from_config) with options beyond the config file.
    pub fn from_config_with(
        config: &Config,
        resolver: Arc<dyn SecretResolver>,
        options: ProxyOptions,
    ) -> Result<Self, ProxyError> {
        Self::new(
            config.proxy_endpoints.clone(),
            config.backlot.proxy.clone(),
            resolver,
            options,
        )
    }

    pub fn new(
        endpoints: Vec<ProxyEndpoint>,
        tuning: ProxyTuning,
        resolver: Arc<dyn SecretResolver>,
        options: ProxyOptions,
    ) -> Result<Self, ProxyError> {
        let client = crate::client::build(&tuning, options.extra_roots_pem.as_deref())?;
        let endpoints = endpoints
            .into_iter()
            .map(prepare)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            inner: Arc::new(Inner {
                endpoints,
                client,
                tuning,
                response_deadline: options.response_deadline,
                max_request_bytes: options.max_request_bytes,
                resolver,
            }),
        })
    }

    pub fn endpoints(&self) -> impl Iterator<Item = &ProxyEndpoint> {
        self.inner.endpoints.iter().map(|e| &e.config)
    }

    /// Proxies one call. Refusals happen before anything is sent upstream.
    pub async fn handle(&self, request: ProxyRequest) -> Result<ProxyResponse, ProxyError> {
        let started = Instant::now();
        let method_text = request.method.clone();
        let result = self.handle_inner(request).await;
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        match &result {
            Ok((route, response)) => tracing::info!(
                method = %method_text, endpoint = %route, status = response.status,
                duration_ms = elapsed_ms, "proxied"
            ),
            Err((route, e)) => tracing::info!(
                method = %method_text, endpoint = %route, status = e.status(),
                duration_ms = elapsed_ms, error = %e, "proxy refused or failed"
            ),
        }
        result.map(|(_, r)| r).map_err(|(_, e)| e)
    }

    async fn handle_inner(
        &self,
        request: ProxyRequest,
    ) -> Result<(String, ProxyResponse), (String, ProxyError)> {
        let unknown = || "-".to_owned();
        validate(&request.path).map_err(|e| (unknown(), e))?;
        let (path_only, _) = split_query(&request.path);
        let endpoint = self
            .inner
            .endpoints
            .iter()
            .find(|e| matches_route(&e.config.route, path_only))
            .ok_or_else(|| {
                let first = path_only.split('/').nth(1).unwrap_or_default();
                (
                    unknown(),
                    ProxyError::UnknownEndpoint {
                        path: format!("/{}", first.chars().take(64).collect::<String>()),
                    },
                )
            })?;
        let route = endpoint.config.route.clone();
        let fail = |e: ProxyError| (route.clone(), e);

        let method =
            Method::from_bytes(request.method.to_ascii_uppercase().as_bytes()).map_err(|_| {
                fail(ProxyError::InvalidHeader {
                    name: ":method".into(),
                    reason: "not a valid HTTP method",
                })
            })?;
        if let Some(allowed) = &endpoint.config.allowed_methods
            && !allowed.iter().any(|m| m == method.as_str())
        {
            return Err(fail(ProxyError::MethodNotAllowed {
                method: method.to_string(),
                endpoint: route.clone(),
                allowed: allowed.join(", "),
            }));
        }

        let mut headers =
            filter_request(&request.headers, &endpoint.allow.request).map_err(fail)?;
        let mut body = request
            .body
            .capped(self.inner.max_request_bytes, &route)
            .map_err(fail)?;
        let rewritten = rewrite(&route, &request.path, endpoint.rewrite.as_deref());
        let url = upstream_url(&endpoint.config.target, &rewritten).map_err(fail)?;

        for (name, value) in self.injected_headers(endpoint).await.map_err(fail)? {
            headers.insert(name, value);
        }

        // Two clocks from here: the response headers must arrive within `request_timeout`,
        // and the whole exchange (headers and body) must end within `response_deadline`.
        let sent_at = tokio::time::Instant::now();
        let deadline = later(sent_at, self.inner.response_deadline);
        let headers_due = later(sent_at, self.inner.tuning.request_timeout);
        let call = Call {
            client: &self.inner.client,
            target: &endpoint.config.target,
            route: &route,
            method,
            url,
            headers,
        };
        let response = match tokio::time::timeout_at(
            headers_due.min(deadline),
            redirect::send(call, &mut body),
        )
        .await
        {
            Ok(result) => result.map_err(fail)?,
            Err(_) if deadline <= headers_due => {
                return Err(fail(ProxyError::ResponseDeadline {
                    endpoint: route.clone(),
                    limit: self.inner.response_deadline,
                }));
            }
            Err(_) => {
                return Err(fail(ProxyError::Timeout {
                    endpoint: route.clone(),
                }));
            }
        };
        let limit = self.inner.tuning.max_response_bytes;
        if response.content_length().is_some_and(|len| len > limit) {
            return Err(fail(ProxyError::ResponseTooLarge {
                endpoint: route.clone(),
                limit,
            }));
        }
        let status = response.status().as_u16();
        let headers = filter_response(response.headers(), &endpoint.allow.response);
        let body = ResponseBody::new(
            response,
            route.clone(),
            limit,
            deadline,
            self.inner.response_deadline,
        );
        Ok((
            route,
            ProxyResponse {
                status,
                headers,
                body,
            },
        ))
    }

    /// Renders the endpoint's configured headers. Secrets come from the resolver's
    /// non-blocking path when it has them all, otherwise from a blocking thread.
    async fn injected_headers(
        &self,
        endpoint: &Endpoint,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, ProxyError> {
        if endpoint.injected.is_empty() {
            return Ok(Vec::new());
        }
        let route = endpoint.config.route.clone();
        if !endpoint.has_secrets {
            return render_headers(&route, &endpoint.injected, &mut |_| Err(Lookup::Pending))
                .map_err(Lookup::into_error);
        }
        let resolver = Arc::clone(&self.inner.resolver);
        let fast = render_headers(&route, &endpoint.injected, &mut |name| {
            resolver.resolve_now(name).ok_or(Lookup::Pending)
        });
        match fast {
            Ok(headers) => return Ok(headers),
            Err(Lookup::Failed(e)) => return Err(e),
            Err(Lookup::Pending) => {}
        }
        let templates = endpoint.injected.clone();
        let blocking_route = route.clone();
        tokio::task::spawn_blocking(move || {
            render_headers(&blocking_route, &templates, &mut |name| {
                resolver
                    .resolve(name)
                    .map_err(|e| Lookup::Failed(secret_error(e, &blocking_route)))
            })
            .map_err(Lookup::into_error)
        })
        .await
        .map_err(|_| ProxyError::Client("the secret lookup task failed".into()))?
    }
}

/// `start + length`, or a far future when that does not fit in an `Instant` (a configured
/// timeout of `u64::MAX` seconds must not panic).
fn later(start: tokio::time::Instant, length: Duration) -> tokio::time::Instant {
    const FAR: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);
    start
        .checked_add(length)
        .or_else(|| start.checked_add(FAR))
        .unwrap_or(start)
}

/// A secret lookup that could not finish on the fast path.
enum Lookup {
    /// Needs the blocking resolver.
    Pending,
    Failed(ProxyError),
}

impl Lookup {
    fn into_error(self) -> ProxyError {
        match self {
            Lookup::Failed(e) => e,
            Lookup::Pending => ProxyError::Client("a secret lookup did not complete".into()),
        }
    }
}

fn secret_error(e: SecretError, route: &str) -> ProxyError {
    match e {
        SecretError::NotFound { name } => ProxyError::MissingSecret {
            name,
            endpoint: route.to_owned(),
        },
        other => ProxyError::Keychain(other),
    }
}

fn render_headers(
    route: &str,
    templates: &[(HeaderName, Template)],
    lookup: &mut dyn FnMut(&str) -> Result<Sensitive<String>, Lookup>,
) -> Result<Vec<(HeaderName, HeaderValue)>, Lookup> {
    let mut out = Vec::with_capacity(templates.len());
    for (name, template) in templates {
        let rendered =
            Sensitive::new(template.render(|secret| lookup(secret).map(Sensitive::into_inner))?);
        let mut value = HeaderValue::from_str(rendered.expose()).map_err(|_| {
            Lookup::Failed(ProxyError::InvalidInjectedHeader {
                endpoint: route.to_owned(),
                header: name.to_string(),
            })
        })?;
        if template.has_secrets() {
            value.set_sensitive(true);
        }
        out.push((name.clone(), value));
    }
    Ok(out)
}

fn prepare(config: ProxyEndpoint) -> Result<Endpoint, ProxyError> {
    let bad = |reason: String| ProxyError::Config {
        endpoint: config.route.clone(),
        reason,
    };
    let rewrite = match &config.path_rewrite {
        None => None,
        Some(rules) => Some(
            rules
                .iter()
                .map(|(pattern, replacement)| {
                    Regex::new(pattern)
                        .map(|re| (re, replacement.clone()))
                        .map_err(|e| {
                            bad(format!(
                                "pathRewrite `{pattern}` is not a valid regular expression: {e}"
                            ))
                        })
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    let mut injected = Vec::with_capacity(config.headers.len());
    for (name, template) in &config.headers {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| bad(format!("`{name}` is not a valid header name")))?;
        if let Some(plain) = template.as_plain() {
            HeaderValue::from_str(&plain).map_err(|_| {
                bad(format!(
                    "the value of header `{name}` is not a valid header value"
                ))
            })?;
        }
        injected.push((header, template.clone()));
    }
    let has_secrets = config.headers.iter().any(|(_, t)| t.has_secrets());
    let allow = AllowLists::for_endpoint(&config);
    Ok(Endpoint {
        config,
        rewrite,
        allow,
        injected,
        has_secrets,
    })
}
