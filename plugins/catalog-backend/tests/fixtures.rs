//! Every file under tests/fixtures ingests; the invalid example is reported, not fatal;
//! relations of the Backstage example org and systems match what Backstage serves.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;

use backlot_catalog_backend::{ingest, validate};
use common::*;

fn all_fixture_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(fixtures())
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

#[test]
fn every_fixture_file_ingests_without_failing_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = file_store(dir.path());
    let files = all_fixture_files();
    assert!(files.len() > 100, "fixtures missing? {}", files.len());
    // Each file on its own, then all of them at once: never a fatal error, never a panic.
    for f in &files {
        ingest(&mut store, std::slice::from_ref(f))
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
    let report = ingest(&mut store, &files).unwrap();
    assert!(
        report
            .errors
            .iter()
            .any(|p| p.file.ends_with("invalid-component.yaml")
                && p.field.as_deref() == Some("metadata.name"))
    );
    let status = store.status();
    assert!(status.ok);
    assert!(status.entity_count > 90, "{status:?}");
}

#[test]
fn backstage_examples_ingest_through_their_locations() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = file_store(dir.path());
    let report = ingest(&mut store, &examples_yaml_files()).unwrap();
    assert!(report.added > 80, "{report:#?}");
    // The invalid component is reported with file, document and field, and skipped.
    let invalid = report
        .errors
        .iter()
        .find(|p| p.file.ends_with("invalid-component.yaml"))
        .expect("invalid reported");
    assert_eq!(invalid.document, Some(0));
    assert_eq!(invalid.field.as_deref(), Some("metadata.name"));
    assert!(invalid.message.contains("invalid component"));
    // Kinds Backlot does not support are rejected clearly, not silently.
    assert!(
        report
            .errors
            .iter()
            .any(|p| p.field.as_deref() == Some("kind") && p.message.contains("AiResource"))
    );
    // The local $text was resolved; remote ones are warnings.
    let petstore = store
        .get_entity("api:petstore-webhook")
        .unwrap()
        .expect("petstore-webhook ingested");
    let def = petstore.spec.unwrap()["definition"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(def.contains("openapi"), "{def:.80}");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.message.contains("not fetched"))
    );
    // Remote location targets are warnings, not errors.
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.message.contains("remote location"))
    );
    assert!(
        store
            .get_entity("component:artist-lookup")
            .unwrap()
            .is_some()
    );
}

#[test]
fn example_org_relations_match_backstage() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = file_store(dir.path());
    let examples = fixtures().join("backstage-examples");
    let report = ingest(&mut store, &[examples.join("acme/org.yaml")]).unwrap();
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let s = &store;
    assert!(has_rel(
        s,
        "group:default/team-a",
        "childOf",
        "group:default/backstage"
    ));
    assert!(has_rel(
        s,
        "group:default/backstage",
        "parentOf",
        "group:default/team-a"
    ));
    assert!(has_rel(
        s,
        "group:default/acme-corp",
        "parentOf",
        "group:default/infrastructure"
    ));
    assert!(has_rel(
        s,
        "user:default/breanna.davison",
        "memberOf",
        "group:default/team-a"
    ));
    assert!(has_rel(
        s,
        "group:default/team-a",
        "hasMember",
        "user:default/breanna.davison"
    ));
    // The guest user in namespace "development" names its group with an explicit namespace.
    assert!(has_rel(
        s,
        "user:development/guest",
        "memberOf",
        "group:default/team-a"
    ));
    assert!(has_rel(
        s,
        "group:default/team-a",
        "hasMember",
        "user:development/guest"
    ));
}

fn examples_yaml_files() -> Vec<PathBuf> {
    all_fixture_files()
        .into_iter()
        .filter(|f| {
            f.starts_with(fixtures().join("backstage-examples"))
                && f.extension().is_some_and(|e| e == "yaml")
        })
        .filter(|f| !f.to_string_lossy().ends_with(".oas.yaml"))
        .collect()
}

#[test]
fn example_system_relations_match_backstage() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = file_store(dir.path());
    ingest(&mut store, &examples_yaml_files()).unwrap();
    let s = &store;
    let sys = "system:default/audio-playback";
    assert!(has_rel(s, sys, "ownedBy", "group:default/team-c"));
    assert!(has_rel(s, "group:default/team-c", "ownerOf", sys));
    assert!(has_rel(s, sys, "partOf", "domain:default/playback"));
    assert!(has_rel(s, "domain:default/playback", "hasPart", sys));
    assert!(has_rel(
        s,
        sys,
        "hasPart",
        "component:default/playback-order"
    ));
    assert!(has_rel(
        s,
        "component:default/playback-order",
        "partOf",
        sys
    ));
    // `owner: user:guest` keeps the explicit kind.
    assert!(has_rel(
        s,
        "component:default/playback-order",
        "ownedBy",
        "user:default/guest"
    ));
    assert!(has_rel(
        s,
        "user:default/guest",
        "ownerOf",
        "component:default/playback-order"
    ));
    // The invalid component claims the same system but was skipped: no relation from it.
    assert!(!relations(s, sys).iter().any(|r| r.1.contains("invalid")));
}

#[test]
fn validate_reports_every_document() {
    let examples = fixtures().join("backstage-examples");
    let outcome = validate(
        &[
            examples.join("components/invalid-component.yaml"),
            examples.join("acme/org.yaml"),
        ],
        &Default::default(),
    );
    assert!(!outcome.all_valid());
    let invalid: Vec<_> = outcome.results.iter().filter(|r| !r.valid).collect();
    assert_eq!(invalid.len(), 1);
    assert_eq!(invalid[0].name.as_deref(), Some("invalid component"));
    assert_eq!(invalid[0].line, 1);
    assert!(
        outcome
            .results
            .iter()
            .any(|r| r.valid && r.name.as_deref() == Some("team-a"))
    );
}
