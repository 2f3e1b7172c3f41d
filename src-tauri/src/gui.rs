//! The desktop window.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use backlot_app::Api;
use tauri::WebviewWindowBuilder;
use tauri::utils::config::WindowConfig;

use crate::navigation;

/// When the process started, to report time to first paint (`BACKLOT_TRACE_STARTUP=1`).
pub struct Startup {
    started: Instant,
    trace: bool,
}

impl Startup {
    pub fn report_first_paint(&self, args: &serde_json::Value) {
        if self.trace {
            let page_ms = args
                .get("sincePageStartMs")
                .and_then(|v| v.as_f64())
                .unwrap_or_default();
            eprintln!(
                "backlot: first paint {:.0} ms after process start ({page_ms:.0} ms after page start)",
                self.started.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
}

pub fn run(data_dir: &Path, config: &[PathBuf], started: Instant) -> ExitCode {
    // An empty data folder starts on the welcome page (the UI asks `onboarding`), where the
    // user loads the demo, opens a folder or connects a team backend.
    let api = Api::open_with_config(data_dir, config).shared();
    // One runtime in the process: Tauri's async work (the IPC command's blocking threads
    // included) runs on the app's.
    match api.runtime_handle() {
        Ok(handle) => tauri::async_runtime::set(handle),
        Err(e) => eprintln!("backlot: {}", e.message),
    }
    spawn_background_sync(api.clone());
    if let Err(e) = Api::spawn_search_indexer(&api) {
        eprintln!("backlot: searches will index for themselves: {e}");
    }
    let startup = Startup {
        started,
        trace: std::env::var_os("BACKLOT_TRACE_STARTUP").is_some(),
    };
    let mut context = tauri::generate_context!();
    // The windows the configuration declares are built here rather than by Tauri, so that
    // each gets the navigation guard: it never leaves the app, nor opens another window.
    let windows: Vec<WindowConfig> = context
        .config()
        .app
        .windows
        .iter()
        .filter(|w| w.create)
        .cloned()
        .collect();
    for window in &mut context.config_mut().app.windows {
        window.create = false;
    }
    let dev_url = if tauri::is_dev() {
        context.config().build.dev_url.clone()
    } else {
        None
    };
    let result = tauri::Builder::default()
        .manage(api)
        .manage(startup)
        .invoke_handler(tauri::generate_handler![crate::commands::api])
        .setup(move |app| {
            for window in &windows {
                WebviewWindowBuilder::from_config(app.handle(), window)?
                    .on_navigation(navigation::guard(dev_url.clone()))
                    .on_new_window(navigation::refuse_new_window)
                    .build()?;
            }
            Ok(())
        })
        .run(context);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("backlot: the window could not be opened: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Keeps the team catalog fresh: shortly after start, then every minute, starts an
/// incremental sync when one is due (see `Api::sync_if_due`). Never blocks the window.
fn spawn_background_sync(api: Arc<Api>) {
    let spawned = std::thread::Builder::new()
        .name("backlot-sync-timer".into())
        .spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(5));
            loop {
                let now_ms = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_millis() as u64)
                    .unwrap_or_default();
                if let Err(e) = api.sync_if_due(now_ms) {
                    eprintln!("backlot: background sync not started: {e}");
                }
                std::thread::sleep(std::time::Duration::from_secs(60));
            }
        });
    if let Err(e) = spawned {
        eprintln!("backlot: background sync is off: {e}");
    }
}
