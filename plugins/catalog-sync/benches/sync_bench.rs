//! Sync benchmark (prints a table and ratios):
//! - local test server, N entities (default 100 000): full sync vs a baseline that parses the
//!   same JSON pages and bulk-inserts them into the same target without HTTP;
//! - incremental sync with 1 % changed vs the full sync;
//! - full sync vs a bare client that only pages through the same API;
//! - with BENCH_PEER_URL (and TOKEN): full sync vs bare paging against a real Backstage.
//!
//! Run: `cargo bench -p backlot-catalog-sync --bench sync_bench`;
//! env BENCH_N (100000), BENCH_RUNS (3), BENCH_PEER_URL, TOKEN.
//! The target keeps each entity as a serialized row (key, etag, JSON) in a map, like a store
//! that writes rows; the SQLite store is measured by its own crate.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::time::{Duration, Instant};

use backlot_catalog_sync::test_server::{Catalog, ServerOptions, TestServer};
use backlot_catalog_sync::{
    CatalogClient, QuerySpec, SyncOptions, SyncReport, SyncTarget, full_sync, incremental_sync,
};
use backlot_secrets::Sensitive;
use backlot_test_support::bench::Row;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn client(base: &str, token: Option<&Sensitive<String>>) -> CatalogClient {
    let opts = backlot_catalog_sync::ClientOptions {
        read_timeout: Duration::from_secs(120),
        ..Default::default()
    };
    match CatalogClient::new(base, token, opts) {
        Ok(c) => c,
        Err(e) => panic!("client: {e}"),
    }
}

/// Pages through by-query, parsing each page, keeping nothing: the bare client.
async fn bare_paging(c: &CatalogClient) -> (Duration, u64) {
    let started = Instant::now();
    let mut cursor: Option<String> = None;
    let mut n = 0u64;
    loop {
        let page = match c
            .query_page(&QuerySpec::default(), cursor.as_deref(), cursor.is_none())
            .await
        {
            Ok(p) => p,
            Err(e) => panic!("bare paging: {e}"),
        };
        n += page.items.len() as u64;
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return (started.elapsed(), n),
        }
    }
}

/// The JSON bodies of all pages (uncompressed), fetched once, for the no-HTTP baseline.
async fn raw_pages(base: &str, token: &str, limit: u32) -> Vec<Vec<u8>> {
    let http = reqwest::Client::new();
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = match url::Url::parse(&format!("{base}/api/catalog/entities/by-query")) {
            Ok(u) => u,
            Err(e) => panic!("url: {e}"),
        };
        url.query_pairs_mut()
            .append_pair("limit", &limit.to_string());
        if let Some(c) = &cursor {
            url.query_pairs_mut().append_pair("cursor", c);
        }
        let body = match http
            .get(url)
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await
        {
            Ok(r) => match r.bytes().await {
                Ok(b) => b.to_vec(),
                Err(e) => panic!("page body: {e}"),
            },
            Err(e) => panic!("page: {e}"),
        };
        let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        cursor = v["pageInfo"]["nextCursor"].as_str().map(str::to_owned);
        pages.push(body);
        if cursor.is_none() {
            return pages;
        }
    }
}

/// Parse + bulk insert into the same target, no HTTP.
fn baseline(pages: &[Vec<u8>]) -> Duration {
    #[derive(serde::Deserialize)]
    struct P {
        items: Vec<Value>,
    }
    let rows = Rows::default();
    let mut t = RowTarget::new(&rows);
    let started = Instant::now();
    let _ = t.local_etags();
    let _ = t.begin(backlot_catalog_sync::SyncMode::Full);
    for p in pages {
        let page: P = match serde_json::from_slice(p) {
            Ok(p) => p,
            Err(e) => panic!("baseline parse: {e}"),
        };
        let _ = t.upsert(&page.items);
    }
    let report = SyncReport::new(backlot_catalog_sync::SyncMode::Full);
    let _ = t.commit(&report);
    started.elapsed()
}

/// key → (etag, JSON row).
type Rows = Arc<Mutex<HashMap<String, (String, String)>>>;

/// A "transaction" as the store makes one: the changes are staged (not a copy of the whole
/// catalog) and applied to the rows on commit (the engine removes what a full sync no longer
/// lists).
struct RowTarget {
    rows: Rows,
    /// key → the new row, or `None` for a removal.
    staged: HashMap<String, Option<(String, String)>>,
}

impl RowTarget {
    fn new(rows: &Rows) -> Self {
        Self {
            rows: rows.clone(),
            staged: HashMap::new(),
        }
    }
}

impl SyncTarget for RowTarget {
    type Error = std::io::Error;
    fn local_etags(&mut self) -> Result<HashMap<String, String>, Self::Error> {
        let rows = self
            .rows
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        Ok(rows
            .iter()
            .map(|(k, (e, _))| (k.clone(), e.clone()))
            .collect())
    }
    fn begin(&mut self, _: backlot_catalog_sync::SyncMode) -> Result<(), Self::Error> {
        Ok(())
    }
    fn upsert(&mut self, entities: &[Value]) -> Result<(), Self::Error> {
        for e in entities {
            let key = backlot_catalog_sync::entity_key(e).map_err(std::io::Error::other)?;
            let etag = backlot_catalog_sync::entity_etag(e)
                .unwrap_or("")
                .to_owned();
            self.staged.insert(key, Some((etag, e.to_string())));
        }
        Ok(())
    }
    fn remove(&mut self, keys: &[String]) -> Result<(), Self::Error> {
        for k in keys {
            self.staged.insert(k.clone(), None);
        }
        Ok(())
    }
    fn commit(self, _: &SyncReport) -> Result<(), Self::Error> {
        let mut rows = self
            .rows
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        for (k, row) in self.staged {
            match row {
                Some(row) => rows.insert(k, row),
                None => rows.remove(&k),
            };
        }
        Ok(())
    }
    fn rollback(self) -> Result<(), Self::Error> {
        Ok(())
    }
}

struct NullTarget;

impl SyncTarget for NullTarget {
    type Error = std::io::Error;
    fn local_etags(&mut self) -> Result<std::collections::HashMap<String, String>, Self::Error> {
        Ok(Default::default())
    }
    fn begin(&mut self, _: backlot_catalog_sync::SyncMode) -> Result<(), Self::Error> {
        Ok(())
    }
    fn upsert(&mut self, _: &[Value]) -> Result<(), Self::Error> {
        Ok(())
    }
    fn remove(&mut self, _: &[String]) -> Result<(), Self::Error> {
        Ok(())
    }
    fn commit(self, _: &SyncReport) -> Result<(), Self::Error> {
        Ok(())
    }
    fn rollback(self) -> Result<(), Self::Error> {
        Ok(())
    }
}

fn row(name: &str, d: Duration, r: Option<&SyncReport>) {
    match r {
        Some(r) => println!(
            "| {name:<44} | {:>9.0} | {:>12} | {:>12} | {:>8} |",
            ms(d),
            r.bytes_received,
            r.bytes_decoded,
            r.requests
        ),
        None => println!(
            "| {name:<44} | {:>9.0} | {:>12} | {:>12} | {:>8} |",
            ms(d),
            "-",
            "-",
            "-"
        ),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n = env_usize("BENCH_N", 100_000);
    let runs = env_usize("BENCH_RUNS", 3).max(1);
    let conditions = backlot_test_support::bench::conditions();
    let t0 = Instant::now();
    let catalog = Catalog::generate(n);
    eprintln!(
        "generated {n} entities in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    let srv = match TestServer::start(catalog, ServerOptions::default()).await {
        Ok(s) => s,
        Err(e) => panic!("server: {e}"),
    };
    let token = srv.token();
    let c = client(&srv.base_url(), token.as_ref());
    let token_text = token
        .as_ref()
        .map(|t| t.expose().clone())
        .unwrap_or_default();

    // Baseline: the same pages, parsed and inserted without HTTP.
    let pages = raw_pages(&srv.base_url(), &token_text, c.options().page_size).await;
    let base = median((0..runs).map(|_| baseline(&pages)).collect());
    drop(pages);

    // Full sync.
    let mut fulls = Vec::new();
    let mut full_report = None;
    let mut synced = Rows::default();
    for _ in 0..runs {
        let mem = Rows::default();
        let started = Instant::now();
        let r = match full_sync(&c, RowTarget::new(&mem), &SyncOptions::new()).await {
            Ok(r) => r,
            Err(e) => panic!("full sync: {e}"),
        };
        fulls.push(started.elapsed());
        full_report = Some(r);
        synced = mem;
    }
    eprintln!(
        "full sync runs (ms): {:?}",
        fulls.iter().map(|d| ms(*d) as u64).collect::<Vec<_>>()
    );
    let full = median(fulls);

    // The engine alone: a target that drops what it gets.
    let mut nulls = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        if let Err(e) = full_sync(&c, NullTarget, &SyncOptions::new()).await {
            panic!("null full sync: {e}");
        }
        nulls.push(started.elapsed());
    }
    eprintln!(
        "null-target full sync runs (ms): {:?}",
        nulls.iter().map(|d| ms(*d) as u64).collect::<Vec<_>>()
    );
    let null = median(nulls);

    // Bare paging through the same API.
    let bare = median({
        let mut v = Vec::new();
        for _ in 0..runs {
            v.push(bare_paging(&c).await.0);
        }
        v
    });

    // Incremental with 1 % changed (each run starts from the synced copy).
    let snapshot = synced.lock().map(|r| r.clone()).unwrap_or_default();
    let mut keys: Vec<String> = snapshot.keys().cloned().collect();
    keys.sort();
    srv.with_catalog(|cat| {
        for k in keys.iter().step_by(100) {
            cat.touch(k);
        }
    });
    let mut incs = Vec::new();
    let mut inc_report = None;
    for _ in 0..runs {
        let mem: Rows = Arc::new(Mutex::new(snapshot.clone()));
        let started = Instant::now();
        let r = match incremental_sync(&c, RowTarget::new(&mem), &SyncOptions::new()).await {
            Ok(r) => r,
            Err(e) => panic!("incremental sync: {e}"),
        };
        incs.push(started.elapsed());
        inc_report = Some(r);
    }
    let inc = median(incs);

    // Incremental with nothing changed.
    let current: HashMap<String, (String, String)> = srv.with_catalog(|cat| {
        cat.iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    (
                        backlot_catalog_sync::entity_etag(v)
                            .unwrap_or("")
                            .to_owned(),
                        v.to_string(),
                    ),
                )
            })
            .collect()
    });
    // Each run from the same stored copy; the first one also warms the server's rendered pages,
    // as the full sync's first run does.
    let mut nones = Vec::new();
    let mut none_report = None;
    for _ in 0..runs {
        let mem: Rows = Arc::new(Mutex::new(current.clone()));
        let started = Instant::now();
        match incremental_sync(&c, RowTarget::new(&mem), &SyncOptions::new()).await {
            Ok(r) => none_report = Some(r),
            Err(e) => panic!("incremental sync: {e}"),
        }
        nones.push(started.elapsed());
    }
    let none = median(nones);

    println!(
        "\nsync benchmark: {n} entities from the local test server (gzip level 6), page {}, median of {runs}\n",
        c.options().page_size
    );
    println!(
        "| {:<44} | {:>9} | {:>12} | {:>12} | {:>8} |",
        "run", "ms", "wire bytes", "JSON bytes", "requests"
    );
    println!(
        "|{:-<46}|{:-<11}|{:-<14}|{:-<14}|{:-<10}|",
        "", "", "", "", ""
    );
    row("baseline: parse + insert the pages, no HTTP", base, None);
    row("bare client: page through by-query", bare, None);
    row("full sync, target that drops the entities", null, None);
    row("full sync", full, full_report.as_ref());
    row("incremental, 1 % changed", inc, inc_report.as_ref());
    row("incremental, nothing changed", none, none_report.as_ref());
    println!();
    println!(
        "full / baseline            = {:.2}  (target <= 2)",
        ms(full) / ms(base)
    );
    println!("full / bare paging         = {:.2}", ms(full) / ms(bare));
    println!(
        "incremental 1 % / full     = {:.3} (target <= 0.10)",
        ms(inc) / ms(full)
    );
    let (full_ratio, inc_ratio) = (ms(full) / ms(base), ms(inc) / ms(full));
    backlot_test_support::bench::record(
        "sync",
        &conditions,
        &[
            Row::against(
                format!("full sync of {n} (local test server)"),
                "ms",
                ms(full),
                ("parse + insert the pages", ms(base)),
                "≤ 2× baseline",
                full_ratio <= 2.0,
            ),
            Row::against(
                format!("incremental sync, 1 % of {n} changed"),
                "ms",
                ms(inc),
                ("full sync", ms(full)),
                "≤ 0.10× full",
                inc_ratio <= 0.10,
            ),
        ],
    );
    if let (Some(f), Some(i), Some(none_report)) = (&full_report, &inc_report, &none_report) {
        println!(
            "bytes incremental 1 % / full = {:.3} wire, {:.3} JSON",
            i.bytes_received as f64 / f.bytes_received as f64,
            i.bytes_decoded as f64 / f.bytes_decoded as f64
        );
        println!(
            "bytes no-change / full       = {:.3} wire, {:.3} JSON",
            none_report.bytes_received as f64 / f.bytes_received as f64,
            none_report.bytes_decoded as f64 / f.bytes_decoded as f64
        );
    }

    if let Ok(peer) = std::env::var("BENCH_PEER_URL") {
        let token = Sensitive::new(
            std::env::var("TOKEN").unwrap_or_else(|_| "backlot-peer-token-0123456789".into()),
        );
        let pc = client(&peer, Some(&token));
        let mut syncs = Vec::new();
        let mut bares = Vec::new();
        let mut count = 0;
        let mut last = Rows::default();
        let mut full_r = None;
        for _ in 0..runs {
            let (d, k) = bare_paging(&pc).await;
            bares.push(d);
            count = k;
            let mem = Rows::default();
            let started = Instant::now();
            match full_sync(&pc, RowTarget::new(&mem), &SyncOptions::new()).await {
                Ok(r) => full_r = Some(r),
                Err(e) => panic!("peer full sync: {e}"),
            }
            syncs.push(started.elapsed());
            last = mem;
        }
        let mut incs = Vec::new();
        let mut inc_r = None;
        for _ in 0..runs {
            let started = Instant::now();
            match incremental_sync(&pc, RowTarget::new(&last), &SyncOptions::new()).await {
                Ok(r) => inc_r = Some(r),
                Err(e) => panic!("peer incremental sync: {e}"),
            }
            incs.push(started.elapsed());
        }
        let (s, b, i) = (median(syncs), median(bares), median(incs));
        println!("\nreal Backstage at {peer}: {count} entities, median of {runs}");
        println!(
            "bare paging {:.0} ms, full sync {:.0} ms, ratio {:.2} (target <= 1.1)",
            ms(b),
            ms(s),
            ms(s) / ms(b)
        );
        if let (Some(f), Some(n)) = (full_r, inc_r) {
            println!(
                "incremental, nothing changed: {:.0} ms ({:.2} of full); bytes {} vs {} wire ({:.3}), {} vs {} JSON ({:.3})",
                ms(i),
                ms(i) / ms(s),
                n.bytes_received,
                f.bytes_received,
                n.bytes_received as f64 / f.bytes_received as f64,
                n.bytes_decoded,
                f.bytes_decoded,
                n.bytes_decoded as f64 / f.bytes_decoded as f64
            );
        }
    }
}
