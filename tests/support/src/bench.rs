//! Benchmark rows for `make bench`'s one table (`scripts/bench-table.py`): each bench writes
//! its figures to `target/bench/rows/<bench>.json` besides printing its own table.

use serde_json::{Value, json};

/// Cores and the 1-minute load average now (call it before measuring).
pub fn conditions() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into());
    format!("{cores} cores, load {load} at start")
}

/// One row: `backlot` against `baseline` (named), `ratio` as the bench states it
/// (`"7.5× baseline"`, `"3.1× faster than Backstage"`), the target and whether it is met.
pub struct Row<'a> {
    pub what: String,
    pub unit: &'a str,
    pub backlot: f64,
    pub backlot_p95: Option<f64>,
    pub baseline_name: &'a str,
    pub baseline: Option<f64>,
    pub baseline_p95: Option<f64>,
    pub ratio: String,
    pub target: &'a str,
    pub met: Option<bool>,
}

impl<'a> Row<'a> {
    /// `backlot` against a `baseline` (its name and figure) measured in the same run, the ratio
    /// stated as "0.24× first ingest"; `met` as the bench judges it against `target`.
    pub fn against(
        what: String,
        unit: &'a str,
        backlot: f64,
        (baseline_name, baseline): (&'a str, f64),
        target: &'a str,
        met: bool,
    ) -> Row<'a> {
        let ratio = backlot / baseline;
        let digits = if ratio < 0.2 { 3 } else { 2 };
        Row {
            what,
            unit,
            backlot,
            backlot_p95: None,
            baseline_name,
            baseline: Some(baseline),
            baseline_p95: None,
            ratio: format!("{ratio:.digits$}× {baseline_name}"),
            target,
            met: Some(met),
        }
    }
}

/// Writes `rows` as `target/bench/rows/<bench>.json` (replacing an earlier run's), each
/// with `conditions`.
pub fn record(bench: &str, conditions: &str, rows: &[Row<'_>]) {
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "what": r.what, "unit": r.unit,
                "backlot": r.backlot, "backlotP95": r.backlot_p95,
                "baselineName": r.baseline_name, "baseline": r.baseline, "baselineP95": r.baseline_p95,
                "ratio": r.ratio, "target": r.target, "met": r.met, "conditions": conditions,
            })
        })
        .collect();
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| crate::workspace_root().join("target"), Into::into)
        .join("bench/rows");
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        std::fs::write(
            dir.join(format!("{bench}.json")),
            serde_json::to_string_pretty(&rows).unwrap_or_default(),
        )
    });
    if let Err(e) = written {
        eprintln!("bench rows not written to {}: {e}", dir.display());
    }
}
