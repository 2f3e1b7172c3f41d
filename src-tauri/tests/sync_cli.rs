//! `backlot sync` as a process against the catalog-sync test server on 127.0.0.1:
//! the JSON summary, exit codes, and kill -9 at random points of a slow sync.

#![allow(clippy::unwrap_used)]

#[path = "../../plugins/catalog-backend/tests/sync_support/mod.rs"]
mod sync_support;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use backlot_catalog_sync::test_server::{Fault, FaultOn, FaultRule, TestServer};
use serde_json::Value;
use sync_support::*;

const BIN: &str = env!("CARGO_BIN_EXE_backlot");
const TOKEN_VAR: &str = "BACKLOT_TEST_TEAM_TOKEN";

/// `backlot` with the folder of `db` as its data folder, so no app-config, store or team
/// backend of the user's is read.
fn backlot(db: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("BACKLOT_DATA_DIR", db.parent().unwrap());
    cmd
}

fn sync_cmd(server: &TestServer, db: &Path, extra: &[&str]) -> Command {
    let mut cmd = backlot(db);
    cmd.args([
        "sync",
        "--backend",
        &server.base_url(),
        "--token-env",
        TOKEN_VAR,
        "--db",
    ])
    .arg(db)
    .args(extra)
    .env(
        TOKEN_VAR,
        server
            .token()
            .map(|t| t.expose().clone())
            .unwrap_or_default(),
    );
    cmd
}

async fn output(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shrunken_team_catalog_needs_accept_shrink() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let server = server(100).await;
    assert_eq!(
        output(sync_cmd(&server, &db, &[])).await.status.code(),
        Some(0)
    );
    server.with_catalog(|c| c.clear());
    let out = output(sync_cmd(&server, &db, &["--json"])).await;
    assert_eq!(out.status.code(), Some(1));
    let s = json(&out);
    assert_eq!(s["error"]["kind"], "catalog_shrank", "{s}");
    assert!(
        s["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--accept-shrink"),
        "{s}"
    );
    let out = output(sync_cmd(&server, &db, &["--accept-shrink", "--json"])).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(json(&out)["teamEntities"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_syncs_full_then_incremental_with_a_json_summary() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let server = server(200).await;
    let out = output(sync_cmd(&server, &db, &["--json"])).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = json(&out);
    assert_eq!(s["ok"], true);
    assert_eq!(s["mode"], "full");
    assert_eq!(
        (
            s["added"].as_u64(),
            s["teamEntities"].as_u64(),
            s["remoteTotal"].as_u64()
        ),
        (Some(200), Some(200), Some(200))
    );
    assert!(s["error"].is_null());
    for field in [
        "updated",
        "removed",
        "unchanged",
        "invalid",
        "shadowed",
        "pages",
        "requests",
        "retries",
        "bytesReceived",
        "durationMs",
    ] {
        assert!(s[field].is_u64(), "{field} missing in {s}");
    }

    server.with_catalog(|c| assert!(c.touch("component:default/component-000005")));
    let out = output(sync_cmd(&server, &db, &["--json"])).await;
    assert_eq!(out.status.code(), Some(0));
    let s = json(&out);
    assert_eq!(s["mode"], "incremental");
    assert_eq!(
        (s["updated"].as_u64(), s["unchanged"].as_u64()),
        (Some(1), Some(199))
    );

    let out = output(sync_cmd(&server, &db, &["--full"])).await;
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("full sync from http://127.0.0.1:"),
        "{text}"
    );
    assert!(text.contains("unchanged 200"), "{text}");
    assert_eq!(stored_etags(&db), served_etags(&server));
    let store = backlot_catalog_backend::Store::open(&db).unwrap();
    assert_eq!(store.sync_status().unwrap().unwrap().team_entities, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_exit_codes_for_failures_and_setup_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let server = server(50).await;
    let out = output(sync_cmd(&server, &db, &["--json"])).await;
    assert_eq!(out.status.code(), Some(0));
    let before = stored_etags(&db);

    // Wrong token: the sync fails (1), the catalog is untouched, the status says why.
    let mut cmd = sync_cmd(&server, &db, &["--json"]);
    cmd.env(TOKEN_VAR, "wrong-token");
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(1));
    let s = json(&out);
    assert_eq!(
        (s["ok"].as_bool(), s["error"]["kind"].as_str()),
        (Some(false), Some("unauthorized"))
    );
    assert_eq!(s["error"]["code"], "unauthorized");
    assert_eq!(stored_etags(&db), before);
    let store = backlot_catalog_backend::Store::open(&db).unwrap();
    let status = store.sync_status().unwrap().unwrap();
    assert_eq!(status.last_error_kind.as_deref(), Some("unauthorized"));
    assert!(status.last_success_ms.is_some());

    // Server errors on every page: 1, text on stderr.
    server.inject(FaultRule::always(FaultOn::Any, Fault::Status(500)));
    let out = output(sync_cmd(&server, &db, &[])).await;
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("HTTP 500") && err.contains("unchanged"),
        "{err}"
    );
    server.clear_faults();

    // Usage and setup errors: 2.
    let out = output({
        let mut c = backlot(&db);
        c.args(["sync", "--token-env", TOKEN_VAR, "--db"])
            .arg(&db)
            .env(TOKEN_VAR, "x");
        c
    })
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--backend"));
    let mut cmd = sync_cmd(&server, &db, &[]);
    cmd.env_remove(TOKEN_VAR);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(TOKEN_VAR));
    let out = output({
        let mut c = backlot(&db);
        c.args([
            "sync",
            "--backend",
            "not a url",
            "--token-env",
            TOKEN_VAR,
            "--json",
            "--db",
        ])
        .arg(&db)
        .env(TOKEN_VAR, "x");
        c
    })
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["ok"], false);
    assert_eq!(stored_etags(&db), before);
}

/// Without `--token-env` the token comes from the keychain; with no Secret Service on the
/// session bus the command stops with a message pointing at `--token-env`.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_without_a_keychain_suggests_token_env() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let server = server(5).await;
    let out = output({
        let mut c = backlot(&db);
        c.args(["sync", "--backend", &server.base_url(), "--db"])
            .arg(&db)
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                format!("unix:path={}", dir.path().join("no-bus").display()),
            );
        c
    })
    .await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("keychain") && err.contains("--token-env"),
        "{err}"
    );
    assert!(
        server.requests().is_empty(),
        "nothing is sent without a token source"
    );
}

/// SIGKILL (kill -9 on Unix) and wait for the process; its exit status.
async fn kill_9(mut child: std::process::Child) -> std::process::ExitStatus {
    child.kill().unwrap();
    tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap()
}

/// Pending ranges a sync writing ahead of its commit recorded (0 or 1).
fn pending_ranges(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM pending_ids", [], |r| r.get(0))
        .unwrap()
}

/// A small deterministic generator (xorshift), seeded from the clock; the seed is printed.
struct Rng(u64);

impl Rng {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound.max(1)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_at_random_points_leaves_the_old_or_the_new_catalog() {
    /// Kills that must land while the sync runs, and the most attempts to get them.
    const KILLS: usize = 20;
    const MAX_ATTEMPTS: usize = 60;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kill.db");
    let server = server(3000).await;
    // First, kills during a first full sync into an empty store (the bulk path: indexes dropped
    // inside the transaction): the store stays empty, with its whole schema.
    drop(backlot_catalog_backend::Store::open(&db).unwrap());
    let schema_before = schema(&db);
    server.inject(FaultRule::always(
        FaultOn::Any,
        Fault::Delay(Duration::from_millis(40)),
    ));
    for wait_ms in [150, 300, 450, 600] {
        let mut cmd = sync_cmd(&server, &db, &["--full"]);
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        let child = cmd.spawn().unwrap();
        tokio::time::sleep(Duration::from_millis(wait_ms)).await;
        kill_9(child).await;
        assert!(integrity_ok(&db));
        let now = stored_etags(&db);
        assert!(
            now.is_empty() || now == served_etags(&server),
            "neither empty nor complete after {wait_ms} ms"
        );
        if now.is_empty() {
            assert_eq!(
                schema(&db),
                schema_before,
                "indexes lost after a kill at {wait_ms} ms"
            );
        }
    }
    // Kills while the first sync writes its rows ahead of the commit (3000 entities: enough
    // to), found by watching for the pending range it records: the rows written so far never
    // show, and the next sync clears them.
    for extra_ms in [0, 7, 15] {
        let mut cmd = sync_cmd(&server, &db, &["--full"]);
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        let mut child = cmd.spawn().unwrap();
        let started = Instant::now();
        while pending_ranges(&db) == 0 {
            assert!(
                child.try_wait().unwrap().is_none(),
                "the sync ended without writing ahead"
            );
            assert!(started.elapsed() < Duration::from_secs(60));
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        tokio::time::sleep(Duration::from_millis(extra_ms)).await;
        kill_9(child).await;
        assert!(integrity_ok(&db));
        assert!(
            stored_etags(&db).is_empty(),
            "killed {extra_ms} ms into writing ahead"
        );
        assert_eq!(schema(&db), schema_before);
        let store = backlot_catalog_backend::Store::open(&db).unwrap();
        assert_eq!(count(&store, None), 0);
        assert_eq!(count(&store, Some("generated")), 0);
    }
    server.clear_faults();
    let out = output(sync_cmd(&server, &db, &["--json"])).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(pending_ranges(&db), 0);
    // Slow pages keep the sync (and its write transaction) running long enough to be killed.
    server.inject(FaultRule::always(
        FaultOn::Any,
        Fault::Delay(Duration::from_millis(40)),
    ));
    // How long a whole (slow) sync takes here: kill points are drawn over that span.
    server.with_catalog(|c| assert!(c.touch("component:default/component-000001")));
    let started = Instant::now();
    let out = output(sync_cmd(&server, &db, &["--full"])).await;
    assert_eq!(out.status.code(), Some(0));
    let full_span = started.elapsed().as_millis() as u64;
    server.with_catalog(|c| assert!(c.touch("component:default/component-000002")));
    let started = Instant::now();
    let out = output(sync_cmd(&server, &db, &[])).await;
    assert_eq!(out.status.code(), Some(0));
    let incremental_span = started.elapsed().as_millis() as u64;
    eprintln!(
        "uninterrupted slow syncs take {full_span} ms (full), {incremental_span} ms (incremental)"
    );

    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    eprintln!("kill -9 test seed: {seed}");
    let mut rng = Rng(seed);
    let mut killed = 0;
    let mut old_seen = 0;
    let mut new_seen = 0;
    let mut attempts = 0;
    for i in 0..MAX_ATTEMPTS {
        if killed >= KILLS {
            break;
        }
        attempts += 1;
        // Change the server so that the new catalog differs from the old one.
        server.with_catalog(|c| {
            let keys: Vec<String> = c.keys().cloned().collect();
            for _ in 0..40 {
                let k = &keys[rng.next(keys.len() as u64) as usize];
                c.touch(k);
            }
        });
        let old = stored_etags(&db);
        let new = served_etags(&server);
        assert_ne!(old, new);
        let (extra, span): (&[&str], u64) = if i % 2 == 0 {
            (&["--full"], full_span)
        } else {
            (&[], incremental_span)
        };
        let mut cmd = sync_cmd(&server, &db, extra);
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        let mut child = cmd.spawn().unwrap();
        let wait = Duration::from_millis(10 + rng.next(span));
        let started = Instant::now();
        tokio::time::sleep(wait).await;
        let still_running = child.try_wait().unwrap().is_none();
        let status = kill_9(child).await;
        if still_running && !status.success() {
            killed += 1;
        }
        assert!(
            integrity_ok(&db),
            "integrity check failed after a kill at {:?}",
            started.elapsed()
        );
        let now = stored_etags(&db);
        if now == old {
            old_seen += 1;
        } else if now == new {
            new_seen += 1;
        } else {
            panic!("after a kill at {wait:?} the catalog is neither the old nor the new one");
        }
        // What readers see matches the stored team entities.
        let store = backlot_catalog_backend::Store::open(&db).unwrap();
        assert_eq!(count(&store, None), now.len() as u64);
    }
    eprintln!(
        "{killed} of {attempts} runs killed mid-sync; old catalog after {old_seen}, new after {new_seen}"
    );
    assert!(
        killed >= KILLS,
        "only {killed} of {attempts} runs were killed while syncing"
    );
    assert!(old_seen >= 1);

    server.clear_faults();
    let out = output(sync_cmd(&server, &db, &["--json"])).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out)["ok"], true);
    assert!(integrity_ok(&db));
    assert_eq!(stored_etags(&db), served_etags(&server));
}
