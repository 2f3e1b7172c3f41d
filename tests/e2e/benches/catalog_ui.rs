//! The catalog UI in a real window on 100,000 generated entities (with 10,000 docs pages in
//! 100 local sites and 5,000 API operations in 500 definitions, indexed for search before
//! the window opens): keystroke in search → results painted, keystroke in the command
//! palette → results painted, opening the catalog page → first rows painted, entity page with
//! ~200 relations, relation graph of ~200 nodes. Times come from the page's own performance
//! marks and measures (set by the catalog plugin and the palette), read over WebDriver; a
//! table is printed.
//!
//! Run: `make bench-catalog-ui` (release app under Xvfb). `BENCH_ENTITIES` changes the size.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use backlot_e2e::{App, backlot};

#[path = "../../../plugins/catalog-backend/benches/generate.rs"]
#[allow(dead_code)]
mod generate;

const WORDS: [&str; 20] = [
    "payments",
    "ledger",
    "invoice",
    "search",
    "catalog",
    "identity",
    "billing",
    "shipping",
    "inventory",
    "pricing",
    "checkout",
    "notify",
    "metrics",
    "gateway",
    "profile",
    "orders",
    "reports",
    "storage",
    "media",
    "auth",
];
const GROUPS: usize = 500;
/// Local docs sites, pages per site; API definitions with operations, operations each.
const SITES: usize = 100;
const PAGES: usize = 100;
const DEFINITIONS: usize = 500;
const OPERATIONS: usize = 10;

/// Catalog files of 5,000 documents each.
struct Writer<'a> {
    dir: &'a Path,
    out: String,
    count: usize,
    files: Vec<String>,
}

impl Writer<'_> {
    fn add(&mut self, kind: &str, name: &str, metadata: &str, spec: &str) {
        let _ = write!(
            self.out,
            "---\napiVersion: backstage.io/v1alpha1\nkind: {kind}\nmetadata:\n  name: {name}\n{metadata}spec:\n{spec}"
        );
        self.count += 1;
        if self.count.is_multiple_of(5000) {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.out.is_empty() {
            return;
        }
        let path = self.dir.join(format!("part-{:03}.yaml", self.files.len()));
        std::fs::write(&path, self.out.as_bytes()).expect("write generated catalog");
        self.files.push(path.display().to_string());
        self.out.clear();
    }
}

/// Writes `n` entities (groups, users, domains, systems, APIs, resources, components) into
/// files under `dir`; every group owns about n / 500 entities.
fn generate(dir: &Path, n: usize) -> Vec<String> {
    let mut w = Writer {
        dir,
        out: String::new(),
        count: 0,
        files: Vec::new(),
    };
    w.add("Group", "org", "", "  type: organization\n  children: []\n");
    for g in 0..GROUPS {
        w.add(
            "Group",
            &format!("team-{g}"),
            &format!("  title: Team {g}\n"),
            "  type: team\n  parent: org\n  children: []\n",
        );
    }
    for u in 0..GROUPS * 4 {
        w.add(
            "User",
            &format!("user-{u}"),
            "",
            &format!("  memberOf: [team-{}]\n", u % GROUPS),
        );
    }
    for (d, word) in WORDS.iter().enumerate().take(20) {
        w.add(
            "Domain",
            &format!("{word}-domain"),
            "",
            &format!("  owner: team-{d}\n"),
        );
    }
    for s in 0..1000 {
        let spec = format!(
            "  owner: team-{}\n  domain: {}-domain\n",
            s % GROUPS,
            WORDS[s % 20]
        );
        w.add(
            "System",
            &format!("{}-system-{s}", WORDS[s % 20]),
            "",
            &spec,
        );
    }
    let rest = n.saturating_sub(w.count);
    // Descriptions end in words of the benchmarks' shared vocabulary (fixed seed).
    let mut rng = generate::Rng::new(0x5eed_00e2);
    for i in 0..rest {
        let (a, b) = (WORDS[i % 20], WORDS[(i / 20 + i) % 20]);
        let length = 10 + rng.below(20);
        let metadata = format!(
            "  description: Handles {a} for {b}, built by team {} as part of the {a} platform; {}.\n  tags: [{a}, {b}]\n",
            i % GROUPS,
            generate::sentence(&mut rng, length),
        );
        let owner = format!(
            "  owner: team-{}\n  system: {a}-system-{}\n",
            i % GROUPS,
            i % 1000 / 20 * 20 + i % 20
        );
        let docs = i % 10 == 2 && i / 10 < SITES;
        let metadata = if docs {
            format!(
                "{metadata}  annotations:\n    backstage.io/techdocs-ref: dir:./sites/site-{}\n",
                i / 10
            )
        } else {
            metadata
        };
        match i % 10 {
            0 if i / 10 < DEFINITIONS => w.add("API", &format!("{a}-{b}-api-{i}"), &metadata, &format!("  type: openapi\n  lifecycle: production\n{owner}  definition: |\n{}", openapi(a, b))),
            0 => w.add("API", &format!("{a}-{b}-api-{i}"), &metadata, &format!("  type: openapi\n  lifecycle: production\n{owner}  definition: \"openapi: 3.0.0\"\n")),
            1 => w.add("Resource", &format!("{a}-{b}-db-{i}"), &metadata, &format!("  type: database\n{owner}")),
            _ => w.add("Component", &format!("{a}-{b}-{i}"), &metadata,
                &format!("  type: service\n  lifecycle: {}\n{owner}", ["production", "experimental", "deprecated"][i % 3])),
        }
    }
    w.flush();
    for site in 0..SITES {
        docs_site(&dir.join(format!("sites/site-{site}")), site);
    }
    // Eight of them: each opening is a first one (a page once opened stays mounted).
    let templates = dir.join("templates.yaml");
    let all: Vec<String> = (0..8).map(five_step_template).collect();
    std::fs::write(&templates, all.join("---\n")).expect("templates");
    w.files.push(templates.display().to_string());
    w.files
}

/// A template of five form pages, six fields each (text, enum, boolean, number, an owner
/// picker, an entity picker over the 100k catalog), for the form-render row.
fn five_step_template(n: usize) -> String {
    let mut pages = String::new();
    for page in 1..=5 {
        let _ = write!(
            pages,
            "    - title: Page {page}\n      required: [name{page}]\n      properties:\n\
             \x20       name{page}:\n          type: string\n          title: Name {page}\n          pattern: '^[a-z-]+$'\n          ui:help: lowercase words\n\
             \x20       tier{page}:\n          type: string\n          enum: [gold, silver, bronze]\n          ui:widget: radio\n\
             \x20       public{page}:\n          type: boolean\n\
             \x20       replicas{page}:\n          type: integer\n          minimum: 1\n          default: 2\n\
             \x20       owner{page}:\n          type: string\n          ui:field: OwnerPicker\n\
             \x20       system{page}:\n          type: string\n          ui:field: EntityPicker\n          ui:options:\n            catalogFilter:\n              kind: System\n"
        );
    }
    format!(
        "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: five-steps-{n}\n  title: Five steps {n}\nspec:\n  owner: team-1\n  type: service\n  parameters:\n{pages}  steps:\n    - id: log\n      action: debug:log\n      input:\n        message: hi\n"
    )
}

/// An OpenAPI definition of [`OPERATIONS`] operations, indented as a YAML block.
fn openapi(a: &str, b: &str) -> String {
    let mut out = format!(
        "    openapi: 3.0.0\n    info:\n      title: {a} {b}\n      version: 1.0.0\n    paths:\n"
    );
    for op in 0..OPERATIONS {
        let word = WORDS[(op * 7) % 20];
        let _ = write!(
            out,
            "      /{a}/{word}-{op}:\n        get:\n          summary: Lists the {word} of a {b} {a}\n          responses:\n            '200':\n              description: ok\n"
        );
    }
    out
}

/// A local docs site of [`PAGES`] pages, each with a few sections.
fn docs_site(dir: &Path, site: usize) {
    std::fs::create_dir_all(dir.join("docs")).expect("docs folder");
    std::fs::write(dir.join("mkdocs.yml"), format!("site_name: Site {site}\n"))
        .expect("mkdocs.yml");
    for page in 0..PAGES {
        let (a, b) = (WORDS[(site + page) % 20], WORDS[(site * 3 + page) % 20]);
        let text = format!(
            "# {a} guide {page}\n\nHow the {a} service of site {site} works with {b}.\n\n\
             ## Install\n\nInstall the {a} agent, then point it at the {b} gateway.\n\n\
             ## Operations\n\nOn call for {a}: restart the {b} workers, then check the metrics.\n"
        );
        std::fs::write(dir.join(format!("docs/page-{page}.md")), text).expect("docs page");
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

struct Row {
    what: &'static str,
    samples: Vec<f64>,
    target_ms: f64,
    statistic: &'static str,
}

impl Row {
    /// (p50, p95, max, the statistic judged against the target).
    fn stats(&self) -> (f64, f64, f64, f64) {
        let mut s = self.samples.clone();
        s.sort_by(f64::total_cmp);
        let (p50, p95, max) = (
            percentile(&s, 0.5),
            percentile(&s, 0.95),
            s.last().copied().unwrap_or(f64::NAN),
        );
        let judged = if self.statistic == "p95" { p95 } else { max };
        (p50, p95, max, judged)
    }

    /// The row of `make bench`'s table: the judged statistic against its target (no peer: the
    /// target is the baseline here).
    fn recorded(&self) -> backlot_test_support::bench::Row<'static> {
        let (_, p95, _, judged) = self.stats();
        backlot_test_support::bench::Row {
            backlot_p95: (self.statistic != "p95").then_some(p95),
            ..backlot_test_support::bench::Row::against(
                format!(
                    "{} ({} runs, {})",
                    self.what,
                    self.samples.len(),
                    self.statistic
                ),
                "ms",
                judged,
                ("target", self.target_ms),
                if self.statistic == "p95" {
                    "p95 ≤ target"
                } else {
                    "max ≤ target"
                },
                judged <= self.target_ms,
            )
        }
    }

    fn line(&self) -> String {
        let (p50, p95, max, judged) = self.stats();
        let s = &self.samples;
        let verdict = if judged <= self.target_ms {
            "ok"
        } else {
            "MISSED"
        };
        format!(
            "| {:<44} | {:>3} | {:>8.1} | {:>8.1} | {:>8.1} | {} ≤ {:>5.0} | {:<6} |",
            self.what,
            s.len(),
            p50,
            p95,
            max,
            self.statistic,
            self.target_ms,
            verdict
        )
    }
}

/// Clicks `css` (with a `graph:open` mark just before) and returns the ms until the relation
/// graph reports `graph:painted` after it, and that time's parts: until its data was in,
/// then laid out and in the DOM (`graph:rendered`), then painted.
async fn graph_painted(app: &App, css: &str) -> (f64, [f64; 3]) {
    let css = serde_json::to_string(css).unwrap();
    let t0 = app.js(&format!("performance.mark('graph:open'); document.querySelector({css}).click(); return performance.now()")).await.as_f64().unwrap();
    app.wait_until("the graph painted", "const o = performance.getEntriesByName('graph:open').pop(); const p = performance.getEntriesByName('graph:painted').pop(); return !!(o && p && p.startTime > o.startTime)").await;
    let at: Vec<f64> = serde_json::from_value(
        app.js("return ['graph:data', 'graph:rendered', 'graph:painted'].map(n => performance.getEntriesByName(n, 'mark').pop().startTime)")
            .await,
    )
    .unwrap();
    (at[2] - t0, [at[0] - t0, at[1] - at[0], at[2] - at[1]])
}

/// Durations (ms) of every performance measure named `name` so far.
async fn measures(app: &App, name: &str) -> Vec<f64> {
    let v = app
        .js(&format!(
            "return performance.getEntriesByName('{name}', 'measure').map(e => e.duration)"
        ))
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

/// Waits until there are more than `before` measures named `name`; returns the newest.
async fn next_measure(app: &App, name: &str, before: usize) -> f64 {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let all = measures(app, name).await;
        if all.len() > before {
            return *all.last().unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "no new `{name}` measure within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// As [`next_measure`], but `None` after `seconds`.
async fn measure_within(app: &App, name: &str, before: usize, seconds: u64) -> Option<f64> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        let all = measures(app, name).await;
        if all.len() > before {
            return all.last().copied();
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    None
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let n: usize = std::env::var("BENCH_ENTITIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let conditions = backlot_test_support::bench::conditions();
    let work = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let files = generate(work.path(), n);
    println!(
        "generated {n} entities in {} files in {:.1} s",
        files.len(),
        started.elapsed().as_secs_f64()
    );

    let app = App::launch_seeded(|data_dir| {
        let started = Instant::now();
        let mut args = vec!["catalog".to_string(), "ingest".to_string()];
        args.extend(files.iter().cloned());
        backlot(data_dir, &args);
        println!(
            "ingested into {} in {:.1} s",
            data_dir.display(),
            started.elapsed().as_secs_f64()
        );
        let started = Instant::now();
        backlot(
            data_dir,
            ["search", "--rebuild", "--json"],
        );
        println!(
            "indexed {SITES} docs sites ({} pages) and {DEFINITIONS} API definitions ({} operations) in {:.1} s",
            SITES * PAGES,
            DEFINITIONS * OPERATIONS,
            started.elapsed().as_secs_f64()
        );
        Vec::new()
    })
    .await;
    app.find(".nav-item[data-plugin='home']").await;

    // 1. Opening the catalog page (a fresh page each time: reload on Home, then click).
    let mut open = Vec::new();
    for _ in 0..8 {
        app.find(".nav-item[data-plugin='home']")
            .await
            .click()
            .await
            .unwrap();
        app.wait_until("home", "return location.pathname === '/'")
            .await;
        // Let the app remember Home as the last location (saved once it settles), so the
        // reload starts there.
        tokio::time::sleep(Duration::from_millis(800)).await;
        app.js("setTimeout(() => location.reload(), 0); return true")
            .await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        app.find(".nav-item[data-plugin='home'][aria-current='page']")
            .await;
        app.find("[data-testid='catalog-total']").await;
        let before = measures(&app, "catalog:open-to-paint").await.len();
        app.js("performance.mark('catalog:open'); document.querySelector(\".nav-item[data-plugin='catalog']\").click(); return true").await;
        open.push(next_measure(&app, "catalog:open-to-paint", before).await);
    }
    app.find(".pane-active .vt-slab .vt-row").await;
    let total = app
        .find(".pane-active [data-testid='result-count']")
        .await
        .text()
        .await
        .unwrap();
    println!("catalog shows: {total}");
    app.screenshot("bench-catalog-100k").await;

    // 2. Keystrokes in the search box, each until its results are painted.
    let mut keys = Vec::new();
    let search = app.find(".pane-active input[name='catalog-search']").await;
    for word in [
        "ledger",
        "pay inv",
        "shipping",
        "team 42",
        "zzz",
        "metrics gateway",
    ] {
        app.js("const i = document.querySelector('.pane-active input[name=catalog-search]'); i.value = ''; i.dispatchEvent(new Event('input', {bubbles: true})); return true").await;
        tokio::time::sleep(Duration::from_millis(150)).await;
        for ch in word.chars() {
            let before = measures(&app, "catalog:search-to-paint").await.len();
            search.send_keys(&ch.to_string()).await.unwrap();
            keys.push(next_measure(&app, "catalog:search-to-paint", before).await);
        }
    }
    app.screenshot("bench-catalog-search").await;
    // Where a keystroke's time goes (the newest measure of each part per keystroke).
    for (part, name) in [
        ("input → query sent", "catalog:input-to-query"),
        ("query_entities round trip", "catalog:query"),
        ("answer → rows rendered", "catalog:answer-to-render"),
        ("rendered → painted", "catalog:render-to-paint"),
    ] {
        let all = measures(&app, name).await;
        let mut q = all[all.len().saturating_sub(keys.len())..].to_vec();
        q.sort_by(f64::total_cmp);
        println!(
            "keystroke part {part} (ms): p50 {:.1}, p95 {:.1}, max {:.1}",
            percentile(&q, 0.5),
            percentile(&q, 0.95),
            q.last().copied().unwrap_or(f64::NAN)
        );
    }
    let mut sorted = keys.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "keystroke → paint (ms): p50 {:.1}, p95 {:.1}; each: {:?}",
        percentile(&sorted, 0.5),
        percentile(&sorted, 0.95),
        keys.iter().map(|k| k.round()).collect::<Vec<_>>()
    );
    app.js("const i = document.querySelector('.pane-active input[name=catalog-search]'); i.value = ''; i.dispatchEvent(new Event('input', {bubbles: true})); return true").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The floor under a keystroke's paint: a frame with nothing changed, timed the way the
    // page times its own paints (the next animation frame, then a zero timeout after it).
    let empty_frames = empty_frames(&app, keys.len()).await;
    let mut sorted_frames = empty_frames.clone();
    sorted_frames.sort_by(f64::total_cmp);
    let frame_p95 = percentile(&sorted_frames, 0.95);
    println!(
        "empty frame → painted, the floor under any paint (ms): p50 {:.1}, p95 {frame_p95:.1}",
        percentile(&sorted_frames, 0.5)
    );

    // 2b. Keystrokes in the command palette (entities, docs pages, API operations, actions).
    let mut palette = Vec::new();
    for word in [
        "install ledger",
        "pay",
        "gateway metrics",
        "zzz",
        "get orders",
    ] {
        app.js("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'k', ctrlKey: true, bubbles: true})); return true").await;
        let input = app.find(".palette-input").await;
        tokio::time::sleep(Duration::from_millis(150)).await;
        for ch in word.chars() {
            let before = measures(&app, "palette:input-to-paint").await.len();
            input.send_keys(&ch.to_string()).await.unwrap();
            palette.push(next_measure(&app, "palette:input-to-paint", before).await);
        }
        if word == "install ledger" {
            app.screenshot("bench-palette").await;
        }
        input.send_keys("\u{e00c}").await.unwrap(); // Escape
        app.wait_until(
            "the palette closed",
            "return !document.querySelector('.palette')",
        )
        .await;
    }

    // 2c. A five-page template's form: opened from the Create page → first page painted.
    let mut form = Vec::new();
    app.find(".nav-item[data-plugin='scaffolder']")
        .await
        .click()
        .await
        .unwrap();
    for n in 0..8 {
        let card = format!(
            ".pane-active .template-card[data-ref='template:default/five-steps-{n}'] .template-card-title"
        );
        app.find(&card).await;
        let before = measures(&app, "scaffolder:form-open-to-paint").await.len();
        app.js(&format!(
            "performance.mark('scaffolder:open'); document.querySelector(\"{card}\").click(); return true"
        ))
        .await;
        match measure_within(&app, "scaffolder:form-open-to-paint", before, 10).await {
            Some(ms) => form.push(ms),
            None => {
                let seen = app
                    .js("return [location.pathname, document.querySelector('.pane-active')?.innerText.slice(0, 400)]")
                    .await;
                println!("no form-open-to-paint measure for five-steps-{n}: {seen}");
            }
        }
        app.find(".pane-active .template-page a[href='/create']")
            .await
            .click()
            .await
            .unwrap();
    }
    app.find(".nav-item[data-plugin='catalog']")
        .await
        .click()
        .await
        .unwrap();
    app.wait_until(
        "back on the catalog",
        "return location.pathname === '/catalog'",
    )
    .await;

    // 3. Entity pages of groups (each owns ~n/500 entities) from the table's owner links,
    //    and 4. their relation graphs.
    let mut entity = Vec::new();
    let mut graph = Vec::new();
    let mut relations_seen = Vec::new();
    let mut nodes_seen = Vec::new();
    let mut graph_big = Vec::new();
    let mut graph_big_parts = Vec::new();
    let mut nodes_big = Vec::new();
    for row in 0..6 {
        app.find(".pane-active .vt-slab .vt-row [data-col=owner] a")
            .await;
        let before = measures(&app, "entity:open-to-paint").await.len();
        let clicked = app.js(&format!(
            "const links = document.querySelectorAll('.pane-active .vt-slab .vt-row [data-col=owner] a');
             const a = links[{row} * 2]; performance.mark('entity:open'); a.click(); return a.textContent"
        )).await;
        entity.push(next_measure(&app, "entity:open-to-paint", before).await);
        let relations = app
            .js("return document.querySelectorAll('.pane-active .relations dd > *').length")
            .await;
        relations_seen.push(relations.as_u64().unwrap_or_default());
        if row == 0 {
            app.screenshot("bench-entity-group").await;
            println!("opened {clicked} with {relations} relations listed");
        }
        // The graph tab: opens at depth 2 (capped at 500 nodes here), then depth 1 (~200).
        let has_graph = app
            .js("return !!document.querySelector(\".pane-active .tabs a[href$='tab=graph']\")")
            .await;
        if has_graph == true {
            let open = ".pane-active .tabs a[href$='tab=graph']";
            let (painted, parts) = graph_painted(&app, open).await;
            graph_big.push(painted);
            graph_big_parts.push(parts);
            nodes_big.push(
                app.js("return document.querySelectorAll('.pane-active .graph-node').length")
                    .await
                    .as_u64()
                    .unwrap_or_default(),
            );
            graph.push(graph_painted(&app, ".pane-active [data-depth='1']").await.0);
            nodes_seen.push(
                app.js("return document.querySelectorAll('.pane-active .graph-node').length")
                    .await
                    .as_u64()
                    .unwrap_or_default(),
            );
            if row == 0 {
                app.screenshot("bench-graph").await;
            }
            // Back to depth 2 for the next group (the choice is kept by the page).
            app.js(
                "document.querySelector(\".pane-active [data-depth='2']\")?.click(); return true",
            )
            .await;
        }
        // Back through the sidebar (the catalog pane keeps its rows): two history steps
        // under load sometimes left the window on the entity page.
        app.find(".nav-item[data-plugin='catalog']")
            .await
            .click()
            .await
            .unwrap();
        app.wait_until(
            "back on the catalog",
            "return location.pathname === '/catalog'",
        )
        .await;
    }
    app.close().await;

    let rows = [
        Row {
            what: "keystroke in search → results painted",
            samples: keys,
            target_ms: 50.0,
            statistic: "p95",
        },
        Row {
            what: "keystroke in the palette → results painted",
            samples: palette,
            target_ms: 50.0,
            statistic: "p95",
        },
        Row {
            what: "5-page template opened → form painted",
            samples: form,
            target_ms: 50.0,
            statistic: "p95",
        },
        Row {
            what: "open catalog page → first rows painted",
            samples: open,
            target_ms: 300.0,
            statistic: "max",
        },
        Row {
            what: "entity page (group, ~200 relations) painted",
            samples: entity,
            target_ms: 200.0,
            statistic: "max",
        },
        Row {
            what: "relation graph, depth 1 (~200 nodes) painted",
            samples: graph,
            target_ms: 200.0,
            statistic: "max",
        },
        Row {
            what: "relation graph, depth 2 (500 nodes, capped)",
            samples: graph_big,
            target_ms: 200.0,
            statistic: "max",
        },
    ];
    println!("\nCatalog UI in a real window, {n} entities (ms):\n");
    println!(
        "| {:<44} | {:>3} | {:>8} | {:>8} | {:>8} | {:<11} | {:<6} |",
        "what", "n", "p50", "p95", "max", "target", ""
    );
    println!("|{}|", "-".repeat(118));
    for row in &rows {
        println!("{}", row.line());
    }
    println!(
        "\nrelations listed per group page: {relations_seen:?}; graph nodes at depth 1: {nodes_seen:?}, at depth 2: {nodes_big:?}"
    );
    println!(
        "graph at depth 2, each opening as [until its data is in, laid out and in the DOM, painted] (ms): {:?}",
        graph_big_parts
            .iter()
            .map(|p: &[f64; 3]| p.map(f64::round))
            .collect::<Vec<_>>()
    );
    let mut recorded: Vec<_> = rows.iter().map(Row::recorded).collect();
    recorded.push(backlot_test_support::bench::Row {
        target: "— (a floor: the paint wait of any keystroke)",
        met: None,
        ..backlot_test_support::bench::Row::against(
            format!(
                "floor: an empty frame → painted ({} runs, p95)",
                empty_frames.len()
            ),
            "ms",
            frame_p95,
            ("target", 50.0),
            "",
            false,
        )
    });
    backlot_test_support::bench::record("catalog_ui", &conditions, &recorded);
}

/// `n` times, 50 ms apart: the ms from now until the next frame has been painted with
/// nothing on the page changed.
async fn empty_frames(app: &App, n: usize) -> Vec<f64> {
    app.js(&format!(
        "window.__frames = [];
         const one = () => {{
           const t = performance.now();
           requestAnimationFrame(() => setTimeout(() => {{
             window.__frames.push(performance.now() - t);
             if (window.__frames.length < {n}) setTimeout(one, 50);
           }}, 0));
         }};
         one(); return true"
    ))
    .await;
    app.wait_until(
        "the empty frames timed",
        &format!("return window.__frames.length >= {n}"),
    )
    .await;
    serde_json::from_value(app.js("return window.__frames").await).unwrap_or_default()
}
