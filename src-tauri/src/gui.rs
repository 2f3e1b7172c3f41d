//! The desktop window.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use backlot_app::Api;

/// When the process started, to report time to first paint (`BACKLOT_TRACE_STARTUP=1`).
pub struct Startup {
    started: Instant,
    trace: bool,
}

impl Startup {
    pub fn report_first_paint(&self, args: &serde_json::Value) {
        if self.trace {
            let page_ms = args.get("sincePageStartMs").and_then(|v| v.as_f64()).unwrap_or_default();
            eprintln!(
                "backlot: first paint {:.0} ms after process start ({page_ms:.0} ms after page start)",
                self.started.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
}

pub fn run(data_dir: &Path, config: &[PathBuf], started: Instant) -> ExitCode {
    let api = Arc::new(Api::open_with_config(data_dir, config));
    if let Err(e) = api.install_demo_on_first_run() {
        eprintln!("backlot: could not load the demo catalog: {e}");
    }
    let startup = Startup { started, trace: std::env::var_os("BACKLOT_TRACE_STARTUP").is_some() };
    let result = tauri::Builder::default()
        .manage(api)
        .manage(startup)
        .invoke_handler(tauri::generate_handler![crate::commands::api])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("backlot: the window could not be opened: {e}");
            ExitCode::FAILURE
        }
    }
}
