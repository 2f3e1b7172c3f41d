//! Performance marks the real-window benchmarks read over WebDriver
//! (`performance.getEntriesByName(…)`): when an action started and when its result was painted.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

fn performance() -> Option<web_sys::Performance> {
    web_sys::window()?.performance()
}

/// Marks `name` now, replacing its previous mark: measures start from the latest one, and a
/// long session keeps one entry per name instead of one per keystroke or query.
pub fn mark(name: &str) {
    if let Some(p) = performance() {
        p.clear_marks_with_mark_name(name);
        let _ = p.mark(name);
    }
}

/// Records `name` as the time from the latest `start_mark` until now (nothing if that mark
/// was never set).
pub fn measure(name: &str, start_mark: &str) {
    if let Some(p) = performance()
        && p.get_entries_by_name(start_mark).length() > 0
    {
        let _ = p.measure_with_start_mark(name, start_mark);
    }
}

/// Starts a timing: returns the mark to pass to [`measure_from`].
pub fn start(label: &str) -> String {
    thread_local!(static NEXT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) });
    let n = NEXT.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    let mark_name = format!("{label}#{n}");
    mark(&mark_name);
    mark_name
}

/// Records `name` from the mark `start` returned until now, and drops that mark.
pub fn measure_from(name: &str, started: &str) {
    measure(name, started);
    if let Some(p) = performance() {
        p.clear_marks_with_mark_name(started);
    }
}

/// Runs `then` once the current frame has been painted: the next animation frame runs just
/// before the paint, a zero timeout queued from it runs just after.
pub fn after_paint(then: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let frame = Closure::once_into_js(move || {
        let Some(window) = web_sys::window() else {
            return;
        };
        let done = Closure::once_into_js(then);
        let _ = window.set_timeout_with_callback(done.unchecked_ref());
    });
    let _ = window.request_animation_frame(frame.unchecked_ref());
}
