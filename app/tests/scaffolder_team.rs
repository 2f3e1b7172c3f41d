//! A team template through the whole app: the Template entity arrives by a real sync from a
//! Backstage-compatible catalog server; its folder is read from the GitHub repository its
//! `backstage.io/managed-by-location` names, through the proxy's `/github` endpoint (here a
//! local server speaking GitHub's git trees/blobs API), cached, fetched again only where it
//! changed, run offline from the cache; hostile trees are refused.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use backlot_app::Api;
use backlot_catalog_sync::test_server::{Catalog, ServerOptions, TestServer};
use backlot_model::ErrorCode;
use base64::Engine as _;
use serde_json::{Value, json};

/// `path → (sha, bytes, mode)` of the repository's files.
type Files = Arc<Mutex<BTreeMap<String, (String, Vec<u8>, String)>>>;

/// GitHub's git API for one repository; records the paths asked.
struct FakeGit {
    url: String,
    /// Set: every answer is a 503 (GitHub unreachable).
    down: Arc<std::sync::atomic::AtomicBool>,
    files: Files,
    asked: Arc<Mutex<Vec<String>>>,
}

impl FakeGit {
    fn start(initial: &[(&str, &str, &str)]) -> FakeGit {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let files = Arc::new(Mutex::new(BTreeMap::new()));
        let asked = Arc::new(Mutex::new(Vec::new()));
        let down = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (f, a, d) = (files.clone(), asked.clone(), down.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap_or_default();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                a.lock().unwrap().push(path.clone());
                let (status, body) = if d.load(std::sync::atomic::Ordering::SeqCst) {
                    (503, String::from("{}"))
                } else {
                    answer(&f.lock().unwrap(), &path)
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        let git = FakeGit {
            url,
            down,
            files,
            asked,
        };
        for (path, text, mode) in files_of(initial) {
            git.put(&path, text.as_bytes(), &mode);
        }
        git
    }

    fn put(&self, path: &str, bytes: &[u8], mode: &str) {
        let sha = format!("sha-{:x}", backlot_test_sha(bytes));
        self.files
            .lock()
            .unwrap()
            .insert(path.into(), (sha, bytes.to_vec(), mode.into()));
    }

    fn blobs_asked(&self) -> usize {
        self.asked
            .lock()
            .unwrap()
            .iter()
            .filter(|p| p.contains("/git/blobs/"))
            .count()
    }
}

fn files_of(files: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    files
        .iter()
        .map(|(p, t, m)| (p.to_string(), t.to_string(), m.to_string()))
        .collect()
}

/// A content hash good enough to tell files apart in a test.
fn backlot_test_sha(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn answer(files: &BTreeMap<String, (String, Vec<u8>, String)>, path: &str) -> (u16, String) {
    if path == "/repos/acme/templates/git/trees/main?recursive=1" {
        let tree: Vec<Value> = files
            .iter()
            .map(|(p, (sha, bytes, mode))| {
                json!({"path": p, "type": "blob", "sha": sha, "mode": mode, "size": bytes.len()})
            })
            .collect();
        return (
            200,
            json!({"sha": "root", "tree": tree, "truncated": false}).to_string(),
        );
    }
    if let Some(sha) = path.strip_prefix("/repos/acme/templates/git/blobs/")
        && let Some((_, bytes, _)) = files.values().find(|(s, _, _)| s == sha)
    {
        let content = base64::engine::general_purpose::STANDARD.encode(bytes);
        return (
            200,
            json!({"content": content, "encoding": "base64"}).to_string(),
        );
    }
    (404, r#"{"message":"Not Found"}"#.into())
}

const TEMPLATE: &str = "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: team-svc\nspec:\n  owner: platform\n  type: service\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ./skeleton\n        values:\n          name: ${{ parameters.name }}\n";

fn wait_for_sync(api: &Api) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while api.dispatch("team_backend", json!({})).unwrap()["sync"]["running"] != Value::Null {
        assert!(Instant::now() < deadline, "sync did not finish");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_team_template_runs_from_its_github_folder_through_the_proxy_and_offline_from_the_cache() {
    let git = FakeGit::start(&[
        ("templates/svc/template.yaml", TEMPLATE, "100644"),
        (
            "templates/svc/skeleton/README.md",
            "# ${{ values.name }}\n",
            "100644",
        ),
        (
            "templates/svc/skeleton/run.sh",
            "#!/bin/sh\necho ${{ values.name }}\n",
            "100755",
        ),
        ("templates/other/secret.txt", "not ours", "100644"),
    ]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut entity: Value = serde_saphyr::from_str(TEMPLATE).unwrap();
    entity["metadata"]["annotations"] = json!({
        "backstage.io/managed-by-location": "url:https://github.com/acme/templates/blob/main/templates/svc/template.yaml"
    });
    let catalog_server = rt
        .block_on(TestServer::start(
            Catalog::from_entities(vec![entity]),
            ServerOptions {
                token: None,
                ..Default::default()
            },
        ))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("app-config.test.yaml");
    std::fs::write(
        &config,
        format!(
            "proxy:\n  endpoints:\n    /github:\n      target: {}\n",
            git.url
        ),
    )
    .unwrap();
    let api = Api::open_with_config(dir.path(), &[config]);
    api.dispatch(
        "save_team_backend",
        json!({"url": catalog_server.base_url(), "token": null}),
    )
    .unwrap();
    api.dispatch("start_sync", json!({"full": true})).unwrap();
    wait_for_sync(&api);
    let templates = api.dispatch("scaffolder_templates", json!({})).unwrap();
    assert_eq!(templates[0]["entityRef"], "template:default/team-svc");
    assert_eq!(templates[0]["fromTeam"], true);

    let dry = |api: &Api| {
        api.dispatch(
            "scaffolder_dry_run",
            json!({"entityRef": "template:default/team-svc", "values": {"name": "quay"}}),
        )
    };
    let result = dry(&api).unwrap();
    let files: Vec<(&str, String)> = result["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(f["bytes"].as_str().unwrap())
                .unwrap();
            (
                f["path"].as_str().unwrap(),
                String::from_utf8(bytes).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            ("README.md", "# quay\n".to_string()),
            ("run.sh", "#!/bin/sh\necho quay\n".to_string())
        ]
    );
    let run_sh = result["files"][1]["executable"].as_bool().unwrap();
    assert!(run_sh, "the executable bit comes from the git mode");
    assert_eq!(git.blobs_asked(), 3, "the template folder's files only");

    // Again: nothing changed, nothing fetched but the list; one changed file is fetched.
    dry(&api).unwrap();
    assert_eq!(git.blobs_asked(), 3);
    git.put(
        "templates/svc/skeleton/README.md",
        b"# ${{ values.name }}!\n",
        "100644",
    );
    let again = dry(&api).unwrap();
    assert_eq!(git.blobs_asked(), 4);
    assert_eq!(
        again["files"][0]["bytes"],
        base64::engine::general_purpose::STANDARD.encode("# quay!\n")
    );

    // GitHub unreachable: the cached copy runs.
    git.down.store(true, std::sync::atomic::Ordering::SeqCst);
    let offline = dry(&api).unwrap();
    assert_eq!(offline["files"], again["files"]);
    git.down.store(false, std::sync::atomic::Ordering::SeqCst);

    // A hostile tree: a path leaving the folder is refused, nothing else lost.
    git.put("templates/svc/skeleton/../../x", b"x", "100644");
    let e = dry(&api).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e}");
    assert!(e.message.contains("not a plain relative path"), "{e}");
}
