//! Memory of the window's processes (the app and its WebKit web and network processes, PSS
//! summed) on the demo catalog, in one WebDriver session: after idling on Home, then after
//! visiting every sidebar page and an entity page with each of its tabs and idling on Home
//! again (visited pages stay mounted as hidden panes). Prints each process's share; the two
//! rows go to `make bench`'s table.
//!
//! Run: `make bench-pages-memory` (release app under Xvfb). `BENCH_IDLE_S` (default 60)
//! changes the idle time before each measurement.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use backlot_e2e::App;
use backlot_test_support::bench::{Row, conditions, record};

/// The target, in MB of PSS over the window's processes.
const TARGET_MB: f64 = 150.0;

/// pid → parent pid, for every process.
fn parents() -> HashMap<u32, u32> {
    let mut out = HashMap::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid …`: comm may hold spaces and parentheses.
        if let Some(ppid) = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse().ok())
        {
            out.insert(pid, ppid);
        }
    }
    out
}

/// The app started on `data_dir` and every process under it.
fn window_processes(data_dir: &Path) -> Vec<u32> {
    let needle = data_dir.display().to_string();
    let parents = parents();
    let app = parents.keys().copied().find(|pid| {
        std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| {
            let args: Vec<String> = c
                .split(|b| *b == 0)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            args.iter().any(|a| a == &needle) && !args.iter().any(|a| a == "catalog")
        })
    });
    let Some(app) = app else {
        panic!("no app process with --data-dir {needle}")
    };
    let mut found = vec![app];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, pp)| **pp == parent)
                .map(|(pid, _)| *pid),
        );
        i += 1;
    }
    found
}

/// PSS in MB of `pid` (0 if it is gone), and its name.
fn pss_mb(pid: u32) -> (f64, String) {
    let kb = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Pss:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        })
        .unwrap_or(0.0);
    let name = std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    (kb / 1024.0, name)
}

/// Waits `idle`, then sums and prints the PSS of the window's processes.
async fn measure(app: &App, label: &str, idle: Duration) -> f64 {
    tokio::time::sleep(idle).await;
    let mut total = 0.0;
    println!("{label}:");
    for pid in window_processes(app.data_dir.path()) {
        let (mb, name) = pss_mb(pid);
        println!("  {name:24} PSS {mb:6.1} MB");
        total += mb;
    }
    println!("  total                    PSS {total:6.1} MB");
    total
}

async fn click(app: &App, css: &str) {
    app.find(css).await.click().await.unwrap();
    // Long enough for a page to load its data and paint.
    tokio::time::sleep(Duration::from_millis(1500)).await;
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let idle = Duration::from_secs(
        std::env::var("BENCH_IDLE_S")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(60),
    );
    let conditions = conditions();
    let app = App::launch().await;
    let home = ".nav-item[data-plugin='home']";
    app.find(home).await;
    let on_home = measure(&app, "idle on Home", idle).await;

    let plugins: Vec<String> = serde_json::from_value(
        app.js("return [...document.querySelectorAll('.nav-item[data-plugin]')].map(e => e.dataset.plugin)")
            .await,
    )
    .unwrap();
    for plugin in &plugins {
        click(&app, &format!(".nav-item[data-plugin='{plugin}']")).await;
    }
    // An entity page (a component with docs and an API) and each of its tabs.
    click(&app, ".nav-item[data-plugin='catalog']").await;
    app.find(".pane-active input[name='catalog-search']")
        .await
        .send_keys("route optimizer")
        .await
        .unwrap();
    click(
        &app,
        ".pane-active .vt-row[data-ref='component:default/route-optimizer'] a.entity-title",
    )
    .await;
    let tabs = app.count(".pane-active nav.tabs a.tab").await;
    for i in 1..=tabs {
        click(
            &app,
            &format!(".pane-active nav.tabs a.tab:nth-of-type({i})"),
        )
        .await;
    }
    click(&app, home).await;
    let visited = measure(
        &app,
        &format!(
            "idle on Home after visiting {} pages and an entity page's {tabs} tabs",
            plugins.len()
        ),
        idle,
    )
    .await;

    let secs = idle.as_secs();
    let row = |what: String, mb: f64| {
        Row::against(
            what,
            "MB",
            mb,
            ("target", TARGET_MB),
            "≤ 150 MB",
            mb <= TARGET_MB,
        )
    };
    record(
        "pages_memory",
        &conditions,
        &[
            row(
                format!("memory idle on Home after {secs} s, PSS (WebDriver session)"),
                on_home,
            ),
            row(
                format!(
                    "memory after visiting all {} pages, {secs} s idle, PSS (WebDriver session)",
                    plugins.len()
                ),
                visited,
            ),
        ],
    );
    app.close().await;
}
