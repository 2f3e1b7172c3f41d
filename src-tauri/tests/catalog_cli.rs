//! The `backlot catalog` commands through the CLI's entry point (the same `Api` the window
//! uses), in process with captured output.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use backlot_shell::cli::{CatalogCli, CatalogCommand, Command, run_with};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `cmd` with `db`'s folder as the data folder (so `db` named `backlot.db` is also
/// the default store).
fn run(cmd: CatalogCommand, db: &Path) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let data_dir = db.parent().unwrap();
    let code = run_with(
        Command::Catalog(CatalogCli::Backend(cmd)),
        data_dir,
        &[],
        false,
        &mut out,
        &mut err,
    );
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn validate_exits_1_on_invalid_and_prints_json_results() {
    let invalid = fixtures().join("backstage-examples/components/invalid-component.yaml");
    let db = std::path::Path::new("/nonexistent/unused.db");
    let (code, out, _) = run(
        CatalogCommand::Validate {
            paths: vec![invalid.clone()],
            globs: vec![],
            json: true,
        },
        db,
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let r = &v["results"][0];
    assert_eq!(r["valid"], false);
    assert_eq!(r["document"], 0);
    assert_eq!(r["line"], 1);
    assert_eq!(r["kind"], "Component");
    assert_eq!(r["namespace"], "default");
    assert_eq!(r["name"], "invalid component");
    assert!(r["errors"][0].as_str().unwrap().contains("metadata.name"));
    let ok = fixtures().join("backstage-examples/acme/team-a-group.yaml");
    let (code, out, _) = run(
        CatalogCommand::Validate {
            paths: vec![ok],
            globs: vec![],
            json: false,
        },
        db,
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("ok      ") && out.contains("group:default/team-a")
            || out.contains("Group:default/team-a"),
        "{out}"
    );
}

#[test]
fn ingest_search_facets_export_on_a_db_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(backlot_app::STORE_FILE);
    let demo = backlot_catalog_backend::demo::write_files(dir.path()).unwrap();
    let (code, out, err) = run(
        CatalogCommand::Ingest {
            paths: vec![demo.clone()],
            globs: vec![],
            db: Some(db.clone()),
            json: true,
        },
        &db,
    );
    assert_eq!(code, 0, "{out}{err}");
    let report: backlot_model::IngestReport = serde_json::from_str(&out).unwrap();
    assert!(report.added > 40);
    let (code, out, _) = run(
        CatalogCommand::Ingest {
            paths: vec![demo],
            globs: vec![],
            db: None,
            json: false,
        },
        &db,
    );
    assert_eq!(code, 0);
    assert!(out.starts_with("added 0, updated 0, unchanged"), "{out}");

    let (code, out, _) = run(
        CatalogCommand::Search {
            query: "paym".into(),
            kind: Some("api".into()),
            limit: 5,
            db: None,
            json: true,
        },
        &db,
    );
    assert_eq!(code, 0);
    let page: backlot_model::query::EntityPage = serde_json::from_str(&out).unwrap();
    assert_eq!(page.items[0].entity_ref, "api:default/payment-api");
    let (_, out, _) = run(
        CatalogCommand::Search {
            query: "route".into(),
            kind: None,
            limit: 2,
            db: None,
            json: false,
        },
        &db,
    );
    assert_eq!(out.lines().count(), 3, "{out}");

    let (code, out, _) = run(
        CatalogCommand::Facets {
            db: None,
            json: true,
        },
        &db,
    );
    assert_eq!(code, 0);
    let facets: backlot_model::query::Facets = serde_json::from_str(&out).unwrap();
    assert!(
        facets.facets["owner"]
            .iter()
            .any(|f| f.value == "group:default/team-pay")
    );

    let (code, out, _) = run(
        CatalogCommand::Export {
            db: None,
            json: false,
        },
        &db,
    );
    assert_eq!(code, 0);
    let all: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert!(
        all.iter()
            .all(|e| e["relations"].is_array() || e["kind"] == "Location")
    );
}

#[test]
fn ingest_with_errors_exits_1_and_lists_file_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(backlot_app::STORE_FILE);
    let f = write(
        dir.path(),
        "bad.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n  tags: [Bad]\nspec: {type: a, lifecycle: b, owner: c}\n",
    );
    let (code, out, _) = run(
        CatalogCommand::Ingest {
            paths: vec![f],
            globs: vec![],
            db: None,
            json: false,
        },
        &db,
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("bad.yaml:1 (document 0) component:default/x \"metadata.tags.0\""),
        "{out}"
    );
}

#[test]
fn unusable_database_exits_2_with_a_json_error() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_db = write(
        dir.path(),
        "junk.db",
        "this is not sqlite, just text padding padding padding padding padding padding padding padding padding padding",
    );
    let (code, _, err) = run(
        CatalogCommand::Facets {
            db: Some(not_a_db.clone()),
            json: true,
        },
        &not_a_db,
    );
    assert_eq!(code, 2);
    let e: backlot_model::ApiError = serde_json::from_str(err.trim()).unwrap();
    assert_eq!(e.code, backlot_model::ErrorCode::Storage);
}

#[test]
fn clap_parses_the_documented_flags() {
    use clap::Parser;
    #[derive(clap::Parser)]
    struct Cli {
        #[command(subcommand)]
        cmd: CatalogCommand,
    }
    let cli = Cli::try_parse_from([
        "catalog", "search", "pay", "--kind", "api", "--limit", "3", "--json", "--db", "x.db",
    ])
    .unwrap();
    assert_eq!(
        cli.cmd,
        CatalogCommand::Search {
            query: "pay".into(),
            kind: Some("api".into()),
            limit: 3,
            db: Some("x.db".into()),
            json: true
        }
    );
    assert!(Cli::try_parse_from(["catalog", "validate"]).is_err());
    let cli = Cli::try_parse_from(["catalog", "ingest", "a", "b", "--db", "f.db"]).unwrap();
    assert!(matches!(cli.cmd, CatalogCommand::Ingest { ref paths, .. } if paths.len() == 2));
    let cli = Cli::try_parse_from([
        "catalog", "validate", "d", "--glob", "*.yaml", "--glob", "x/*.yml",
    ])
    .unwrap();
    assert!(
        matches!(cli.cmd, CatalogCommand::Validate { ref globs, .. } if globs == &["*.yaml", "x/*.yml"])
    );
}

#[test]
fn a_folder_of_backstage_examples_names_what_it_skipped_and_reads_them_with_glob() {
    let examples = fixtures().join("backstage-examples");
    let db = Path::new("/nonexistent/unused.db");
    let validate = |globs: Vec<String>, json: bool| {
        run(
            CatalogCommand::Validate {
                paths: vec![examples.clone()],
                globs,
                json,
            },
            db,
        )
    };
    // By default no file there has a catalog file name: exit 1, and say what was skipped.
    let (code, out, _) = validate(vec![], false);
    assert_eq!(code, 1, "{out}");
    for says in [
        "no catalog files in",
        "YAML files with other names were skipped",
        "acme/org.yaml",
        "and 80 more",
        "hint: to read the skipped YAML files: backlot catalog validate --glob '*.yaml'",
    ] {
        assert!(out.contains(says), "{says}: {out}");
    }
    let (code, out, _) = validate(vec![], true);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["skippedYaml"].as_array().unwrap().len() > 10, "{v}");
    // With the pattern, the same folder is read.
    let (_, out, _) = validate(vec!["*.yaml".into()], true);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let valid = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["valid"] == true)
        .count();
    assert!(valid > 30, "{valid} valid documents");
    // A bad pattern is refused before anything is read.
    let (code, _, err) = validate(vec!["a[".into()], false);
    assert_eq!(code, 2);
    assert!(err.contains("invalid file pattern"), "{err}");
}

#[test]
fn a_location_pointing_at_a_device_or_outside_the_folder_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    write(dir.path(), "secret.yaml", "kind: Component\n");
    write(
        &repo,
        "catalog-info.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: hostile\nspec:\n  targets: [/dev/zero, ../secret.yaml, ./fine.yaml]\n",
    );
    write(
        &repo,
        "fine.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: fine\nspec:\n  type: team\n  children: []\n",
    );
    let db = dir.path().join(backlot_app::STORE_FILE);
    let (code, out, _) = run(
        CatalogCommand::Ingest {
            paths: vec![repo.clone()],
            globs: vec![],
            db: None,
            json: true,
        },
        &db,
    );
    assert_eq!(code, 1, "{out}");
    let report: backlot_model::IngestReport = serde_json::from_str(&out).unwrap();
    // The Location and the Group inside the folder are read; the two hostile targets refused.
    assert_eq!(report.added, 2, "{report:?}");
    let messages: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("/dev/zero is outside"), "{messages:?}");
    assert!(
        messages[1].contains("../secret.yaml is outside"),
        "{messages:?}"
    );
}

#[test]
fn search_finds_docs_sections_and_api_operations_of_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_backlot"))
            .env("BACKLOT_DATA_DIR", dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run(&["catalog", "demo"]).status.success());
    let rebuilt = run(&["search", "--rebuild", "--json"]);
    assert!(
        rebuilt.status.success(),
        "{}",
        String::from_utf8_lossy(&rebuilt.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&rebuilt.stdout).unwrap();
    assert!(report["documents"].as_u64().unwrap() > 10, "{report}");

    let found = run(&[
        "search",
        "construction",
        "heuristic",
        "--type",
        "docs",
        "--json",
    ]);
    assert!(found.status.success());
    let results: serde_json::Value = serde_json::from_slice(&found.stdout).unwrap();
    let hit = &results["hits"][0];
    assert_eq!(hit["docType"], "docs", "{results}");
    assert!(
        hit["location"]
            .as_str()
            .unwrap()
            .contains("page=how-it-works.md"),
        "{hit}"
    );

    let text = run(&["search", "routes", "of", "a", "depot"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("GET /depots/{depotId}/routes"), "{text}");

    let nothing = run(&["search", "zzqqxxyy"]);
    assert_eq!(nothing.status.code(), Some(1));
    let refused = run(&["search"]);
    assert_eq!(refused.status.code(), Some(2));
}
