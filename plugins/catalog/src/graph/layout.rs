//! Where the relation graph's nodes go: a pure, deterministic radial layout.
//!
//! The root sits in the centre; the nodes `d` relations away sit on ring `d`. Each ring's
//! radius grows with its node count so that neighbours on it are at least [`SPACING`] apart,
//! and rings are far enough apart for the labels, which run outwards along the radius. Around
//! the rings, nodes follow a radial tree: each node gets a sector of the circle proportional
//! to the leaves below it in the breadth-first tree and sits near its middle, so children
//! gather around their parent's direction; a spreading pass then keeps the minimum spacing.
//! Cost: O(n log n + edges), computed once per graph.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::f64::consts::{PI, TAU};

use backlot_model::graph::EntityGraph;

/// Radius of a node's circle.
pub const NODE_R: f64 = 15.0;
/// Least distance between the centres of two neighbours on a ring.
pub const SPACING: f64 = 36.0;
/// Radius of the first ring.
pub const FIRST_RING: f64 = 200.0;
/// Least distance between two rings (a label runs out from the inner one).
pub const RING_GAP: f64 = 220.0;
/// Labels longer than this many characters are cut with an ellipsis.
pub const LABEL_CHARS: usize = 24;
/// Rough width of a label character in the graph's units (12px font).
pub const CHAR_WIDTH: f64 = 6.8;
/// Ring capacity used (the rest is slack for the spreading pass).
const FILL: f64 = 0.75;
/// Where ring angles start: the top.
const START: f64 = -PI / 2.0;

#[derive(Debug, Clone, PartialEq)]
pub struct PlacedNode {
    pub x: f64,
    pub y: f64,
    /// Direction from the centre, radians.
    pub angle: f64,
    pub ring: u8,
    /// Title or name, ellipsized.
    pub label: String,
    /// Rotation of the label (degrees) so that it runs along the radius, never upside down.
    pub label_rotate: f64,
    /// Whether the label is on the left half (drawn right-aligned, towards the centre's side).
    pub label_flipped: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlacedEdge {
    /// Index into the graph's nodes (and the layout's).
    pub from: usize,
    pub to: usize,
    pub relation_type: String,
    /// The line, trimmed to the circles' borders so the arrow head shows.
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// One per graph node, same order.
    pub nodes: Vec<PlacedNode>,
    pub edges: Vec<PlacedEdge>,
    /// Edge indices touching each node.
    pub incident: Vec<Vec<usize>>,
    /// Radius of each ring (ring 0 is the root: 0).
    pub radii: Vec<f64>,
    /// Everything drawn, labels included, with a margin.
    pub bounds: Bounds,
}

/// Title or name, cut to [`LABEL_CHARS`] characters.
pub fn label_of(title: Option<&str>, name: &str) -> String {
    let text = title.filter(|t| !t.trim().is_empty()).unwrap_or(name);
    if text.chars().count() <= LABEL_CHARS {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(LABEL_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

/// The graph as seen with some relation types hidden: the nodes still reachable from the root
/// through the shown types within `max_depth`, their depths recomputed, and the shown edges
/// between them.
pub fn visible_subgraph(
    graph: &EntityGraph,
    hidden: &BTreeSet<String>,
    max_depth: u8,
) -> EntityGraph {
    if hidden.is_empty() {
        return graph.clone();
    }
    let index: HashMap<&str, usize> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.entity_ref.as_str(), i))
        .collect();
    let mut adjacent: Vec<Vec<usize>> = vec![Vec::new(); graph.nodes.len()];
    let shown: Vec<_> = graph
        .edges
        .iter()
        .filter(|e| !hidden.contains(&e.relation_type))
        .collect();
    for e in &shown {
        if let (Some(&a), Some(&b)) = (index.get(e.from.as_str()), index.get(e.to.as_str())) {
            adjacent[a].push(b);
            adjacent[b].push(a);
        }
    }
    let mut depth: Vec<Option<u8>> = vec![None; graph.nodes.len()];
    let Some(&root) = index.get(graph.root.as_str()) else {
        return EntityGraph {
            root: graph.root.clone(),
            ..Default::default()
        };
    };
    depth[root] = Some(0);
    let mut queue = VecDeque::from([root]);
    while let Some(v) = queue.pop_front() {
        let d = depth[v].unwrap_or(0);
        if d >= max_depth {
            continue;
        }
        for &w in &adjacent[v] {
            if depth[w].is_none() {
                depth[w] = Some(d + 1);
                queue.push_back(w);
            }
        }
    }
    let mut nodes: Vec<_> = graph
        .nodes
        .iter()
        .zip(&depth)
        .filter_map(|(n, d)| {
            d.map(|d| backlot_model::graph::GraphNode {
                depth: d,
                ..n.clone()
            })
        })
        .collect();
    nodes.sort_by(|a, b| {
        a.depth
            .cmp(&b.depth)
            .then_with(|| a.entity_ref.cmp(&b.entity_ref))
    });
    let kept: BTreeSet<&str> = nodes.iter().map(|n| n.entity_ref.as_str()).collect();
    let edges = shown
        .into_iter()
        .filter(|e| kept.contains(e.from.as_str()) && kept.contains(e.to.as_str()))
        .cloned()
        .collect();
    EntityGraph {
        root: graph.root.clone(),
        nodes,
        edges,
        truncated: graph.truncated,
    }
}

/// Places every node of `graph` (see the module docs).
pub fn layout(graph: &EntityGraph) -> Layout {
    let n = graph.nodes.len();
    let index: HashMap<&str, usize> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.entity_ref.as_str(), i))
        .collect();
    let root = index.get(graph.root.as_str()).copied().unwrap_or(0);
    let ring_of = |i: usize| {
        if i == root {
            0
        } else {
            graph.nodes[i].depth.max(1)
        }
    };

    // Undirected neighbours, with the relation type, for the tree.
    let mut adjacent: Vec<Vec<(usize, &str)>> = vec![Vec::new(); n];
    let mut edge_ends = Vec::with_capacity(graph.edges.len());
    for e in &graph.edges {
        if let (Some(&a), Some(&b)) = (index.get(e.from.as_str()), index.get(e.to.as_str())) {
            adjacent[a].push((b, e.relation_type.as_str()));
            adjacent[b].push((a, e.relation_type.as_str()));
            edge_ends.push((a, b, e.relation_type.clone()));
        }
    }

    // Breadth-first tree: a node's parent is its first neighbour one ring in.
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut via: Vec<&str> = vec![""; n];
    for i in 0..n {
        if i == root {
            continue;
        }
        let ring = ring_of(i);
        let parent = adjacent[i]
            .iter()
            .filter(|(p, _)| *p != i && ring_of(*p) + 1 == ring)
            .min_by_key(|(p, _)| *p)
            .copied()
            .unwrap_or((root, ""));
        via[i] = parent.1;
        children[parent.0].push(i);
    }
    let labels: Vec<String> = graph
        .nodes
        .iter()
        .map(|g| label_of(g.title.as_deref(), &g.name))
        .collect();
    let sort_key = |i: usize| {
        (
            via[i],
            graph.nodes[i].kind.to_lowercase(),
            labels[i].to_lowercase(),
            i,
        )
    };
    for list in &mut children {
        list.sort_by_key(|&c| sort_key(c));
    }

    // Leaves below each node (a childless node counts one), rings outermost first.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(ring_of(i)), i));
    let mut weight = vec![1.0_f64; n];
    for &v in &order {
        if !children[v].is_empty() {
            weight[v] = children[v].iter().map(|&c| weight[c]).sum();
        }
    }

    // Sectors, from the root outwards.
    let mut desired = vec![START; n];
    let mut queue = VecDeque::from([(root, START, TAU)]);
    while let Some((v, from, span)) = queue.pop_front() {
        desired[v] = from + span / 2.0;
        let total: f64 = children[v].iter().map(|&c| weight[c]).sum();
        let mut at = from;
        for &c in &children[v] {
            let share = if total > 0.0 {
                span * weight[c] / total
            } else {
                0.0
            };
            queue.push_back((c, at, share));
            at += share;
        }
    }

    // Ring radii.
    let rings = (0..n).map(ring_of).max().unwrap_or(0) as usize;
    let mut on_ring: Vec<Vec<usize>> = vec![Vec::new(); rings + 1];
    for i in 0..n {
        on_ring[ring_of(i) as usize].push(i);
    }
    let mut radii = vec![0.0_f64; rings + 1];
    for k in 1..=rings {
        let gap = if k == 1 { FIRST_RING } else { RING_GAP };
        let needed = on_ring[k].len() as f64 * SPACING / (TAU * FILL);
        radii[k] = (radii[k - 1] + gap).max(needed);
    }

    // Angles: desired, spread to the ring's spacing.
    let mut angle = desired.clone();
    angle[root] = START;
    for k in 1..=rings {
        let mut members = on_ring[k].clone();
        members.sort_by(|&a, &b| desired[a].total_cmp(&desired[b]).then(a.cmp(&b)));
        let wanted: Vec<f64> = members.iter().map(|&i| desired[i]).collect();
        // The angle whose chord is SPACING (a chord is shorter than its arc).
        let gap = 2.0 * (SPACING / (2.0 * radii[k])).min(1.0).asin();
        let spread = spread_on_circle(&wanted, gap);
        for (&i, a) in members.iter().zip(spread) {
            angle[i] = a;
        }
    }

    let nodes: Vec<PlacedNode> = (0..n)
        .map(|i| {
            let ring = ring_of(i);
            let r = radii[ring as usize];
            let a = angle[i];
            let (x, y) = if ring == 0 {
                (0.0, 0.0)
            } else {
                (r * a.cos(), r * a.sin())
            };
            let degrees = a.to_degrees();
            let flipped = a.cos() < -1e-9;
            PlacedNode {
                x,
                y,
                angle: a,
                ring,
                label: labels[i].clone(),
                label_rotate: if flipped { degrees + 180.0 } else { degrees },
                label_flipped: flipped,
            }
        })
        .collect();

    let mut incident = vec![Vec::new(); n];
    let edges: Vec<PlacedEdge> = edge_ends
        .into_iter()
        .enumerate()
        .map(|(k, (a, b, relation_type))| {
            incident[a].push(k);
            incident[b].push(k);
            let (pa, pb) = (&nodes[a], &nodes[b]);
            let (dx, dy) = (pb.x - pa.x, pb.y - pa.y);
            let length = (dx * dx + dy * dy).sqrt();
            let (ux, uy) = if length > 2.0 * NODE_R + 4.0 {
                (dx / length, dy / length)
            } else {
                (0.0, 0.0)
            };
            PlacedEdge {
                from: a,
                to: b,
                relation_type,
                x1: pa.x + ux * NODE_R,
                y1: pa.y + uy * NODE_R,
                x2: pb.x - ux * (NODE_R + 1.5),
                y2: pb.y - uy * (NODE_R + 1.5),
            }
        })
        .collect();

    let bounds = bounds_of(&nodes, root);
    Layout {
        nodes,
        edges,
        incident,
        radii,
        bounds,
    }
}

/// Angles for sorted `wanted` angles (within one turn from the first) such that neighbours,
/// the last and the first included, are at least `gap` apart, moved as little as a forward
/// and a backward sweep allow. Falls back to even spacing if they do not fit.
pub fn spread_on_circle(wanted: &[f64], gap: f64) -> Vec<f64> {
    let n = wanted.len();
    if n <= 1 {
        return wanted.to_vec();
    }
    let even = |wanted: &[f64]| -> Vec<f64> {
        let step = TAU / n as f64;
        // Rotate the even spacing to sit on the wanted angles on average.
        let offset = wanted
            .iter()
            .enumerate()
            .map(|(i, a)| a - i as f64 * step)
            .sum::<f64>()
            / n as f64;
        (0..n).map(|i| offset + i as f64 * step).collect()
    };
    if gap * n as f64 >= TAU {
        return even(wanted);
    }
    let mut forward = wanted.to_vec();
    for i in 1..n {
        forward[i] = forward[i].max(forward[i - 1] + gap);
    }
    let mut backward = wanted.to_vec();
    for i in (0..n - 1).rev() {
        backward[i] = backward[i].min(backward[i + 1] - gap);
    }
    let out: Vec<f64> = forward
        .iter()
        .zip(&backward)
        .map(|(f, b)| (f + b) / 2.0)
        .collect();
    if out[n - 1] - out[0] > TAU - gap + 1e-9 {
        return even(wanted);
    }
    out
}

fn bounds_of(nodes: &[PlacedNode], root: usize) -> Bounds {
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (-NODE_R, -NODE_R, NODE_R, NODE_R);
    let mut include = |x: f64, y: f64| {
        min_x = min_x.min(x);
        min_y = min_y.min(y);
        max_x = max_x.max(x);
        max_y = max_y.max(y);
    };
    for (i, p) in nodes.iter().enumerate() {
        include(p.x - NODE_R, p.y - NODE_R);
        include(p.x + NODE_R, p.y + NODE_R);
        let text = p.label.chars().count() as f64 * CHAR_WIDTH;
        if i == root {
            include(p.x - text / 2.0, p.y + NODE_R + 20.0);
            include(p.x + text / 2.0, p.y + NODE_R + 20.0);
        } else {
            let reach = NODE_R + 6.0 + text;
            include(p.x + p.angle.cos() * reach, p.y + p.angle.sin() * reach);
        }
    }
    let margin = 24.0;
    Bounds {
        x: min_x - margin,
        y: min_y - margin,
        width: max_x - min_x + 2.0 * margin,
        height: max_y - min_y + 2.0 * margin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backlot_model::graph::{GraphEdge, GraphNode};
    use wasm_bindgen_test::wasm_bindgen_test;

    fn node(entity_ref: &str, depth: u8) -> GraphNode {
        let name = entity_ref
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        GraphNode {
            entity_ref: entity_ref.into(),
            kind: "Component".into(),
            name,
            title: None,
            depth,
            missing: false,
        }
    }

    fn edge(from: &str, t: &str, to: &str) -> GraphEdge {
        GraphEdge {
            from: from.into(),
            to: to.into(),
            relation_type: t.into(),
        }
    }

    /// A root with `groups` neighbours, each with a varying number of children (a few
    /// hubs and many leaves), and some cross edges: `total` nodes in all.
    fn wide(total: usize, groups: usize) -> EntityGraph {
        let root = "group:default/root".to_string();
        let mut nodes = vec![node(&root, 0)];
        let mut edges = Vec::new();
        for g in 0..groups {
            let r = format!("system:default/s{g:03}");
            nodes.push(node(&r, 1));
            edges.push(edge(&r, "ownedBy", &root));
        }
        let mut seed = 7u64;
        let mut i = 0;
        while nodes.len() < total {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Skewed: half the leaves go to the first system.
            let g = if seed >> 63 == 1 {
                0
            } else {
                ((seed >> 33) as usize) % groups
            };
            let r = format!("component:default/c{i:04}");
            nodes.push(node(&r, 2));
            edges.push(edge(&r, "partOf", &format!("system:default/s{g:03}")));
            if i % 7 == 0 && i > 0 {
                edges.push(edge(
                    &r,
                    "dependsOn",
                    &format!("component:default/c{:04}", i - 1),
                ));
            }
            i += 1;
        }
        nodes.sort_by(|a, b| {
            a.depth
                .cmp(&b.depth)
                .then_with(|| a.entity_ref.cmp(&b.entity_ref))
        });
        EntityGraph {
            root,
            nodes,
            edges,
            truncated: false,
        }
    }

    fn distance(a: &PlacedNode, b: &PlacedNode) -> f64 {
        ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
    }

    #[wasm_bindgen_test]
    fn layout_is_deterministic_and_places_every_node() {
        let g = wide(250, 12);
        let a = layout(&g);
        let b = layout(&g);
        assert_eq!(a, b);
        assert_eq!(a.nodes.len(), 250);
        assert_eq!(a.edges.len(), g.edges.len());
        assert!(a.nodes.iter().all(|p| p.x.is_finite() && p.y.is_finite()));
        assert_eq!((a.nodes[0].x, a.nodes[0].y, a.nodes[0].ring), (0.0, 0.0, 0));
        for (p, n) in a.nodes.iter().zip(&g.nodes) {
            assert_eq!(p.ring, n.depth);
            let r = (p.x * p.x + p.y * p.y).sqrt();
            assert!(
                (r - a.radii[p.ring as usize]).abs() < 1e-6,
                "{} not on its ring",
                n.entity_ref
            );
            let b = a.bounds;
            assert!(
                p.x - NODE_R >= b.x
                    && p.x + NODE_R <= b.x + b.width
                    && p.y - NODE_R >= b.y
                    && p.y + NODE_R <= b.y + b.height
            );
        }
    }

    #[wasm_bindgen_test]
    fn no_two_nodes_overlap_at_250_nodes() {
        for groups in [1, 3, 12, 60] {
            let g = wide(250, groups);
            let l = layout(&g);
            for i in 0..l.nodes.len() {
                for j in i + 1..l.nodes.len() {
                    let (a, b) = (&l.nodes[i], &l.nodes[j]);
                    let d = distance(a, b);
                    let least = if a.ring == b.ring {
                        SPACING - 1e-6
                    } else {
                        2.0 * NODE_R
                    };
                    assert!(
                        d >= least,
                        "groups {groups}: nodes {i} and {j} (ring {}) are {d:.1} apart",
                        a.ring
                    );
                }
            }
        }
    }

    #[wasm_bindgen_test]
    fn rings_grow_to_fit_and_leave_room_for_labels() {
        let l = layout(&wide(250, 3));
        assert_eq!(l.radii.len(), 3);
        assert!(l.radii[1] >= FIRST_RING);
        assert!(l.radii[2] - l.radii[1] >= RING_GAP);
        // 246 nodes on ring 2 need a circumference of at least 246 × SPACING.
        assert!(TAU * l.radii[2] >= 246.0 * SPACING);
        // Small graphs stay small.
        let small = layout(&wide(6, 2));
        assert_eq!(small.radii, vec![0.0, FIRST_RING, FIRST_RING + RING_GAP]);
    }

    #[wasm_bindgen_test]
    fn children_sit_near_their_parent() {
        // 4 systems with 9 components each: each system's quarter of the circle.
        let root = "group:default/root";
        let mut nodes = vec![node(root, 0)];
        let mut edges = Vec::new();
        for s in 0..4 {
            let system = format!("system:default/s{s}");
            nodes.push(node(&system, 1));
            edges.push(edge(&system, "ownedBy", root));
            for c in 0..9 {
                let component = format!("component:default/c{s}-{c}");
                nodes.push(node(&component, 2));
                edges.push(edge(&component, "partOf", &system));
            }
        }
        nodes.sort_by(|a, b| {
            a.depth
                .cmp(&b.depth)
                .then_with(|| a.entity_ref.cmp(&b.entity_ref))
        });
        let g = EntityGraph {
            root: root.into(),
            nodes,
            edges,
            truncated: false,
        };
        let l = layout(&g);
        let index: HashMap<&str, usize> = g
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.entity_ref.as_str(), i))
            .collect();
        // A component is within its system's quarter (±45°, plus a little spreading).
        for e in g.edges.iter().filter(|e| e.relation_type == "partOf") {
            let (c, s) = (
                &l.nodes[index[e.from.as_str()]],
                &l.nodes[index[e.to.as_str()]],
            );
            let mut d = (c.angle - s.angle).rem_euclid(TAU);
            if d > PI {
                d = TAU - d;
            }
            assert!(
                d <= PI / 4.0 + 0.1,
                "{} is {:.0}° from its system",
                e.from,
                d.to_degrees()
            );
        }
    }

    #[wasm_bindgen_test]
    fn edges_are_trimmed_to_the_circles_and_labels_never_upside_down() {
        let g = wide(30, 3);
        let l = layout(&g);
        for e in &l.edges {
            let (a, b) = (&l.nodes[e.from], &l.nodes[e.to]);
            let start = ((e.x1 - a.x).powi(2) + (e.y1 - a.y).powi(2)).sqrt();
            let end = ((e.x2 - b.x).powi(2) + (e.y2 - b.y).powi(2)).sqrt();
            assert!((start - NODE_R).abs() < 1e-6 && end > NODE_R, "{e:?}");
        }
        for p in &l.nodes {
            let r = p.label_rotate.rem_euclid(360.0);
            assert!(
                !(90.0 + 1e-6..270.0 - 1e-6).contains(&r),
                "label rotated {r}°"
            );
        }
        assert_eq!(
            l.incident.iter().map(Vec::len).sum::<usize>(),
            2 * l.edges.len()
        );
    }

    #[wasm_bindgen_test]
    fn spreading_keeps_the_gap_around_the_circle() {
        let wanted = vec![0.0, 0.01, 0.02, 0.03, 3.0, TAU - 0.02];
        let out = spread_on_circle(&wanted, 0.3);
        for w in out.windows(2) {
            assert!(w[1] - w[0] >= 0.3 - 1e-9, "{out:?}");
        }
        assert!(out[0] + TAU - out[5] >= 0.3 - 1e-9, "{out:?}");
        // Too many for the gap: even spacing.
        let out = spread_on_circle(&[0.0; 10], 1.0);
        assert!((out[1] - out[0] - TAU / 10.0).abs() < 1e-9);
    }

    #[wasm_bindgen_test]
    fn labels_are_ellipsized() {
        assert_eq!(label_of(Some("Payments"), "payments"), "Payments");
        assert_eq!(label_of(Some("  "), "payments"), "payments");
        let long = label_of(None, "a-very-long-component-name-indeed");
        assert_eq!(long.chars().count(), LABEL_CHARS);
        assert!(long.ends_with('…'));
    }

    #[wasm_bindgen_test]
    fn hiding_a_type_drops_what_only_it_reached() {
        let g = EntityGraph {
            root: "a:d/root".into(),
            nodes: vec![
                node("a:d/root", 0),
                node("a:d/x", 1),
                node("a:d/y", 1),
                node("a:d/z", 2),
            ],
            edges: vec![
                edge("a:d/x", "ownedBy", "a:d/root"),
                edge("a:d/y", "partOf", "a:d/root"),
                edge("a:d/z", "dependsOn", "a:d/y"),
                edge("a:d/z", "ownedBy", "a:d/x"),
            ],
            truncated: false,
        };
        let hidden: BTreeSet<String> = ["partOf".to_string()].into();
        let v = visible_subgraph(&g, &hidden, 2);
        let refs: Vec<(&str, u8)> = v
            .nodes
            .iter()
            .map(|n| (n.entity_ref.as_str(), n.depth))
            .collect();
        assert_eq!(refs, [("a:d/root", 0), ("a:d/x", 1), ("a:d/z", 2)]);
        assert_eq!(v.edges.len(), 2);
        assert!(v.edges.iter().all(|e| e.relation_type == "ownedBy"));
        // Beyond the depth: z would be at 3 through dependsOn only.
        let hidden: BTreeSet<String> = ["ownedBy".to_string()].into();
        let v = visible_subgraph(&g, &hidden, 1);
        assert_eq!(v.nodes.len(), 2);
        assert_eq!(visible_subgraph(&g, &BTreeSet::new(), 2), g);
    }

    #[wasm_bindgen_test]
    fn layout_time_at_200_and_500_nodes() {
        // Printed for the record (native `cargo test -- --nocapture`); the assertion only
        // guards against a blow-up.
        for total in [200, 500] {
            let g = wide(total, 10);
            let started = instant_ms();
            let runs = 20;
            for _ in 0..runs {
                std::hint::black_box(layout(&g));
            }
            let each = (instant_ms() - started) / runs as f64;
            println!("layout of {total} nodes: {each:.3} ms");
            assert!(each < 100.0, "{each} ms");
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn instant_ms() -> f64 {
        use std::sync::OnceLock;
        static START: OnceLock<std::time::Instant> = OnceLock::new();
        START
            .get_or_init(std::time::Instant::now)
            .elapsed()
            .as_secs_f64()
            * 1000.0
    }

    #[cfg(target_arch = "wasm32")]
    fn instant_ms() -> f64 {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    }
}
