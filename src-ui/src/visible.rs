//! `use_on_visible`: calls back once when an element comes within a screen's reach of the
//! visible area (an IntersectionObserver) — what loads the next page of a long list as it
//! is scrolled to its end.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};
use yew::prelude::*;

/// How far below the visible area the element counts as reached.
const AHEAD: &str = "0px 0px 400px 0px";

/// While `armed`, calls `then` once when `target` is (or comes) near the visible area.
/// Re-armed whenever `armed` or `generation` changes (e.g. after the next page arrived, so
/// that a screen not yet full goes on loading).
#[hook]
pub fn use_on_visible(target: NodeRef, armed: bool, generation: u32, then: Callback<()>) {
    use_effect_with((armed, generation), move |(armed, _)| {
        let observer = if *armed { observe(&target, then) } else { None };
        move || {
            if let Some((observer, _callback)) = observer {
                observer.disconnect();
            }
        }
    });
}

type Observed = (
    IntersectionObserver,
    Closure<dyn FnMut(js_sys::Array, IntersectionObserver)>,
);

fn observe(target: &NodeRef, then: Callback<()>) -> Option<Observed> {
    let element = target.cast::<web_sys::Element>()?;
    let fired = Rc::new(Cell::new(false));
    let callback = Closure::<dyn FnMut(js_sys::Array, IntersectionObserver)>::new(
        move |entries: js_sys::Array, _| {
            let reached = entries
                .iter()
                .filter_map(|e| e.dyn_into::<IntersectionObserverEntry>().ok())
                .any(|e| e.is_intersecting());
            if reached && !fired.replace(true) {
                then.emit(());
            }
        },
    );
    let init = IntersectionObserverInit::new();
    init.set_root_margin(AHEAD);
    let observer =
        IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &init).ok()?;
    observer.observe(&element);
    Some((observer, callback))
}
