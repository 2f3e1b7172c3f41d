//! The IPC surface: one Tauri command that hands `{cmd, args}` to the API. It runs on a
//! blocking thread so SQLite work never stalls the event loop.

use std::sync::Arc;

use backlot_app::Api;
use backlot_model::ApiError;

#[tauri::command]
pub async fn api(
    api: tauri::State<'_, Arc<Api>>,
    startup: tauri::State<'_, crate::gui::Startup>,
    cmd: String,
    args: serde_json::Value,
) -> Result<serde_json::Value, ApiError> {
    if cmd == <backlot_model::ipc::UiReady as backlot_model::ipc::Command>::NAME {
        startup.report_first_paint(&args);
    }
    let api = Arc::clone(&api);
    tauri::async_runtime::spawn_blocking(move || api.dispatch(&cmd, args))
        .await
        .map_err(|e| ApiError::internal(format!("the command stopped unexpectedly: {e}")))?
}
