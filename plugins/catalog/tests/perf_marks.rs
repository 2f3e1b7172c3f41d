//! The performance marks the catalog sets for the benchmarks: one entry per name however long
//! the session, and measures start from the latest.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use backlot_plugin_api::perf;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::PerformanceEntry;

wasm_bindgen_test_configure!(run_in_browser);

fn entries(name: &str, kind: &str) -> Vec<PerformanceEntry> {
    let p = web_sys::window().unwrap().performance().unwrap();
    p.get_entries_by_name_with_entry_type(name, kind)
        .iter()
        .map(|e| e.unchecked_into())
        .collect()
}

#[wasm_bindgen_test]
fn a_mark_replaces_the_previous_one_and_measures_start_from_the_latest() {
    for _ in 0..50 {
        perf::mark("test:typed");
    }
    let marks = entries("test:typed", "mark");
    assert_eq!(marks.len(), 1, "one entry per name, not one per keystroke");
    perf::measure("test:typed-to-now", "test:typed");
    let measures = entries("test:typed-to-now", "measure");
    assert_eq!(measures.len(), 1);
    assert_eq!(measures[0].start_time(), marks[0].start_time());
}
