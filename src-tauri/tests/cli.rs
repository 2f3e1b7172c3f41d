//! The `backlot` binary as scripts use it: headless subcommands, no window, data folder
//! from `--data-dir` or `BACKLOT_DATA_DIR`.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn backlot(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_backlot"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        // A subcommand must never need a display: prove it by taking the display away.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run backlot")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

#[test]
fn version_and_help() {
    let out = Command::new(env!("CARGO_BIN_EXE_backlot"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        stdout(&out).trim(),
        format!("backlot {}", env!("CARGO_PKG_VERSION"))
    );

    let out = Command::new(env!("CARGO_BIN_EXE_backlot"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = stdout(&out);
    assert!(help.contains("catalog"), "{help}");
    assert!(help.contains("--data-dir"), "{help}");
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = backlot(dir.path(), &["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("frobnicate"));
}

#[test]
fn catalog_round_trip_in_the_data_dir_without_a_display() {
    let dir = tempfile::tempdir().unwrap();
    let org = fixtures().join("backstage-examples/acme/org.yaml");
    let out = backlot(
        dir.path(),
        &["catalog", "ingest", "--json", org.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["added"].as_u64().unwrap() > 5, "{report}");
    assert!(
        dir.path().join("backlot.db").is_file(),
        "the store lives in the data dir"
    );

    let out = backlot(dir.path(), &["catalog", "search", "--json", "team"]);
    assert!(out.status.success());
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let refs: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["entityRef"].as_str().unwrap())
        .collect();
    assert!(refs.contains(&"group:default/team-a"), "{refs:?}");

    let out = backlot(dir.path(), &["catalog", "export"]);
    assert!(out.status.success());
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let team_a = all
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["metadata"]["name"] == "team-a")
        .expect("team-a exported");
    assert!(
        team_a["relations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["type"] == "childOf"),
        "team-a has its parent relation: {team_a}"
    );
}

#[test]
fn data_dir_comes_from_the_environment_too() {
    let dir = tempfile::tempdir().unwrap();
    let org = fixtures().join("backstage-examples/acme/org.yaml");
    let out = Command::new(env!("CARGO_BIN_EXE_backlot"))
        .args(["catalog", "ingest", org.to_str().unwrap()])
        .env("BACKLOT_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("backlot.db").is_file());
}

#[test]
fn validate_exits_1_on_invalid_input() {
    let dir = tempfile::tempdir().unwrap();
    let bad = fixtures().join("backstage-examples/components/invalid-component.yaml");
    let out = backlot(dir.path(), &["catalog", "validate", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn sync_from_a_team_backend_with_a_token_from_the_environment() {
    use backlot_catalog_sync::test_server::{Catalog, ServerOptions, TestServer};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(TestServer::start(
            Catalog::generate(150),
            ServerOptions::default(),
        ))
        .unwrap();
    let token = ServerOptions::default().token.unwrap();
    let dir = tempfile::tempdir().unwrap();

    let sync = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_backlot"))
            .arg("--data-dir")
            .arg(dir.path())
            .args([
                "sync",
                "--backend",
                &server.base_url(),
                "--token-env",
                "TEAM_TOKEN",
                "--json",
            ])
            .args(extra)
            .env("TEAM_TOKEN", &token)
            .env_remove("DISPLAY")
            .output()
            .unwrap()
    };
    let out = sync(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["added"], 150, "{summary}");

    let out = backlot(dir.path(), &["catalog", "facets", "--json"]);
    assert!(out.status.success());
    let out = sync(&[]);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["mode"], "incremental", "{summary}");
    assert_eq!(summary["added"], 0);

    // A wrong token: exit 1, a clear message, the catalog kept.
    let out = Command::new(env!("CARGO_BIN_EXE_backlot"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "sync",
            "--backend",
            &server.base_url(),
            "--token-env",
            "TEAM_TOKEN",
        ])
        .env("TEAM_TOKEN", "wrong-token")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(
        stderr.contains("401") || stderr.contains("unauthorized") || stderr.contains("token"),
        "{stderr}"
    );
    let out = backlot(
        dir.path(),
        &["catalog", "search", "--json", "--limit", "1", "service"],
    );
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        page["total"].as_u64().unwrap_or_default() > 0
            || !page["items"].as_array().unwrap().is_empty(),
        "{page}"
    );
}

#[test]
fn catalog_demo_loads_the_demo_into_the_data_dir_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = backlot(dir.path(), &["catalog", "demo", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let loaded: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let total = loaded["total"].as_u64().unwrap();
    assert!(total >= 20, "{loaded}");
    assert!(dir.path().join("demo-catalog/catalog-info.yaml").is_file());

    // Again: nothing new, and the catalog the other subcommands see is the same.
    let out = backlot(dir.path(), &["catalog", "demo"]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains(&format!("0 entities added, {total} in the catalog")),
        "{}",
        stdout(&out)
    );
    let out = backlot(dir.path(), &["catalog", "export"]);
    let exported: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(exported.as_array().unwrap().len() as u64, total);
}

#[test]
fn create_dry_runs_and_runs_a_template_into_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(backlot(&data, &["catalog", "demo"]).status.success());
    let values = dir.path().join("values.yaml");
    std::fs::write(
        &values,
        "name: dock-scheduler\nowner: group:default/team-delivery\nrepoUrl: github.com?owner=parcelpine&repo=dock-scheduler\n",
    )
    .unwrap();
    let values = values.to_str().unwrap();

    // A dry run lists the files and, with --output, writes them (nothing published).
    let dry = dir.path().join("dry");
    let out = backlot(
        &data,
        &[
            "create",
            "rust-service",
            "--values",
            values,
            "--dry-run",
            "--output",
            dry.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).contains("catalog-info.yaml ("),
        "{}",
        stdout(&out)
    );
    assert!(
        std::fs::read_to_string(dry.join("Cargo.toml"))
            .unwrap()
            .contains("name = \"dock-scheduler\"")
    );
    assert!(!dry.join(".git").exists());

    // --json: the dry run's files and steps.
    let out = backlot(
        &data,
        &[
            "create",
            "template:default/rust-service",
            "--values",
            values,
            "--dry-run",
            "--json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["files"].as_array().unwrap().len(), 5, "{json}");
    assert_eq!(json["steps"][1]["status"], "skipped");

    // A run publishes into the folder (one commit) and registers the component.
    let repo = dir.path().join("repo");
    let out = backlot(
        &data,
        &[
            "create",
            "rust-service",
            "--values",
            values,
            "--output",
            repo.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).contains("Open in catalog: component:default/dock-scheduler"),
        "{}",
        stdout(&out)
    );
    let log = Command::new("git")
        .args(["log", "--oneline"])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&log.stdout).lines().count(), 1);
    let found = backlot(
        &data,
        &["search", "dock-scheduler", "--type", "entity", "--json"],
    );
    assert!(
        stdout(&found).contains("component:default/dock-scheduler"),
        "{}",
        stdout(&found)
    );

    // Refusals name what: a missing template, a values file that is not a mapping.
    let out = backlot(&data, &["create", "no-such", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("there is no template template:default/no-such")
    );
    let list = dir.path().join("list.yaml");
    std::fs::write(&list, "- a\n- b\n").unwrap();
    let out = backlot(
        &data,
        &[
            "create",
            "rust-service",
            "--values",
            list.to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("must be a mapping"),
        "{out:?}"
    );
}
