//! Which rows of the virtual table are in view: a hook that follows the scroll area
//! ([`use_scroll_window`]) and one that sizes it for every row and moves the rendered rows
//! to where they belong ([`use_slab_layout`]).

use yew::prelude::*;

/// Pixels per row; must match `.vt-row` in the stylesheet.
pub const ROW_HEIGHT: f64 = 44.0;
/// Rows rendered above and below the visible ones.
const OVERSCAN: u64 = 12;
/// Rows in view before the scroll area was measured.
const FIRST_COUNT: u64 = 40;

/// Which rows are in view (plus a margin): `first..first + count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub first: u64,
    pub count: u64,
}

impl Window {
    /// The rows in view in a scroll area `height` pixels high scrolled to `scroll_top`.
    pub fn at(scroll_top: f64, height: f64) -> Self {
        let top = (scroll_top / ROW_HEIGHT).floor().max(0.0) as u64;
        let visible = (height / ROW_HEIGHT).ceil().max(1.0) as u64;
        let first = top.saturating_sub(OVERSCAN);
        Window {
            first,
            count: visible + OVERSCAN + (top - first),
        }
    }

    /// The blocks of rows the window touches (the row after its end included).
    pub fn blocks(self) -> std::ops::RangeInclusive<u64> {
        let last = self.first + self.count;
        self.first / super::blocks::BLOCK..=last / super::blocks::BLOCK
    }

    /// The rows of the window that exist among `total`.
    pub fn rows(self, total: u64) -> std::ops::Range<u64> {
        let end = (self.first + self.count).min(total);
        self.first.min(end)..end
    }
}

/// The window of the scroll area `scroller`, and its `onscroll` handler. When `reset_on`
/// changes (a new query) the area scrolls back to the top.
#[hook]
pub fn use_scroll_window<K: PartialEq + 'static>(
    scroller: NodeRef,
    reset_on: K,
) -> (Window, Callback<Event>) {
    let window = use_state(|| Window {
        first: 0,
        count: FIRST_COUNT,
    });
    {
        let (scroller, window) = (scroller.clone(), window.clone());
        use_effect_with(reset_on, move |_| {
            if let Some(el) = scroller.cast::<web_sys::Element>() {
                el.set_scroll_top(0);
            }
            window.set(Window {
                first: 0,
                count: window.count,
            });
        });
    }
    let measure = {
        let (scroller, window) = (scroller.clone(), window.clone());
        move || {
            if let Some(el) = scroller.cast::<web_sys::Element>() {
                let next = Window::at(el.scroll_top() as f64, el.client_height() as f64);
                if next != *window {
                    window.set(next);
                }
            }
        }
    };
    // The visible height is only known once mounted.
    {
        let measure = measure.clone();
        use_effect_with((), move |_| measure());
    }
    (*window, Callback::from(move |_: Event| measure()))
}

/// Sizes the scroll area's spacer for `total` rows and moves the slab of rendered rows down
/// to row `first`; returns the two elements' refs. (Set through the CSSOM: the content
/// security policy forbids inline style attributes.)
#[hook]
pub fn use_slab_layout(total: u64, first: u64) -> (NodeRef, NodeRef) {
    let spacer = use_node_ref();
    let slab = use_node_ref();
    {
        let (spacer, slab) = (spacer.clone(), slab.clone());
        use_effect_with((total, first), move |(total, first)| {
            set_style(
                &spacer,
                "height",
                &format!("{}px", *total as f64 * ROW_HEIGHT),
            );
            let y = *first as f64 * ROW_HEIGHT;
            set_style(&slab, "transform", &format!("translateY({y}px)"));
        });
    }
    (spacer, slab)
}

fn set_style(node: &NodeRef, property: &str, value: &str) {
    if let Some(el) = node.cast::<web_sys::HtmlElement>() {
        let _ = el.style().set_property(property, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_window_covers_the_view_plus_a_margin() {
        let w = Window::at(0.0, 440.0);
        assert_eq!((w.first, w.count), (0, 10 + OVERSCAN));
        let w = Window::at(44.0 * 1000.0, 440.0);
        assert_eq!(w.first, 1000 - OVERSCAN);
        assert!(w.first + w.count >= 1010 + OVERSCAN);
    }

    #[wasm_bindgen_test]
    fn only_existing_rows_are_rendered() {
        let w = Window {
            first: 30,
            count: 40,
        };
        assert_eq!(w.rows(1000), 30..70);
        assert_eq!(w.rows(50), 30..50);
        assert_eq!(w.rows(10), 10..10);
    }
}
