//! `cargo bench -p backlot-catalog-backend --bench catalog [-- N]`: ingests N generated entities
//! (default 100 000) against a same-run baseline, then measures query latencies. Prints a
//! table of ratios and percentiles; asserts nothing.

#![allow(clippy::unwrap_used)]

mod generate;

use std::time::{Duration, Instant};

use backlot_catalog_backend::{Store, ingest_values};
use backlot_model::query::{EntityFilter, EntityQuery, SortField, SortOrder};
use backlot_test_support::bench::Row;
use generate::{Rng, entities, group, groups, system, systems};

fn pct(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i].as_secs_f64() * 1000.0
}

fn measure(name: &str, runs: usize, mut f: impl FnMut(usize)) {
    for i in 0..5 {
        f(i); // warm-up
    }
    let mut samples: Vec<Duration> = (0..runs)
        .map(|i| {
            let t = Instant::now();
            f(i);
            t.elapsed()
        })
        .collect();
    let p50 = pct(&mut samples, 0.5);
    let p95 = pct(&mut samples, 0.95);
    println!("| {name:<44} | {p50:>8.2} | {p95:>8.2} |");
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    // BACKLOT_BENCH_DB=<file> with an existing file: skip ingestion, only measure queries
    // (for tuning queries without re-running the heavy part).
    if let Some(path) = std::env::var_os("BACKLOT_BENCH_DB")
        .map(std::path::PathBuf::from)
        .filter(|p| p.exists())
    {
        let store = Store::open(&path).expect("store");
        queries(&store, n);
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let values = entities(n, 42);
    let texts: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "{n} entities, {:.0} bytes each on average",
        bytes as f64 / n as f64
    );

    let conditions = backlot_test_support::bench::conditions();
    // Baseline: the same rows parsed with serde_json and inserted with one prepared statement
    // in one transaction.
    let base_path = dir.path().join("baseline.db");
    let mut conn = rusqlite::Connection::open(&base_path).expect("open");
    conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE t (id INTEGER PRIMARY KEY, ref TEXT NOT NULL, json TEXT NOT NULL);").expect("schema");
    let t = Instant::now();
    {
        let tx = conn.transaction().expect("tx");
        {
            let mut stmt = tx
                .prepare("INSERT INTO t (ref, json) VALUES (?1, ?2)")
                .expect("prepare");
            for text in &texts {
                let v: serde_json::Value = serde_json::from_str(text).expect("json");
                let r = format!(
                    "{}:{}",
                    v["kind"].as_str().unwrap_or(""),
                    v["metadata"]["name"].as_str().unwrap_or("")
                );
                stmt.execute(rusqlite::params![r, v.to_string()])
                    .expect("insert");
            }
        }
        tx.commit().expect("commit");
    }
    let baseline = t.elapsed();

    // Backlot: parse, validate, derive relations, write entities + relations + tags + FTS +
    // facet counts, in one transaction.
    let db_path = std::env::var_os("BACKLOT_BENCH_DB")
        .map_or_else(|| dir.path().join("catalog.db"), std::path::PathBuf::from);
    let mut store = Store::open(&db_path).expect("store");
    let t = Instant::now();
    let parsed: Vec<serde_json::Value> = texts
        .iter()
        .map(|t| serde_json::from_str(t).expect("json"))
        .collect();
    let report = ingest_values(&mut store, "bench", parsed).expect("ingest");
    let ingest_time = t.elapsed();
    assert!(report.errors.is_empty(), "{:?}", report.errors.first());

    // Where the time goes: parsing and validation (with relation derivation) alone.
    let t = Instant::now();
    for text in &texts {
        let v: serde_json::Value = serde_json::from_str(text).expect("json");
        let _ = backlot_model::validate_entity(v).expect("valid");
    }
    let validate_time = t.elapsed();

    // The floor: the same text into Backlot's two full-text tables alone (its schema, in one
    // transaction, one prepared statement each). Every ingest that keeps this index pays it.
    let fts_time = full_text_alone(&dir.path().join("fts-alone.db"), &values);

    // Re-ingest with nothing changed.
    let t = Instant::now();
    let parsed: Vec<serde_json::Value> = texts
        .iter()
        .map(|t| serde_json::from_str(t).expect("json"))
        .collect();
    let again = ingest_values(&mut store, "bench", parsed).expect("ingest");
    let reingest_time = t.elapsed();

    println!();
    println!("| ingest of {n} | seconds | rows/s | vs baseline |");
    println!("|---|---:|---:|---:|");
    let row = |name: &str, d: Duration| {
        println!(
            "| {name} | {:.2} | {:.0} | {:.2}x |",
            d.as_secs_f64(),
            n as f64 / d.as_secs_f64(),
            d.as_secs_f64() / baseline.as_secs_f64()
        );
    };
    row("baseline (serde_json + 1 insert, 1 tx)", baseline);
    row(
        &format!("backlot ingest (added {})", report.added),
        ingest_time,
    );
    row(
        &format!("backlot re-ingest, unchanged ({})", again.unchanged),
        reingest_time,
    );
    row(
        "  of which: parse + validate + relations only",
        validate_time,
    );
    row(
        "floor: the same text into the full-text tables alone",
        fts_time,
    );
    row(
        "floor: baseline + full-text tables alone",
        baseline + fts_time,
    );

    let ratio = ingest_time.as_secs_f64() / baseline.as_secs_f64();
    let again_ratio = reingest_time.as_secs_f64() / ingest_time.as_secs_f64();
    backlot_test_support::bench::record(
        "catalog_ingest",
        &conditions,
        &[
            Row::against(
                format!("ingest of {n} entities"),
                "s",
                ingest_time.as_secs_f64(),
                ("parse + one insert", baseline.as_secs_f64()),
                "≤ 2× baseline",
                ratio <= 2.0,
            ),
            Row {
                target: "— (a floor: what any ingest keeping this index pays)",
                met: None,
                ..Row::against(
                    format!("floor: the same text into the full-text index alone ({n})"),
                    "s",
                    fts_time.as_secs_f64(),
                    ("parse + one insert", baseline.as_secs_f64()),
                    "",
                    false,
                )
            },
            Row::against(
                format!("re-ingest of {n} unchanged"),
                "s",
                reingest_time.as_secs_f64(),
                ("first ingest", ingest_time.as_secs_f64()),
                "≤ 0.3× first ingest",
                again_ratio <= 0.3,
            ),
        ],
    );

    let relation_rows: u64 = store
        .export()
        .map(|e| e.iter().map(|x| x.relations.len() as u64).sum())
        .unwrap_or(0);
    println!("\nrelations served: {relation_rows}\n");
    queries(&store, n);
}

/// Inserts each entity's name, title, description, tags and kind into the catalog's full-text
/// tables of a fresh store at `path`, nothing else, and returns how long that took.
fn full_text_alone(path: &std::path::Path, values: &[serde_json::Value]) -> Duration {
    drop(Store::open(path).expect("store")); // Backlot's schema, migrations applied
    let rows: Vec<[String; 5]> = values
        .iter()
        .map(|v| {
            let meta = &v["metadata"];
            let text = |field: &str| meta[field].as_str().unwrap_or("").to_string();
            let tags: Vec<&str> = meta["tags"]
                .as_array()
                .map(|t| t.iter().filter_map(|t| t.as_str()).collect())
                .unwrap_or_default();
            [
                text("name"),
                text("title"),
                text("description"),
                tags.join(" ").to_lowercase(),
                v["kind"].as_str().unwrap_or("").to_lowercase(),
            ]
        })
        .collect();
    let mut conn = rusqlite::Connection::open(path).expect("open");
    let t = Instant::now();
    let tx = conn.transaction().expect("tx");
    {
        let mut all = tx
            .prepare("INSERT INTO entities_fts (rowid, name, title, description, tags, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .expect("prepare");
        let mut names = tx
            .prepare("INSERT INTO entity_names_fts (rowid, name, kind) VALUES (?1, ?2, ?3)")
            .expect("prepare");
        for (i, [name, title, description, tags, kind]) in rows.iter().enumerate() {
            let id = i as i64 + 1;
            all.execute(rusqlite::params![id, name, title, description, tags, kind])
                .expect("insert");
            names
                .execute(rusqlite::params![id, name, kind])
                .expect("insert");
        }
    }
    tx.commit().expect("commit");
    t.elapsed()
}

fn queries(store: &Store, n: usize) {
    println!("| query at {n} entities (200 runs) | p50 ms | p95 ms |");
    println!("|---|---:|---:|");
    let g = groups(n);
    let s = systems(n);
    let mut rng = Rng::new(7);
    let prefixes: Vec<String> = (0..64)
        .map(|_| {
            // Prefixes of the vocabulary's words of 6 letters or more.
            let w = loop {
                let w = rng.pick(generate::words());
                if w.len() >= 6 {
                    break w;
                }
            };
            w[..3 + rng.below(3)].to_string()
        })
        .collect();
    measure("filter kind+owner, sorted by name, 50", 200, |i| {
        let q = EntityQuery {
            filter: EntityFilter {
                kinds: vec!["component".into()],
                owners: vec![group(i % g)],
                ..Default::default()
            },
            limit: 50,
            ..Default::default()
        };
        store.query(&q).expect("query");
    });
    measure("filter kind+lifecycle, 2nd page via cursor", 200, |i| {
        let q = EntityQuery {
            filter: EntityFilter {
                kinds: vec!["api".into()],
                lifecycles: vec!["production".into()],
                ..Default::default()
            },
            limit: 50,
            ..Default::default()
        };
        let p = store.query(&q).expect("query");
        let q2 = EntityQuery {
            cursor: p.next_cursor,
            ..q
        };
        let _ = i;
        store.query(&q2).expect("query");
    });
    measure("filter by system (partOf), 50", 200, |i| {
        let q = EntityQuery {
            filter: EntityFilter {
                systems: vec![system(i % s)],
                ..Default::default()
            },
            limit: 50,
            ..Default::default()
        };
        store.query(&q).expect("query");
    });
    measure("full-text prefix, ranked, 20", 200, |i| {
        let q = EntityQuery {
            text: Some(prefixes[i % prefixes.len()].clone()),
            limit: 20,
            ..Default::default()
        };
        store.query(&q).expect("query");
    });
    // What typing's first keystrokes ask: one and two letters.
    for letters in [1, 2] {
        measure(
            &format!("full-text {letters}-letter prefix, ranked, 100"),
            100,
            |i| {
                let q = EntityQuery {
                    text: Some(prefixes[i % prefixes.len()][..letters].to_string()),
                    limit: 100,
                    ..Default::default()
                };
                store.query(&q).expect("query");
            },
        );
    }
    measure("full-text two prefixes, ranked, 20", 200, |i| {
        let q = EntityQuery {
            text: Some(format!(
                "{} {}",
                prefixes[i % prefixes.len()],
                prefixes[(i + 7) % prefixes.len()]
            )),
            limit: 20,
            ..Default::default()
        };
        store.query(&q).expect("query");
    });
    measure("full-text prefix + kind filter, ranked, 20", 200, |i| {
        let q = EntityQuery {
            text: Some(prefixes[i % prefixes.len()].clone()),
            filter: EntityFilter {
                kinds: vec!["api".into()],
                ..Default::default()
            },
            limit: 20,
            ..Default::default()
        };
        store.query(&q).expect("query");
    });
    measure("full-text prefix, sorted by name, 20", 200, |i| {
        let q = EntityQuery {
            text: Some(prefixes[i % prefixes.len()].clone()),
            order: Some(SortOrder {
                field: SortField::Name,
                descending: false,
            }),
            limit: 20,
            ..Default::default()
        };
        store.query(&q).expect("query");
    });
    measure("facets, whole catalog", 200, |_| {
        store.facets(&EntityFilter::default()).expect("facets");
    });
    measure("facets, kind=component", 50, |_| {
        store
            .facets(&EntityFilter {
                kinds: vec!["component".into()],
                ..Default::default()
            })
            .expect("facets");
    });
    measure("facets, owner=one group", 200, |i| {
        store
            .facets(&EntityFilter {
                owners: vec![group(i % g)],
                ..Default::default()
            })
            .expect("facets");
    });
    let comps: Vec<String> = store
        .query(&EntityQuery {
            filter: EntityFilter {
                kinds: vec!["component".into()],
                ..Default::default()
            },
            limit: 200,
            ..Default::default()
        })
        .expect("query")
        .items
        .into_iter()
        .map(|s| s.entity_ref)
        .collect();
    measure("entity by ref + relations + related summaries", 200, |i| {
        store
            .entity_by_ref(&comps[i % comps.len()])
            .expect("by ref");
    });
    measure("group by ref (hundreds of ownerOf relations)", 200, |i| {
        store
            .entity_by_ref(&format!("group:default/{}", group(i % g)))
            .expect("by ref");
    });
}
