//! The relation graph of an entity: an SVG picture of the entities around it, 1 to 3
//! relations away, with relation types to show or hide, arrows in each relation's forward
//! direction, kind icons, zoom and pan; clicking a node opens its entity page.
//!
//! The parts: [`data`] (the graph asked of the backend, filtered and laid out), [`view`]
//! (zoom and pan), [`toolbar`] (depth, relation types, zoom buttons), [`svg`] (the picture)
//! and [`layout`] (where the nodes go).
//!
//! Rendering stays cheap at hundreds of nodes: the layout ([`layout::layout`]) runs once per
//! graph or type filter change; the static layers are a component that re-renders only when
//! the layout changes; hovering re-renders only the small hover layer; zooming and panning
//! change only the `viewBox` attribute. Performance marks `graph:data` (the answer arrived),
//! `graph:rendered` (laid out and in the DOM) and `graph:painted` (the next frame was
//! painted), and the measures `graph:build` (data → rendered) and `graph:render` (data →
//! painted), are left for the real-window benchmark.

mod data;
pub mod layout;
mod svg;
mod toolbar;
mod view;

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use backlot_plugin_api::components::{ErrorBanner, Spinner};
use backlot_plugin_api::routing::entity_path;
use backlot_plugin_api::{Icon, IconView, Shared, use_shell};
use yew::prelude::*;

use data::{Picture, use_graph_data};
use layout::{Bounds, Layout};
use svg::{GraphLayers, HoverLayer};
use toolbar::GraphToolbar;
pub use view::ViewBox;
use view::use_pan_zoom;

/// The depth shown first.
pub const DEFAULT_DEPTH: u8 = 2;
/// Graph units per pixel above which labels (12 units high) are hidden.
const LABELS_HIDDEN_ABOVE: f64 = 2.4;

#[derive(Properties, PartialEq)]
pub struct RelationGraphProps {
    /// `kind:namespace/name`.
    pub entity_ref: String,
}

#[component(RelationGraph)]
pub fn relation_graph(props: &RelationGraphProps) -> Html {
    let shell = use_shell();
    let depth = use_state_eq(|| DEFAULT_DEPTH);
    let hidden = use_state_eq(BTreeSet::<String>::new);
    let hovered = use_state_eq(|| None::<usize>);
    let canvas = use_node_ref();
    let data = use_graph_data(&props.entity_ref, *depth, &hidden);
    let drawn = data.picture.as_ref().map(|p| p.layout.clone());
    use_render_marks(drawn.clone());
    let fit = drawn
        .as_ref()
        .map_or(ViewBox::fit(EMPTY), |l| ViewBox::fit(l.bounds));
    let pan_zoom = use_pan_zoom(canvas.clone(), fit, data.answer.clone(), drawn);
    {
        let hovered = hovered.clone();
        use_effect_with(data.answer.clone(), move |_| hovered.set(None));
    }

    let on_hover = use_callback(hovered.setter(), |i: Option<usize>, set| set.set(i));
    let on_open = {
        let graph = data.picture.as_ref().map(|p| p.graph.clone());
        use_callback(
            (shell.navigate.clone(), graph),
            |i: usize, (navigate, graph)| {
                let Some(node) = graph.as_ref().and_then(|g| {
                    g.nodes
                        .get(i)
                        .filter(|n| !n.missing && n.entity_ref != g.root)
                }) else {
                    return;
                };
                navigate.emit(entity_path(&node.entity_ref));
            },
        )
    };
    let on_depth = use_callback(depth.setter(), |d: u8, set| set.set(d));
    let on_toggle_type = {
        let hidden = hidden.clone();
        Callback::from(move |t: String| {
            let mut next = (*hidden).clone();
            if !next.remove(&t) {
                next.insert(t);
            }
            hidden.set(next);
        })
    };

    let Some(answer) = &data.answer else {
        return html! { <Spinner /> };
    };
    let graph = match &*answer.result {
        Ok(graph) => graph,
        Err(e) => {
            return html! { <div class="relation-graph"><ErrorBanner error={e.clone()} /></div> };
        }
    };
    let Some(Picture {
        graph: shown,
        layout: placed,
    }) = data.picture.clone()
    else {
        return html! { <Spinner /> };
    };

    // Zoomed out so far that labels would be under ~5px: they are hidden (hovering a node
    // still names it in its tooltip), and come back when zooming in.
    let scale = pan_zoom.units_per_pixel;
    let far = (scale > LABELS_HIDDEN_ABOVE).then(|| (scale * 10.0).round() / 10.0);

    // Types present in the unfiltered graph with their edge counts, and any others the
    // graph shown has (a graph walked with a type filter can reach types the cut one had not).
    let mut types: BTreeMap<String, usize> = data.unfiltered.map(|u| u.types).unwrap_or_default();
    for e in &graph.edges {
        types.entry(e.relation_type.clone()).or_insert(0);
    }
    let loading = data.loading;

    html! {
        <div class={classes!("relation-graph", loading.then_some("loading"))} data-testid="relation-graph">
            <GraphToolbar depth={*depth} {on_depth} types={types.into_iter().collect::<Vec<_>>()}
                          hidden={Rc::new((*hidden).clone())} {on_toggle_type} on_zoom={pan_zoom.on_zoom} />
            <p class="graph-stats muted small" data-testid="graph-stats">
                {format!("{} nodes · {} edges", shown.nodes.len(), shown.edges.len())}
                if loading { <span class="graph-loading">{" · loading…"}</span> }
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
                 viewBox={pan_zoom.view.attr()} preserveAspectRatio="xMidYMid meet" role="group"
                 aria-label={format!("Relations around {}", graph.root)}
                 onwheel={pan_zoom.onwheel} onpointerdown={pan_zoom.onpointerdown} onpointermove={pan_zoom.onpointermove}
                 onpointerup={pan_zoom.onpointerend.clone()} onpointercancel={pan_zoom.onpointerend}>
                { svg::markers() }
                <GraphLayers graph={shown.clone()} layout={placed.clone()} {on_hover} {on_open} />
                <HoverLayer graph={shown} layout={placed} hovered={*hovered} {far} />
            </svg>
        </div>
    }
}

/// The view of a graph not laid out yet.
const EMPTY: Bounds = Bounds {
    x: 0.0,
    y: 0.0,
    width: 1.0,
    height: 1.0,
};

/// Performance marks for the benchmark each time a new picture is drawn: laid out and in
/// the DOM, then painted a frame later.
#[hook]
fn use_render_marks(drawn: Option<Shared<Layout>>) {
    use_effect_with(drawn, |drawn| {
        if drawn.is_some() {
            crate::perf::mark("graph:rendered");
            crate::perf::measure("graph:build", "graph:data");
            crate::perf::after_paint(|| {
                crate::perf::mark("graph:painted");
                crate::perf::measure("graph:render", "graph:data");
            });
        }
    });
}
