//! Zoom and pan: the visible part of the picture ([`ViewBox`], in graph units) and the hook
//! that moves it ([`use_pan_zoom`]: the wheel zooms around the pointer, the toolbar's
//! buttons around the centre, dragging pans). Only the `viewBox` attribute changes.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::layout::Bounds;

/// Each zoom step.
const ZOOM_STEP: f64 = 1.25;
/// Pointer travel (px) before a press becomes a pan (so clicks stay clicks).
const DRAG_THRESHOLD: f64 = 4.0;
/// The canvas size (px) assumed until it is measured.
const TYPICAL_CANVAS_PX: (f64, f64) = (960.0, 520.0);

/// The visible part of the picture, in graph units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewBox {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl ViewBox {
    pub fn fit(b: Bounds) -> Self {
        Self {
            x: b.x,
            y: b.y,
            width: b.width.max(1.0),
            height: b.height.max(1.0),
        }
    }

    /// Zoomed by `factor` (> 1 shows more) around the point `(cx, cy)`, which stays put;
    /// kept between 1/40 and 3 times the fitted size.
    pub fn zoomed(self, factor: f64, (cx, cy): (f64, f64), fit: ViewBox) -> Self {
        let factor = factor.clamp(fit.width / 40.0 / self.width, fit.width * 3.0 / self.width);
        Self {
            x: cx - (cx - self.x) * factor,
            y: cy - (cy - self.y) * factor,
            width: self.width * factor,
            height: self.height * factor,
        }
    }

    pub fn centre(self) -> (f64, f64) {
        (self.x + self.width / 2.0, self.y + self.height / 2.0)
    }

    /// Graph units per screen pixel for an element of `w`×`h` px (`xMidYMid meet`).
    pub fn units_per_pixel(self, w: f64, h: f64) -> f64 {
        (self.width / w.max(1.0)).max(self.height / h.max(1.0))
    }

    /// The graph point under the pixel `(px, py)` of an element of `w`×`h` px.
    pub fn point_at(self, (px, py): (f64, f64), w: f64, h: f64) -> (f64, f64) {
        let s = self.units_per_pixel(w, h);
        let (ox, oy) = ((w - self.width / s) / 2.0, (h - self.height / s) / 2.0);
        (self.x + (px - ox) * s, self.y + (py - oy) * s)
    }

    pub fn attr(self) -> String {
        format!(
            "{:.1} {:.1} {:.1} {:.1}",
            self.x, self.y, self.width, self.height
        )
    }
}

/// A toolbar zoom button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zoom {
    In,
    Out,
    /// Back to the whole graph.
    Fit,
}

/// What [`use_pan_zoom`] gives the canvas: the view and the handlers that move it.
pub struct PanZoom {
    /// The visible part (the fitted one until the user zooms or pans).
    pub view: ViewBox,
    /// Graph units per screen pixel at this view (for hiding labels that would be tiny).
    pub units_per_pixel: f64,
    pub onwheel: Callback<WheelEvent>,
    pub onpointerdown: Callback<PointerEvent>,
    pub onpointermove: Callback<PointerEvent>,
    /// For `pointerup` and `pointercancel`.
    pub onpointerend: Callback<PointerEvent>,
    pub on_zoom: Callback<Zoom>,
}

/// A press on the canvas that may become a pan.
struct Drag {
    pointer: i32,
    start: (f64, f64),
    from: ViewBox,
    units_per_pixel: f64,
    panning: bool,
}

/// Zoom and pan over the element `canvas` showing a picture whose whole is `fit`. The view
/// goes back to `fit` when `reset_on` changes (a new graph arrived); the canvas is measured
/// when `measure_on` changes (a new picture was drawn).
#[hook]
pub fn use_pan_zoom<R, M>(canvas: NodeRef, fit: ViewBox, reset_on: R, measure_on: M) -> PanZoom
where
    R: PartialEq + 'static,
    M: PartialEq + 'static,
{
    let view = use_state_eq(|| None::<ViewBox>);
    let drag: Rc<RefCell<Option<Drag>>> = use_mut_ref(|| None);
    // The canvas' size in pixels, read once per drawn picture (for label visibility).
    let canvas_px = use_state_eq(|| None::<(f64, f64)>);
    {
        let view = view.clone();
        use_effect_with(reset_on, move |_| view.set(None));
    }
    {
        let (canvas, canvas_px) = (canvas.clone(), canvas_px.clone());
        use_effect_with(measure_on, move |_| {
            // One read of the canvas' size (the browser lays the page out for the coming
            // paint anyway); if it hides the labels, that render happens before the paint too.
            if let Some(el) = canvas.cast::<web_sys::Element>() {
                let r = el.get_bounding_client_rect();
                canvas_px.set(Some((r.width(), r.height())));
            }
        });
    }

    let current = (*view).unwrap_or(fit);
    // Before the canvas was measured, a typical size: a large graph then never paints the
    // hundreds of labels it is about to hide.
    let (w, h) = (*canvas_px).unwrap_or(TYPICAL_CANVAS_PX);
    let size = {
        let canvas = canvas.clone();
        move || -> Option<(f64, f64, f64, f64)> {
            let el = canvas.cast::<web_sys::Element>()?;
            let r = el.get_bounding_client_rect();
            Some((r.left(), r.top(), r.width(), r.height()))
        }
    };

    let onwheel = {
        let (view, size) = (view.clone(), size.clone());
        Callback::from(move |e: WheelEvent| {
            e.prevent_default();
            let Some((left, top, w, h)) = size() else {
                return;
            };
            let pixel = (
                f64::from(e.client_x()) - left,
                f64::from(e.client_y()) - top,
            );
            let at = current.point_at(pixel, w, h);
            let factor = if e.delta_y() > 0.0 {
                ZOOM_STEP
            } else {
                1.0 / ZOOM_STEP
            };
            view.set(Some(current.zoomed(factor, at, fit)));
        })
    };
    let onpointerdown = {
        let drag = drag.clone();
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            let Some((_, _, w, h)) = size() else { return };
            *drag.borrow_mut() = Some(Drag {
                pointer: e.pointer_id(),
                start: (f64::from(e.client_x()), f64::from(e.client_y())),
                from: current,
                units_per_pixel: current.units_per_pixel(w, h),
                panning: false,
            });
        })
    };
    let onpointermove = {
        let (drag, view, canvas) = (drag.clone(), view.clone(), canvas.clone());
        Callback::from(move |e: PointerEvent| {
            let mut state = drag.borrow_mut();
            let Some(d) = state.as_mut().filter(|d| d.pointer == e.pointer_id()) else {
                return;
            };
            let (dx, dy) = (
                f64::from(e.client_x()) - d.start.0,
                f64::from(e.client_y()) - d.start.1,
            );
            if !d.panning {
                if dx.hypot(dy) < DRAG_THRESHOLD {
                    return;
                }
                d.panning = true;
                // From here the canvas gets the pointer: the release is not a click on a node.
                if let Some(el) = canvas.cast::<web_sys::Element>() {
                    let _ = el.set_pointer_capture(d.pointer);
                }
            }
            let s = d.units_per_pixel;
            view.set(Some(ViewBox {
                x: d.from.x - dx * s,
                y: d.from.y - dy * s,
                ..d.from
            }));
        })
    };
    let onpointerend = Callback::from(move |e: PointerEvent| {
        if drag.borrow_mut().take().is_some_and(|d| d.panning)
            && let Some(el) = canvas.cast::<web_sys::Element>()
        {
            let _ = el.release_pointer_capture(e.pointer_id());
        }
    });
    let on_zoom = {
        let view = view.clone();
        Callback::from(move |zoom: Zoom| {
            let next = match zoom {
                Zoom::In => Some(current.zoomed(1.0 / ZOOM_STEP, current.centre(), fit)),
                Zoom::Out => Some(current.zoomed(ZOOM_STEP, current.centre(), fit)),
                Zoom::Fit => None,
            };
            view.set(next);
        })
    };
    PanZoom {
        view: current,
        units_per_pixel: current.units_per_pixel(w, h),
        onwheel,
        onpointerdown,
        onpointermove,
        onpointerend,
        on_zoom,
    }
}
