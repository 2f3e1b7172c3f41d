//! The relation graph's toolbar: the depth (1 to 3), the relation types to show (each with
//! its number of edges) and the zoom buttons.

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::prelude::*;

use super::view::Zoom;

#[derive(Properties, PartialEq)]
pub struct GraphToolbarProps {
    pub depth: u8,
    pub on_depth: Callback<u8>,
    /// The relation types offered, each with its number of edges (0: not known).
    pub types: Vec<(String, usize)>,
    pub hidden: Rc<BTreeSet<String>>,
    /// Shows a hidden type or hides a shown one.
    pub on_toggle_type: Callback<String>,
    pub on_zoom: Callback<Zoom>,
}

#[component(GraphToolbar)]
pub fn graph_toolbar(props: &GraphToolbarProps) -> Html {
    let depth_buttons = (1..=backlot_model::graph::MAX_DEPTH).map(|d| {
        let selected = props.depth == d;
        html! {
            <button type="button" class={classes!("segment", selected.then_some("selected"))}
                    aria-pressed={selected.to_string()} data-depth={d.to_string()}
                    onclick={props.on_depth.reform(move |_: MouseEvent| d)}>{d}</button>
        }
    });
    let type_chips = props.types.iter().map(|(t, count)| {
        let shown = !props.hidden.contains(t);
        let onclick = {
            let t = t.clone();
            props.on_toggle_type.reform(move |_: MouseEvent| t.clone())
        };
        html! {
            <button type="button" class={classes!("chip", "graph-type", shown.then_some("selected"))}
                    aria-pressed={shown.to_string()} data-type={t.clone()} {onclick}>
                {t}
                if *count > 0 { <span class="graph-type-count">{*count}</span> }
            </button>
        }
    });
    let zoom = |z: Zoom| props.on_zoom.reform(move |_: MouseEvent| z);
    html! {
        <div class="graph-toolbar">
            <div class="graph-control">
                <span class="muted small">{"Depth"}</span>
                <div class="segmented graph-depth" role="group" aria-label="Depth">{ for depth_buttons }</div>
            </div>
            <div class="chips graph-types" role="group" aria-label="Relation types">{ for type_chips }</div>
            <div class="segmented graph-zoom" role="group" aria-label="Zoom">
                <button type="button" class="segment" data-zoom="out" title="Zoom out" onclick={zoom(Zoom::Out)}>{"−"}</button>
                <button type="button" class="segment" data-zoom="in" title="Zoom in" onclick={zoom(Zoom::In)}>{"+"}</button>
                <button type="button" class="segment" data-zoom="reset" title="Fit the whole graph" onclick={zoom(Zoom::Fit)}>{"Fit"}</button>
            </div>
        </div>
    }
}
