//! Shared test parts: a catalog ingested from real files behind the real `Api`, a plain
//! `Host` for team-entity cases, and a real HTTP server on 127.0.0.1 that publishes a
//! TechDocs site the way a team Backstage does.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backlot_app::Api;
use backlot_backend_plugin_api::{Host, HostEntity, RuntimeHandle};
use backlot_model::Sensitive;
use backlot_model::{ApiError, Entity};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

/// A data folder whose catalog holds what `paths` hold, and the app API over it with the
/// TechDocs backend registered.
pub fn api_with(paths: &[PathBuf]) -> (tempfile::TempDir, Api) {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store =
            backlot_catalog_backend::Store::open(&dir.path().join(backlot_app::STORE_FILE))
                .unwrap();
        backlot_catalog_backend::ingest(&mut store, paths).unwrap();
    }
    let api = Api::open(dir.path());
    (dir, api)
}

/// Writes a catalog file for one component with `annotations` into `dir`.
pub fn component(dir: &Path, name: &str, annotations: &[(&str, &str)]) -> PathBuf {
    let mut annotations: String = annotations
        .iter()
        .map(|(k, v)| format!("    {k}: '{v}'\n"))
        .collect();
    if annotations.is_empty() {
        annotations = "    example.com/none: 'x'\n".into();
    }
    let yaml = format!(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n  annotations:\n{annotations}spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"
    );
    let file = dir.join(format!("{name}.yaml"));
    std::fs::write(&file, yaml).unwrap();
    file
}

/// A host for team entities: the data folder, the entities, the backend URL and token.
pub struct TeamHost {
    pub data_dir: PathBuf,
    pub entities: Vec<HostEntity>,
    pub url: Option<String>,
    pub token: Option<String>,
    runtime: tokio::runtime::Runtime,
}

impl TeamHost {
    pub fn new(data_dir: &Path, url: Option<String>, token: Option<&str>) -> Self {
        let entity: Entity = serde_json::from_value(serde_json::json!({
            "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": "team-svc", "namespace": "default",
                "annotations": {"backstage.io/techdocs-ref": "url:https://git.example/team-svc"}},
            "spec": {"type": "service", "lifecycle": "production", "owner": "team-a"}
        }))
        .unwrap();
        TeamHost {
            data_dir: data_dir.to_path_buf(),
            entities: vec![HostEntity {
                entity,
                source_file: None,
                from_team: true,
            }],
            url,
            token: token.map(str::to_string),
            runtime: tokio::runtime::Runtime::new().unwrap(),
        }
    }
}

impl Host for TeamHost {
    fn data_dir(&self) -> &Path {
        &self.data_dir
    }
    fn entity(&self, entity_ref: &str) -> Result<Option<HostEntity>, ApiError> {
        Ok(self
            .entities
            .iter()
            .find(|e| e.entity.entity_ref().key() == entity_ref.to_lowercase())
            .cloned())
    }
    fn entities_with_annotation(&self, key: &str) -> Result<Vec<HostEntity>, ApiError> {
        Ok(self
            .entities
            .iter()
            .filter(|e| e.entity.metadata.annotations.contains_key(key))
            .cloned()
            .collect())
    }
    fn entities_of_kind(&self, kind: &str) -> Result<Vec<HostEntity>, ApiError> {
        Ok(self
            .entities
            .iter()
            .filter(|e| e.entity.kind.eq_ignore_ascii_case(kind))
            .cloned()
            .collect())
    }
    fn team_backend_url(&self) -> Result<Option<String>, ApiError> {
        Ok(self.url.clone())
    }
    fn team_token(&self) -> Result<Option<Sensitive<String>>, ApiError> {
        Ok(self.token.clone().map(Sensitive::new))
    }
    fn proxy(
        &self,
        _: backlot_model::ipc::ProxyCall,
    ) -> Result<backlot_model::ipc::ProxyReply, ApiError> {
        Err(ApiError::new(
            backlot_model::ErrorCode::Unsupported,
            "this test host has no proxy",
        ))
    }
    fn runtime(&self) -> Result<RuntimeHandle, ApiError> {
        Ok(self.runtime.handle().clone())
    }
}

/// One request the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub authorization: Option<String>,
}

/// Serves files of `root` under `/api/techdocs/static/docs/`, only with the right bearer
/// token (else 401). Stops (and refuses connections) when dropped or `stop`ped.
pub struct SiteServer {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SiteServer {
    pub fn start(root: &Path, token: &str) -> SiteServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (root, token, seen2, stop2) = (
            root.to_path_buf(),
            token.to_string(),
            seen.clone(),
            stop.clone(),
        );
        let thread = std::thread::spawn(move || {
            while !stop2.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => serve_one(stream, &root, &token, &seen2),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        SiteServer {
            url,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for SiteServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve_one(stream: TcpStream, root: &Path, token: &str, seen: &Mutex<Vec<Seen>>) {
    stream.set_nonblocking(false).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("authorization")
        {
            authorization = Some(v.trim().to_string());
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    seen.lock().unwrap().push(Seen {
        path: path.clone(),
        authorization: authorization.clone(),
    });
    let (status, body, ctype) = if authorization.as_deref() != Some(&format!("Bearer {token}")) {
        (
            "401 Unauthorized",
            br#"{"error":{"name":"AuthenticationError","message":"Missing credentials"}}"#.to_vec(),
            "application/json",
        )
    } else {
        let rel = path
            .strip_prefix("/api/techdocs/static/docs/")
            .unwrap_or("\0");
        let file = root.join(rel);
        match (rel.contains(".."), std::fs::read(&file)) {
            (false, Ok(bytes)) => (
                "200 OK",
                bytes,
                if rel.ends_with(".html") {
                    "text/html"
                } else {
                    "application/octet-stream"
                },
            ),
            _ => ("404 Not Found", b"not found".to_vec(), "text/plain"),
        }
    };
    let mut stream = reader.into_inner();
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-type: {ctype}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
    let _ = stream.flush();
    let mut rest = Vec::new();
    let _ = stream.set_read_timeout(Some(Duration::from_millis(10)));
    let _ = stream.read_to_end(&mut rest);
}

/// A tiny valid PNG (1×1).
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// Writes a published TechDocs site (as `mkdocs build` + techdocs-cli lay it out) for
/// `default/component/team-svc` under `root`.
pub fn publish_team_site(root: &Path, etag: &str) {
    let site = root.join("default/component/team-svc");
    std::fs::create_dir_all(site.join("guide/install")).unwrap();
    std::fs::create_dir_all(site.join("assets/images")).unwrap();
    let page = |title: &str, body: &str| {
        format!(
            "<!doctype html><html><head><title>{title} - Team Svc</title><script src=\"assets/app.js\"></script></head>\
             <body><header class=\"md-header\"><a href=\"javascript:void(0)\">menu</a></header>\
             <nav class=\"md-nav\"><a href=\"./\">Home</a></nav><main><div class=\"md-content\">\
             <article class=\"md-content__inner md-typeset\">{body}</article></div></main>\
             <script>window.evil = 1</script></body></html>"
        )
    };
    std::fs::write(
        site.join("index.html"),
        page(
            "Home",
            "<h1 id=\"team-service\">Team Service<a class=\"headerlink\" href=\"#team-service\">¶</a></h1>\
             <p>Welcome. See the <a href=\"guide/install/\">install guide</a>.</p>\
             <p><img alt=\"logo\" src=\"assets/images/logo.png\" onerror=\"alert(1)\"></p>\
             <div class=\"admonition note\"><p class=\"admonition-title\">Note</p><p>Flux capacitor required.</p></div>\
             <p><a href=\"javascript:alert(2)\">click</a></p>",
        ),
    )
    .unwrap();
    std::fs::write(
        site.join("guide/install/index.html"),
        page(
            "Install",
            "<h1 id=\"install\">Install</h1><h2 id=\"requirements\">Requirements</h2><p>Needs a quantum router.</p>\
             <p><a href=\"../../#team-service\">Back home</a></p>",
        ),
    )
    .unwrap();
    std::fs::write(site.join("assets/images/logo.png"), PNG).unwrap();
    std::fs::write(
        site.join("techdocs_metadata.json"),
        format!(
            r#"{{"site_name":"Team Svc","site_description":"","etag":"{etag}","build_timestamp":1,"files":["index.html","guide/install/index.html","assets/images/logo.png","assets/app.js"]}}"#
        ),
    )
    .unwrap();
}
