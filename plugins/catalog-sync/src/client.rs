//! The Backstage catalog API client: `GET /api/catalog/entities/by-query` (one page per
//! call, cursor paging), `POST /api/catalog/entities/by-refs`, `GET /api/catalog/entity-facets`.
//!
//! One attempt per call; retries are the caller's ([`crate::retry`]). The bearer token is
//! injected from a [`Sensitive`] and marked sensitive in the header map; it never appears
//! in `Debug`, errors or logs. Bodies are read chunk by chunk as they arrive, gzip is
//! decoded by hand so the bytes on the wire can be counted ([`Meter`]) and the decoded size
//! limited as it grows ([`ClientOptions::max_body_bytes`]: a gzip bomb stops at the limit).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use backlot_secrets::Sensitive;
use reqwest::header::{
    ACCEPT, ACCEPT_ENCODING, AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, HeaderValue,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{SyncError, backstage_message, from_transport};
use crate::retry::RetryPolicy;

/// Largest `limit` of a listing page ([`ClientOptions::listing_page_size`]).
const MAX_LISTING_PAGE: u32 = 10_000;

/// Default of [`ClientOptions::max_body_bytes`] (a page of 1000 large entities is a few MB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 512 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    /// Longest silence while waiting for or reading a response.
    pub read_timeout: Duration,
    /// `limit` of each by-query page (clamped to 1..=1000; Backstage's own client uses 1000).
    pub page_size: u32,
    /// `limit` of the pages of an incremental sync's listing, which asks for refs and etags
    /// only (~130 bytes an entity): clamped to 1..=10000. A server that caps `limit` lower
    /// answers smaller pages, and the cursor goes on.
    pub listing_page_size: u32,
    /// Refs per `POST /entities/by-refs`.
    pub refs_batch: usize,
    pub retry: RetryPolicy,
    /// Ask for gzip (`Accept-Encoding: gzip`).
    pub gzip: bool,
    /// Extra trusted root certificates (PEM), e.g. a company CA.
    pub extra_roots_pem: Option<Vec<u8>>,
    /// Largest response body accepted, counted after gzip decoding (and on the wire). gzip
    /// is inflated step by step into a buffer that never grows past this, so a gzip bomb
    /// stops at the limit ([`SyncError::ResponseTooLarge`]). Default 512 MiB.
    pub max_body_bytes: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            // Backstage's own client pages by 1000: half the round trips of 500.
            page_size: 1000,
            // A fifth of the round trips of 1000, each ~650 KB of JSON.
            listing_page_size: 5000,
            refs_batch: 200,
            retry: RetryPolicy::default(),
            gzip: true,
            extra_roots_pem: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// Traffic counters of one client (all requests, all attempts).
#[derive(Debug, Default)]
pub struct Meter {
    requests: AtomicU64,
    bytes_sent: AtomicU64,
    bytes_received: AtomicU64,
    bytes_decoded: AtomicU64,
    retries: AtomicU64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeterSnapshot {
    pub requests: u64,
    /// Request bodies (by-refs JSON).
    pub bytes_sent: u64,
    /// Response bodies as they came over the wire (compressed when gzip was used).
    pub bytes_received: u64,
    /// Response bodies after gzip decoding (counted as they are decoded: a body refused or
    /// cut short counts as far as it got).
    pub bytes_decoded: u64,
    pub retries: u64,
}

impl MeterSnapshot {
    pub fn since(&self, earlier: &MeterSnapshot) -> MeterSnapshot {
        MeterSnapshot {
            requests: self.requests.saturating_sub(earlier.requests),
            bytes_sent: self.bytes_sent.saturating_sub(earlier.bytes_sent),
            bytes_received: self.bytes_received.saturating_sub(earlier.bytes_received),
            bytes_decoded: self.bytes_decoded.saturating_sub(earlier.bytes_decoded),
            retries: self.retries.saturating_sub(earlier.retries),
        }
    }
}

impl Meter {
    fn snapshot(&self) -> MeterSnapshot {
        MeterSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            bytes_sent: self.bytes_sent.load(Ordering::Relaxed),
            bytes_received: self.bytes_received.load(Ordering::Relaxed),
            bytes_decoded: self.bytes_decoded.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
        }
    }
}

/// What to list with by-query. `filters` and `order_field` go on the first page only
/// (the cursor carries them); `fields` is repeated on every page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuerySpec {
    pub fields: Vec<String>,
    /// Each entry is one `filter` parameter (`kind=component,spec.type=service`).
    pub filters: Vec<String>,
    pub order_field: Option<String>,
    /// `limit` of each page instead of the client's `page_size` (clamped the same way): the
    /// incremental listing's items are a ref and an etag, so it pages by more.
    pub page_size: Option<u32>,
}

/// One by-query page.
#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<Value>,
    pub total_items: Option<u64>,
    pub next_cursor: Option<String>,
    /// Response body bytes on the wire for this page.
    pub wire_bytes: u64,
}

#[derive(Deserialize, Default)]
struct RawPageInfo {
    #[serde(rename = "nextCursor", default)]
    next_cursor: Option<String>,
}

/// One by-query page, unparsed: the JSON body and the refs of its items, in order.
#[derive(Debug, Clone)]
pub struct RawPage {
    /// The decoded JSON body (`{"items": [...], ...}`).
    pub body: Vec<u8>,
    pub refs: Vec<ItemRef>,
    pub total_items: Option<u64>,
    pub next_cursor: Option<String>,
    pub wire_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRef {
    /// `kind:namespace/name` as sent (original case).
    pub reference: String,
    /// Lowercased, as [`crate::entity_key`].
    pub key: String,
    pub etag: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// Cheap to clone (shares the connection pool and the meter).
#[derive(Clone)]
pub struct CatalogClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// `scheme://host[:port][/prefix]`, no trailing slash.
    base: String,
    host: String,
    auth: Option<HeaderValue>,
    opts: ClientOptions,
    meter: Meter,
}

impl std::fmt::Debug for CatalogClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatalogClient")
            .field("base", &self.inner.base)
            .field(
                "token",
                &if self.inner.auth.is_some() {
                    "<redacted>"
                } else {
                    "<none>"
                },
            )
            .finish()
    }
}

/// The backend base URL: `https://host[:port][/prefix]`; a trailing `/api/catalog` is accepted
/// and removed. Returns (base, host for messages).
pub(crate) fn normalize_base(url: &str) -> Result<(String, String), SyncError> {
    let invalid = |reason: &str| SyncError::InvalidUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = url::Url::parse(url.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("only http:// and https:// are supported"));
    }
    let Some(host) = parsed.host_str() else {
        return Err(invalid("it has no host"));
    };
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("put credentials in the token, not in the URL"));
    }
    let host = match parsed.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    };
    let mut base = parsed.as_str().trim_end_matches('/').to_owned();
    for suffix in ["/api/catalog", "/api"] {
        if base.ends_with(suffix) {
            base.truncate(base.len() - suffix.len());
            break;
        }
    }
    Ok((base, host))
}

impl CatalogClient {
    pub fn new(
        base_url: &str,
        token: Option<&Sensitive<String>>,
        opts: ClientOptions,
    ) -> Result<Self, SyncError> {
        let (base, host) = normalize_base(base_url)?;
        let auth = match token {
            Some(t) if !t.expose().is_empty() => {
                let mut v = HeaderValue::from_str(&format!("Bearer {}", t.expose()))
                    .map_err(|_| SyncError::InvalidToken)?;
                v.set_sensitive(true);
                Some(v)
            }
            _ => None,
        };
        let mut builder = reqwest::Client::builder()
            .connect_timeout(opts.connect_timeout)
            .read_timeout(opts.read_timeout)
            .pool_max_idle_per_host(4)
            .user_agent(concat!("backlot-sync/", env!("CARGO_PKG_VERSION")))
            // Never carry the token to another origin.
            .redirect(reqwest::redirect::Policy::none());
        if let Some(pem) = &opts.extra_roots_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                SyncError::Client(format!("the extra CA certificates are not PEM: {e}"))
            })?;
            builder = builder.tls_certs_merge(certs);
        }
        let http = builder
            .build()
            .map_err(|e| SyncError::Client(e.to_string()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base,
                host,
                auth,
                opts,
                meter: Meter::default(),
            }),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    pub fn options(&self) -> &ClientOptions {
        &self.inner.opts
    }

    pub fn meter(&self) -> MeterSnapshot {
        self.inner.meter.snapshot()
    }

    pub(crate) fn count_retry(&self) {
        self.inner.meter.retries.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.inner.base, path)
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    fn url_with_query(&self, path: &str, query: &[(&str, String)]) -> Result<url::Url, SyncError> {
        let mut url = url::Url::parse(&self.url(path)).map_err(|e| SyncError::InvalidUrl {
            url: self.inner.base.clone(),
            reason: e.to_string(),
        })?;
        {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    fn page_size(&self, spec: &QuerySpec) -> u32 {
        match spec.page_size {
            Some(n) => n.clamp(1, MAX_LISTING_PAGE),
            None => self.inner.opts.page_size.clamp(1, 1000),
        }
    }

    /// The page size of an incremental listing (refs and etags only).
    pub fn listing_page_size(&self) -> u32 {
        self.inner.opts.listing_page_size.clamp(1, MAX_LISTING_PAGE)
    }

    /// One by-query page. Without `cursor`: the first page, with filters, order and
    /// `totalItems=include|exclude`. With `cursor`: only `cursor`, `limit` and `fields`.
    pub async fn query_page(
        &self,
        spec: &QuerySpec,
        cursor: Option<&str>,
        total_items: bool,
    ) -> Result<Page, SyncError> {
        let (body, wire) = self.query_body(spec, cursor, total_items).await?;
        #[derive(Deserialize)]
        struct RawPage {
            items: Vec<Value>,
            #[serde(rename = "totalItems", default)]
            total_items: Option<u64>,
            #[serde(rename = "pageInfo", default)]
            page_info: RawPageInfo,
        }
        let raw: RawPage = serde_json::from_slice(&body).map_err(json_error)?;
        Ok(Page {
            items: raw.items,
            total_items: raw.total_items,
            next_cursor: raw.page_info.next_cursor.filter(|c| !c.is_empty()),
            wire_bytes: wire,
        })
    }

    /// One by-query page as its JSON body plus what paging and diffing need (refs, etags,
    /// cursor, total), read without building the entities: the body is validated JSON, and
    /// whoever stores the entities parses it (on the store's thread, see the sync engine).
    pub async fn query_page_raw(
        &self,
        spec: &QuerySpec,
        cursor: Option<&str>,
        total_items: bool,
    ) -> Result<RawPage, SyncError> {
        let (body, wire) = self.query_body(spec, cursor, total_items).await?;
        #[derive(Deserialize)]
        struct Skim {
            items: Vec<MapOnly<SkimItem>>,
            #[serde(rename = "totalItems", default)]
            total_items: Option<u64>,
            #[serde(rename = "pageInfo", default)]
            page_info: RawPageInfo,
        }
        #[derive(Deserialize)]
        struct SkimItem {
            #[serde(default)]
            kind: Option<String>,
            #[serde(default)]
            metadata: Option<SkimMeta>,
        }
        #[derive(Deserialize)]
        struct SkimMeta {
            #[serde(default)]
            name: Option<String>,
            #[serde(default)]
            namespace: Option<String>,
            #[serde(default)]
            etag: Option<String>,
        }
        let skim: Skim = serde_json::from_slice(&body).map_err(json_error)?;
        let mut refs = Vec::with_capacity(skim.items.len());
        for MapOnly(item) in skim.items {
            let meta = item.metadata;
            let namespace = meta
                .as_ref()
                .and_then(|m| m.namespace.clone())
                .unwrap_or_else(|| "default".to_owned());
            // The same rule as `entity_key`: a ref the store could not key is not listed.
            let (Some(kind), Some(name)) = (item.kind, meta.as_ref().and_then(|m| m.name.clone()))
            else {
                return Err(SyncError::UnexpectedResponse {
                    detail: "an item has no kind or metadata.name".into(),
                });
            };
            if kind.is_empty() || name.is_empty() || namespace.is_empty() {
                return Err(SyncError::UnexpectedResponse {
                    detail: "an item has an empty kind, metadata.name or metadata.namespace".into(),
                });
            }
            let r = backlot_model::EntityRef {
                kind,
                namespace,
                name,
            };
            refs.push(ItemRef {
                key: r.key(),
                reference: r.to_string(),
                etag: meta.and_then(|m| m.etag),
            });
        }
        Ok(RawPage {
            body,
            refs,
            total_items: skim.total_items,
            next_cursor: skim.page_info.next_cursor.filter(|c| !c.is_empty()),
            wire_bytes: wire,
        })
    }

    async fn query_body(
        &self,
        spec: &QuerySpec,
        cursor: Option<&str>,
        total_items: bool,
    ) -> Result<(Vec<u8>, u64), SyncError> {
        let mut query: Vec<(&str, String)> = vec![("limit", self.page_size(spec).to_string())];
        if !spec.fields.is_empty() {
            query.push(("fields", spec.fields.join(",")));
        }
        match cursor {
            Some(c) => query.push(("cursor", c.to_owned())),
            None => {
                for f in &spec.filters {
                    query.push(("filter", f.clone()));
                }
                if let Some(o) = &spec.order_field {
                    query.push(("orderField", o.clone()));
                }
                query.push((
                    "totalItems",
                    if total_items { "include" } else { "exclude" }.to_owned(),
                ));
            }
        }
        let req = self
            .inner
            .http
            .get(self.url_with_query("/api/catalog/entities/by-query", &query)?);
        self.execute(req, cursor.is_some()).await
    }

    /// `POST /entities/by-refs`: one entry per ref, in request order, `None` where the
    /// catalog has no such entity.
    pub async fn entities_by_refs(
        &self,
        refs: &[String],
        fields: &[String],
    ) -> Result<Vec<Option<Value>>, SyncError> {
        let mut body = serde_json::json!({ "entityRefs": refs });
        if !fields.is_empty() {
            body["fields"] = serde_json::json!(fields);
        }
        let bytes = serde_json::to_vec(&body).map_err(|e| SyncError::Internal(e.to_string()))?;
        self.inner
            .meter
            .bytes_sent
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        let req = self
            .inner
            .http
            .post(self.url("/api/catalog/entities/by-refs"))
            .header(CONTENT_TYPE, "application/json")
            .body(bytes);
        let (body, _) = self.execute(req, false).await?;
        #[derive(Deserialize)]
        struct Items {
            items: Vec<Option<Value>>,
        }
        let items: Items = serde_json::from_slice(&body).map_err(json_error)?;
        if items.items.len() != refs.len() {
            return Err(SyncError::UnexpectedResponse {
                detail: format!(
                    "by-refs answered {} items for {} refs",
                    items.items.len(),
                    refs.len()
                ),
            });
        }
        Ok(items.items)
    }

    /// `GET /entity-facets?facet=…`: value counts per facet.
    pub async fn facets(
        &self,
        facets: &[&str],
    ) -> Result<BTreeMap<String, Vec<FacetCount>>, SyncError> {
        let query: Vec<(&str, String)> =
            facets.iter().map(|f| ("facet", (*f).to_owned())).collect();
        let req = self
            .inner
            .http
            .get(self.url_with_query("/api/catalog/entity-facets", &query)?);
        let (body, _) = self.execute(req, false).await?;
        #[derive(Deserialize)]
        struct Facets {
            facets: BTreeMap<String, Vec<FacetCount>>,
        }
        let f: Facets = serde_json::from_slice(&body).map_err(json_error)?;
        Ok(f.facets)
    }

    /// Sends with the token and reads the whole body (decoding gzip as chunks arrive, capped):
    /// the status, the content type and the body, whatever the status.
    pub(crate) async fn send_raw(
        &self,
        mut req: reqwest::RequestBuilder,
    ) -> Result<(u16, String, Result<(Vec<u8>, u64), SyncError>), SyncError> {
        let inner = &self.inner;
        req = req.header(ACCEPT, "application/json");
        if inner.opts.gzip {
            req = req.header(ACCEPT_ENCODING, "gzip");
        }
        if let Some(auth) = &inner.auth {
            req = req.header(AUTHORIZATION, auth.clone());
        }
        inner.meter.requests.fetch_add(1, Ordering::Relaxed);
        let resp = req
            .send()
            .await
            .map_err(|e| from_transport(e, &inner.host, false, inner.opts.read_timeout))?;
        let status = resp.status().as_u16();
        let content_type = header_str(&resp, CONTENT_TYPE)
            .unwrap_or_default()
            .to_ascii_lowercase();
        let gzip =
            header_str(&resp, CONTENT_ENCODING).is_some_and(|v| v.eq_ignore_ascii_case("gzip"));
        Ok((status, content_type, self.read_body(resp, gzip).await))
    }

    /// `send_raw` with the status mapped to the catalog's errors.
    async fn execute(
        &self,
        req: reqwest::RequestBuilder,
        cursor_sent: bool,
    ) -> Result<(Vec<u8>, u64), SyncError> {
        let (status, content_type, body) = self.send_raw(req).await?;
        let inner = &self.inner;
        let url = format!("{}/api/catalog", inner.base);
        if (200..300).contains(&status) {
            let (body, wire) = body?;
            if content_type.starts_with("text/html") {
                return Err(SyncError::NotACatalog {
                    url,
                    detail: "it answered with an HTML page".into(),
                });
            }
            return Ok((body, wire));
        }
        let detail = match &body {
            Ok((b, _)) => backstage_message(b),
            Err(e) => e.to_string(),
        };
        Err(match status {
            401 => SyncError::Unauthorized,
            403 => SyncError::Forbidden { detail },
            404 | 405 => SyncError::NotACatalog {
                url,
                detail: format!("HTTP {status}: {detail}"),
            },
            400 if cursor_sent => SyncError::CursorExpired { detail },
            500..=599 => SyncError::Server { status, detail },
            _ => SyncError::Rejected { status, detail },
        })
    }

    async fn read_body(
        &self,
        mut resp: reqwest::Response,
        gzip: bool,
    ) -> Result<(Vec<u8>, u64), SyncError> {
        let inner = &self.inner;
        let mut body = BodyDecoder::new(gzip, inner.opts.max_body_bytes);
        loop {
            let chunk = resp
                .chunk()
                .await
                .map_err(|e| from_transport(e, &inner.host, true, inner.opts.read_timeout))?;
            let Some(chunk) = chunk else { break };
            inner
                .meter
                .bytes_received
                .fetch_add(chunk.len() as u64, Ordering::Relaxed);
            let before = body.decoded_len();
            let pushed = body.push(&chunk);
            inner
                .meter
                .bytes_decoded
                .fetch_add((body.decoded_len() - before) as u64, Ordering::Relaxed);
            pushed?;
        }
        let before = body.decoded_len();
        let wire = body.wire;
        let finished = body.finish();
        if let Ok(b) = &finished {
            inner
                .meter
                .bytes_decoded
                .fetch_add(b.len().saturating_sub(before) as u64, Ordering::Relaxed);
        }
        Ok((finished?, wire))
    }
}

/// A response body as it arrives: gzip inflated step by step (flate2 hands its output on in
/// pieces of at most 32 KiB) into a [`Capped`] buffer that refuses to grow past the limit,
/// so memory stays under the limit plus flate2's fixed buffers whatever the compression
/// ratio. The bytes on the wire are limited the same way.
struct BodyDecoder {
    limit: usize,
    wire: u64,
    decoding: Decoding,
}

enum Decoding {
    Plain(Capped),
    Gzip(Box<flate2::write::GzDecoder<Capped>>),
}

/// A `Write` into memory that fails (and remembers it) rather than hold more than `limit`
/// bytes. Its capacity never exceeds the limit either.
struct Capped {
    buf: Vec<u8>,
    limit: usize,
    overflowed: bool,
}

impl Capped {
    fn new(limit: usize) -> Self {
        Self {
            buf: Vec::new(),
            limit,
            overflowed: false,
        }
    }
}

impl std::io::Write for Capped {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let len = self.buf.len();
        let needed = match len.checked_add(data.len()) {
            Some(n) if n <= self.limit => n,
            _ => {
                self.overflowed = true;
                return Err(std::io::Error::other("response body over the limit"));
            }
        };
        if needed > self.buf.capacity() {
            // Grow by doubling as `Vec` would, but never past the limit.
            let target = len.saturating_mul(2).max(needed).min(self.limit);
            self.buf.reserve_exact(target - len);
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl BodyDecoder {
    fn new(gzip: bool, limit: usize) -> Self {
        let decoding = if gzip {
            Decoding::Gzip(Box::new(flate2::write::GzDecoder::new(Capped::new(limit))))
        } else {
            Decoding::Plain(Capped::new(limit))
        };
        Self {
            limit,
            wire: 0,
            decoding,
        }
    }

    fn too_large(&self) -> SyncError {
        SyncError::ResponseTooLarge {
            limit: self.limit as u64,
        }
    }

    fn decoded_len(&self) -> usize {
        match &self.decoding {
            Decoding::Plain(c) => c.buf.len(),
            Decoding::Gzip(d) => d.get_ref().buf.len(),
        }
    }

    /// Takes the next piece of the body as it came over the wire.
    fn push(&mut self, wire: &[u8]) -> Result<(), SyncError> {
        self.wire += wire.len() as u64;
        if self.wire > self.limit as u64 {
            return Err(self.too_large());
        }
        let written = match &mut self.decoding {
            Decoding::Plain(c) => c.write_all(wire),
            Decoding::Gzip(d) => d.write_all(wire),
        };
        written.map_err(|e| self.decode_error(e))
    }

    fn decode_error(&self, e: std::io::Error) -> SyncError {
        let overflowed = match &self.decoding {
            Decoding::Plain(c) => c.overflowed,
            Decoding::Gzip(d) => d.get_ref().overflowed,
        };
        if overflowed {
            self.too_large()
        } else {
            SyncError::UnexpectedResponse {
                detail: format!("invalid gzip data: {e}"),
            }
        }
    }

    /// The whole decoded body (checks that the gzip stream is complete and its CRC).
    fn finish(mut self) -> Result<Vec<u8>, SyncError> {
        let finished = match &mut self.decoding {
            Decoding::Plain(_) => Ok(()),
            Decoding::Gzip(d) => d.try_finish(),
        };
        finished.map_err(|e| self.decode_error(e))?;
        Ok(match &mut self.decoding {
            Decoding::Plain(c) => std::mem::take(&mut c.buf),
            Decoding::Gzip(d) => std::mem::take(&mut d.get_mut().buf),
        })
    }
}

/// A JSON object deserialized as `T`; anything else (serde would read a struct from an array)
/// is an error.
struct MapOnly<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for MapOnly<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visit<T> {
            type Value = MapOnly<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an entity (a JSON object)")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(MapOnly)
            }
        }
        deserializer.deserialize_map(Visit(std::marker::PhantomData))
    }
}

fn header_str(resp: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn json_error(e: serde_json::Error) -> SyncError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof => SyncError::MalformedJson {
            detail: e.to_string(),
        },
        Category::Data => SyncError::UnexpectedResponse {
            detail: e.to_string(),
        },
        Category::Io => SyncError::Internal(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    #[test]
    fn base_urls() {
        let ok = |u: &str| normalize_base(u).map(|(b, _)| b).ok();
        assert_eq!(
            ok("http://127.0.0.1:7007").as_deref(),
            Some("http://127.0.0.1:7007")
        );
        assert_eq!(
            ok("https://bs.example.com/").as_deref(),
            Some("https://bs.example.com")
        );
        assert_eq!(
            ok("https://bs.example.com/api/catalog/").as_deref(),
            Some("https://bs.example.com")
        );
        assert_eq!(
            ok("https://bs.example.com/backstage/api").as_deref(),
            Some("https://bs.example.com/backstage")
        );
        assert!(matches!(
            normalize_base("ftp://x"),
            Err(SyncError::InvalidUrl { .. })
        ));
        assert!(matches!(
            normalize_base("not a url"),
            Err(SyncError::InvalidUrl { .. })
        ));
        assert!(matches!(
            normalize_base("http://u:p@h"),
            Err(SyncError::InvalidUrl { .. })
        ));
        assert_eq!(
            normalize_base("http://h:81/x")
                .map(|(_, h)| h)
                .ok()
                .as_deref(),
            Some("h:81")
        );
    }

    #[test]
    fn token_never_in_debug() {
        let token = Sensitive::new("s3cret-token".to_owned());
        let c = CatalogClient::new("http://127.0.0.1:1", Some(&token), ClientOptions::default());
        let text = format!("{c:?}");
        assert!(!text.contains("s3cret"), "{text}");
        assert!(text.contains("<redacted>"));
        let bad = Sensitive::new("a\nb".to_owned());
        assert!(matches!(
            CatalogClient::new("http://127.0.0.1:1", Some(&bad), ClientOptions::default()),
            Err(SyncError::InvalidToken)
        ));
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        assert!(enc.write_all(data).is_ok());
        enc.finish().unwrap_or_default()
    }

    fn capacity(body: &BodyDecoder) -> usize {
        match &body.decoding {
            Decoding::Plain(c) => c.buf.capacity(),
            Decoding::Gzip(d) => d.get_ref().buf.capacity(),
        }
    }

    #[test]
    fn gzip_bodies_decode_across_chunks_up_to_the_limit_exactly() {
        let json: Vec<u8> = (0..20_000u32)
            .flat_map(|i| format!("{i},").into_bytes())
            .collect();
        let wire = gzip(&json);
        let mut body = BodyDecoder::new(true, json.len());
        for piece in wire.chunks(7) {
            assert!(body.push(piece).is_ok());
        }
        assert_eq!(body.wire, wire.len() as u64);
        assert!(capacity(&body) <= json.len());
        assert_eq!(body.finish().ok(), Some(json.clone()));
        let mut plain = BodyDecoder::new(false, json.len());
        assert!(plain.push(&json).is_ok());
        assert_eq!(plain.finish().ok(), Some(json));
    }

    #[test]
    fn a_gzip_bomb_in_one_chunk_stops_at_the_limit() {
        // 8 MiB of zeros, a few KiB on the wire, all in one chunk.
        let bomb = gzip(&vec![0u8; 8 << 20]);
        assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
        let limit = 100_000;
        let mut body = BodyDecoder::new(true, limit);
        let err = body.push(&bomb).err();
        assert!(
            matches!(err, Some(SyncError::ResponseTooLarge { limit: 100_000 })),
            "{err:?}"
        );
        // Never more than the limit held, nor allocated.
        assert!(body.decoded_len() <= limit, "{}", body.decoded_len());
        assert!(capacity(&body) <= limit, "{}", capacity(&body));
        assert!(body.decoded_len() > limit - 64 * 1024);
    }

    #[test]
    fn plain_bodies_and_wire_bytes_are_limited_and_bad_gzip_is_reported() {
        let mut body = BodyDecoder::new(false, 100_000);
        assert!(body.push(&[b' '; 60_000]).is_ok());
        assert!(matches!(
            body.push(&[b' '; 60_000]),
            Err(SyncError::ResponseTooLarge { .. })
        ));
        assert_eq!(
            body.decoded_len(),
            60_000,
            "the chunk over the limit is not kept"
        );
        assert!(capacity(&body) <= 100_000);

        // Bytes on the wire that decode to nothing still count (here: the header of a
        // gzip member whose file name never ends).
        let mut header = vec![0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 255];
        header.extend_from_slice(&[b'x'; 50_000]);
        let mut body = BodyDecoder::new(true, 40_000);
        assert!(matches!(
            body.push(&header),
            Err(SyncError::ResponseTooLarge { limit: 40_000 })
        ));

        let mut body = BodyDecoder::new(true, 1 << 20);
        let bad = body.push(b"this is not gzip at all");
        assert!(
            matches!(&bad, Err(SyncError::UnexpectedResponse { detail }) if detail.contains("invalid gzip")),
            "{bad:?}"
        );
        // A member cut short: found when the body ends.
        let wire = gzip(&[b'a'; 10_000]);
        let mut body = BodyDecoder::new(true, 1 << 20);
        assert!(body.push(&wire[..wire.len() - 4]).is_ok());
        assert!(matches!(
            body.finish(),
            Err(SyncError::UnexpectedResponse { .. })
        ));
    }

    #[test]
    fn json_errors_are_classified() {
        let syntax = serde_json::from_slice::<Value>(b"{\"items\": [").map_err(json_error);
        assert!(matches!(syntax, Err(SyncError::MalformedJson { .. })));
        #[derive(Deserialize, Debug)]
        struct P {
            #[allow(dead_code)]
            items: Vec<Value>,
        }
        let shape = serde_json::from_slice::<P>(b"{\"status\":\"ok\"}").map_err(json_error);
        assert!(matches!(shape, Err(SyncError::UnexpectedResponse { .. })));
    }
}
