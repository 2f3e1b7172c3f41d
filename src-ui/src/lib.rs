//! Backlot's UI shell: the frame (sidebar, header, theme) that hosts the plugins' pages.

pub mod app;
mod auth_choice;
mod backend_tauri;
mod header;
#[cfg(not(feature = "preview"))]
mod no_backend;
mod pages;
mod palette;
mod panes;
mod plugins;
#[cfg(feature = "preview")]
mod preview;
mod search_hits;
mod sidebar;
mod sync_indicator;
mod sync_view;
mod theme;
mod visible;

pub use app::{App, AppProps};
pub use plugins::plugins;

use backlot_plugin_api::BackendHandle;

/// Mounts the app on `<body>`: over Tauri's IPC inside the desktop app; in a plain browser
/// over an in-memory preview backend when built with the `preview` feature
/// (`trunk serve --features preview`), else over one that says the UI needs its window.
pub fn start() {
    let backend = if backend_tauri::available() {
        BackendHandle::new(backend_tauri::TauriBackend)
    } else {
        browser_backend()
    };
    yew::Renderer::<App>::with_props(AppProps {
        backend,
        history: None,
    })
    .render();
}

#[cfg(feature = "preview")]
fn browser_backend() -> BackendHandle {
    BackendHandle::new(preview::backend())
}

#[cfg(not(feature = "preview"))]
fn browser_backend() -> BackendHandle {
    BackendHandle::new(no_backend::NoBackend)
}
