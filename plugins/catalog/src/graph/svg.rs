//! The graph's SVG: the static layers (edges, nodes), drawn once per layout, and the small
//! hover layer drawn over them. Node events are delegated: one handler per layer finds the
//! node from the event target's `data-i`, so no closure is made per node.

use backlot_model::graph::EntityGraph;
use backlot_plugin_api::{Icon, Shared};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::layout::{Layout, NODE_R, SPACING};

pub const ARROW: &str = "graph-arrow";
pub const ARROW_HIGHLIGHT: &str = "graph-arrow-hl";

/// Arrow heads, drawn at the target end of each edge.
pub use backlot_text::html::escape;

pub fn markers() -> Html {
    let marker = |id: &'static str, class: &'static str| {
        html! {
            <marker id={id} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9"
                    markerUnits="userSpaceOnUse" orient="auto-start-reverse">
                <path class={classes!("graph-arrow-head", class)} d="M0 1 10 5 0 9Z" />
            </marker>
        }
    };
    html! { <defs>{ marker(ARROW, "") }{ marker(ARROW_HIGHLIGHT, "hl") }</defs> }
}

/// The index of the node an event happened in.
fn node_index(e: &Event) -> Option<usize> {
    let target: web_sys::Element = e.target()?.dyn_into().ok()?;
    let node = target.closest("[data-i]").ok()??;
    node.get_attribute("data-i")?.parse().ok()
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

#[derive(Properties, PartialEq)]
pub struct LayersProps {
    pub graph: Shared<EntityGraph>,
    pub layout: Shared<Layout>,
    pub on_hover: Callback<Option<usize>>,
    /// A node was clicked (or Enter pressed on it).
    pub on_open: Callback<usize>,
}

/// The edges' markup: a line per edge, arrow at its target, the relation in its tooltip.
pub fn edges_markup(graph: &EntityGraph, layout: &Layout) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(layout.edges.len() * 260);
    for e in &layout.edges {
        let (from, to) = (
            escape(&graph.nodes[e.from].entity_ref),
            escape(&graph.nodes[e.to].entity_ref),
        );
        let t = escape(&e.relation_type);
        let _ = write!(
            out,
            r#"<line class="graph-edge" data-type="{t}" data-from="{from}" data-to="{to}" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" marker-end="url(#{ARROW})"><title>{from} {t} {to}</title></line>"#,
            e.x1, e.y1, e.x2, e.y2
        );
    }
    out
}

/// The nodes' markup: circle, kind icon, label; the root and missing refs marked by class.
pub fn nodes_markup(graph: &EntityGraph, layout: &Layout) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(graph.nodes.len() * 420);
    for (i, (n, p)) in graph.nodes.iter().zip(&layout.nodes).enumerate() {
        let is_root = n.entity_ref == graph.root;
        let openable = !is_root && !n.missing;
        let kind = escape(&n.kind.to_lowercase());
        let r = escape(&n.entity_ref);
        let label = escape(&p.label);
        let class = format!(
            "graph-node kind-{kind}{}{}",
            if is_root { " root" } else { "" },
            if n.missing { " missing" } else { "" }
        );
        let focus = if openable {
            r#" tabindex="0" role="link""#
        } else {
            ""
        };
        let title = if n.missing {
            format!("{r} (not in the catalog)")
        } else {
            r.clone()
        };
        let _ = write!(
            out,
            r#"<g class="{class}" data-i="{i}" data-ref="{r}" transform="translate({:.1} {:.1})"{focus} aria-label="{} {label}"><title>{title}</title><circle r="{NODE_R:.1}"></circle><path class="graph-icon" d="{}" transform="translate(-9 -9) scale(0.75)"></path>"#,
            p.x,
            p.y,
            escape(&n.kind),
            Icon::for_kind(&n.kind).path()
        );
        if is_root {
            let _ = write!(
                out,
                r#"<text class="graph-label" y="{:.1}" text-anchor="middle">{label}</text>"#,
                NODE_R + 17.0
            );
        } else {
            let (x, anchor) = if p.label_flipped {
                (-(NODE_R + 5.0), "end")
            } else {
                (NODE_R + 5.0, "start")
            };
            let _ = write!(
                out,
                r#"<text class="graph-label" transform="rotate({:.2})" x="{x:.1}" dy="0.35em" text-anchor="{anchor}">{label}</text>"#,
                p.label_rotate
            );
        }
        out.push_str("</g>");
    }
    out
}

/// Every edge and node, rendered when the layout changes and never otherwise. Hundreds of
/// nodes are written as one piece of markup per layer (parsed by the browser in one go)
/// instead of thousands of virtual DOM nodes: in a debug build that is the difference between
/// a few and a hundred milliseconds. Every value in it is escaped.
#[component(GraphLayers)]
pub fn graph_layers(props: &LayersProps) -> Html {
    let markup = {
        let (graph, layout) = (props.graph.clone(), props.layout.clone());
        use_memo((graph, layout), |(graph, layout)| {
            (
                AttrValue::from(edges_markup(graph, layout)),
                AttrValue::from(nodes_markup(graph, layout)),
            )
        })
    };
    let onclick = {
        let on_open = props.on_open.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(i) = node_index(&e) {
                on_open.emit(i);
            }
        })
    };
    let onkeydown = {
        let on_open = props.on_open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter"
                && let Some(i) = node_index(&e)
            {
                e.prevent_default();
                on_open.emit(i);
            }
        })
    };
    let onmouseover = {
        let on_hover = props.on_hover.clone();
        Callback::from(move |e: MouseEvent| on_hover.emit(node_index(&e)))
    };
    let onmouseout = {
        let on_hover = props.on_hover.clone();
        Callback::from(move |_: MouseEvent| on_hover.emit(None))
    };
    html! {
        <>
            <g class="graph-edges">{ Html::from_html_unchecked(markup.0.clone()) }</g>
            <g class="graph-nodes" {onclick} {onkeydown} {onmouseover} {onmouseout}>{ Html::from_html_unchecked(markup.1.clone()) }</g>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct HoverProps {
    pub graph: Shared<EntityGraph>,
    pub layout: Shared<Layout>,
    pub hovered: Option<usize>,
    /// Graph units per screen pixel when zoomed out past the labels (they are hidden): the
    /// hovered node and its neighbours are then named at a readable size.
    #[prop_or_default]
    pub far: Option<f64>,
}

/// The hovered node's edges (with their types) and neighbours, over the static layers.
#[component(HoverLayer)]
pub fn hover_layer(props: &HoverProps) -> Html {
    let Some(i) = props.hovered.filter(|&i| i < props.layout.nodes.len()) else {
        return html! { <g class="graph-hover" /> };
    };
    let layout = &props.layout;
    let edges = layout
        .incident
        .get(i)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut ends: Vec<usize> = edges
        .iter()
        .flat_map(|&k| [layout.edges[k].from, layout.edges[k].to])
        .collect();
    ends.push(i);
    ends.sort_unstable();
    ends.dedup();
    html! {
        <g class="graph-hover">
            { for edges.iter().map(|&k| {
                let e = &layout.edges[k];
                html! {
                    <>
                        <line class="graph-edge hl" data-type={e.relation_type.clone()}
                              x1={fmt(e.x1)} y1={fmt(e.y1)} x2={fmt(e.x2)} y2={fmt(e.y2)}
                              marker-end={format!("url(#{ARROW_HIGHLIGHT})")} />
                        <text class="graph-edge-label" x={fmt((e.x1 + e.x2) / 2.0)} y={fmt((e.y1 + e.y2) / 2.0)}
                              text-anchor="middle" dy="-0.4em">{e.relation_type.clone()}</text>
                    </>
                }
            }) }
            { for ends.iter().map(|&n| {
                let p = &layout.nodes[n];
                html! { <circle class={classes!("graph-halo", (n == i).then_some("current"))} cx={fmt(p.x)} cy={fmt(p.y)} r={fmt(NODE_R + 4.0)} /> }
            }) }
            if let Some(scale) = props.far {
                // The hovered node's name above it at a readable size; its neighbours' along
                // their radius like the static labels, no taller than the ring spacing so that
                // neighbours on one ring never overlap.
                { for ends.iter().map(|&n| {
                    let p = &layout.nodes[n];
                    if n == i || p.ring == 0 {
                        html! {
                            <text class={classes!("graph-hover-label", (n == i).then_some("current"))} x={fmt(p.x)}
                                  y={fmt(p.y - NODE_R - 5.0 * scale)} font-size={fmt(12.0 * scale)} text-anchor="middle">{p.label.clone()}</text>
                        }
                    } else {
                        let x = if p.label_flipped { -(NODE_R + 5.0) } else { NODE_R + 5.0 };
                        html! {
                            <text class="graph-hover-label" transform={format!("translate({} {}) rotate({:.2})", fmt(p.x), fmt(p.y), p.label_rotate)}
                                  x={fmt(x)} dy="0.35em" font-size={fmt((12.0 * scale).min(0.8 * SPACING))}
                                  text-anchor={if p.label_flipped { "end" } else { "start" }}>{p.label.clone()}</text>
                        }
                    }
                }) }
            }
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backlot_model::graph::{GraphEdge, GraphNode};
    use wasm_bindgen_test::wasm_bindgen_test;

    fn graph() -> EntityGraph {
        let node = |r: &str, depth, title: Option<&str>, missing| GraphNode {
            entity_ref: r.into(),
            kind: "Component".into(),
            name: r.rsplit('/').next().unwrap_or_default().into(),
            title: title.map(str::to_string),
            depth,
            missing,
        };
        EntityGraph {
            root: "component:default/a".into(),
            nodes: vec![
                node("component:default/a", 0, Some("<script>&\"x\""), false),
                node("component:default/b", 1, None, false),
                node("component:default/gone", 1, None, true),
            ],
            edges: vec![
                GraphEdge {
                    from: "component:default/a".into(),
                    to: "component:default/b".into(),
                    relation_type: "dependsOn".into(),
                },
                GraphEdge {
                    from: "component:default/a".into(),
                    to: "component:default/gone".into(),
                    relation_type: "x\"><y".into(),
                },
            ],
            truncated: false,
        }
    }

    #[wasm_bindgen_test]
    fn markup_escapes_every_value_and_marks_root_and_missing() {
        let g = graph();
        let l = super::super::layout::layout(&g);
        let nodes = nodes_markup(&g, &l);
        let edges = edges_markup(&g, &l);
        assert!(
            !nodes.contains("<script>") && nodes.contains("&lt;script&gt;&amp;&quot;x&quot;"),
            "{nodes}"
        );
        assert!(
            !edges.contains("x\"><y") && edges.contains("x&quot;&gt;&lt;y"),
            "{edges}"
        );
        assert_eq!(nodes.matches("<g ").count(), 3);
        assert_eq!(nodes.matches("</g>").count(), 3);
        assert_eq!(edges.matches("<line ").count(), 2);
        assert!(nodes.contains(r#"class="graph-node kind-component root""#));
        assert!(nodes.contains(r#"class="graph-node kind-component missing""#));
        // Only the openable node is focusable.
        assert_eq!(nodes.matches("tabindex=\"0\"").count(), 1);
        assert!(!nodes.contains("style=") && !edges.contains("style="));
        assert_eq!(escape("a'b"), "a&#39;b");
    }
}
