//! `backlot sync`: sync the local catalog from a team Backstage backend through the app's
//! API (`Api::sync_and_wait`, the same sync the window starts), incremental when a previous
//! sync from that backend exists (`--full` forces a full one), with a progress bar on a TTY
//! and a stable JSON summary with `--json`.
//!
//! Token: from the environment variable named by `--token-env`, else the app's keychain
//! (`Api::team_token`). Backend: `--backend URL`, else the one saved in Settings or set in
//! app-config.yaml.
//!
//! Exit codes: 0 synced; 1 the sync failed (the catalog is unchanged; the status records the
//! error); 2 usage or setup error (no backend, no token source, bad URL, database).

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backlot_app::Api;
use backlot_app::sync::{Credential, Phase, Progress, SyncMode, SyncReport, SyncRequest};
use backlot_model::sync::SyncStatus;
use backlot_model::{ApiError, Sensitive};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct SyncArgs {
    /// The team backend's base URL (e.g. https://backstage.example.com).
    #[arg(long, value_name = "URL")]
    pub backend: Option<String>,
    /// Read the token from this environment variable instead of the OS keychain (e.g. on CI).
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
    /// The catalog database (default: the app's store).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Fetch every entity, even when an incremental sync is possible.
    #[arg(long)]
    pub full: bool,
    /// Apply the sync even when the team catalog would shrink to nothing or to less than
    /// half (refused otherwise, to protect the offline catalog from a failing server).
    #[arg(long)]
    pub accept_shrink: bool,
    /// Print a JSON summary instead of text (and no progress bar).
    #[arg(long)]
    pub json: bool,
}

/// The `--json` summary (stable field names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncSummary {
    pub ok: bool,
    pub backend: String,
    pub mode: Option<SyncMode>,
    pub remote_total: u64,
    pub added: u64,
    pub updated: u64,
    pub removed: u64,
    pub unchanged: u64,
    pub invalid: u64,
    pub team_entities: u64,
    pub shadowed: u64,
    pub pages: u64,
    pub requests: u64,
    pub retries: u64,
    pub bytes_received: u64,
    pub duration_ms: u64,
    /// On failure: `{kind, code, message}`.
    pub error: Option<SummaryError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryError {
    pub kind: String,
    pub code: backlot_model::ErrorCode,
    pub message: String,
}

/// Why the command could not start (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("no team backend given: pass --backend URL (or save one in Settings → Team backend)")]
    NoBackend,
    #[error("the environment variable {0} (from --token-env) is not set or empty")]
    TokenEnvMissing(String),
    #[error("{}. Pass the token in an environment variable instead: --token-env VAR", .0.message)]
    Keychain(ApiError),
    #[error("{}", .0.message)]
    Api(ApiError),
}

/// Runs `backlot sync` over `api`, writing to the given streams; returns the exit code.
/// `progress_bar` draws the bar on stderr (ignored with `--json`).
pub fn run_sync_with(
    args: SyncArgs,
    api: &Api,
    progress_bar: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let json = args.json;
    let backend = args.backend.clone().unwrap_or_default();
    match execute(args, api, progress_bar && !json) {
        Ok(Ok(summary)) => {
            print_summary(out, &summary, json);
            0
        }
        Ok(Err(summary)) => {
            if json {
                print_summary(out, &summary, true);
            } else if let Some(e) = &summary.error {
                let _ = writeln!(
                    err,
                    "error: sync from {} failed: {}",
                    summary.backend, e.message
                );
                let _ = writeln!(err, "the local catalog is unchanged");
            }
            1
        }
        Err(e) => {
            if json {
                let summary = failed(
                    &backend,
                    None,
                    "setup",
                    backlot_model::ErrorCode::InvalidInput,
                    e.to_string(),
                );
                print_summary(out, &summary, true);
            } else {
                let _ = writeln!(err, "error: {e}");
            }
            2
        }
    }
}

fn failed(
    backend: &str,
    mode: Option<SyncMode>,
    kind: &str,
    code: backlot_model::ErrorCode,
    message: String,
) -> SyncSummary {
    SyncSummary {
        ok: false,
        backend: backend.to_owned(),
        mode,
        error: Some(SummaryError {
            kind: kind.to_owned(),
            code,
            message,
        }),
        ..SyncSummary::default()
    }
}

fn succeeded(backend: &str, report: &SyncReport, status: Option<&SyncStatus>) -> SyncSummary {
    SyncSummary {
        ok: true,
        backend: backend.to_owned(),
        mode: Some(report.mode),
        remote_total: report.remote_total,
        added: report.added,
        updated: report.updated,
        removed: report.removed,
        unchanged: report.unchanged,
        invalid: status.map_or(0, |s| s.invalid),
        team_entities: status.map_or(0, |s| s.team_entities),
        shadowed: status.map_or(0, |s| s.shadowed),
        pages: report.pages,
        requests: report.requests,
        retries: report.retries,
        bytes_received: report.bytes_received,
        duration_ms: report.duration_ms,
        error: None,
    }
}

fn print_summary(out: &mut dyn Write, s: &SyncSummary, json: bool) {
    if json {
        if let Ok(text) = serde_json::to_string_pretty(s) {
            let _ = writeln!(out, "{text}");
        }
        return;
    }
    let mode = match s.mode {
        Some(SyncMode::Full) => "full",
        Some(SyncMode::Incremental) => "incremental",
        None => "no",
    };
    let _ = writeln!(
        out,
        "{mode} sync from {}: {} entities listed; added {}, updated {}, removed {}, unchanged {}, invalid {}; \
         {} team entities ({} shadowed by local files); {} requests, {} KB in {:.1} s",
        s.backend,
        s.remote_total,
        s.added,
        s.updated,
        s.removed,
        s.unchanged,
        s.invalid,
        s.team_entities,
        s.shadowed,
        s.requests,
        s.bytes_received / 1024,
        s.duration_ms as f64 / 1000.0
    );
}

fn credential(args: &SyncArgs, api: &Api, backend: &str) -> Result<Credential, SetupError> {
    if let Some(var) = &args.token_env {
        return match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => {
                Ok(Credential::given(Sensitive::new(v.trim().to_owned())))
            }
            _ => Err(SetupError::TokenEnvMissing(var.clone())),
        };
    }
    // The token saved for this backend's origin, else the signed-in session (`backlot
    // login`), else none: a backend with guest access works, one that needs a credential
    // answers 401, reported as such.
    api.credential_for(backend).map_err(SetupError::Keychain)
}

type Outcome = Result<SyncSummary, SyncSummary>;

fn execute(args: SyncArgs, api: &Api, progress_bar: bool) -> Result<Outcome, SetupError> {
    let backend = match args.backend.clone().filter(|b| !b.trim().is_empty()) {
        Some(backend) => backend,
        None => api
            .team_url()
            .map_err(SetupError::Api)?
            .ok_or(SetupError::NoBackend)?,
    };
    let credential = credential(&args, api, &backend)?;
    let bar = progress_bar.then(progress_bar_new);
    let shown = bar.clone();
    let last = Arc::new(Mutex::new(None::<Phase>));
    let run = api
        .sync_and_wait(
            Some(&backend),
            &credential,
            SyncRequest {
                full: args.full,
                accept_shrink: args.accept_shrink,
            },
            move |p: &Progress| {
                if let Some(bar) = &shown {
                    show_progress(bar, &last, p);
                }
            },
        )
        .map_err(SetupError::Api)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    Ok(match run.result {
        Ok((report, status)) => Ok(succeeded(&run.backend, &report, status.as_ref())),
        Err(e) => Err(failed(
            &run.backend,
            Some(run.mode),
            backlot_app::sync::sync_failure_kind(&e),
            e.code(),
            e.to_string(),
        )),
    })
}

fn progress_bar_new() -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {prefix:>9} [{bar:30}] {pos}/{len} entities {msg}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn show_progress(bar: &indicatif::ProgressBar, last: &Mutex<Option<Phase>>, p: &Progress) {
    let phase = match p.phase {
        Phase::Starting => "starting",
        Phase::Listing => "listing",
        Phase::Fetching => "fetching",
        Phase::Removing => "removing",
        Phase::Committing => "saving",
        Phase::Done => "done",
        Phase::Failed => "failed",
    };
    let mut last = last
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if *last != Some(p.phase) {
        bar.set_prefix(phase);
        *last = Some(p.phase);
    }
    bar.set_length(p.total.unwrap_or(p.entities).max(p.entities));
    bar.set_position(p.entities);
    let eta = p
        .eta_ms
        .map(|ms| format!(", ETA {:.0} s", ms as f64 / 1000.0))
        .unwrap_or_default();
    bar.set_message(format!(
        "· {} pages · {:.0}/s · {} KB{eta}",
        p.pages,
        p.rate,
        p.bytes_received / 1024
    ));
}
