//! The run history: one JSON file per run under `<data dir>/scaffolder/runs/`, written as
//! the run goes (so the run page follows it and it survives a restart), the last
//! [`KEEP`] kept. Values of fields the form marks secret are never written. Cancel flags
//! live in memory, by run id.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use backlot_model::{ApiError, ErrorCode};
use backlot_safe_fs::read_capped;
use backlot_scaffolder_common::ipc::{RunStatus, RunSummary, RunView};
use serde_json::Value;

/// Runs kept in the history.
pub const KEEP: usize = 50;
/// A run file read at most (logs are capped well below).
const MAX_RUN_FILE: u64 = 8 * 1024 * 1024;

fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("scaffolder").join("runs")
}

/// Run ids are made here (time and a counter): plain, safe as file names.
pub fn new_id(now_ms: u64) -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    format!(
        "{now_ms:013}-{:04}",
        NEXT.fetch_add(1, Ordering::Relaxed) % 10_000
    )
}

fn file(data_dir: &Path, id: &str) -> Result<PathBuf, ApiError> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(ApiError::invalid_input(format!("{id:?} is not a run id")));
    }
    Ok(dir(data_dir).join(format!("{id}.json")))
}

/// Writes the run's state (atomically: a reader sees the old or the new).
pub fn save(data_dir: &Path, run: &RunView) -> Result<(), ApiError> {
    let path = file(data_dir, &run.summary.id)?;
    let io = |e: std::io::Error| {
        ApiError::new(
            ErrorCode::Storage,
            format!("the run could not be saved in {}: {e}", path.display()),
        )
    };
    std::fs::create_dir_all(dir(data_dir)).map_err(io)?;
    let json = serde_json::to_vec(run).map_err(|e| ApiError::internal(e.to_string()))?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, json).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)
}

pub fn load(data_dir: &Path, id: &str) -> Result<RunView, ApiError> {
    let path = file(data_dir, id)?;
    if !path.exists() {
        return Err(ApiError::not_found(format!("there is no run {id}")));
    }
    let bytes = read_capped(&path, MAX_RUN_FILE).map_err(|e| {
        ApiError::new(
            ErrorCode::Storage,
            format!("the run {id} could not be read: {e}"),
        )
    })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::new(ErrorCode::Storage, format!("the run {id} is damaged: {e}")))
}

/// The last runs, newest first; older ones beyond [`KEEP`] are deleted.
pub fn list(data_dir: &Path) -> Result<Vec<RunSummary>, ApiError> {
    let mut names: Vec<String> = match std::fs::read_dir(dir(data_dir)) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter_map(|n| n.strip_suffix(".json").map(str::to_string))
            .collect(),
        Err(_) => return Ok(Vec::new()),
    };
    // Ids start with the start time: newest first by name.
    names.sort_unstable_by(|a, b| b.cmp(a));
    for old in names.iter().skip(KEEP) {
        if let Ok(path) = file(data_dir, old) {
            let _ = std::fs::remove_file(path);
        }
    }
    Ok(names
        .iter()
        .take(KEEP)
        .filter_map(|id| load(data_dir, id).ok())
        .map(|r| r.summary)
        .collect())
}

/// A run marked running that no process runs any more (the app stopped during it) is
/// shown as failed.
pub fn settle_orphan(mut run: RunView) -> RunView {
    if run.summary.status == RunStatus::Running && !cancel_flag_exists(&run.summary.id) {
        run.summary.status = RunStatus::Failed;
        run.error = Some("Backlot stopped while this run was going on.".into());
    }
    run
}

/// Leaves out the values of secret fields (the form's `ui:widget: password` and
/// `ui:field: Secret` fields, at any depth of `schema`'s properties).
pub fn without_secrets(values: &Value, pages: &[Value]) -> Value {
    let mut kept = values.clone();
    for page in pages {
        strip(&mut kept, page, 0);
    }
    kept
}

fn strip(values: &mut Value, schema: &Value, depth: usize) {
    let (Some(Value::Object(props)), Value::Object(map)) = (schema.get("properties"), values)
    else {
        return;
    };
    if depth > 8 {
        return;
    }
    for (name, prop) in props {
        let secret = prop.get("ui:widget").and_then(Value::as_str) == Some("password")
            || prop.get("ui:field").and_then(Value::as_str) == Some("Secret");
        if secret {
            map.remove(name);
        } else if let Some(inner) = map.get_mut(name) {
            strip(inner, prop, depth + 1);
        }
    }
}

static CANCEL: LazyLock<Mutex<HashMap<String, Arc<AtomicBool>>>> = LazyLock::new(Default::default);

/// The flag a running run looks at between steps.
pub fn cancel_flag(id: &str) -> Arc<AtomicBool> {
    CANCEL
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry(id.to_string())
        .or_default()
        .clone()
}

fn cancel_flag_exists(id: &str) -> bool {
    CANCEL
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .contains_key(id)
}

/// Forgets the flag once the run ended.
pub fn forget_flag(id: &str) {
    CANCEL.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
}

/// Asks a run to stop; `false` when no run of that id is going on here.
pub fn request_cancel(id: &str) -> bool {
    match CANCEL.lock().unwrap_or_else(|p| p.into_inner()).get(id) {
        Some(flag) => {
            flag.store(true, Ordering::Relaxed);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

    use super::*;
    use serde_json::json;

    fn run(id: &str, values: Value) -> RunView {
        RunView {
            summary: RunSummary {
                id: id.into(),
                template_ref: "template:default/t".into(),
                template_title: "T".into(),
                status: RunStatus::Completed,
                values,
                ..RunSummary::default()
            },
            ..RunView::default()
        }
    }

    #[test]
    fn runs_are_kept_newest_first_up_to_the_limit() {
        let data = tempfile::tempdir().unwrap();
        for i in 0..KEEP + 3 {
            save(
                data.path(),
                &run(&new_id(1_000 + i as u64), json!({"i": i})),
            )
            .unwrap();
        }
        let all = list(data.path()).unwrap();
        assert_eq!(all.len(), KEEP);
        assert_eq!(all[0].values, json!({"i": KEEP + 2}), "newest first");
        assert_eq!(
            std::fs::read_dir(dir(data.path())).unwrap().count(),
            KEEP,
            "older files deleted"
        );
        assert_eq!(load(data.path(), &all[3].id).unwrap().summary, all[3]);
        assert_eq!(
            load(data.path(), "../../etc/passwd").unwrap_err().code,
            ErrorCode::InvalidInput
        );
        assert_eq!(
            load(data.path(), "0000000000001-0000").unwrap_err().code,
            ErrorCode::NotFound
        );
    }

    #[test]
    fn secret_fields_are_not_kept() {
        let pages = vec![json!({"properties": {
            "name": {"type": "string"},
            "token": {"type": "string", "ui:widget": "password"},
            "deep": {"type": "object", "properties": {"key": {"type": "string", "ui:field": "Secret"}, "x": {"type": "string"}}}
        }})];
        let kept = without_secrets(
            &json!({"name": "a", "token": "s3cret", "deep": {"key": "k", "x": "y"}}),
            &pages,
        );
        assert_eq!(kept, json!({"name": "a", "deep": {"x": "y"}}));
    }

    #[test]
    fn a_run_left_running_by_a_stopped_app_reads_as_failed() {
        let mut r = run("0000000000002-0000", json!({}));
        r.summary.status = RunStatus::Running;
        let settled = settle_orphan(r.clone());
        assert_eq!(settled.summary.status, RunStatus::Failed);
        let _flag = cancel_flag(&r.summary.id);
        assert_eq!(settle_orphan(r).summary.status, RunStatus::Running);
    }
}
