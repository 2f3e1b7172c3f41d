//! Added latency of the proxy vs calling the upstream directly, p50/p99 at 1 and 32
//! concurrent requests, and throughput. Prints a table with ratios.
//!
//!   cargo bench -p backlot-proxy-backend --bench proxy_latency
//!
//! Optional side-by-side with Backstage's proxy-backend (../shared/backstage-peer):
//! BACKSTAGE_PROXY_URL=http://127.0.0.1:7007/api/proxy/echo BACKSTAGE_ECHO_URL=http://127.0.0.1:7078
//! (then every column uses that echo server as the upstream).
//! BENCH_REQUESTS (default 4000) sets the requests per run.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use backlot_proxy_backend::{Proxy, ProxyRequest};

struct Stats {
    p50: Duration,
    p99: Duration,
    rps: f64,
}

async fn run<F, Fut>(total: usize, concurrency: usize, call: F) -> Stats
where
    F: Fn() -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    // Warm-up: connections, pools, caches.
    for _ in 0..(concurrency * 16).max(1000) {
        call().await;
    }
    let started = Instant::now();
    let per_task = total / concurrency;
    let mut handles = Vec::new();
    for _ in 0..concurrency {
        let call = call.clone();
        handles.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per_task);
            for _ in 0..per_task {
                let t = Instant::now();
                let ok = call().await;
                lat.push(t.elapsed());
                assert!(ok, "request failed during the benchmark");
            }
            lat
        }));
    }
    let mut all = Vec::with_capacity(total);
    for h in handles {
        all.extend(h.await.expect("bench task"));
    }
    let wall = started.elapsed();
    all.sort();
    let pick = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)];
    Stats {
        p50: pick(0.50),
        p99: pick(0.99),
        rps: all.len() as f64 / wall.as_secs_f64(),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let total: usize = std::env::var("BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let conditions = backlot_test_support::bench::conditions();
    rt.block_on(async move {
        let mut rows = Vec::new();
        let backstage = std::env::var("BACKSTAGE_PROXY_URL").ok();
        let (upstream, _server) = match std::env::var("BACKSTAGE_ECHO_URL") {
            Ok(url) => (url, None),
            Err(_) => {
                let s = common::start().await;
                (s.url(), Some(s))
            }
        };
        let path = "/bench?x=1";
        let yaml = format!(
            "proxy:\n  endpoints:\n    /plain: {upstream}\n    /secret:\n      target: {upstream}\n      headers:\n        Authorization: Bearer ${{secret:BENCH_TOKEN}}\n"
        );
        // As in the app: a (slow, blocking) keychain behind a cache.
        let resolver = backlot_proxy_backend::CachingResolver::new(
            common::MapResolver::owned(&[("BENCH_TOKEN", "bench-token-value")]),
            Duration::from_secs(300),
        );
        let proxy = Proxy::from_config(&common::config(&yaml), std::sync::Arc::new(resolver)).expect("proxy");
        let client = reqwest::Client::new();

        println!("proxy latency benchmark: {total} requests per run, upstream {upstream}");
        println!("| run | conc | p50 ms | p99 ms | req/s | added p50 ms | p50 ratio | throughput ratio |");
        println!("|---|---|---|---|---|---|---|---|");
        for concurrency in [1usize, 32] {
            let direct = {
                let client = client.clone();
                let url = format!("{upstream}{path}");
                run(total, concurrency, move || {
                    let client = client.clone();
                    let url = url.clone();
                    async move {
                        match client.get(&url).send().await {
                            Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                            Err(_) => false,
                        }
                    }
                })
                .await
            };
            println!(
                "| direct upstream | {concurrency} | {} | {} | {:.0} | – | 1.00 | 1.00 |",
                ms(direct.p50),
                ms(direct.p99),
                direct.rps
            );
            let mut plain = None;
            for endpoint in ["/plain", "/secret"] {
                let p = proxy.clone();
                let full = format!("{endpoint}{path}");
                let s = run(total, concurrency, move || {
                    let p = p.clone();
                    let full = full.clone();
                    async move {
                        match p.handle(ProxyRequest::get(full)).await {
                            Ok(r) => r.status == 200 && r.body.bytes().await.is_ok(),
                            Err(_) => false,
                        }
                    }
                })
                .await;
                if endpoint == "/plain" {
                    plain = Some(s.p50);
                }
                println!(
                    "| backlot {endpoint} | {concurrency} | {} | {} | {:.0} | {} | {:.2} | {:.2} |",
                    ms(s.p50),
                    ms(s.p99),
                    s.rps,
                    ms(s.p50.saturating_sub(direct.p50)),
                    s.p50.as_secs_f64() / direct.p50.as_secs_f64(),
                    s.rps / direct.rps
                );
            }
            if let Some(bs) = &backstage {
                let client = client.clone();
                let url = format!("{bs}{path}");
                let token = std::env::var("BACKSTAGE_TOKEN").unwrap_or_else(|_| "backlot-peer-token-0123456789".into());
                let s = run(total, concurrency, move || {
                    let client = client.clone();
                    let url = url.clone();
                    let token = token.clone();
                    async move {
                        match client.get(&url).bearer_auth(&token).send().await {
                            Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                            Err(_) => false,
                        }
                    }
                })
                .await;
                println!(
                    "| backstage proxy-backend | {concurrency} | {} | {} | {:.0} | {} | {:.2} | {:.2} |",
                    ms(s.p50),
                    ms(s.p99),
                    s.rps,
                    ms(s.p50.saturating_sub(direct.p50)),
                    s.p50.as_secs_f64() / direct.p50.as_secs_f64(),
                    s.rps / direct.rps
                );
                if let Some(ours) = plain {
                    // Whole requests through each proxy: the added part alone is within noise
                    // for Backlot (often 0 at 32 concurrent), so a ratio of it says nothing.
                    let (ours, theirs) = (ours.as_secs_f64() * 1000.0, s.p50.as_secs_f64() * 1000.0);
                    rows.push(backlot_test_support::bench::Row {
                        what: format!(
                            "a request through the proxy, p50, {concurrency} concurrent (direct: {} ms)",
                            ms(direct.p50)
                        ),
                        unit: "ms",
                        backlot: ours,
                        backlot_p95: None,
                        baseline_name: "Backstage",
                        baseline: Some(theirs),
                        baseline_p95: None,
                        ratio: format!("{:.1}× faster than Backstage", theirs / ours.max(1e-6)),
                        target: "Backlot ahead",
                        met: Some(ours < theirs),
                    });
                }
            }
        }
        if !rows.is_empty() {
            backlot_test_support::bench::record("proxy", &conditions, &rows);
        }
    });
}
