//! Ingestion behaviour: positions, partial failures, re-ingestion, scoping, duplicates,
//! locations and cycles.

#![allow(clippy::unwrap_used)]

mod common;

use backlot_catalog_backend::{FileSelection, ingest, ingest_selected};
use common::*;

#[test]
fn syntax_error_reports_position_and_keeps_other_documents() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "c/catalog-info.yaml",
        &format!(
            "{}---\nkind: [broken\n  x: y\n---\n{}",
            component("a", ""),
            component("b", "")
        ),
    );
    let mut store = file_store(dir.path());
    let report = ingest(&mut store, &[dir.path().join("c")]).unwrap();
    assert_eq!(report.added, 2, "{report:#?}");
    assert_eq!(report.errors.len(), 1);
    let e = &report.errors[0];
    assert_eq!(e.file, f.canonicalize().unwrap().to_string_lossy());
    assert_eq!(e.document, Some(1));
    assert!(e.line.is_some_and(|l| (10..=12).contains(&l)), "{e}");
    assert!(e.column.is_some());
}

#[test]
fn invalid_entity_reported_with_document_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "x.yaml",
        &format!(
            "{}---\n{}",
            component("ok", ""),
            component("bad", "  dependsOn: [db]\n")
        ),
    );
    let mut store = file_store(dir.path());
    let report = ingest(&mut store, &[f]).unwrap();
    assert_eq!(report.added, 1);
    let e = &report.errors[0];
    assert_eq!(
        (e.document, e.line, e.field.as_deref()),
        (Some(1), Some(10), Some("spec.dependsOn.0"))
    );
    assert_eq!(e.entity_ref.as_deref(), Some("component:default/bad"));
}

#[test]
fn reingest_updates_adds_and_removes_exactly_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "x.yaml",
        &format!("{}---\n{}", component("a", ""), component("b", "")),
    );
    let mut store = file_store(dir.path());
    let r1 = ingest(&mut store, std::slice::from_ref(&f)).unwrap();
    assert_eq!(
        (r1.added, r1.updated, r1.unchanged, r1.removed),
        (2, 0, 0, 0)
    );
    let r2 = ingest(&mut store, std::slice::from_ref(&f)).unwrap();
    assert_eq!(
        (r2.added, r2.updated, r2.unchanged, r2.removed),
        (0, 0, 2, 0)
    );
    write(
        dir.path(),
        "x.yaml",
        &format!(
            "{}---\n{}",
            component("a", "  system: shop\n"),
            component("c", "")
        ),
    );
    let r3 = ingest(&mut store, std::slice::from_ref(&f)).unwrap();
    assert_eq!(
        (r3.added, r3.updated, r3.unchanged, r3.removed),
        (1, 1, 0, 1)
    );
    assert!(store.get_entity("component:b").unwrap().is_none());
    assert!(has_rel(
        &store,
        "component:default/a",
        "partOf",
        "system:default/shop"
    ));
    let shop = store.relations_of("system:default/shop").unwrap();
    assert!(
        shop.iter()
            .any(|r| r.relation_type == "hasPart" && r.target_ref == "component:default/a")
    );
    // The relation from the removed entity is gone too.
    write(dir.path(), "x.yaml", &component("c", ""));
    ingest(&mut store, std::slice::from_ref(&f)).unwrap();
    assert!(store.get_entity("system:default/shop").unwrap().is_none());
    assert!(
        store
            .relations_of("system:default/shop")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn removals_are_scoped_to_the_ingested_roots() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a/catalog-info.yaml", &component("from-a", ""));
    let b = write(dir.path(), "b/catalog-info.yaml", &component("from-b", ""));
    let mut store = file_store(dir.path());
    ingest(&mut store, &[a.parent().unwrap().to_path_buf()]).unwrap();
    let rb = ingest(&mut store, &[b.parent().unwrap().to_path_buf()]).unwrap();
    assert_eq!((rb.added, rb.removed), (1, 0));
    assert!(store.get_entity("component:from-a").unwrap().is_some());
    std::fs::remove_file(&b).unwrap();
    let rb = ingest(&mut store, &[b.parent().unwrap().to_path_buf()]).unwrap();
    assert_eq!(rb.removed, 1);
    assert!(store.get_entity("component:from-a").unwrap().is_some());
}

#[test]
fn duplicates_first_wins_and_conflict_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let one = write(dir.path(), "1.yaml", &component("Dup", "  system: first\n"));
    let two = write(
        dir.path(),
        "2.yaml",
        &component("dup", "  system: second\n"),
    );
    let mut store = file_store(dir.path());
    let r = ingest(&mut store, &[one.clone(), two.clone()]).unwrap();
    assert_eq!(r.added, 1);
    assert!(
        r.errors[0]
            .message
            .contains("duplicate entity component:default/dup"),
        "{:?}",
        r.errors
    );
    assert_eq!(
        store
            .get_entity("component:dup")
            .unwrap()
            .unwrap()
            .spec_str("system"),
        Some("first")
    );
    // Across runs: a second root cannot take over a ref another root holds.
    let dir2 = tempfile::tempdir().unwrap();
    let mut store2 = file_store(dir2.path());
    ingest(&mut store2, std::slice::from_ref(&one)).unwrap();
    let r = ingest(&mut store2, std::slice::from_ref(&two)).unwrap();
    assert_eq!(r.added, 0);
    assert!(r.errors[0].message.contains("already in the catalog"));
    assert_eq!(
        store2
            .get_entity("component:dup")
            .unwrap()
            .unwrap()
            .spec_str("system"),
        Some("first")
    );
}

#[test]
fn locations_are_followed_relative_and_cycles_reported() {
    let dir = tempfile::tempdir().unwrap();
    let loc = |name: &str, targets: &str| {
        format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: {name}\nspec:\n  targets: {targets}\n"
        )
    };
    let root = write(
        dir.path(),
        "root.yaml",
        &loc("root", "[./sub/a.yaml, ./missing.yaml]"),
    );
    write(
        dir.path(),
        "sub/a.yaml",
        &format!("{}---\n{}", loc("a", "[./b.yaml]"), component("in-a", "")),
    );
    write(
        dir.path(),
        "sub/b.yaml",
        &format!(
            "{}---\n{}",
            loc("b", "[./a.yaml, ../root.yaml]"),
            component("in-b", "")
        ),
    );
    let mut store = file_store(dir.path());
    let r = ingest(&mut store, &[root]).unwrap();
    assert_eq!(r.added, 5, "{r:#?}");
    assert!(store.get_entity("component:in-b").unwrap().is_some());
    let cycles: Vec<_> = r
        .errors
        .iter()
        .filter(|e| e.message.contains("location cycle"))
        .collect();
    assert_eq!(cycles.len(), 2, "{:#?}", r.errors);
    assert!(r.errors.iter().any(|e| e.message.contains("missing.yaml")));
}

#[test]
fn placeholders_resolve_relative_and_refuse_escapes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "outside.txt", "secret");
    write(dir.path(), "cat/defs/api.yaml", "openapi: 3.0.0\n");
    let api = |name: &str, target: &str| {
        format!(
            "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: {name}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: t\n  definition:\n    $text: {target}\n"
        )
    };
    let f = write(
        dir.path(),
        "cat/catalog-info.yaml",
        &format!(
            "{}---\n{}",
            api("good", "./defs/api.yaml"),
            api("evil", "../outside.txt")
        ),
    );
    let mut store = file_store(dir.path());
    let r = ingest(&mut store, &[f]).unwrap();
    assert_eq!(r.added, 1);
    assert_eq!(
        store
            .get_entity("api:good")
            .unwrap()
            .unwrap()
            .spec_str("definition"),
        Some("openapi: 3.0.0\n")
    );
    assert!(r.errors[0].message.contains("outside"), "{:?}", r.errors);
    assert_eq!(r.errors[0].field.as_deref(), Some("spec.definition"));
}

#[test]
fn the_three_common_catalog_file_names_are_read_and_other_yaml_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    write(&repo, "a/catalog-info.yaml", &component("a", ""));
    write(&repo, "b/catalog-info.yml", &component("b", ""));
    write(&repo, "c/.catalog-info.yaml", &component("c", ""));
    write(&repo, "d/service.yaml", &component("d", ""));
    // Hidden folders are still skipped.
    write(&repo, ".git/catalog-info.yaml", &component("hidden", ""));
    let mut store = file_store(dir.path());
    let r = ingest(&mut store, std::slice::from_ref(&repo)).unwrap();
    assert_eq!((r.added, r.errors.len()), (3, 0), "{r:#?}");
    assert!(r.skipped_yaml[0].ends_with("d/service.yaml"), "{r:#?}");
    assert!(store.get_entity("component:hidden").unwrap().is_none());

    let selection = FileSelection::new(&["d/*.yaml".to_string()]).unwrap();
    let r = ingest_selected(&mut store, &[repo], &selection).unwrap();
    assert_eq!((r.added, r.unchanged), (1, 3), "{r:#?}");
}

#[cfg(unix)]
#[test]
fn location_targets_must_be_regular_files_inside_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    write(
        &repo,
        "catalog-info.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: hostile\nspec:\n  targets: [./pipe.yaml, ./zero.yaml, /dev/zero, ./ok.yaml]\n",
    );
    write(&repo, "ok.yaml", &component("ok", ""));
    // A named pipe would block the open and /dev/zero would never end: both refused unread.
    let made = std::process::Command::new("mkfifo")
        .arg(repo.join("pipe.yaml"))
        .status()
        .unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/zero", repo.join("zero.yaml")).unwrap();
    let mut store = file_store(dir.path());
    let r = ingest(&mut store, &[repo]).unwrap();
    assert_eq!(r.added, 2, "{r:#?}");
    let messages: Vec<&str> = r.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(
        messages[0].contains("is a named pipe, not a regular file"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("./zero.yaml is outside"),
        "{messages:?}"
    );
    assert!(messages[2].contains("/dev/zero is outside"), "{messages:?}");
}

#[test]
fn hostile_yaml_is_refused_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..15 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    write(dir.path(), "h/bomb.yaml", &bomb);
    write(
        dir.path(),
        "h/deep.yaml",
        &format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
    );
    write(dir.path(), "h/binary.yaml", "\u{0}\u{1}\u{2}: [\n");
    write(dir.path(), "h/ok.yaml", &component("survivor", ""));
    let files: Vec<_> = ["bomb", "deep", "binary", "ok"]
        .iter()
        .map(|n| dir.path().join(format!("h/{n}.yaml")))
        .collect();
    let mut store = file_store(dir.path());
    let r = ingest(&mut store, &files).unwrap();
    assert_eq!(r.added, 1);
    assert!(r.errors.len() >= 3, "{:#?}", r.errors);
}

#[test]
fn summary_counts_kinds_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "x.yaml",
        &format!(
            "{}---\n{}---\nkind: Nope\n",
            component("a", ""),
            component("b", "")
        ),
    );
    let mut store = file_store(dir.path());
    ingest(&mut store, &[f]).unwrap();
    let s = store.summary().unwrap();
    assert_eq!(s.total, 2);
    assert_eq!(s.by_kind, vec![("component".to_string(), 2)]);
    assert_eq!(s.error_count, 1);
}
