//! Publishing a template's result to GitHub through the whole app, with a real Secret
//! Service (run under scripts/with-keyring.sh, as `make test-native` does): a local server
//! speaks GitHub's REST API (users, repository creation, topics, branch protection) and
//! git's smart HTTP protocol (the real `git http-backend` over bare repositories). The API
//! calls go through the proxy's `/github` endpoint with the keychain's token; the push
//! carries the same token to the same host only; a clone URL on another host is refused
//! before the token leaves; the token is in no run, log or stored file.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use backlot_app::Api;
use backlot_model::ipc::Command as IpcCommand;
use backlot_scaffolder_common::ipc::{GetRun, PublishTarget, RunStatus, RunView, StartRun};
use base64::Engine as _;
use serde_json::{Value, json};

const CANARY: &str = "ghp_publish_canary_7d2e";

/// One request the fake saw.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    authorization: Option<String>,
    body: Value,
}

struct Request {
    method: String,
    target: String,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    if headers
        .get("expect")
        .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").ok()?;
    }
    let mut body = Vec::new();
    if let Some(len) = headers.get("content-length") {
        body.resize(len.parse().ok()?, 0);
        reader.read_exact(&mut body).ok()?;
    } else if headers
        .get("transfer-encoding")
        .is_some_and(|t| t.contains("chunked"))
    {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }
    Some(Request {
        method,
        target,
        headers,
        body,
    })
}

fn respond(stream: &mut TcpStream, status: u16, headers: &[(String, String)], body: &[u8]) {
    let mut head = format!(
        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

/// GitHub for a few repositories under `root` (bare git repositories).
struct FakeGithub {
    base: String,
    root: PathBuf,
    seen: Arc<Mutex<Vec<Seen>>>,
    _dir: tempfile::TempDir,
}

impl FakeGithub {
    fn start() -> FakeGithub {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (b, r, s) = (base.clone(), root.clone(), seen.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (b, r, s) = (b.clone(), r.clone(), s.clone());
                std::thread::spawn(move || {
                    if let Some(req) = read_request(&mut stream) {
                        s.lock().unwrap().push(Seen {
                            method: req.method.clone(),
                            path: req.target.clone(),
                            authorization: req.headers.get("authorization").cloned(),
                            body: serde_json::from_slice(&req.body).unwrap_or(Value::Null),
                        });
                        if let Some(rest) = req.target.strip_prefix("/git/") {
                            git_backend(&mut stream, &r, rest, &req);
                        } else {
                            let (status, body) = api(&b, &r, &req);
                            let headers =
                                [("content-type".to_string(), "application/json".to_string())];
                            respond(&mut stream, status, &headers, body.to_string().as_bytes());
                        }
                    }
                });
            }
        });
        FakeGithub {
            base,
            root,
            seen,
            _dir: dir,
        }
    }

    fn host(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn bare(&self, owner: &str, repo: &str) -> PathBuf {
        self.root.join(owner).join(format!("{repo}.git"))
    }
}

fn init_bare(path: &Path) {
    std::fs::create_dir_all(path).unwrap();
    let ok = Command::new("git")
        .args(["init", "--quiet", "--bare"])
        .current_dir(path)
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

fn repo_json(base: &str, owner: &str, name: &str) -> Value {
    let clone_url = if name == "hijacked" {
        // A hostile answer: the token must not follow it.
        "http://127.0.0.2:9/acme/hijacked.git".to_string()
    } else {
        format!("{base}/git/{owner}/{name}.git")
    };
    json!({"name": name, "full_name": format!("{owner}/{name}"), "clone_url": clone_url,
           "html_url": format!("{base}/{owner}/{name}")})
}

/// GitHub's REST API, the parts publishing uses.
fn api(base: &str, root: &Path, req: &Request) -> (u16, Value) {
    let path = req.target.trim_start_matches("/api/v3");
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    let create = |owner: &str| {
        let name = body["name"].as_str().unwrap_or_default().to_string();
        let bare = root.join(owner).join(format!("{name}.git"));
        if bare.exists() {
            return (
                422,
                json!({"message": "Repository creation failed.", "errors": [{"message": "name already exists on this account"}]}),
            );
        }
        init_bare(&bare);
        (201, repo_json(base, owner, &name))
    };
    match (req.method.as_str(), segments.as_slice()) {
        ("GET", ["users", owner]) => {
            let kind = if *owner == "acme" {
                "Organization"
            } else {
                "User"
            };
            (200, json!({"login": owner, "type": kind}))
        }
        ("POST", ["orgs", org, "repos"]) => create(org),
        ("POST", ["user", "repos"]) => create("octo"),
        ("GET", ["repos", owner, repo]) => {
            if root.join(owner).join(format!("{repo}.git")).exists() {
                (200, repo_json(base, owner, repo))
            } else {
                (404, json!({"message": "Not Found"}))
            }
        }
        ("PUT", ["repos", _, _, "topics"]) => (200, json!({"names": body["names"]})),
        ("PUT", ["repos", _, repo, "branches", _, "protection"]) => {
            if *repo == "personal" {
                (
                    403,
                    json!({"message": "Upgrade to GitHub Pro or make this repository public to enable this feature."}),
                )
            } else {
                (200, json!({}))
            }
        }
        _ => (404, json!({"message": "Not Found"})),
    }
}

/// git's smart HTTP through the real `git http-backend` (CGI); pushes need the token.
fn git_backend(stream: &mut TcpStream, root: &Path, rest: &str, req: &Request) {
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("x-access-token:{CANARY}"));
    if req.headers.get("authorization") != Some(&format!("Basic {basic}")) {
        let headers = [(
            "www-authenticate".to_string(),
            "Basic realm=\"fake\"".to_string(),
        )];
        respond(stream, 401, &headers, b"");
        return;
    }
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut cgi = Command::new("git");
    cgi.arg("http-backend")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GIT_PROJECT_ROOT", root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("REMOTE_USER", "x-access-token")
        .env("REQUEST_METHOD", &req.method)
        .env("PATH_INFO", format!("/{path}"))
        .env("QUERY_STRING", query)
        .env(
            "CONTENT_TYPE",
            req.headers.get("content-type").cloned().unwrap_or_default(),
        )
        .env("CONTENT_LENGTH", req.body.len().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    if let Some(encoding) = req.headers.get("content-encoding") {
        cgi.env("HTTP_CONTENT_ENCODING", encoding);
    }
    let mut child = cgi.spawn().unwrap();
    child.stdin.take().unwrap().write_all(&req.body).unwrap();
    let out = child.wait_with_output().unwrap();
    let split = out
        .stdout
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4))
        .or_else(|| {
            out.stdout
                .windows(2)
                .position(|w| w == b"\n\n")
                .map(|i| (i, 2))
        })
        .unwrap();
    let head = String::from_utf8_lossy(&out.stdout[..split.0]).to_string();
    let mut status = 200;
    let mut headers = Vec::new();
    for line in head.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        if k.eq_ignore_ascii_case("status") {
            status = v.trim()[..3].parse().unwrap();
        } else {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    respond(stream, status, &headers, &out.stdout[split.0 + split.1..]);
}

fn call<C: IpcCommand>(api: &Api, c: C) -> Result<C::Output, backlot_model::ApiError> {
    let answer = api.dispatch(C::NAME, serde_json::to_value(&c).unwrap())?;
    Ok(serde_json::from_value(answer).unwrap())
}

/// A local template whose steps write two files, then run `publish` (YAML of one step).
fn template(api: &Api, dir: &Path, name: &str, publish: &str) {
    let folder = dir.join(name);
    std::fs::create_dir_all(folder.join("skeleton/src")).unwrap();
    std::fs::write(folder.join("skeleton/README.md"), "# ${{ values.name }}\n").unwrap();
    std::fs::write(folder.join("skeleton/src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(
        folder.join("catalog-info.yaml"),
        format!(
            "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: {name}\nspec:\n  owner: me\n  type: service\n  parameters:\n    - properties:\n        repoUrl:\n          type: string\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ./skeleton\n        values:\n          name: parcel\n{publish}  output:\n    links:\n      - title: Repository\n        url: ${{{{ steps.publish.output.remoteUrl }}}}\n"
        ),
    )
    .unwrap();
    api.ingest_files(&[folder], &[]).unwrap();
}

fn run(api: &Api, name: &str, repo_url: &str) -> RunView {
    let id = call(
        api,
        StartRun {
            entity_ref: format!("template:default/{name}"),
            values: json!({ "repoUrl": repo_url }),
            target: PublishTarget::AsTemplateSays,
        },
    )
    .unwrap();
    // Not shared: the run went on inline and has ended.
    call(api, GetRun { run_id: id }).unwrap()
}

fn git_out(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn everything_under(dir: &Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            all.push_str(&everything_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            all.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    all
}

#[test]
fn publish_github_creates_the_repository_pushes_with_the_keychain_token_and_nowhere_else() {
    assert!(
        std::env::var_os("BACKLOT_KEYRING_SESSION").is_some(),
        "needs a real Secret Service: run under scripts/with-keyring.sh (make test-native does)"
    );
    let github = FakeGithub::start();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("github.yaml");
    std::fs::write(
        &config,
        format!(
            "integrations:\n  github:\n    - host: {host}\n      apiBaseUrl: {base}/api/v3\nproxy:\n  endpoints:\n    /github:\n      target: {base}/api/v3\n      allowedMethods: [GET, POST, PUT]\n      headers:\n        Authorization: Bearer ${{secret:github-token}}\n",
            host = github.host(),
            base = github.base
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    let api = Api::open_with_config(&data, &[config]);
    let steps = "    - id: publish\n      action: publish:github\n      input:\n        repoUrl: ${{ parameters.repoUrl }}\n        description: Tells customers where parcels are\n        defaultBranch: main\n        topics: [Rust, Parcels]\n        gitCommitMessage: First light\n";
    template(&api, dir.path(), "to-github", steps);

    // Without the token, nothing is created.
    let _ = api.dispatch("delete_credential", json!({"name": "github-token"}));
    let refused = run(
        &api,
        "to-github",
        &format!("{}?owner=acme&repo=parcel", github.host()),
    );
    assert_eq!(refused.summary.status, RunStatus::Failed);
    assert!(
        refused
            .error
            .as_deref()
            .unwrap_or("")
            .contains("github-token"),
        "{refused:?}"
    );
    assert!(github.seen().is_empty(), "{:?}", github.seen());

    api.dispatch(
        "set_credential",
        json!({"name": "github-token", "value": CANARY}),
    )
    .unwrap();
    let done = run(
        &api,
        "to-github",
        &format!("{}?owner=acme&repo=parcel", github.host()),
    );
    assert_eq!(done.summary.status, RunStatus::Completed, "{done:?}");
    let remote = format!("{}/git/acme/parcel.git", github.base);
    assert_eq!(done.links[0].url.as_deref(), Some(remote.as_str()));

    // The repository: created in the organization, private, with its topics; protected.
    let seen = github.seen();
    let created = seen.iter().find(|s| s.method == "POST").unwrap();
    assert_eq!(created.path, "/api/v3/orgs/acme/repos");
    assert_eq!(created.body["name"], "parcel");
    assert_eq!(created.body["private"], true);
    assert_eq!(created.body["visibility"], "private");
    assert_eq!(
        created.body["description"],
        "Tells customers where parcels are"
    );
    let topics = seen.iter().find(|s| s.path.ends_with("/topics")).unwrap();
    assert_eq!(topics.body["names"], json!(["rust", "parcels"]));
    let protection = seen
        .iter()
        .find(|s| s.path.ends_with("/protection"))
        .unwrap();
    assert_eq!(
        protection.path,
        "/api/v3/repos/acme/parcel/branches/main/protection"
    );
    assert_eq!(protection.body["enforce_admins"], true);
    assert_eq!(
        protection.body["required_pull_request_reviews"]["required_approving_review_count"],
        1
    );
    // API calls carried the proxy's bearer token; git calls the same token, as Basic.
    for s in &seen {
        let auth = s.authorization.as_deref().unwrap_or("");
        if s.path.starts_with("/git/") {
            assert!(auth.starts_with("Basic "), "{s:?}");
        } else {
            assert_eq!(auth, format!("Bearer {CANARY}"), "{s:?}");
        }
    }
    assert!(seen.iter().any(|s| s.path.contains("git-receive-pack")));

    // What was pushed: one commit with the rendered files, on main.
    let bare = github.bare("acme", "parcel");
    assert_eq!(
        git_out(&bare, &["log", "--format=%s|%an", "main"]).trim(),
        "First light|Scaffolder"
    );
    assert_eq!(git_out(&bare, &["show", "main:README.md"]), "# parcel\n");
    assert_eq!(
        git_out(&bare, &["ls-tree", "-r", "--name-only", "main"])
            .lines()
            .collect::<Vec<_>>(),
        ["README.md", "src/main.rs"]
    );

    // The same name again: GitHub's refusal, in its words.
    let again = run(
        &api,
        "to-github",
        &format!("{}?owner=acme&repo=parcel", github.host()),
    );
    assert_eq!(again.summary.status, RunStatus::Failed);
    let why = again.error.clone().unwrap_or_default();
    assert!(why.contains("name already exists"), "{why}");

    // A personal repository: created for the user; protection refused by the plan → a warning.
    let personal = run(
        &api,
        "to-github",
        &format!("{}?owner=octo&repo=personal", github.host()),
    );
    assert_eq!(
        personal.summary.status,
        RunStatus::Completed,
        "{personal:?}"
    );
    assert!(
        github
            .seen()
            .iter()
            .any(|s| s.method == "POST" && s.path == "/api/v3/user/repos")
    );
    assert!(
        personal
            .log
            .iter()
            .any(|l| l.message.contains("Skipping: default branch protection")),
        "{:?}",
        personal.log
    );

    // github:repo:push into a repository that exists.
    init_bare(&github.bare("acme", "existing"));
    let push = "    - id: publish\n      action: github:repo:push\n      input:\n        repoUrl: ${{ parameters.repoUrl }}\n        protectDefaultBranch: false\n";
    template(&api, dir.path(), "push-existing", push);
    let pushed = run(
        &api,
        "push-existing",
        &format!("{}?owner=acme&repo=existing", github.host()),
    );
    assert_eq!(pushed.summary.status, RunStatus::Completed, "{pushed:?}");
    let existing = github.bare("acme", "existing");
    assert_eq!(
        git_out(&existing, &["log", "--format=%s", "master"]).trim(),
        "initial commit"
    );

    // A clone URL on another host: refused before any push, the token stays home.
    let before = github.seen().len();
    let hijacked = run(
        &api,
        "to-github",
        &format!("{}?owner=acme&repo=hijacked", github.host()),
    );
    assert_eq!(hijacked.summary.status, RunStatus::Failed);
    let why = hijacked.error.clone().unwrap_or_default();
    assert!(why.contains("will not push"), "{why}");
    assert!(
        github.seen()[before..]
            .iter()
            .all(|s| !s.path.starts_with("/git/"))
    );

    // A host that is not a GitHub integration: refused by name.
    let unknown = run(&api, "to-github", "git.example.com?owner=acme&repo=x");
    assert!(
        unknown
            .error
            .as_deref()
            .unwrap_or("")
            .contains("git.example.com"),
        "{unknown:?}"
    );

    // The token is in no run, log or file of Backlot's.
    for view in [&done, &again, &personal, &pushed, &hijacked] {
        assert!(!serde_json::to_string(view).unwrap().contains(CANARY));
    }
    assert!(!everything_under(&data).contains(CANARY));
    api.dispatch("delete_credential", json!({"name": "github-token"}))
        .unwrap();
}
