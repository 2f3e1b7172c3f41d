//! Backlot's dry run against a real Backstage's (`POST /api/scaffolder/v2/dry-run`,
//! scaffolder-backend 4.3.0), recorded by `tests/interop/scaffolder-dry-run.py` under
//! `tests/fixtures/templates/<name>/expected/`: every produced file byte for byte, the
//! executable bits, the log lines and the rendered output; a template Backstage refused must
//! fail here too. Differences we keep on purpose are listed in [`DELIBERATE`] with why.

#![allow(clippy::unwrap_used)] // test code: a broken fixture should panic with its error

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use backlot_scaffolder_backend::{DryRunRequest, Engine, RunUser, parse_template};
use serde_json::Value as Json;

/// `(template, aspect, reason)`: an aspect (`files`, `log`, `output`, `outcome`) of a template
/// that is allowed to differ from Backstage's answer.
const DELIBERATE: &[(&str, &str, &str)] = &[
    // Decided.
    (
        "if-conditions",
        "outcome",
        "Backlot refuses a step naming an unknown action before anything runs (required up-front check); Backstage only fails when the step is reached, so a step skipped by `if: false` passes there",
    ),
    (
        "binary-and-encodings",
        "log",
        "`reverse` of an emoji: JavaScript reverses UTF-16 units and leaves lone surrogates; Rust strings are always valid Unicode, so Backlot reverses characters",
    ),
    (
        "catalog-actions",
        "outcome",
        "catalog:fetch reads the catalog: a host-backed action the app registers; the engine alone does not have it",
    ),
];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Case {
    name: String,
    template_dir: PathBuf,
    values: PathBuf,
    expected: PathBuf,
}

fn cases() -> Vec<Case> {
    let root = repo_root().join("tests/fixtures/templates");
    let mut out = Vec::new();
    let Ok(read) = std::fs::read_dir(&root) else {
        return out;
    };
    let mut dirs: Vec<PathBuf> = read.flatten().map(|e| e.path()).collect();
    dirs.sort();
    for dir in dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('_') || !dir.join("expected/result.json").exists() {
            continue;
        }
        out.push(Case {
            name,
            template_dir: dir.clone(),
            values: dir.join("values.yaml"),
            expected: dir.join("expected"),
        });
    }
    for (name, folder) in [
        (
            "backstage-create-app",
            "tests/fixtures/backstage-create-app/template",
        ),
        (
            "backstage-demo",
            "tests/fixtures/backstage-demo/demo-template/template",
        ),
    ] {
        let expected = root.join("_backstage").join(name).join("expected");
        if expected.join("result.json").exists() {
            out.push(Case {
                name: format!("_backstage/{name}"),
                template_dir: repo_root().join(folder),
                values: root.join("_values").join(format!("{name}.yaml")),
                expected,
            });
        }
    }
    out
}

/// The recorder keeps JavaScript's lone surrogates as `\\uD8xx` escapes; Rust strings cannot
/// hold them, so they read as U+FFFD here.
fn replace_lone_surrogates(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("\\u") {
        out.push_str(&rest[..i]);
        let hex = rest.get(i + 2..i + 6).unwrap_or("");
        let is_surrogate =
            u32::from_str_radix(hex, 16).is_ok_and(|c| (0xD800..=0xDFFF).contains(&c));
        if is_surrogate && !rest[..i].ends_with('\\') {
            out.push_str("\\ufffd");
        } else {
            out.push_str(&rest[i..i + 6.min(rest.len() - i)]);
        }
        rest = &rest[(i + 6).min(rest.len())..];
    }
    out.push_str(rest);
    out
}

fn read_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in read.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, bytes);
            }
        }
    }
    out
}

/// Numbers compared as JavaScript sees them (`1` and `1.0` are one number).
fn normalize_json(v: &Json) -> Json {
    match v {
        Json::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(Json::Number(n.clone()), Json::Number),
        Json::Array(a) => Json::Array(a.iter().map(normalize_json).collect()),
        Json::Object(m) => Json::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), normalize_json(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn normalize_log_line(line: &str, temp_root: &str) -> String {
    // Our workspace is <tmp>/backlot-dry-run-XXXX; Backstage's /tmp/dry-run-<uuid>.
    let mut out = String::new();
    let mut rest = line;
    let marker = format!("{temp_root}/backlot-dry-run-");
    while let Some(i) = rest.find(&marker) {
        out.push_str(&rest[..i]);
        out.push_str("/tmp/dry-run-<uuid>");
        let after = &rest[i + marker.len()..];
        let end = after
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Our workspace path in output strings, written as Backstage's.
fn workspace_paths(v: &Json, temp_root: &str) -> Json {
    match v {
        Json::String(s) => Json::String(normalize_log_line(s, temp_root)),
        Json::Array(a) => Json::Array(a.iter().map(|i| workspace_paths(i, temp_root)).collect()),
        Json::Object(m) => Json::Object(
            m.iter()
                .map(|(k, i)| (k.clone(), workspace_paths(i, temp_root)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[derive(Default)]
struct Outcome {
    matched: Vec<String>,
    differences: Vec<(String, String, String)>,
}

fn check(case: &Case, engine: &Engine, temp_root: &str, outcome: &mut Outcome) {
    let text = std::fs::read_to_string(case.expected.join("result.json")).unwrap();
    let expected: Json = serde_json::from_str(&replace_lone_surrogates(&text)).unwrap();
    let yaml = std::fs::read_to_string(case.template_dir.join("template.yaml")).unwrap();
    let values: Json = std::fs::read_to_string(&case.values)
        .ok()
        .and_then(|t| serde_saphyr::from_str::<Json>(&t).ok())
        .filter(|v| !v.is_null())
        .unwrap_or_else(|| serde_json::json!({}));
    let mut diff = |aspect: &str, text: String| {
        outcome
            .differences
            .push((case.name.clone(), aspect.to_string(), text));
    };
    let spec = match parse_template(&yaml) {
        Ok(s) => s,
        Err(e) => {
            diff("outcome", format!("template did not parse: {e}"));
            return;
        }
    };
    // The recorder sends no secrets; the peer's static token makes the caller a service, whose
    // `backstageToken` is undefined (the engine's dry run adds only its redacted key).
    let secrets = BTreeMap::new();
    let result = engine.dry_run(&DryRunRequest {
        template_dir: &case.template_dir,
        spec: &spec,
        values: &values,
        secrets: &secrets,
        user: RunUser::default(),
    });
    let before = outcome.differences.len();
    let expected_error = expected.get("status").is_some();
    match (result, expected_error) {
        (Err(failure), true) => {
            // Where Backstage's answer is one Backlot reproduces (a refused form, an action
            // input that fails its schema), the error must be the same too.
            let status = expected["status"].as_u64().unwrap_or_default();
            let message = expected
                .pointer("/body/error/message")
                .and_then(Json::as_str)
                .unwrap_or_default();
            if let Some(errors) = expected.pointer("/body/errors") {
                let got = failure.error.parameter_errors_json();
                let want = serde_json::json!({ "errors": errors });
                if status != 400 || got.as_ref().map(normalize_json) != Some(normalize_json(&want))
                {
                    outcome.differences.push((
                        case.name.clone(),
                        "outcome".into(),
                        format!(
                            "form errors differ\n--- backstage ({status})\n{want:#}\n--- backlot\n{}",
                            got.map_or_else(|| failure.error.to_string(), |g| format!("{g:#}"))
                        ),
                    ));
                }
            } else if message.starts_with("Invalid input passed to action")
                && failure.error.to_string() != message
            {
                outcome.differences.push((
                    case.name.clone(),
                    "outcome".into(),
                    format!(
                        "error differs\n--- backstage\n{message}\n--- backlot\n{}",
                        failure.error
                    ),
                ));
            }
        }
        (Err(failure), false) => {
            outcome.differences.push((
                case.name.clone(),
                "outcome".into(),
                format!("Backlot failed: {}", failure.error),
            ));
        }
        (Ok(_), true) => {
            let message = expected
                .pointer("/body/error/message")
                .and_then(Json::as_str)
                .unwrap_or_default();
            outcome.differences.push((
                case.name.clone(),
                "outcome".into(),
                format!("Backstage failed ({message}), Backlot did not"),
            ));
        }
        (Ok(result), false) => {
            let want_files = read_files(&case.expected.join("files"));
            let got_files: BTreeMap<String, Vec<u8>> = result
                .files
                .iter()
                .map(|f| (f.path.clone(), f.bytes.clone()))
                .collect();
            let all: BTreeSet<&String> = want_files.keys().chain(got_files.keys()).collect();
            for path in all {
                match (want_files.get(path), got_files.get(path)) {
                    (Some(w), Some(g)) if w == g => {}
                    (Some(w), Some(g)) => outcome.differences.push((
                        case.name.clone(),
                        "files".into(),
                        format!(
                            "{path}: content differs\n--- backstage\n{}\n--- backlot\n{}",
                            String::from_utf8_lossy(w),
                            String::from_utf8_lossy(g)
                        ),
                    )),
                    (Some(_), None) => outcome.differences.push((
                        case.name.clone(),
                        "files".into(),
                        format!("{path}: missing in Backlot"),
                    )),
                    (None, Some(_)) => outcome.differences.push((
                        case.name.clone(),
                        "files".into(),
                        format!("{path}: only in Backlot"),
                    )),
                    (None, None) => {}
                }
            }
            let want_exec: BTreeSet<String> = expected["executable"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Json::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let got_exec: BTreeSet<String> = result
                .files
                .iter()
                .filter(|f| f.executable)
                .map(|f| f.path.clone())
                .collect();
            if want_exec != got_exec {
                outcome.differences.push((
                    case.name.clone(),
                    "files".into(),
                    format!("executable: backstage {want_exec:?}, backlot {got_exec:?}"),
                ));
            }
            let want_log: Vec<String> = expected["log"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Json::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let got_log: Vec<String> = result
                .log
                .iter()
                .map(|l| normalize_log_line(l, temp_root))
                .collect();
            if want_log != got_log {
                let first = want_log
                    .iter()
                    .zip(&got_log)
                    .position(|(a, b)| a != b)
                    .unwrap_or(want_log.len().min(got_log.len()));
                outcome.differences.push((
                    case.name.clone(),
                    "log".into(),
                    format!(
                        "line {first}:\n--- backstage\n{}\n--- backlot\n{}",
                        want_log.get(first).map_or("<end>", String::as_str),
                        got_log.get(first).map_or("<end>", String::as_str)
                    ),
                ));
            }
            let want_output = normalize_json(&expected["output"]);
            let got_output = normalize_json(&workspace_paths(&result.output, temp_root));
            if want_output != got_output {
                outcome.differences.push((
                    case.name.clone(),
                    "output".into(),
                    format!("--- backstage\n{want_output:#}\n--- backlot\n{got_output:#}"),
                ));
            }
        }
    }
    if outcome.differences.len() == before {
        outcome.matched.push(case.name.clone());
    }
}

#[test]
fn dry_runs_match_backstage() {
    let cases = cases();
    if cases.is_empty() {
        eprintln!("no recorded dry runs under tests/fixtures/templates/*/expected");
        return;
    }
    let engine = Engine::default();
    let temp_root = std::env::temp_dir()
        .canonicalize()
        .unwrap_or_else(|_| std::env::temp_dir())
        .display()
        .to_string();
    let mut outcome = Outcome::default();
    for case in &cases {
        check(case, &engine, &temp_root, &mut outcome);
    }
    let deliberate = |name: &str, aspect: &str| {
        DELIBERATE
            .iter()
            .any(|(n, a, _)| *n == name && *a == aspect)
    };
    let unexpected: Vec<&(String, String, String)> = outcome
        .differences
        .iter()
        .filter(|(n, a, _)| !deliberate(n, a))
        .collect();
    eprintln!(
        "parity: {} of {} templates match Backstage exactly; {} deliberate differences, {} unexpected",
        outcome.matched.len(),
        cases.len(),
        outcome.differences.len() - unexpected.len(),
        unexpected.len()
    );
    if std::env::var_os("PARITY_VERBOSE").is_some() {
        for (name, aspect, text) in &outcome.differences {
            eprintln!("--- deliberate? {name} [{aspect}]\n{text}\n");
        }
    }
    for (name, aspect, text) in &unexpected {
        eprintln!("=== {name} [{aspect}]\n{text}\n");
    }
    let stale: Vec<&(&str, &str, &str)> = DELIBERATE
        .iter()
        .filter(|(n, a, _)| {
            cases.iter().any(|c| c.name == *n)
                && !outcome
                    .differences
                    .iter()
                    .any(|(dn, da, _)| dn == n && da == a)
        })
        .collect();
    for (name, aspect, _) in &stale {
        eprintln!("=== {name} [{aspect}] matches now: remove it from DELIBERATE");
    }
    assert!(stale.is_empty(), "{} stale DELIBERATE entries", stale.len());
    assert!(
        unexpected.is_empty(),
        "{} unexpected differences (see above)",
        unexpected.len()
    );
}
