//! Property tests of by-query page decoding, through the public client and a full sync
//! against a server on 127.0.0.1 that answers with whatever body the case asks for:
//! - arbitrary bytes (plain, gzip, broken gzip; any status and content type) never panic,
//!   and fail as a response problem, never as an internal or transport error;
//! - arbitrary JSON pages decode consistently: `query_page` and `query_page_raw` agree,
//!   the refs `query_page_raw` lists are the keys the store will compute for the items, and
//!   a full sync either commits exactly the page's entities or rolls back and commits nothing.
//!
//! 256 cases per property by default; `PROPTEST_CASES=20000` (`make fuzz`) runs many more.

#![allow(clippy::unwrap_used)]

use backlot_test_support::raw_http::next_request;
use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use backlot_catalog_sync::{
    CatalogClient, ClientOptions, QuerySpec, RetryPolicy, SyncError, SyncMode, SyncOptions,
    SyncReport, SyncTarget, entity_key, full_sync,
};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
});

/// What the server answers on a slot (the first path segment of the client's base URL).
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    content_type: Option<&'static str>,
    gzip: bool,
    body: Vec<u8>,
}

struct Server {
    port: u16,
    answers: Arc<Mutex<HashMap<String, Answer>>>,
}

static SERVER: LazyLock<Server> = LazyLock::new(|| {
    let listener = RUNTIME.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let port = listener.local_addr().unwrap().port();
    let answers: Arc<Mutex<HashMap<String, Answer>>> = Arc::default();
    let shared = answers.clone();
    RUNTIME.spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, shared.clone()));
        }
    });
    Server { port, answers }
});

async fn serve(mut stream: tokio::net::TcpStream, answers: Arc<Mutex<HashMap<String, Answer>>>) {
    let mut buf: Vec<u8> = Vec::new();
    while let Some(head) = next_request(&mut stream, &mut buf).await {
        let target = head.split(' ').nth(1).unwrap_or_default();
        let slot = target.split('/').nth(1).unwrap_or_default().to_owned();
        let answer = answers.lock().unwrap().get(&slot).cloned();
        let answer = answer.unwrap_or(Answer {
            status: 404,
            content_type: None,
            gzip: false,
            body: Vec::new(),
        });
        let mut head = format!(
            "HTTP/1.1 {} Whatever\r\ncontent-length: {}\r\n",
            answer.status,
            answer.body.len()
        );
        if let Some(t) = answer.content_type {
            head.push_str(&format!("content-type: {t}\r\n"));
        }
        if answer.gzip {
            head.push_str("content-encoding: gzip\r\n");
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        out.extend_from_slice(&answer.body);
        if stream.write_all(&out).await.is_err() {
            return;
        }
    }
}

thread_local! {
    /// One client per slot and test thread (building one loads the TLS roots: slow).
    static CLIENTS: std::cell::RefCell<HashMap<String, CatalogClient>> = Default::default();
}

/// The client for `slot`, with no retries (every answer is final).
fn client(slot: &str) -> CatalogClient {
    CLIENTS.with(|clients| {
        clients
            .borrow_mut()
            .entry(slot.to_owned())
            .or_insert_with(|| {
                let base = format!("http://127.0.0.1:{}/{slot}", SERVER.port);
                let opts = ClientOptions {
                    connect_timeout: Duration::from_secs(5),
                    read_timeout: Duration::from_secs(10),
                    retry: RetryPolicy::none(),
                    ..ClientOptions::default()
                };
                CatalogClient::new(&base, None, opts).unwrap()
            })
            .clone()
    })
}

fn answer(slot: &str, answer: Answer) {
    SERVER
        .answers
        .lock()
        .unwrap()
        .insert(slot.to_owned(), answer);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// Errors that would mean the client broke, not the response.
fn internal(e: &SyncError) -> bool {
    matches!(
        e,
        SyncError::Internal(_)
            | SyncError::Client(_)
            | SyncError::InvalidUrl { .. }
            | SyncError::Unreachable { .. }
            | SyncError::Timeout { .. }
            | SyncError::Tls { .. }
            | SyncError::ConnectionCut { .. }
            | SyncError::Cancelled
    )
}

// ------------------------------------------------------------------------------------
// An in-memory SyncTarget: a committed map, a working copy between begin and commit.

#[derive(Debug, Default)]
struct MemState {
    committed: BTreeMap<String, Value>,
    commits: u32,
    rollbacks: u32,
}

#[derive(Clone, Default)]
struct Memory(Arc<Mutex<MemState>>);

struct MemoryTarget {
    shared: Memory,
    working: Option<BTreeMap<String, Value>>,
}

#[derive(Debug, thiserror::Error)]
enum MemError {
    #[error("write outside a transaction")]
    NoTransaction,
    #[error("entity without a ref: {0}")]
    NoRef(String),
}

impl SyncTarget for MemoryTarget {
    type Error = MemError;

    fn local_etags(&mut self) -> Result<HashMap<String, String>, MemError> {
        Ok(HashMap::new())
    }

    fn begin(&mut self, _mode: SyncMode) -> Result<(), MemError> {
        self.working = Some(self.shared.0.lock().unwrap().committed.clone());
        Ok(())
    }

    fn upsert(&mut self, entities: &[Value]) -> Result<(), MemError> {
        let w = self.working.as_mut().ok_or(MemError::NoTransaction)?;
        for e in entities {
            let key = entity_key(e).map_err(|_| MemError::NoRef(e.to_string()))?;
            w.insert(key, e.clone());
        }
        Ok(())
    }

    fn remove(&mut self, keys: &[String]) -> Result<(), MemError> {
        let w = self.working.as_mut().ok_or(MemError::NoTransaction)?;
        for k in keys {
            w.remove(k);
        }
        Ok(())
    }

    fn commit(self, _report: &SyncReport) -> Result<(), MemError> {
        let w = self.working.ok_or(MemError::NoTransaction)?;
        let mut s = self.shared.0.lock().unwrap();
        s.committed = w;
        s.commits += 1;
        Ok(())
    }

    fn rollback(self) -> Result<(), MemError> {
        self.shared.0.lock().unwrap().rollbacks += 1;
        Ok(())
    }
}

// ------------------------------------------------------------------------------------
// Generators.

fn short_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["Component", "component", "API", "Group", "x", "a-b", "Ünï", "", " ", ":", "/", "default", "ns-1", "E"])
            .prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

/// Any JSON value, small.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Floats that survive a JSON round trip exactly (serde_json's default float
        // parsing is not exact for every f64; that is not what is tested here).
        (-4000i32..4000).prop_map(|n| Value::from(f64::from(n) / 8.0)),
        short_text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(short_text(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A string field that is usually a string, sometimes absent, null, empty or not a string.
fn field() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        6 => short_text().prop_map(|s| Some(Value::from(s))),
        1 => Just(None),
        1 => Just(Some(Value::Null)),
        1 => any_json().prop_map(Some),
    ]
}

/// An entity-ish item: mostly objects with kind and metadata, sometimes odd shapes.
fn item() -> impl Strategy<Value = Value> {
    let entity = (field(), field(), field(), field(), any::<bool>()).prop_map(
        |(kind, name, namespace, etag, meta_present)| {
            let mut meta = serde_json::Map::new();
            for (k, v) in [("name", name), ("namespace", namespace), ("etag", etag)] {
                if let Some(v) = v {
                    meta.insert(k.into(), v);
                }
            }
            let mut e = serde_json::Map::new();
            if let Some(k) = kind {
                e.insert("kind".into(), k);
            }
            if meta_present {
                e.insert("metadata".into(), Value::Object(meta));
            }
            e.insert("spec".into(), json!({"type": "service"}));
            Value::Object(e)
        },
    );
    prop_oneof![
        8 => entity,
        // Structs also deserialize from arrays: `[kind, [name, namespace, etag]]`.
        1 => (short_text(), short_text()).prop_map(|(k, n)| json!([k, [n]])),
        1 => (short_text(), short_text()).prop_map(|(k, n)| json!([k, {"name": n}])),
        1 => any_json(),
    ]
}

/// A by-query page: `items`, `totalItems`, `pageInfo` in their normal and odd forms.
fn page() -> impl Strategy<Value = Value> {
    let items = prop_oneof![
        8 => prop::collection::vec(item(), 0..6).prop_map(Value::from),
        1 => any_json(),
    ];
    let total = prop_oneof![
        4 => (0u64..10).prop_map(Value::from),
        1 => Just(json!(-1)),
        1 => Just(json!(1.5)),
        1 => Just(json!("3")),
        1 => Just(Value::Null),
    ];
    let page_info = prop_oneof![
        4 => Just(json!({})),
        1 => Just(json!({"nextCursor": ""})),
        1 => Just(json!({"nextCursor": null})),
        1 => short_text().prop_map(|c| json!({"nextCursor": c})),
        1 => Just(json!({"nextCursor": 7})),
        1 => Just(Value::Null),
        1 => Just(json!([])),
    ];
    (
        prop::option::weighted(0.95, items),
        prop::option::of(total),
        prop::option::of(page_info),
        prop::option::of(any_json()),
    )
        .prop_map(|(items, total, page_info, extra)| {
            let mut p = serde_json::Map::new();
            if let Some(v) = items {
                p.insert("items".into(), v);
            }
            if let Some(v) = total {
                p.insert("totalItems".into(), v);
            }
            if let Some(v) = page_info {
                p.insert("pageInfo".into(), v);
            }
            if let Some(v) = extra {
                p.insert("extra".into(), v);
            }
            Value::Object(p)
        })
}

/// Well-formed pages of distinct, well-formed entities.
fn good_page() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::btree_set(
        (
            "[A-Za-z][A-Za-z0-9]{0,6}",
            "[a-z0-9-]{1,8}",
            "[a-zA-Z0-9._-]{1,12}",
        ),
        0..12,
    )
    .prop_map(|set| {
        let mut seen = std::collections::HashSet::new();
        set.into_iter()
            .filter(|(k, n, m)| seen.insert(format!("{k}:{n}/{m}").to_lowercase()))
            .map(|(kind, namespace, name)| {
                json!({"apiVersion": "backstage.io/v1alpha1", "kind": kind,
                           "metadata": {"name": name, "namespace": namespace, "etag": "e"},
                           "spec": {}})
            })
            .collect()
    })
}

fn full_sync_of(slot: &str) -> (Result<SyncReport, SyncError>, Memory) {
    let memory = Memory::default();
    let target = MemoryTarget {
        shared: memory.clone(),
        working: None,
    };
    let client = client(slot);
    let result = RUNTIME.block_on(full_sync(&client, target, &SyncOptions::new()));
    (result, memory)
}

// ------------------------------------------------------------------------------------

/// 256 cases per property (`PROPTEST_CASES` overrides); failures found are kept in
/// proptest-regressions/fuzz_page.txt and replayed first.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/fuzz_page.txt",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Arbitrary bytes in any framing: no panic; errors are about the response.
    #[test]
    fn arbitrary_bodies_never_panic(
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..2048),
            page().prop_map(|p| p.to_string().into_bytes()),
            (page(), 0usize..64).prop_map(|(p, cut)| {
                let mut b = p.to_string().into_bytes();
                b.truncate(b.len().saturating_sub(cut));
                b
            }),
        ],
        encoding in 0..4u8,
        status in prop::sample::select(vec![200u16, 200, 200, 200, 203, 400, 401, 403, 404, 405, 409, 429, 500, 501, 503]),
        content_type in prop::sample::select(vec![Some("application/json"), Some("application/json; charset=utf-8"), Some("text/html"), Some("TEXT/HTML;x"), None]),
        cursor in any::<bool>(),
    ) {
        let slot = "bytes";
        let (wire, gzip_header) = match encoding {
            0 => (body.clone(), false),
            1 => (gzip(&body), true),
            2 => (body.clone(), true),
            _ => {
                let mut g = gzip(&body);
                g.truncate(g.len() / 2);
                (g, true)
            }
        };
        answer(slot, Answer { status, content_type, gzip: gzip_header, body: wire });
        let c = client(slot);
        let cursor = cursor.then_some("cursor-1");
        let spec = QuerySpec::default();
        let page = RUNTIME.block_on(c.query_page(&spec, cursor, true));
        let raw = RUNTIME.block_on(c.query_page_raw(&spec, cursor, true));
        for e in [page.as_ref().err(), raw.as_ref().err()].into_iter().flatten() {
            prop_assert!(!internal(e), "{:?}", e);
        }
        if !(200..300).contains(&status) {
            prop_assert!(page.is_err() && raw.is_err());
        }
        if let Ok(raw) = &raw {
            prop_assert!(encoding < 2, "undecodable body accepted");
            prop_assert_eq!(&raw.body, &body);
            let page = page.as_ref().unwrap();
            prop_assert_eq!(page.items.len(), raw.refs.len());
            prop_assert_eq!(&page.next_cursor, &raw.next_cursor);
            prop_assert_eq!(page.total_items, raw.total_items);
        }
    }

    /// Arbitrary JSON pages: the two decoders agree, the refs are the store's keys, and a
    /// full sync commits exactly the page or nothing.
    #[test]
    fn json_pages_decode_consistently(page in page()) {
        let slot = "json";
        let body = page.to_string().into_bytes();
        answer(slot, Answer { status: 200, content_type: Some("application/json"), gzip: false, body });
        let c = client(slot);
        let spec = QuerySpec::default();
        let decoded = RUNTIME.block_on(c.query_page(&spec, None, true));
        let raw = RUNTIME.block_on(c.query_page_raw(&spec, None, true));
        for e in [decoded.as_ref().err(), raw.as_ref().err()].into_iter().flatten() {
            prop_assert!(
                matches!(e, SyncError::MalformedJson { .. } | SyncError::UnexpectedResponse { .. }),
                "{:?}", e
            );
        }
        if let Ok(p) = &decoded {
            prop_assert_eq!(Some(&Value::from(p.items.clone())), page.get("items"));
        }
        if let Ok(raw) = &raw {
            let items = page["items"].as_array().unwrap();
            prop_assert_eq!(raw.refs.len(), items.len());
            for (r, item) in raw.refs.iter().zip(items) {
                // Every item is listed under the key the store gives it (a page with an item
                // the store cannot key is refused: see `listing_refs_are_store_keys`).
                let key = entity_key(item);
                prop_assert!(key.is_ok(), "item {} listed as {}", item, r.key);
                let key = key.ok();
                prop_assert_eq!(key.as_ref(), Some(&r.key), "item {}", item);
            }
            let p = decoded.as_ref().unwrap();
            prop_assert_eq!(p.items.len(), raw.refs.len());
        }

        let (synced, memory) = full_sync_of(slot);
        let state = memory.0.lock().unwrap();
        match &synced {
            Ok(report) => {
                prop_assert_eq!((state.commits, state.rollbacks), (1, 0));
                let items = page["items"].as_array().unwrap();
                let keys: std::collections::BTreeSet<String> =
                    items.iter().map(|i| entity_key(i).unwrap()).collect();
                prop_assert_eq!(state.committed.keys().cloned().collect::<std::collections::BTreeSet<_>>(), keys.clone());
                prop_assert_eq!(report.added, keys.len() as u64);
            }
            Err(e) => {
                prop_assert_eq!((state.commits, state.rollbacks), (0, 1), "{:?}", e);
                prop_assert!(!internal(e), "{:?}", e);
            }
        }
    }

    /// Well-formed pages (plain or gzip): both decoders succeed, and a full sync commits
    /// every entity under its key.
    #[test]
    fn good_pages_sync_whole(entities in good_page(), zipped in any::<bool>(), total in any::<bool>()) {
        let slot = "good";
        let mut page = json!({"items": entities, "pageInfo": {}});
        if total {
            page["totalItems"] = json!(entities.len());
        }
        let body = page.to_string().into_bytes();
        let body = if zipped { gzip(&body) } else { body };
        answer(slot, Answer { status: 200, content_type: Some("application/json"), gzip: zipped, body });
        let (synced, memory) = full_sync_of(slot);
        let report = synced.unwrap();
        let state = memory.0.lock().unwrap();
        let expected: BTreeMap<String, Value> =
            entities.iter().map(|e| (entity_key(e).unwrap(), e.clone())).collect();
        prop_assert_eq!(&state.committed, &expected);
        prop_assert_eq!(report.added, entities.len() as u64);
        prop_assert_eq!(report.pages, 1);
    }
}

/// Found by `json_pages_decode_consistently`: the by-query listing (`query_page_raw`) reads a
/// ref out of items the store cannot key and skips — a JSON array (serde reads a struct from
/// a sequence) or an empty kind, name or namespace. A full sync then counts such an item and
/// marks its key as seen, so a stale local team entity with that key is not removed.
#[test]
fn listing_refs_are_store_keys() {
    for page in [
        json!({"items": [["Component", ["Component"]]]}),
        json!({"items": [["Component", {"name": "payments"}]]}),
        json!({"items": [{"kind": "Component", "metadata": {"name": ""}}]}),
        json!({"items": [{"kind": "", "metadata": {"name": "x"}}]}),
        json!({"items": [{"kind": "Component", "metadata": {"name": "x", "namespace": ""}}]}),
    ] {
        let slot = "odd-items";
        let body = page.to_string().into_bytes();
        answer(
            slot,
            Answer {
                status: 200,
                content_type: Some("application/json"),
                gzip: false,
                body,
            },
        );
        let raw = RUNTIME.block_on(client(slot).query_page_raw(&QuerySpec::default(), None, true));
        let keys: Vec<Option<String>> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| entity_key(i).ok())
            .collect();
        match raw {
            // Either the page is refused as an unexpected response...
            Err(e) => assert!(
                matches!(e, SyncError::UnexpectedResponse { .. }),
                "{page}: {e:?}"
            ),
            // ...or every ref listed is the key the store gives the item.
            Ok(raw) => {
                let listed: Vec<Option<String>> =
                    raw.refs.iter().map(|r| Some(r.key.clone())).collect();
                assert_eq!(listed, keys, "{page}");
            }
        }
    }
}
