//! The real backend: Tauri's IPC. Every command goes through the one `api` Tauri command
//! as `{cmd, args}`; failures arrive as `{code, message}`.

use backlot_model::{ApiError, ErrorCode};
use backlot_plugin_api::{Backend, BackendFuture};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "core"], js_name = invoke)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

/// Whether the page runs inside Backlot's window (Tauri injects `window.__TAURI__`).
/// Checked before any call: outside Tauri an unguarded call would abort the wasm instance.
pub fn available() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    js_sys::Reflect::get(&window, &JsValue::from_str("__TAURI__"))
        .ok()
        .and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("core")).ok())
        .and_then(|c| js_sys::Reflect::get(&c, &JsValue::from_str("invoke")).ok())
        .is_some_and(|f| f.is_function())
}

pub struct TauriBackend;

#[derive(Serialize)]
struct Envelope<'a> {
    cmd: &'a str,
    args: serde_json::Value,
}

impl Backend for TauriBackend {
    fn invoke(&self, command: &'static str, args: serde_json::Value) -> BackendFuture {
        Box::pin(async move {
            let serializer = serde_wasm_bindgen::Serializer::json_compatible();
            let payload = Envelope { cmd: command, args }
                .serialize(&serializer)
                .map_err(|e| ApiError::internal(format!("cannot encode `{command}`: {e}")))?;
            match tauri_invoke("api", payload).await {
                Ok(value) => serde_wasm_bindgen::from_value(value).map_err(|e| {
                    ApiError::internal(format!("unreadable response to `{command}`: {e}"))
                }),
                Err(error) => Err(serde_wasm_bindgen::from_value::<ApiError>(error.clone())
                    .unwrap_or_else(|_| {
                        let text = error.as_string().unwrap_or_else(|| format!("{error:?}"));
                        ApiError::new(ErrorCode::Internal, format!("`{command}` failed: {text}"))
                    })),
            }
        })
    }
}
