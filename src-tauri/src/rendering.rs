//! How the window paints on Linux. WebKitGTK composites with OpenGL by default; on a machine
//! without a GPU render node (`/dev/dri`: virtual machines, remote desktops, Xvfb) that GL runs
//! in software (llvmpipe) on the CPU, and every frame costs far more than WebKit's own
//! non-composited painting — measured here: a search keystroke painted in 191 ms (p50) with
//! compositing against 8 ms without (`make bench-catalog-ui`). So without a render node
//! Backlot turns hardware acceleration off for its webview. `BACKLOT_GPU=1` keeps it on
//! regardless, `BACKLOT_GPU=0` turns it off regardless.

/// Whether the webview should use GPU compositing: `BACKLOT_GPU` if set, else whether the
/// machine has a GPU render node.
pub fn gpu_compositing() -> bool {
    match std::env::var("BACKLOT_GPU").ok().as_deref() {
        Some("1") | Some("true") => true,
        Some("0") | Some("false") => false,
        _ => std::path::Path::new("/dev/dri").exists(),
    }
}

/// Applies [`gpu_compositing`] to every window's webview.
#[cfg(target_os = "linux")]
pub fn apply<R: tauri::Runtime>(app: &tauri::App<R>) {
    use tauri::Manager;
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    if gpu_compositing() {
        return;
    }
    for window in app.webview_windows().values() {
        let applied = window.with_webview(|webview| {
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(e) = applied {
            eprintln!("backlot: could not set the webview's rendering mode: {e}");
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub fn apply<R: tauri::Runtime>(_app: &tauri::App<R>) {}
