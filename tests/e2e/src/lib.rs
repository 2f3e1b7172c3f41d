//! Drives the real Backlot binary in a real window: starts `tauri-driver` (which starts
//! WebKitWebDriver, which starts the app), opens a WebDriver session, and cleans up.
//! Needs a display (run under `xvfb-run`), the binary built with the UI embedded
//! (`make app`) and the node tools (`scripts/setup.sh`).

// The harness is test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// The app binary under test: `BACKLOT_BIN`, else `target/debug/backlot`.
pub fn app_binary() -> PathBuf {
    let path = std::env::var_os("BACKLOT_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/backlot"));
    assert!(
        path.is_file(),
        "no app binary at {} — build it first with `make app`",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    Demo,
    Empty,
    DefaultDataDir,
}

/// Runs the app binary's headless subcommand `args` on `data_dir` and returns its stdout;
/// panics (with stderr) if it fails.
pub fn backlot<S: AsRef<std::ffi::OsStr>>(
    data_dir: &Path,
    args: impl IntoIterator<Item = S>,
) -> String {
    let out = Command::new(app_binary())
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .expect("run backlot");
    assert!(
        out.status.success(),
        "backlot failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A running app with a WebDriver session to it. Dropping it ends the driver.
pub struct App {
    pub client: Client,
    driver: Child,
    pub data_dir: tempfile::TempDir,
}

impl App {
    /// Starts the app on a fresh data folder holding the demo catalog (loaded with
    /// `backlot catalog demo`, as the welcome page's first choice does).
    pub async fn launch() -> App {
        Self::launch_with(|_| Vec::new()).await
    }

    /// Like [`launch`](Self::launch), with extra command-line arguments computed from the
    /// data folder (e.g. `--config` files written into it).
    pub async fn launch_with(extra_args: impl FnOnce(&Path) -> Vec<String>) -> App {
        Self::start(Start::Demo, extra_args).await
    }

    /// Starts the app on a fresh, empty data folder: its first run, on the welcome page.
    pub async fn launch_empty() -> App {
        Self::start(Start::Empty, |_| Vec::new()).await
    }

    /// Starts the app on a fresh data folder that `seed` fills first (e.g. with
    /// [`backlot`]`(data_dir, ["catalog", "ingest", …])`); `seed` returns extra arguments.
    pub async fn launch_seeded(seed: impl FnOnce(&Path) -> Vec<String>) -> App {
        Self::start(Start::Empty, seed).await
    }

    /// Starts the app with no `--data-dir`, so it uses the platform's data folder
    /// (`$XDG_DATA_HOME/backlot`), as an installed app does. `data_dir` is then unused.
    pub async fn launch_in_default_data_dir() -> App {
        Self::start(Start::DefaultDataDir, |_| Vec::new()).await
    }

    async fn start(how: Start, extra_args: impl FnOnce(&Path) -> Vec<String>) -> App {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY: run end-to-end tests under xvfb-run (make test-e2e)"
        );
        let data_dir = tempfile::tempdir().expect("temp data dir");
        if how == Start::Demo {
            let out = Command::new(app_binary())
                .arg("--data-dir")
                .arg(data_dir.path())
                .args(["catalog", "demo"])
                .output()
                .expect("run `backlot catalog demo`");
            assert!(
                out.status.success(),
                "backlot catalog demo: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let driver_bin = workspace_root().join("node_modules/.bin/tauri-driver");
        assert!(
            driver_bin.exists(),
            "tauri-driver missing at {} — run scripts/setup.sh",
            driver_bin.display()
        );
        let (port, native_port) = (free_port(), free_port());
        // WebKit's GL compositing on (as on a machine with a GPU) unless the caller chose:
        // without a GPU the app turns it off (src-tauri/src/rendering.rs), and in that mode a
        // WebKitWebDriver session was seen to stop answering mid-test (the CI tab's test).
        let gpu = std::env::var("BACKLOT_GPU").unwrap_or_else(|_| "1".to_string());
        let driver = Command::new(&driver_bin)
            .env("BACKLOT_GPU", gpu)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start tauri-driver");

        let mut args = match how {
            Start::DefaultDataDir => Vec::new(),
            Start::Demo | Start::Empty => vec![
                "--data-dir".to_string(),
                data_dir.path().display().to_string(),
            ],
        };
        args.extend(extra_args(data_dir.path()));
        let capabilities = serde_json::json!({
            "tauri:options": {
                "application": app_binary(),
                "args": args,
            }
        });
        let capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => unreachable!(),
        };
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            match ClientBuilder::rustls()
                .expect("tls")
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("no WebDriver session with the app after 30 s: {e}"),
            }
        };
        App {
            client,
            driver,
            data_dir,
        }
    }

    /// Waits (up to 15 s) for an element matching `css`.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element `{css}` within 15 s: {e}"))
    }

    /// Evaluates JavaScript in the page and returns its JSON result.
    pub async fn js(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Polls `script` (which returns a boolean) until it is true, up to 15 s.
    pub async fn wait_until(&self, what: &str, script: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if self.js(script).await == serde_json::Value::Bool(true) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The text of the first element matching `css`, read in the page ('' if none).
    pub async fn text(&self, css: &str) -> String {
        let css = serde_json::to_string(css).expect("a CSS selector");
        let text = self
            .js(&format!(
                "return document.querySelector({css})?.textContent ?? ''"
            ))
            .await;
        text.as_str().unwrap_or_default().to_string()
    }

    /// Waits (up to 15 s) until the first element matching `css` contains `needle`; returns
    /// its text.
    pub async fn wait_for_text(&self, what: &str, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let text = self.text(css).await;
            if text.contains(needle) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: `{css}` says {text:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// How many elements match `css`.
    pub async fn count(&self, css: &str) -> u64 {
        let css = serde_json::to_string(css).expect("a CSS selector");
        self.js(&format!("return document.querySelectorAll({css}).length"))
            .await
            .as_u64()
            .unwrap_or_default()
    }

    /// The titles of the open entity page's tabs.
    pub async fn tab_titles(&self) -> Vec<String> {
        let titles = self.js("return [...document.querySelectorAll('.pane-active .entity-page nav.tabs a')].map(a => a.textContent)").await;
        serde_json::from_value(titles).unwrap_or_default()
    }

    /// The window's location: path and query string.
    pub async fn location(&self) -> String {
        self.js("return location.pathname + location.search")
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The window's path, without the query string.
    pub async fn current_path(&self) -> String {
        self.js("return location.pathname")
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Welcome page → "Load the demo catalog" → the catalog → an entity page. Screenshots are
    /// named `<prefix>-welcome`, `<prefix>-catalog`, `<prefix>-entity`.
    pub async fn first_run_demo(&self, prefix: &str) {
        self.find(".pane-active [data-testid='welcome']").await;
        assert_eq!(self.current_path().await, "/welcome");
        assert_eq!(self.js("return document.title").await, "Welcome · Backlot");
        self.screenshot(&format!("{prefix}-welcome")).await;

        self.find(".pane-active [data-action='load-demo']")
            .await
            .click()
            .await
            .unwrap();
        self.find(".nav-item[data-plugin='catalog'][aria-current='page']")
            .await;
        let row = self
            .find(".pane-active .vt-row[data-ref^='component:'] .vt-name a")
            .await;
        assert_eq!(self.current_path().await, "/catalog");
        let rows = self
            .js("return document.querySelectorAll('.pane-active .vt-row[data-ref]').length")
            .await;
        assert!(
            rows.as_u64().unwrap_or_default() >= 10,
            "the demo's entities are listed: {rows}"
        );
        self.screenshot(&format!("{prefix}-catalog")).await;

        row.click().await.unwrap();
        let page = self.find(".pane-active .entity-page").await;
        let entity_ref = page.attr("data-ref").await.unwrap().unwrap_or_default();
        assert!(entity_ref.starts_with("component:"), "{entity_ref}");
        self.find(".pane-active .about").await;
        self.screenshot(&format!("{prefix}-entity")).await;

        // Home now shows the catalog, not a way to get started.
        self.find(".nav-item[data-plugin='home']")
            .await
            .click()
            .await
            .unwrap();
        let total: u64 = self
            .find(".pane-active [data-testid='catalog-total']")
            .await
            .text()
            .await
            .unwrap()
            .parse()
            .unwrap();
        assert!(total >= 20, "the demo catalog has {total} entities");
    }

    /// Saves a screenshot of the window under `target/e2e/<name>.png`; returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        // Let the last change reach the screen: two animation frames.
        let _ = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true))); setTimeout(() => done(false), 1000);",
                vec![],
            )
            .await;
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = workspace_root().join("target/e2e");
        std::fs::create_dir_all(&dir).expect("target/e2e");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}
