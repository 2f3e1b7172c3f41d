//! `cargo bench -p backlot-catalog-backend --bench search_index [-- N]`: the search index at
//! scale — N generated entities (default 100 000), 10 000 docs sections and 5 000 API
//! operations indexed, then mixed queries (entity names, docs words, prefixes, a typo).
//! Prints the indexing time, query p50/p95 and what the index adds to the store's size,
//! against the targets of issue 16 (index query p95 ≤ 15 ms; 10k doc pages ≤ 5 s; ≤ 30 %
//! of the store). Asserts nothing.

#![allow(clippy::unwrap_used)]

mod generate;

use std::time::{Duration, Instant};

use backlot_catalog_backend::{IndexDoc, Store, ingest_values};
use backlot_model::search::Search;
use generate::{Rng, entities, sentence};

fn pct(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i].as_secs_f64() * 1000.0
}

/// The store's bytes on disk: the database file and its write-ahead log.
fn size(path: &std::path::Path) -> u64 {
    let wal = path.with_extension("db-wal");
    [path, wal.as_path()]
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .sum()
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    // BACKLOT_BENCH_KEEP=<file>: build the store there and keep it (for looking into queries).
    let path = std::env::var_os("BACKLOT_BENCH_KEEP")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("bench.db"));
    let mut store = Store::open(&path).unwrap();
    ingest_values(&mut store, "/bench", entities(n, 42)).unwrap();
    let before = size(&path);

    let mut rng = Rng::new(7);
    let sites = 200;
    let started = Instant::now();
    for site in 0..sites {
        let docs: Vec<IndexDoc> = (0..10_000 / sites)
            .map(|i| IndexDoc {
                location: format!("/docs/default/component/site-{site}?page=p{i}.md#h{i}"),
                title: format!("Page {i} › {}", sentence(&mut rng, 3)),
                subtitle: Some(format!("Site {site}")),
                headings: sentence(&mut rng, 4),
                text: sentence(&mut rng, 120),
                entity_ref: Some(format!("component:default/site-{site}")),
            })
            .collect();
        store
            .replace_search_scope(
                "docs",
                &format!("component:default/site-{site}"),
                "s",
                &docs,
            )
            .unwrap();
    }
    let docs_time = started.elapsed();
    let started = Instant::now();
    for api in 0..100 {
        let ops: Vec<IndexDoc> = (0..50)
            .map(|i| IndexDoc {
                location: format!("/catalog/default/api/api-{api}?tab=api#op-get-{i}"),
                title: format!("GET /{}/{}", sentence(&mut rng, 1), i),
                subtitle: Some(format!("API {api}")),
                headings: sentence(&mut rng, 5),
                text: sentence(&mut rng, 30),
                entity_ref: Some(format!("api:default/api-{api}")),
            })
            .collect();
        store
            .replace_search_scope("api", &format!("api:default/api-{api}"), "s", &ops)
            .unwrap();
    }
    let api_time = started.elapsed();
    let after = size(&path);

    let queries: Vec<String> = (0..200)
        .map(|i| match i % 4 {
            0 => sentence(&mut rng, 1),
            1 => sentence(&mut rng, 2),
            2 => sentence(&mut rng, 1).chars().take(3).collect(),
            _ => {
                // One typo in a real word.
                let mut w: Vec<char> = sentence(&mut rng, 1).chars().collect();
                if w.len() > 4 {
                    w.swap(2, 3);
                }
                w.into_iter().collect()
            }
        })
        .collect();
    let mut samples = Vec::new();
    for (i, q) in queries.iter().cycle().take(queries.len() + 20).enumerate() {
        let t = Instant::now();
        let r = store
            .search(&Search {
                query: q.clone(),
                types: Vec::new(),
                limit: 20,
                offset: 0,
                team: false,
            })
            .unwrap();
        std::hint::black_box(r);
        if i >= 20 {
            samples.push(t.elapsed());
        }
    }
    let p50 = pct(&mut samples, 0.5);
    let p95 = pct(&mut samples, 0.95);
    let grow = (after as f64 - before as f64) / before as f64 * 100.0;
    println!("| what | measured | target |");
    println!("|---|---|---|");
    println!(
        "| index 10 000 docs sections ({sites} sites) | {:.2} s | ≤ 5 s |",
        docs_time.as_secs_f64()
    );
    println!(
        "| index 5 000 API operations | {:.2} s | |",
        api_time.as_secs_f64()
    );
    println!(
        "| query p50 / p95 ({} mixed queries, {n} entities + 15 000 documents) | {p50:.1} / {p95:.1} ms | p95 ≤ 15 ms |",
        samples.len()
    );
    println!(
        "| store size without / with the index | {:.1} / {:.1} MB (+{grow:.0} %) | ≤ +30 % |",
        before as f64 / 1e6,
        after as f64 / 1e6
    );
}
