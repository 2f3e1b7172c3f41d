//! The backend of a build without the `preview` feature opened in a plain browser: there
//! is no Rust side, so every command fails with a message that says where the UI runs (and
//! how to preview it with sample data).

use backlot_model::{ApiError, ErrorCode};
use backlot_plugin_api::{Backend, BackendFuture};

pub struct NoBackend;

impl Backend for NoBackend {
    fn invoke(&self, command: &'static str, _args: serde_json::Value) -> BackendFuture {
        let error = ApiError::new(
            ErrorCode::Unsupported,
            format!(
                "`{command}` needs Backlot's window: this page runs in a plain browser \
                 (`trunk serve --features preview` previews the UI with sample data)"
            ),
        );
        Box::pin(async move { Err(error) })
    }
}
