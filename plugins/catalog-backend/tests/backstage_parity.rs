//! Our verdicts on a corpus of one-rule documents agree with a real Backstage's
//! (`POST /api/catalog/validate-entity`), recorded in backstage-parity/backstage-verdicts.json
//! by backstage-parity/record.mjs.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use backlot_catalog_backend::validate;

/// Documents where the difference is not about validity: Backstage's endpoint also reads a
/// Location's targets (and cannot reach example.com), Backlot validates the entity itself.
const READS_TARGETS: &[&str] = &["location-ok"];

#[test]
fn verdicts_match_a_real_backstage() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/backstage-parity");
    let recorded: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.join("backstage-verdicts.json")).unwrap(),
    )
    .unwrap();
    let ours = validate(&[dir.join("corpus.yaml")], &Default::default());
    assert_eq!(ours.results.len(), recorded.len());
    let mut mismatches = Vec::new();
    for (r, theirs) in ours.results.iter().zip(&recorded) {
        assert_eq!(r.document, theirs["document"].as_u64().unwrap());
        let name = theirs["name"].as_str().unwrap_or_default();
        assert_eq!(r.name.as_deref(), Some(name));
        if READS_TARGETS.contains(&name) {
            assert!(r.valid);
            continue;
        }
        if r.valid != theirs["valid"].as_bool().unwrap() {
            mismatches.push(format!(
                "{name}: ours {} ({:?}), Backstage {} ({})",
                r.valid, r.errors, theirs["valid"], theirs["errors"]
            ));
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

/// APIs whose definition is a `$text` of a relative file: Backstage refuses relative file
/// placeholders in file locations ("could not form a URL"), Backlot resolves them (inside the
/// location's root) as its issue asks; so Backstage has no such entity, nor the relations it
/// would have originated.
const RELATIVE_TEXT_APIS: &[&str] = &[
    "api:default/billing-api",
    "api:default/routes-api",
    "api:default/tracking-events",
];

/// The relations Backlot derives for its demo catalog equal the ones a real Backstage serves
/// for the same files (recorded by backstage-parity/record-relations.mjs), apart from the
/// `$text` APIs above and the location Backstage generates for a registered file.
#[test]
fn demo_relations_match_a_real_backstage() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/backstage-parity");
    let keep = |r: &String| {
        !RELATIVE_TEXT_APIS.contains(&r.as_str()) && !r.starts_with("location:default/generated-")
    };
    let clean = |map: std::collections::BTreeMap<String, Vec<(String, String)>>| -> std::collections::BTreeMap<String, Vec<(String, String)>> {
        map.into_iter()
            .filter(|(r, _)| keep(r))
            .map(|(r, rels)| (r, rels.into_iter().filter(|(_, t)| keep(t)).collect()))
            .collect()
    };
    let recorded: std::collections::BTreeMap<String, Vec<(String, String)>> = clean(
        serde_json::from_str(
            &std::fs::read_to_string(dir.join("backstage-demo-relations.json")).unwrap(),
        )
        .unwrap(),
    );
    let data = tempfile::tempdir().unwrap();
    let mut store = backlot_catalog_backend::Store::open(&data.path().join("c.db")).unwrap();
    backlot_catalog_backend::demo::install(&mut store, data.path()).unwrap();
    let ours: std::collections::BTreeMap<String, Vec<(String, String)>> = clean(
        store
            .export()
            .unwrap()
            .into_iter()
            .map(|e| {
                let key = e.entity_ref().key();
                let mut rels: Vec<(String, String)> = e
                    .relations
                    .into_iter()
                    .map(|r| (r.relation_type, r.target_ref))
                    .collect();
                rels.sort();
                (key, rels)
            })
            .collect(),
    );
    assert_eq!(recorded.len(), 51);
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        recorded.keys().collect::<Vec<_>>()
    );
    let mut differences = Vec::new();
    for (r, theirs) in &recorded {
        if ours[r] != *theirs {
            differences.push(format!(
                "{r}:\n  ours      {:?}\n  Backstage {theirs:?}",
                ours[r]
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
