//! `cargo bench -p backlot-catalog-backend --bench sync_apply [-- N]`: how long a team sync
//! holds the catalog's write lock. N generated team entities (default 100 000) are staged as a
//! sync stages them (validated, turned into rows, no lock), then committed: a first sync writes
//! most rows ahead in short transactions and its commit only makes them visible; a re-sync
//! applies its few changes in the commit's transaction. The baseline, measured in the same
//! run, is the whole write work of the sync (staging + commit) — what the lock covered when a
//! sync wrote in one transaction from its first page to its commit. The lock is measured as a
//! user would feel it: another connection writes (a preference) every 5 ms while the commit
//! runs, and the longest wait is reported. Then a re-sync with 1 % changed. Prints a table and
//! records its rows for `make bench`'s table (target ≤ 1.5 s). Asserts nothing.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use backlot_catalog_backend::Store;
use backlot_catalog_sync::test_server::Catalog;
use backlot_catalog_sync::{SyncMode, SyncReport, SyncTarget};
use serde_json::Value;

const SOURCE: &str = "http://127.0.0.1:7007";

/// Stages `entities` in pages of 1000 and commits: (staging time, the longest a user's write
/// waited while the commit ran — writes are made one after the other, every 5 ms, on another
/// connection — and the commit's whole time).
fn sync_once(
    store: &Store,
    db: &std::path::Path,
    entities: &[Value],
    mode: SyncMode,
) -> (Duration, Duration, Duration) {
    let mut target = store.team_sync(SOURCE).unwrap();
    let started = Instant::now();
    target.begin(mode).unwrap();
    for page in entities.chunks(1000) {
        target.upsert(page).unwrap();
    }
    let staged = started.elapsed();
    let user = Store::open(db).unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut longest = Duration::ZERO;
            while !done.load(Ordering::Relaxed) {
                let started = Instant::now();
                user.set_preference("bench.click", "1").unwrap();
                longest = longest.max(started.elapsed());
                std::thread::sleep(Duration::from_millis(5));
            }
            longest
        })
    };
    let started = Instant::now();
    target.commit(&SyncReport::new(mode)).unwrap();
    let commit = started.elapsed();
    done.store(true, Ordering::Relaxed);
    (staged, writer.join().unwrap(), commit)
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// One table row from `sync_once`'s (staging, user wait, commit); its row for `make bench`.
fn row(
    what: &str,
    (staged, waited, commit): (Duration, Duration, Duration),
) -> backlot_test_support::bench::Row<'static> {
    println!(
        "| {what} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | lock ≤ 1.5 s: {} |",
        secs(staged),
        secs(waited),
        secs(commit),
        secs(staged + commit),
        secs(waited) / secs(staged + commit),
        if waited <= Duration::from_millis(1500) {
            "met"
        } else {
            "missed"
        }
    );
    backlot_test_support::bench::Row::against(
        format!("{what}: longest user write"),
        "s",
        secs(waited),
        ("the sync's whole write work", secs(staged + commit)),
        "≤ 1.5 s",
        waited <= Duration::from_millis(1500),
    )
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let cores = std::thread::available_parallelism().map_or(0, |c| c.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "sync apply bench: {n} entities, {cores} cores, load average {}",
        load.split_whitespace().next().unwrap_or("?")
    );
    let mut catalog = Catalog::generate(n);
    let entities: Vec<Value> = catalog.iter().map(|(_, v)| v.clone()).collect();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("catalog.db")).unwrap();

    let db = dir.path().join("catalog.db");
    println!(
        "| team sync of {n} | staging s (no lock) | longest user write s | commit s (incl. checkpoint) | baseline s (whole write work) | wait / baseline | target |"
    );
    println!("|---|---:|---:|---:|---:|---:|---|");
    let conditions = backlot_test_support::bench::conditions();
    let first = row(
        &format!("first full sync of {n}"),
        sync_once(&store, &db, &entities, SyncMode::Full),
    );
    let keys: Vec<String> = catalog.keys().step_by(100).cloned().collect();
    for k in &keys {
        catalog.touch(k);
    }
    let entities: Vec<Value> = catalog.iter().map(|(_, v)| v.clone()).collect();
    let again = row(
        &format!("full re-sync of {n}, 1 % changed"),
        sync_once(&store, &db, &entities, SyncMode::Full),
    );
    backlot_test_support::bench::record("sync_apply", &conditions, &[first, again]);
}
