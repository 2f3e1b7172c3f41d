//! The relation graph of an entity: an SVG picture of the entities around it, 1 to 3
//! relations away, with relation types to show or hide, arrows in each relation's forward
//! direction, kind icons, zoom and pan; clicking a node opens its entity page.
//!
//! Hiding a relation type filters the loaded graph locally (its edges go, and the nodes only
//! they reached), except when the graph was truncated: then the backend walks the shown types.
//!
//! Rendering stays cheap at hundreds of nodes: the layout ([`layout::layout`]) runs once per
//! graph or type filter change; the static layers are a component that re-renders only when
//! the layout changes; hovering re-renders only the small hover layer; zooming and panning
//! change only the `viewBox` attribute. Performance marks `graph:data` (the answer arrived),
//! `graph:rendered` (laid out and in the DOM) and `graph:painted` (the next frame was
//! painted), and the measures `graph:build` (data → rendered) and `graph:render` (data →
//! painted), are left for the real-window benchmark.

pub mod layout;
mod svg;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use backlot_model::ApiError;
use backlot_model::graph::{EntityGraph, GetEntityGraph};
use backlot_plugin_api::components::{ErrorBanner, Spinner};
use backlot_plugin_api::routing::entity_path;
use backlot_plugin_api::{Icon, IconView, use_shell};
use yew::platform::spawn_local;
use yew::prelude::*;

use layout::{Bounds, visible_subgraph};
use svg::{GraphLayers, HoverLayer, Shared};

/// The depth shown first.
pub const DEFAULT_DEPTH: u8 = 2;
/// Each zoom step.
const ZOOM_STEP: f64 = 1.25;
/// Pointer travel (px) before a press becomes a pan (so clicks stay clicks).
const DRAG_THRESHOLD: f64 = 4.0;
/// Graph units per pixel above which labels (12 units high) are hidden.
const LABELS_HIDDEN_ABOVE: f64 = 2.4;
/// The canvas size (px) assumed until it is measured.
const TYPICAL_CANVAS_PX: (f64, f64) = (960.0, 520.0);

#[derive(Properties, PartialEq)]
pub struct RelationGraphProps {
    /// `kind:namespace/name`.
    pub entity_ref: String,
}

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
        Self { x: b.x, y: b.y, width: b.width.max(1.0), height: b.height.max(1.0) }
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
        format!("{:.1} {:.1} {:.1} {:.1}", self.x, self.y, self.width, self.height)
    }
}

/// A graph as loaded: which request it answers.
struct Loaded {
    ticket: u64,
    depth: u8,
    result: Result<Rc<EntityGraph>, ApiError>,
}

/// What the last unfiltered answer for `(entity_ref, depth)` said: the relation types present
/// (with edge counts) and whether it was truncated.
#[derive(Clone, PartialEq)]
struct Unfiltered {
    key: (String, u8),
    types: BTreeMap<String, usize>,
    truncated: bool,
}

/// The types to ask the backend for: none (all) unless the unfiltered graph was truncated and
/// some types are hidden — then hiding cannot be done locally (what the shown types reach may
/// lie beyond the cut), so the backend walks only the shown ones: Backstage's types and any
/// others seen, minus the hidden.
fn server_filter(unfiltered: Option<&Unfiltered>, hidden: &BTreeSet<String>) -> Vec<String> {
    let Some(u) = unfiltered.filter(|u| u.truncated && !hidden.is_empty()) else { return Vec::new() };
    let all: BTreeSet<String> =
        backlot_model::graph::FORWARD_TYPES.iter().map(|t| t.to_string()).chain(u.types.keys().cloned()).collect();
    all.difference(hidden).cloned().collect()
}

/// A press on the canvas that may become a pan.
struct Drag {
    pointer: i32,
    start: (f64, f64),
    from: ViewBox,
    units_per_pixel: f64,
    panning: bool,
}

#[component(RelationGraph)]
pub fn relation_graph(props: &RelationGraphProps) -> Html {
    let shell = use_shell();
    let depth = use_state_eq(|| DEFAULT_DEPTH);
    let loaded = use_state(|| None::<Loaded>);
    let loading = use_state_eq(|| false);
    let latest = use_mut_ref(|| 0u64);
    let hidden = use_state_eq(BTreeSet::<String>::new);
    let unfiltered = use_state_eq(|| None::<Unfiltered>);
    let view = use_state_eq(|| None::<ViewBox>);
    let hovered = use_state_eq(|| None::<usize>);
    let drag: Rc<RefCell<Option<Drag>>> = use_mut_ref(|| None);
    let canvas = use_node_ref();
    // The canvas' size in pixels, read once per drawn graph (for label visibility).
    let canvas_px = use_state_eq(|| None::<(f64, f64)>);

    let key = (props.entity_ref.clone(), *depth);
    let filter = server_filter((*unfiltered).as_ref().filter(|u| u.key == key), &hidden);
    {
        let (backend, loaded, loading, latest, view, hovered, unfiltered) = (
            shell.backend.clone(),
            loaded.clone(),
            loading.clone(),
            latest.clone(),
            view.clone(),
            hovered.clone(),
            unfiltered.clone(),
        );
        use_effect_with((key.clone(), filter, shell.catalog_version), move |((entity_ref, depth), filter, _)| {
            let (entity_ref, depth, relation_types) = (entity_ref.clone(), *depth, filter.clone());
            let ticket = {
                let mut latest = latest.borrow_mut();
                *latest += 1;
                *latest
            };
            loading.set(true);
            spawn_local(async move {
                let request = GetEntityGraph { relation_types, ..GetEntityGraph::new(entity_ref.clone(), depth) };
                let result = backend.call(request.clone()).await;
                if *latest.borrow() != ticket {
                    return; // a newer request is under way
                }
                crate::perf::mark("graph:data");
                if let (Ok(graph), true) = (&result, request.relation_types.is_empty()) {
                    let mut types = BTreeMap::new();
                    for e in &graph.edges {
                        *types.entry(e.relation_type.clone()).or_default() += 1;
                    }
                    unfiltered.set(Some(Unfiltered { key: (entity_ref, depth), types, truncated: graph.truncated }));
                }
                hovered.set(None);
                view.set(None);
                loaded.set(Some(Loaded { ticket, depth, result: result.map(Rc::new) }));
                loading.set(false);
            });
        });
    }

    // The picture: computed once per answer and type selection.
    let ticket = loaded.as_ref().map_or(0, |l| l.ticket);
    let picture = {
        let loaded = loaded.clone();
        use_memo((ticket, (*hidden).clone()), move |(_, hidden)| {
            let l = loaded.as_ref()?;
            let graph = l.result.as_ref().ok()?;
            let shown = visible_subgraph(graph, hidden, l.depth);
            let placed = layout::layout(&shown);
            Some((Shared(Rc::new(shown)), Shared(Rc::new(placed))))
        })
    };
    {
        let drawn = picture.as_ref().as_ref().map(|(_, l)| l.clone());
        let (canvas, canvas_px) = (canvas.clone(), canvas_px.clone());
        use_effect_with(drawn, move |drawn| {
            if drawn.is_some() {
                // Laid out and in the DOM; painted a frame later.
                crate::perf::mark("graph:rendered");
                crate::perf::measure("graph:build", "graph:data");
                crate::perf::after_paint(|| {
                    crate::perf::mark("graph:painted");
                    crate::perf::measure("graph:render", "graph:data");
                });
            }
            // One read of the canvas' size (the browser lays the page out for the coming paint
            // anyway); if it hides the labels, that render happens before the paint too.
            if let Some(el) = canvas.cast::<web_sys::Element>() {
                let r = el.get_bounding_client_rect();
                canvas_px.set(Some((r.width(), r.height())));
            }
        });
    }

    let on_hover = use_callback(hovered.setter(), |i: Option<usize>, set| set.set(i));
    let on_open = {
        let graph = picture.as_ref().as_ref().map(|(g, _)| g.clone());
        use_callback((shell.navigate.clone(), graph), |i: usize, (navigate, graph)| {
            let Some(node) = graph.as_ref().and_then(|g| g.nodes.get(i).filter(|n| !n.missing && n.entity_ref != g.root)) else {
                return;
            };
            navigate.emit(entity_path(&node.entity_ref));
        })
    };

    let Some(loaded_now) = loaded.as_ref() else { return html! { <Spinner /> } };
    let graph = match &loaded_now.result {
        Ok(graph) => graph.clone(),
        Err(e) => return html! { <div class="relation-graph"><ErrorBanner error={e.clone()} /></div> },
    };
    let Some((shown, placed)) = picture.as_ref().clone() else { return html! { <Spinner /> } };

    let fit = ViewBox::fit(placed.bounds);
    let current = (*view).unwrap_or(fit);
    // Zoomed out so far that labels would be under ~5px: they are hidden (hovering a node
    // still names it in its tooltip), and come back when zooming in.
    // Before the canvas was measured, a typical size: a large graph then never paints the
    // hundreds of labels it is about to hide.
    let (w, h) = (*canvas_px).unwrap_or(TYPICAL_CANVAS_PX);
    let scale = current.units_per_pixel(w, h);
    let far = (scale > LABELS_HIDDEN_ABOVE).then(|| (scale * 10.0).round() / 10.0);
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
            let Some((left, top, w, h)) = size() else { return };
            let at = current.point_at((f64::from(e.client_x()) - left, f64::from(e.client_y()) - top), w, h);
            let factor = if e.delta_y() > 0.0 { ZOOM_STEP } else { 1.0 / ZOOM_STEP };
            view.set(Some(current.zoomed(factor, at, fit)));
        })
    };
    let onpointerdown = {
        let (drag, size) = (drag.clone(), size.clone());
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
            let Some(d) = state.as_mut().filter(|d| d.pointer == e.pointer_id()) else { return };
            let (dx, dy) = (f64::from(e.client_x()) - d.start.0, f64::from(e.client_y()) - d.start.1);
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
            view.set(Some(ViewBox { x: d.from.x - dx * s, y: d.from.y - dy * s, ..d.from }));
        })
    };
    let end_drag = {
        let (drag, canvas) = (drag.clone(), canvas.clone());
        Callback::from(move |e: PointerEvent| {
            if drag.borrow_mut().take().is_some_and(|d| d.panning)
                && let Some(el) = canvas.cast::<web_sys::Element>()
            {
                let _ = el.release_pointer_capture(e.pointer_id());
            }
        })
    };
    let zoom_by = |factor: f64| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(Some(current.zoomed(factor, current.centre(), fit))))
    };
    let reset = {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(None))
    };

    // Types present in the unfiltered graph with their edge counts, and any others the
    // graph shown has (a graph walked with a type filter can reach types the cut one had not).
    let mut types: BTreeMap<&str, usize> = BTreeMap::new();
    if let Some(u) = (*unfiltered).as_ref().filter(|u| u.key == key) {
        types.extend(u.types.iter().map(|(t, n)| (t.as_str(), *n)));
    }
    for e in &graph.edges {
        types.entry(e.relation_type.as_str()).or_insert(0);
    }
    let type_chips = types.into_iter().map(|(t, count)| {
        let off = hidden.contains(t);
        let onclick = {
            let (hidden, t) = (hidden.clone(), t.to_string());
            Callback::from(move |_: MouseEvent| {
                let mut next = (*hidden).clone();
                if !next.remove(&t) {
                    next.insert(t.clone());
                }
                hidden.set(next);
            })
        };
        html! {
            <button type="button" class={classes!("chip", "graph-type", (!off).then_some("selected"))}
                    aria-pressed={(!off).to_string()} data-type={t.to_string()} {onclick}>
                {t}
                if count > 0 { <span class="graph-type-count">{count}</span> }
            </button>
        }
    });
    let depth_buttons = (1..=backlot_model::graph::MAX_DEPTH).map(|d| {
        let onclick = {
            let depth = depth.clone();
            Callback::from(move |_: MouseEvent| depth.set(d))
        };
        html! {
            <button type="button" class={classes!("segment", (*depth == d).then_some("selected"))}
                    aria-pressed={(*depth == d).to_string()} data-depth={d.to_string()} {onclick}>{d}</button>
        }
    });

    html! {
        <div class={classes!("relation-graph", (*loading).then_some("loading"))} data-testid="relation-graph">
            <div class="graph-toolbar">
                <div class="graph-control">
                    <span class="muted small">{"Depth"}</span>
                    <div class="segmented graph-depth" role="group" aria-label="Depth">{ for depth_buttons }</div>
                </div>
                <div class="chips graph-types" role="group" aria-label="Relation types">{ for type_chips }</div>
                <div class="segmented graph-zoom" role="group" aria-label="Zoom">
                    <button type="button" class="segment" data-zoom="out" title="Zoom out" onclick={zoom_by(ZOOM_STEP)}>{"−"}</button>
                    <button type="button" class="segment" data-zoom="in" title="Zoom in" onclick={zoom_by(1.0 / ZOOM_STEP)}>{"+"}</button>
                    <button type="button" class="segment" data-zoom="reset" title="Fit the whole graph" onclick={reset}>{"Fit"}</button>
                </div>
            </div>
            <p class="graph-stats muted small" data-testid="graph-stats">
                {format!("{} nodes · {} edges", shown.nodes.len(), shown.edges.len())}
                if *loading { <span class="graph-loading">{" · loading…"}</span> }
            </p>
            if graph.truncated {
                <div class="banner banner-info graph-truncated" data-testid="graph-truncated">
                    <IconView icon={Icon::Info} />
                    <span class="banner-message">
                        {format!("Truncated at {} nodes: lower the depth or hide relation types to see the rest.", graph.nodes.len())}
                    </span>
                </div>
            }
            <svg ref={canvas} class={classes!("graph-canvas", hovered.is_some().then_some("hovering"), far.is_some().then_some("far"))}
                 viewBox={current.attr()} preserveAspectRatio="xMidYMid meet" role="group"
                 aria-label={format!("Relations around {}", graph.root)}
                 {onwheel} {onpointerdown} {onpointermove} onpointerup={end_drag.clone()} onpointercancel={end_drag}>
                { svg::markers() }
                <GraphLayers graph={shown.clone()} layout={placed.clone()} {on_hover} {on_open} />
                <HoverLayer graph={shown} layout={placed} hovered={*hovered} {far} />
            </svg>
        </div>
    }
}

