//! Tests of the team docs: file names from the backend, reading the cached site, and
//! refreshing from a real HTTP server on 127.0.0.1 with capped downloads.

use super::fetch::safe_relative;
use super::render::{main_content, page_target};
use super::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

const ENTITY: &str = "component:default/svc";
#[cfg(unix)]
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n-not-really-an-image";

#[test]
fn site_file_names_must_be_plain_relative_paths_on_every_platform() {
    for ok in [
        "index.html",
        "a/b/index.html",
        "img/logo-1.png",
        "a.b/c_d~e.html",
    ] {
        assert!(safe_relative(ok), "{ok}");
    }
    for hostile in [
        "",
        "/etc/passwd",
        "//host/share/x.html",
        "\\\\host\\share\\x.html",
        "\\\\?\\C:\\x.html",
        "C:/x.html",
        "C:x.html",
        "c:\\x.html",
        "a\\..\\..\\x.html",
        "a/C:/x.html",
        "a/b.html:stream",
        "../x.html",
        "a/../../x.html",
        "./x.html",
        "a//b.html",
        "a/\0.html",
        "a/\n.html",
    ] {
        assert!(!safe_relative(hostile), "{hostile:?} was accepted");
    }
}

/// A cached team site in `<tmp>/site` with `files` written, and `<tmp>/secret.png` and
/// `<tmp>/secret.html` outside it.
#[cfg(unix)]
fn cached_site(files: &[(&str, &[u8])], pages: &[&str]) -> (tempfile::TempDir, TeamSite) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    for (name, bytes) in files {
        let file = dir.join(name);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, bytes).unwrap();
    }
    std::fs::write(tmp.path().join("secret.png"), PNG).unwrap();
    std::fs::write(
        tmp.path().join("secret.html"),
        "<article><h1>Secret title</h1></article>",
    )
    .unwrap();
    let site = TeamSite {
        entity_ref: ENTITY.into(),
        dir: dir.canonicalize().unwrap(),
        manifest: Manifest {
            pages: pages.iter().map(|p| p.to_string()).collect(),
            ..Manifest::default()
        },
    };
    (tmp, site)
}

#[cfg(unix)]
#[test]
fn team_images_and_pages_are_read_inside_the_cached_site_only() {
    let html: &[u8] = b"<html><body><article><h1>T</h1>\
        <img src=\"images/ok.png\"><img src=\"images/out.png\">\
        <img src=\"../secret.png\"></article></body></html>";
    let (tmp, site) = cached_site(
        &[("index.html", html), ("images/ok.png", PNG)],
        &["index.html", "leak.html"],
    );
    let link = |target: &Path, name: &str| {
        std::os::unix::fs::symlink(target, site.dir.join(name)).unwrap();
    };
    link(&tmp.path().join("secret.png"), "images/out.png");
    link(&tmp.path().join("secret.html"), "leak.html");

    let page = site.page(None).unwrap();
    assert_eq!(
        page.html.matches("data:image/png").count(),
        1,
        "only the image inside the site: {}",
        page.html
    );
    let e = site.page(Some("leak.html")).unwrap_err();
    assert!(
        matches!(
            e,
            DocsError::File(backlot_safe_fs::SafeFsError::Outside { .. })
        ),
        "{e}"
    );
    assert_eq!(site.title_of("leak.html"), "leak.html");
}

/// What the test server answers for a path ending so.
#[derive(Clone)]
enum Reply {
    /// A JSON body with its length.
    Json(&'static str),
    /// `n` bytes, without a length: the body ends when the connection closes.
    Bytes(usize),
    /// A body announced as `n` bytes (none sent).
    Announced(u64),
    /// Bytes for as long as the client reads (up to 1 GiB).
    Endless,
}

/// A real HTTP server on 127.0.0.1 counting the body bytes it managed to send.
struct Server {
    url: String,
    written: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(routes: Vec<(&'static str, Reply)>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let written = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (written2, stop2) = (written.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !stop2.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => answer(stream, &routes, &written2),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            url,
            written,
            stop,
            thread: Some(thread),
        }
    }

    /// Stops the server; the body bytes it sent.
    fn stop(&mut self) -> u64 {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.written.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn answer(mut stream: TcpStream, routes: &[(&str, Reply)], written: &AtomicU64) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or_default();
    let reply = routes
        .iter()
        .find(|(end, _)| path.ends_with(end))
        .map(|(_, reply)| reply.clone());
    let ok = "HTTP/1.1 200 OK\r\nConnection: close\r\n";
    match reply {
        None => {
            let _ = stream.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
        Some(Reply::Json(body)) => {
            let _ = write!(
                stream,
                "{ok}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
        }
        Some(Reply::Announced(n)) => {
            let _ = write!(stream, "{ok}Content-Length: {n}\r\n\r\n");
            // Hold the connection a moment: the client must not wait for the body.
            std::thread::sleep(Duration::from_millis(200));
        }
        Some(Reply::Bytes(n)) => {
            if write!(stream, "{ok}Content-Type: text/html\r\n\r\n").is_ok() {
                send(&mut stream, n as u64, written);
            }
        }
        Some(Reply::Endless) => {
            if write!(stream, "{ok}Content-Type: text/html\r\n\r\n").is_ok() {
                send(&mut stream, 1 << 30, written);
            }
        }
    }
}

/// Sends `left` body bytes in 64 KiB chunks, counting them, until the client hangs up.
fn send(stream: &mut TcpStream, mut left: u64, written: &AtomicU64) {
    let chunk = [b'x'; 64 * 1024];
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        if stream.write_all(&chunk[..n]).is_err() {
            return;
        }
        written.fetch_add(n as u64, Ordering::SeqCst);
        left -= n as u64;
    }
}

const METADATA: &str = r#"{"site_name":"S","etag":"e1","files":["a.html","b.html"]}"#;

/// Refreshes `ENTITY` from `server` with `limits`, in a fresh data folder.
fn refresh_from(server: &Server, limits: Limits) -> (tempfile::TempDir, Result<TeamSite>) {
    let data = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let token = Sensitive::new("t0ken".to_string());
    let result = refresh(
        data.path(),
        ENTITY,
        &Remote {
            base_url: &server.url,
            token: &token,
            runtime: runtime.handle(),
            limits,
        },
    );
    (data, result)
}

fn why(result: Result<TeamSite>) -> String {
    match result {
        Err(DocsError::TeamBadSite { why, .. }) => why,
        Err(e) => panic!("expected a refused site, got: {e}"),
        Ok(_) => panic!("expected a refused site, got one"),
    }
}

#[test]
fn a_download_is_cut_at_the_cap_while_it_streams() {
    let limits = Limits {
        file: 1 << 20,
        total: 4 << 20,
    };
    let mut server = Server::start(vec![
        ("techdocs_metadata.json", Reply::Json(METADATA)),
        ("index.html", Reply::Endless),
    ]);
    let started = std::time::Instant::now();
    let (data, result) = refresh_from(&server, limits);
    assert_eq!(why(result), "index.html is larger than 1048576 bytes");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "stopped at the cap, not at the timeout: {:?}",
        started.elapsed()
    );
    let written = server.stop();
    assert!(
        written < 64 << 20,
        "the client stopped reading at the cap, yet the server sent {written} bytes"
    );
    // Nothing cached, nothing half-written left behind.
    assert!(TeamSite::cached(data.path(), ENTITY).is_none());
    let cache = cache_dir(data.path(), ENTITY).unwrap();
    let left: Vec<_> = std::fs::read_dir(&cache)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn the_whole_site_and_announced_lengths_are_capped_too() {
    let limits = Limits {
        file: 1 << 20,
        total: 1 << 20,
    };
    // Each page fits, the site does not.
    let server = Server::start(vec![
        ("techdocs_metadata.json", Reply::Json(METADATA)),
        ("a.html", Reply::Bytes(600 << 10)),
        ("b.html", Reply::Bytes(600 << 10)),
    ]);
    let (_data, result) = refresh_from(&server, limits);
    assert_eq!(why(result), "the site is larger than 1048576 bytes");
    // A length over the cap is refused before any of the body is waited for.
    let server = Server::start(vec![
        ("techdocs_metadata.json", Reply::Json(METADATA)),
        ("index.html", Reply::Announced(10 << 30)),
    ]);
    let started = std::time::Instant::now();
    let (_data, result) = refresh_from(&server, limits);
    assert_eq!(why(result), "index.html is larger than 1048576 bytes");
    assert!(started.elapsed() < Duration::from_secs(15));
    // Within the caps the site is fetched and cached.
    let server = Server::start(vec![
        ("techdocs_metadata.json", Reply::Json(METADATA)),
        ("a.html", Reply::Bytes(1000)),
    ]);
    let (data, result) = refresh_from(&server, limits);
    assert_eq!(result.unwrap().manifest.pages, ["a.html"]);
    assert!(TeamSite::cached(data.path(), ENTITY).is_some());
}

#[test]
fn page_targets_and_paths() {
    assert_eq!(page_target("").as_deref(), Some("index.html"));
    assert_eq!(
        page_target("examples/basic/").as_deref(),
        Some("examples/basic/index.html")
    );
    assert_eq!(
        page_target("examples/basic").as_deref(),
        Some("examples/basic/index.html")
    );
    assert_eq!(page_target("a.html").as_deref(), Some("a.html"));
    assert_eq!(page_target("assets/app.js"), None);
    assert!(
        safe_relative("a/b.html")
            && !safe_relative("../x")
            && !safe_relative("/etc")
            && !safe_relative("a//b")
    );
    assert!(site_path("component:default/x").is_ok());
    assert!(site_path("component:default/..").is_err());
    assert_eq!(
        main_content(
            "<html><body><nav>n</nav><article class=\"md\"><h1>T</h1></article></body></html>"
        ),
        "<h1>T</h1>"
    );
}
