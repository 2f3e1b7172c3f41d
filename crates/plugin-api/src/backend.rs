//! The one door from the UI to the Rust side.

use std::rc::Rc;

use backlot_model::ApiError;
use backlot_model::ipc::Command;
use futures::future::LocalBoxFuture;

pub type BackendFuture = LocalBoxFuture<'static, Result<serde_json::Value, ApiError>>;

/// Sends one command (`name`, JSON arguments) and resolves to its JSON output or an
/// [`ApiError`]. Implemented by the shell over Tauri's IPC and by [`crate::FakeBackend`]
/// for tests and plain-browser previews. Callers use the typed [`BackendHandle::call`].
pub trait Backend {
    fn invoke(&self, command: &'static str, args: serde_json::Value) -> BackendFuture;
}

/// A shared, cheaply cloned backend. Two handles are equal when they are the same backend.
#[derive(Clone)]
pub struct BackendHandle(Rc<dyn Backend>);

impl BackendHandle {
    pub fn new(backend: impl Backend + 'static) -> Self {
        Self(Rc::new(backend))
    }

    /// Runs a typed command: encodes `command`, sends it, decodes `C::Output`.
    pub async fn call<C: Command>(&self, command: C) -> Result<C::Output, ApiError> {
        let args = serde_json::to_value(&command)
            .map_err(|e| ApiError::internal(format!("cannot encode `{}`: {e}", C::NAME)))?;
        let output = self.0.invoke(C::NAME, args).await?;
        serde_json::from_value(output)
            .map_err(|e| ApiError::internal(format!("unexpected response to `{}`: {e}", C::NAME)))
    }
}

impl PartialEq for BackendHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for BackendHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BackendHandle")
    }
}
