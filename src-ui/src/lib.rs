//! Backlot's UI shell: the frame (sidebar, header, theme) that hosts the plugins' pages.

pub mod app;
mod backend_tauri;
mod header;
mod pages;
mod panes;
mod plugins;
mod preview;
mod sidebar;
mod sync_indicator;
mod sync_view;
mod theme;

pub use app::{App, AppProps};
pub use plugins::plugins;

use backlot_plugin_api::BackendHandle;

/// Mounts the app on `<body>`: over Tauri's IPC inside the desktop app, or over an
/// in-memory preview backend when opened in a plain browser (`trunk serve`).
pub fn start() {
    let backend = if backend_tauri::available() {
        BackendHandle::new(backend_tauri::TauriBackend)
    } else {
        BackendHandle::new(preview::backend())
    };
    yew::Renderer::<App>::with_props(AppProps { backend, history: None }).render();
}
