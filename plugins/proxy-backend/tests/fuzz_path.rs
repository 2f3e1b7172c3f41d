//! Property tests of the proxy's path mapping, end to end: `Proxy::handle` against an
//! upstream on 127.0.0.1 that records the request target of every request it gets.
//! - Hostile paths (traversal in every encoding, path parameters, backslashes, host tricks,
//!   control bytes, arbitrary text) never panic; a call is either refused before anything is
//!   sent, or what arrives upstream lies under the endpoint's target path, with no `..`
//!   segment however often it is percent-decoded.
//! - Redirects the upstream answers with (hostile `Location`s) are followed only where the
//!   request stays under the target path the same way.
//! - Plain paths map exactly as Backstage maps them: `/<route>/<rest>?q` → `<target>/<rest>?q`.
//!
//! Every host these tests name is a loopback address. 256 cases per property by default;
//! `PROPTEST_CASES=20000` (`make fuzz`) runs many more.

#![allow(clippy::unwrap_used)]

use backlot_test_support::raw_http::next_request;
use std::sync::{Arc, LazyLock, Mutex};

use backlot_config::Config;
use backlot_proxy_backend::{NoSecrets, Proxy, ProxyBody, ProxyError, ProxyRequest};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
});

/// The endpoints, in configuration order: (route, target path under the upstream).
const ROUTES: &[(&str, &str)] = &[("/ep", "/base/v1"), ("/rw", "/rw-base"), ("/root", "")];

/// An upstream that answers 200 with an empty body (or, once, a redirect) and records the
/// request target of each request.
struct Upstream {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
    redirect: Arc<Mutex<Option<String>>>,
    proxy: Proxy,
}

impl Upstream {
    fn start() -> Upstream {
        let listener = RUNTIME.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let redirect: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
        let (s, r) = (seen.clone(), redirect.clone());
        RUNTIME.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, s.clone(), r.clone()));
            }
        });
        let yaml = format!(
            "proxy:\n  endpoints:\n    /ep: http://127.0.0.1:{port}/base/v1\n    /rw:\n      target: http://127.0.0.1:{port}/rw-base\n      pathRewrite:\n        '^/api/proxy/rw/old/': '/new/'\n        '^/api/proxy/rw/': '/'\n    /root: http://127.0.0.1:{port}\n"
        );
        let config = Config::from_yaml("fuzz.yaml", &yaml, &|_: &str| None).unwrap();
        let proxy = Proxy::from_config(&config, Arc::new(NoSecrets)).unwrap();
        Upstream {
            port,
            seen,
            redirect,
            proxy,
        }
    }

    /// Sends one call; returns its outcome (status) and the request targets the upstream got.
    fn call(&self, request: ProxyRequest) -> (Result<u16, ProxyError>, Vec<String>) {
        self.seen.lock().unwrap().clear();
        let result = RUNTIME.block_on(async {
            let response = self.proxy.handle(request).await?;
            let status = response.status;
            response.body.bytes().await?;
            Ok::<u16, ProxyError>(status)
        });
        let seen = self.seen.lock().unwrap().clone();
        (result, seen)
    }
}

async fn serve(
    mut stream: tokio::net::TcpStream,
    seen: Arc<Mutex<Vec<String>>>,
    redirect: Arc<Mutex<Option<String>>>,
) {
    let mut buf: Vec<u8> = Vec::new();
    while let Some(head) = next_request(&mut stream, &mut buf).await {
        let target = head.split(' ').nth(1).unwrap_or_default().to_owned();
        seen.lock().unwrap().push(target);
        let response = match redirect.lock().unwrap().take() {
            Some(location) => {
                format!("HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\n\r\n")
            }
            None => "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".to_owned(),
        };
        if stream.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// The route of the first endpoint (configuration order) that serves `path`.
fn route_of(path: &str) -> Option<(&'static str, &'static str)> {
    let path_only = path.split('?').next().unwrap_or_default();
    ROUTES.iter().copied().find(|(route, _)| {
        path_only == *route
            || path_only
                .strip_prefix(route)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// The path, percent-decoded again and again until nothing changes.
fn decoded_forms(path: &str) -> Vec<String> {
    let mut forms = vec![path.to_owned()];
    for _ in 0..16 {
        let last = forms.last().unwrap();
        let next = percent_decode_str(last).decode_utf8_lossy().into_owned();
        if &next == last {
            break;
        }
        forms.push(next);
    }
    forms
}

/// What a request target that reached the upstream must satisfy: `prefix` itself or under
/// it (whole segments), and no `..` segment (bare or with path parameters) or backslash in any
/// decoding.
fn check_arrived(target: &str, prefix: &str) -> Result<(), TestCaseError> {
    prop_assert!(target.starts_with('/'), "not origin-form: {:?}", target);
    let path = target.split('?').next().unwrap_or_default();
    prop_assert!(
        path == prefix || path.starts_with(&format!("{prefix}/")),
        "{:?} left the target path {:?}",
        target,
        prefix
    );
    for form in decoded_forms(path) {
        prop_assert!(
            !form.contains('\\'),
            "backslash in {:?} ({:?})",
            target,
            form
        );
        for segment in form.split('/') {
            let bare = segment.split(';').next().unwrap_or_default();
            prop_assert!(bare != "..", "traversal in {:?} ({:?})", target, form);
        }
    }
    Ok(())
}

/// Pieces of hostile request paths that a path may carry (percent-encoded tricks, dots,
/// path parameters, host-looking text)...
const PATH_PIECES: &[&str] = &[
    "/",
    "/",
    "/",
    "//",
    "a",
    "b.c",
    "x",
    ".",
    "..",
    "...",
    "..;",
    ";",
    ";jsessionid=1",
    "%2e",
    "%2E",
    "%2e%2e",
    ".%2e",
    "%2e.",
    "%2E%2e",
    "%252e",
    "%252e%252e",
    "%25252e",
    "%2525252e",
    "%2f",
    "%2F",
    "%252f",
    "%5c",
    "%5C",
    "%255c",
    "%3b",
    "%3B",
    "%00",
    "%0d%0a",
    "%20",
    "%",
    "%%",
    "%zz",
    "%2",
    "@",
    "@127.0.0.2",
    ":",
    "http:",
    "https://127.0.0.2",
    "//127.0.0.2:1",
    "localhost:1",
    "?",
    "?a=..",
    "&",
    "=",
    "~",
    "ep",
    "rw",
    "root",
    "old",
    "%u002e",
    "%c0%ae",
    "%e0%80%ae",
    "%ef%bc%8e",
];

/// ...and pieces it must not carry raw.
const RAW_PIECES: &[&str] = &["\\", "#", "é", " ", "\t", "\r\n", "\u{0}", "\u{7f}"];

fn hostile_path() -> impl Strategy<Value = String> {
    let start = prop_oneof![
        12 => prop::sample::select(vec!["/ep", "/ep/", "/rw/", "/rw/old/", "/root/", "/root", "/unknown/"]),
        1 => prop::sample::select(vec!["", "//", "http://127.0.0.2/ep/", "ep/"]),
    ];
    let pieces = prop::collection::vec(
        prop_oneof![
            64 => prop::sample::select(PATH_PIECES).prop_map(str::to_owned),
            1 => prop::sample::select(RAW_PIECES).prop_map(str::to_owned),
            1 => any::<char>().prop_map(String::from),
        ],
        0..16,
    );
    prop_oneof![
        24 => (start, pieces).prop_map(|(s, p)| format!("{s}{}", p.concat())),
        1 => any::<String>(),
    ]
}

fn assert_refused_or_inside(
    path: &str,
    outcome: &Result<u16, ProxyError>,
    seen: &[String],
) -> Result<(), TestCaseError> {
    match outcome {
        Ok(_) => {
            let Some((_, prefix)) = route_of(path) else {
                return Err(TestCaseError::fail(format!(
                    "{path:?} served without a route"
                )));
            };
            prop_assert!(
                !seen.is_empty(),
                "{:?} answered without reaching the upstream",
                path
            );
            for target in seen {
                check_arrived(target, prefix)?;
            }
        }
        Err(e) => {
            prop_assert!(
                !matches!(e, ProxyError::Connect { .. } | ProxyError::Timeout { .. }),
                "{:?}: {} (did it leave 127.0.0.1?)",
                path,
                e
            );
            // Refusals happen before anything is sent.
            if matches!(
                e,
                ProxyError::PathTraversal
                    | ProxyError::InvalidPath { .. }
                    | ProxyError::HostChange
                    | ProxyError::UnknownEndpoint { .. }
            ) {
                prop_assert!(
                    seen.is_empty(),
                    "{:?} refused ({}) after reaching the upstream: {:?}",
                    path,
                    e,
                    seen
                );
            }
        }
    }
    Ok(())
}

static PATHS: LazyLock<Upstream> = LazyLock::new(Upstream::start);
static REDIRECTS: LazyLock<Upstream> = LazyLock::new(Upstream::start);
static PLAIN: LazyLock<Upstream> = LazyLock::new(Upstream::start);

/// 256 cases per property (`PROPTEST_CASES` overrides); failures found are kept in
/// proptest-regressions/fuzz_path.txt and replayed first.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/fuzz_path.txt",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Any path, any method: refused before sending, or sent under the target path.
    #[test]
    fn hostile_paths_stay_under_the_target(
        path in hostile_path(),
        method in prop_oneof![
            8 => prop::sample::select(vec!["GET", "get", "HEAD", "DELETE", "POST", "BREW"]),
            1 => prop::sample::select(vec!["", "G T", "GET\r\n"]),
        ],
    ) {
        let up = &*PATHS;
        let request = ProxyRequest {
            method: method.to_owned(),
            path: path.clone(),
            headers: Vec::new(),
            body: ProxyBody::Empty,
        };
        let (outcome, seen) = up.call(request);
        assert_refused_or_inside(&path, &outcome, &seen)?;
    }

    /// A plain path under each endpoint, answered by a redirect to a hostile `Location`:
    /// the redirect is followed only when it stays under the target path.
    #[test]
    fn redirects_stay_under_the_target(
        route in 0..ROUTES.len(),
        location in prop::collection::vec(
            prop::sample::select(vec![
                "ORIGIN", "ORIGIN", "/base/v1", "/base/v1/", "/base/v1x", "/rw-base/", "/rw-basement",
                "/", "/other", "a", "./", "../", "..", "%2e%2e", "%2E%2E;", "..;", "%3b", "%2f", "%5c",
                "\\", "//127.0.0.2:1/", "http://localhost:PORT", "https://127.0.0.1:PORT",
                "http://user@127.0.0.1:PORT", "http://127.0.0.1:1", "?x=..", "#f", "%252e%252e",
                "%2525252e%2525252e", "x", "/",
            ]),
            1..8,
        ),
    ) {
        let up = &*REDIRECTS;
        let (name, prefix) = ROUTES[route];
        let origin = format!("http://127.0.0.1:{}", up.port);
        let location = location
            .concat()
            .replace("ORIGIN", &origin)
            .replace("PORT", &up.port.to_string());
        *up.redirect.lock().unwrap() = Some(location.clone());
        let path = format!("{name}/start");
        let (outcome, seen) = up.call(ProxyRequest::get(&path));
        up.redirect.lock().unwrap().take();
        prop_assert!(outcome.is_ok(), "{:?} → {:?}", location, outcome);
        prop_assert!(!seen.is_empty() && seen.len() <= 2, "{:?}", seen);
        for target in &seen {
            check_arrived(target, prefix).map_err(|e| {
                TestCaseError::fail(format!("redirect to {location:?}: {e}"))
            })?;
        }
    }

    /// Ordinary paths and queries map exactly: `/ep/<rest>?q` → `/base/v1/<rest>?q`.
    #[test]
    fn plain_paths_map_like_backstage(
        segments in prop::collection::vec(
            "[A-Za-z0-9._~!$&'()*+,:=@-]{1,8}".prop_filter("dot segments", |s| s != "." && s != ".."),
            0..6,
        ),
        query in prop::option::of("[a-z]{1,4}=[a-zA-Z0-9._~-]{0,6}(&[a-z]{1,4}=[a-z0-9]{0,4}){0,2}"),
        route in 0..ROUTES.len(),
    ) {
        let up = &*PLAIN;
        let (name, prefix) = ROUTES[route];
        let rest = segments.join("/");
        let query = query.map(|q| format!("?{q}")).unwrap_or_default();
        let path = format!("{name}/{rest}{query}");
        let (outcome, seen) = up.call(ProxyRequest::get(&path));
        prop_assert_eq!(outcome.as_ref().ok(), Some(&200), "{:?}: {:?}", path, outcome);
        // `/rw` has `pathRewrite` rules: `…/rw/old/` → `/new/`, else `…/rw/` → `/`.
        let rest = match rest.strip_prefix("old/") {
            Some(after) if name == "/rw" => format!("new/{after}"),
            _ => rest,
        };
        prop_assert_eq!(seen, vec![format!("{prefix}/{rest}{query}")], "{}", path);
    }
}

#[test]
fn traversal_examples_are_refused_before_sending() {
    let up = Upstream::start();
    for path in [
        "/ep/../x",
        "/ep/%2e%2e/x",
        "/ep/..;/x",
        "/ep/%252e%252e/x",
        "/ep/..%2fx",
        "/ep/a/%2E%2E%5c",
        "/root/..",
    ] {
        let (outcome, seen) = up.call(ProxyRequest::get(path));
        assert!(outcome.is_err(), "{path} accepted");
        assert!(seen.is_empty(), "{path} reached the upstream: {seen:?}");
    }
}
