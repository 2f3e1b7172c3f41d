//! How the window paints on Linux. WebKitGTK composites with OpenGL by default; on a machine
//! without a GPU render node (`/dev/dri`: virtual machines, remote desktops, Xvfb) that GL runs
//! in software (llvmpipe) on the CPU, and every frame costs far more than WebKit's own
//! non-composited painting — measured with `make bench-catalog-ui` at 100k entities: a search
//! keystroke painted in 191 ms (p50) with compositing against well under 50 ms without. So
//! without a render node Backlot starts WebKit with compositing off
//! (`WEBKIT_DISABLE_COMPOSITING_MODE=1`). `BACKLOT_GPU=1` keeps it on regardless,
//! `BACKLOT_GPU=0` turns it off regardless; a `WEBKIT_DISABLE_COMPOSITING_MODE` the user set is
//! left alone.

/// Whether the webview should use GPU compositing: `BACKLOT_GPU` if set, else whether the
/// machine has a GPU render node.
pub fn gpu_compositing() -> bool {
    match std::env::var("BACKLOT_GPU").ok().as_deref() {
        Some("1") | Some("true") => true,
        Some("0") | Some("false") => false,
        _ => std::path::Path::new("/dev/dri").exists(),
    }
}

/// Chooses the rendering mode. Must run first in `main`, before any thread starts: WebKit
/// reads the variable when the window is created, and changing the process environment is
/// only sound while a single thread runs. (Switching WebKit's hardware-acceleration policy
/// on a live webview instead was seen to leave WebDriver screenshots waiting forever.)
#[cfg(target_os = "linux")]
pub fn choose_before_threads() {
    const VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if std::env::var_os(VAR).is_none() && !gpu_compositing() {
        // SAFETY: called at the top of `main`, before the process has started any other
        // thread, so nothing can read the environment concurrently.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var(VAR, "1");
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub fn choose_before_threads() {}
