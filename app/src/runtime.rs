//! The app's one async runtime: network work (the proxy, syncs, plugins' fetches) runs on
//! it. Commands arrive on blocking threads (Tauri's blocking pool, the CLI's main thread)
//! and wait on it with `block_on`; syncs are spawned on it. Built on first use, so a CLI
//! command that never touches the network starts no threads.

use std::sync::OnceLock;

use backlot_model::ApiError;
use tokio::runtime::{Handle, Runtime};

/// Owns the runtime; dropping it never blocks or panics, even inside another runtime (as
/// in async tests), because it shuts down in the background.
#[derive(Default)]
pub struct AppRuntime(OnceLock<Result<Runtime, ApiError>>);

impl AppRuntime {
    pub fn handle(&self) -> Result<Handle, ApiError> {
        let runtime = self.0.get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("backlot-rt")
                .enable_all()
                .build()
                .map_err(|e| ApiError::internal(format!("cannot start the network runtime: {e}")))
        });
        match runtime {
            Ok(rt) => Ok(rt.handle().clone()),
            Err(e) => Err(e.clone()),
        }
    }

    /// Runs `future` to completion from a blocking thread.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> Result<F::Output, ApiError> {
        Ok(self.handle()?.block_on(future))
    }
}

impl Drop for AppRuntime {
    fn drop(&mut self) {
        if let Some(Ok(rt)) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn starts_on_first_use_only() {
        let rt = AppRuntime::default();
        assert!(rt.0.get().is_none(), "no threads before network work");
        rt.handle().unwrap();
        assert!(matches!(rt.0.get(), Some(Ok(_))));
    }

    #[test]
    fn runs_futures_from_plain_threads() {
        let rt = AppRuntime::default();
        assert_eq!(rt.block_on(async { 41 + 1 }).unwrap(), 42);
        let handle = rt.handle().unwrap();
        let joined = std::thread::spawn(move || handle.block_on(async { "from another thread" }))
            .join()
            .unwrap();
        assert_eq!(joined, "from another thread");
    }

    #[tokio::test]
    async fn dropping_inside_another_runtime_does_not_panic() {
        let rt = AppRuntime::default();
        let h = rt.handle().unwrap();
        assert_eq!(h.spawn(async { 7 }).await.unwrap(), 7);
        drop(rt);
    }
}
