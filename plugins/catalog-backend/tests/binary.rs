//! The CLI as a process: the crate's own `backlot-catalog` binary.

#![allow(clippy::unwrap_used)]

use std::process::Command;

#[test]
fn binary_validates_ingests_and_searches() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bin.db");
    let demo = backlot_catalog_backend::demo::write_files(dir.path()).unwrap();
    let bin = env!("CARGO_BIN_EXE_backlot-catalog");
    let out = Command::new(bin).args(["validate", "--json"]).arg(&demo).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let out = Command::new(bin).arg("ingest").arg(&demo).env("BACKLOT_CATALOG_DB", &db).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("added "));
    let out = Command::new(bin).args(["search", "invoice", "--json", "--db"]).arg(&db).output().unwrap();
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(page["total"].as_u64().unwrap() >= 2);
    let invalid = dir.path().join("bad.yaml");
    std::fs::write(&invalid, "kind: [\n").unwrap();
    let out = Command::new(bin).arg("validate").arg(&invalid).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("bad.yaml:"));
}
