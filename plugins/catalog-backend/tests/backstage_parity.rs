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
    let recorded: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("backstage-verdicts.json")).unwrap()).unwrap();
    let ours = validate(&[dir.join("corpus.yaml")]);
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
            mismatches.push(format!("{name}: ours {} ({:?}), Backstage {} ({})", r.valid, r.errors, theirs["valid"], theirs["errors"]));
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}
