//! `cargo bench -p backlot-scaffolder-backend --bench dry_run`: a dry run of a 200-file
//! template (180 templated text files in nested folders with loops and filters, 20 copied
//! without templating, one binary), against the baseline of copying the same 200 files with
//! std::fs in the same run. Prints the median and p95 of 20 runs after 3 warm-ups, the
//! ratio, and the target of issue 15 (≤ 300 ms). Asserts nothing.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use backlot_scaffolder_backend::{DryRunRequest, Engine, RunUser, parse_template};
use serde_json::json;

const FILES: usize = 200;
const RUNS: usize = 20;

fn write_template(dir: &Path) {
    std::fs::write(
        dir.join("template.yaml"),
        "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: big\nspec:\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ./skeleton\n        copyWithoutTemplating: ['static/**']\n        values:\n          name: ${{ parameters.name }}\n          owner: ${{ parameters.owner }}\n          modules: ${{ parameters.modules }}\n",
    )
    .unwrap();
    for i in 0..FILES {
        let (folder, name) = match i {
            0 => ("assets".to_string(), "logo.bin".to_string()),
            i if i <= 20 => ("static".to_string(), format!("vendored-{i}.js")),
            i => (
                format!("src/${{{{ values.name }}}}/m{}", i % 12),
                format!("file-{i}.rs"),
            ),
        };
        let path = dir.join("skeleton").join(&folder).join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let body = if i == 0 {
            (0..4096u32).map(|b| (b % 251) as u8).collect::<Vec<u8>>()
        } else if i <= 20 {
            format!(
                "// vendored, copied as is: ${{{{ not.rendered }}}} {}\n",
                "x".repeat(2000)
            )
            .into_bytes()
        } else {
            format!(
                "//! ${{{{ values.name | title }}}}, owned by ${{{{ values.owner | upper }}}} (file {i})\n\
                 {{% for m in values.modules %}}pub mod ${{{{ m | replace('-', '_') }}}}; // ${{{{ loop.index }}}} of ${{{{ values.modules | length }}}}\n{{% endfor %}}\
                 {{% if values.owner %}}const OWNER: &str = \"${{{{ values.owner }}}}\";{{% endif %}}\n\
                 {}\n",
                "// filler line of a realistic source file\n".repeat(40)
            )
            .into_bytes()
        };
        std::fs::write(path, body).unwrap();
    }
}

fn copy_all(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_all(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn stats(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let at = |p: f64| {
        samples[((samples.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
    };
    (at(0.5), at(0.95))
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    write_template(dir.path());
    let spec = parse_template(&std::fs::read_to_string(dir.path().join("template.yaml")).unwrap())
        .unwrap();
    let engine = Engine::default();
    let values = json!({"name": "harbor-ledger", "owner": "team-quay", "modules": ["berth-plan", "crane-ops", "tide-table"]});
    let secrets = BTreeMap::new();
    let mut produced = 0;
    let mut runs = Vec::new();
    for i in 0..RUNS + 3 {
        let started = Instant::now();
        let result = engine
            .dry_run(&DryRunRequest {
                template_dir: dir.path(),
                spec: &spec,
                values: &values,
                secrets: &secrets,
                user: RunUser::default(),
            })
            .unwrap();
        if i >= 3 {
            runs.push(started.elapsed());
        }
        produced = result.files.len();
    }
    let mut copies = Vec::new();
    for i in 0..RUNS + 3 {
        let to = tempfile::tempdir().unwrap();
        let started = Instant::now();
        copy_all(&dir.path().join("skeleton"), to.path());
        if i >= 3 {
            copies.push(started.elapsed());
        }
    }
    let (p50, p95) = stats(runs);
    let (c50, _) = stats(copies);
    println!("dry run of a {FILES}-file template ({produced} files produced), {RUNS} runs:");
    println!(
        "| what | p50 ms | p95 ms | baseline (plain copy) p50 ms | ratio | target | |\n|---|---|---|---|---|---|---|\n| dry run, {FILES} files | {p50:.1} | {p95:.1} | {c50:.1} | {:.1}× | p95 ≤ 300 ms | {} |",
        p50 / c50.max(0.001),
        if p95 <= 300.0 { "met" } else { "MISSED" }
    );
}
