//! The relation graph around one entity: the `entity_graph` command's request and answer, and
//! the breadth-first walk both the store and the UI's fake backend run over their relations.
//!
//! Relations are stored (and served) in both directions — `A ownedBy B` is also `B ownerOf A`.
//! The graph shows each pair once, as one edge in its *forward* direction with the forward
//! type ([`FORWARD_TYPES`]: `ownedBy`, `partOf`, `providesApi`, `consumesApi`, `dependsOn`,
//! `memberOf`, `childOf`), so that arrows point one way: from the part to the whole, the owned
//! to the owner, the member to the group, the child to the parent.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::entity_ref::EntityRef;
use crate::relations::{self, Relation};

/// Deepest walk a request may ask for.
pub const MAX_DEPTH: u8 = 3;
/// Nodes returned when the request says 0.
pub const DEFAULT_MAX_NODES: u32 = 500;
/// Most nodes a request may ask for.
pub const MAX_NODES_LIMIT: u32 = 5000;

/// The relation type each pair is drawn with (see the module docs).
pub const FORWARD_TYPES: [&str; 7] = [
    relations::OWNED_BY,
    relations::PART_OF,
    relations::PROVIDES_API,
    relations::CONSUMES_API,
    relations::DEPENDS_ON,
    relations::MEMBER_OF,
    relations::CHILD_OF,
];

/// The entities around `entity_ref` up to `depth` relations away, following relations in both
/// directions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetEntityGraph {
    /// `kind:[namespace/]name` (any case).
    pub entity_ref: String,
    /// 1 to 3; other values are clamped.
    #[serde(default)]
    pub depth: u8,
    /// Relation types to follow, by either direction's name (`ownedBy` or `ownerOf` mean the
    /// same pair); empty means all.
    #[serde(default)]
    pub relation_types: Vec<String>,
    /// Most nodes to return (the root included); 0 means [`DEFAULT_MAX_NODES`]. Capped at
    /// [`MAX_NODES_LIMIT`].
    #[serde(default)]
    pub max_nodes: u32,
}

impl GetEntityGraph {
    pub fn new(entity_ref: impl Into<String>, depth: u8) -> Self {
        Self {
            entity_ref: entity_ref.into(),
            depth,
            ..Default::default()
        }
    }

    /// The depth walked: `depth` clamped to `1..=MAX_DEPTH`.
    pub fn effective_depth(&self) -> u8 {
        self.depth.clamp(1, MAX_DEPTH)
    }

    /// The node cap applied.
    pub fn effective_max_nodes(&self) -> usize {
        match self.max_nodes {
            0 => DEFAULT_MAX_NODES as usize,
            n => n.min(MAX_NODES_LIMIT) as usize,
        }
    }

    /// The forward types to follow, `None` for all.
    pub fn type_filter(&self) -> Option<BTreeSet<String>> {
        let types: BTreeSet<String> = self
            .relation_types
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .map(|t| forward_type(t).0.to_string())
            .collect();
        (!types.is_empty()).then_some(types)
    }

    /// Every stored name of the followed types (both directions), `None` for all: what a
    /// store filters its rows on.
    pub fn stored_type_names(&self) -> Option<Vec<String>> {
        let filter = self.type_filter()?;
        let mut names = BTreeSet::new();
        for t in filter {
            if let Some(inverse) = relations::inverse(&t) {
                names.insert(inverse.to_string());
            }
            names.insert(t);
        }
        Some(names.into_iter().collect())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EntityGraph {
    /// The root's lowercased ref.
    pub root: String,
    /// The root first, then by depth and ref.
    pub nodes: Vec<GraphNode>,
    /// One edge per related pair and type, forward, sorted.
    pub edges: Vec<GraphEdge>,
    /// Whether nodes were left out because of `max_nodes`.
    pub truncated: bool,
}

impl EntityGraph {
    /// The relation types of the edges, sorted, each once.
    pub fn relation_types(&self) -> Vec<String> {
        let types: BTreeSet<&str> = self
            .edges
            .iter()
            .map(|e| e.relation_type.as_str())
            .collect();
        types.into_iter().map(str::to_string).collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GraphNode {
    /// Lowercased `kind:namespace/name`.
    pub entity_ref: String,
    /// As written in the descriptor (`Component`); from the ref (lowercased) when missing.
    pub kind: String,
    pub name: String,
    pub title: Option<String>,
    /// Relations between the root and this node (0 for the root).
    pub depth: u8,
    /// A reference to an entity that is not in the catalog.
    pub missing: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GraphEdge {
    pub from: String,
    pub to: String,
    /// The forward type (`ownedBy`, not `ownerOf`).
    pub relation_type: String,
}

/// The forward name of a relation type and whether the stored direction is its reverse:
/// `ownerOf` → (`ownedBy`, true). Types outside Backstage's pairs are kept as they are.
pub fn forward_type(relation_type: &str) -> (&str, bool) {
    if FORWARD_TYPES.contains(&relation_type) {
        return (relation_type, false);
    }
    match relations::inverse(relation_type) {
        Some(forward) if FORWARD_TYPES.contains(&forward) => (forward, true),
        _ => (relation_type, false),
    }
}

/// A stored relation as a graph edge: forward type, arrow in the forward direction.
pub fn forward_edge(relation: &Relation) -> GraphEdge {
    let (relation_type, reversed) = forward_type(&relation.relation_type);
    let (from, to) = if reversed {
        (&relation.target_ref, &relation.source_ref)
    } else {
        (&relation.source_ref, &relation.target_ref)
    };
    GraphEdge {
        from: from.clone(),
        to: to.clone(),
        relation_type: relation_type.to_string(),
    }
}

/// What a source knows of an entity it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeInfo {
    pub entity_ref: String,
    pub kind: String,
    pub name: String,
    pub title: Option<String>,
}

/// Walks the relations around `root` (a lowercased ref the caller checked exists) breadth
/// first, one batch per level:
/// - `touching(refs)` returns every stored relation whose source or target is one of `refs`
///   (either direction's rows; duplicates are fine);
/// - `describe(refs)` returns what the source holds of those refs; refs it does not return are
///   dangling (`missing`).
///
/// Nodes are admitted level by level in ref order until `max_nodes` (then `truncated`); edges
/// are kept between admitted nodes only, including edges between nodes of the last level.
pub fn walk<E>(
    root: &str,
    request: &GetEntityGraph,
    mut touching: impl FnMut(&[String]) -> Result<Vec<Relation>, E>,
    describe: impl FnOnce(&[String]) -> Result<Vec<NodeInfo>, E>,
) -> Result<EntityGraph, E> {
    let depth = request.effective_depth();
    let max_nodes = request.effective_max_nodes().max(1);
    let filter = request.type_filter();
    let mut depth_of: HashMap<String, u8> = HashMap::new();
    let mut order: Vec<String> = vec![root.to_string()];
    depth_of.insert(root.to_string(), 0);
    let mut edges: BTreeSet<GraphEdge> = BTreeSet::new();
    let mut truncated = false;
    let mut frontier = vec![root.to_string()];
    let mut level = 0u8;
    while !frontier.is_empty() {
        let mut candidates = Vec::new();
        let mut next: BTreeSet<String> = BTreeSet::new();
        for relation in touching(&frontier)? {
            let edge = forward_edge(&relation);
            if edge.from == edge.to
                || filter
                    .as_ref()
                    .is_some_and(|f| !f.contains(&edge.relation_type))
            {
                continue;
            }
            if level < depth {
                for end in [&edge.from, &edge.to] {
                    if !depth_of.contains_key(end) {
                        next.insert(end.clone());
                    }
                }
            }
            candidates.push(edge);
        }
        let mut admitted = Vec::new();
        for node in next {
            if order.len() < max_nodes {
                depth_of.insert(node.clone(), level + 1);
                order.push(node.clone());
                admitted.push(node);
            } else {
                truncated = true;
            }
        }
        edges.extend(
            candidates
                .into_iter()
                .filter(|e| depth_of.contains_key(&e.from) && depth_of.contains_key(&e.to)),
        );
        frontier = admitted;
        level += 1;
        if level > depth {
            break;
        }
    }
    let mut info: BTreeMap<String, NodeInfo> = describe(&order)?
        .into_iter()
        .map(|n| (n.entity_ref.clone(), n))
        .collect();
    let nodes = order
        .into_iter()
        .map(|entity_ref| {
            let depth = depth_of.get(&entity_ref).copied().unwrap_or(0);
            match info.remove(&entity_ref) {
                Some(n) => GraphNode {
                    entity_ref,
                    kind: n.kind,
                    name: n.name,
                    title: n.title,
                    depth,
                    missing: false,
                },
                None => {
                    let (kind, name) = match EntityRef::parse(&entity_ref, None, "default") {
                        Ok(r) => (r.kind, r.name),
                        Err(_) => (String::new(), entity_ref.clone()),
                    };
                    GraphNode {
                        entity_ref,
                        kind,
                        name,
                        title: None,
                        depth,
                        missing: true,
                    }
                }
            }
        })
        .collect();
    Ok(EntityGraph {
        root: root.to_string(),
        nodes,
        edges: edges.into_iter().collect(),
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(s: &str, t: &str, d: &str) -> Relation {
        Relation {
            source_ref: s.into(),
            relation_type: t.into(),
            target_ref: d.into(),
        }
    }

    /// An in-memory source: relations stored as given; entities are every ref not starting
    /// with `x:` (those are dangling).
    fn run(all: &[Relation], request: &GetEntityGraph) -> (EntityGraph, usize) {
        let mut batches = 0;
        let g = walk::<()>(
            &request.entity_ref,
            request,
            |refs| {
                batches += 1;
                Ok(all
                    .iter()
                    .filter(|r| refs.contains(&r.source_ref) || refs.contains(&r.target_ref))
                    .cloned()
                    .collect())
            },
            |refs| {
                Ok(refs
                    .iter()
                    .filter(|r| !r.starts_with("x:"))
                    .map(|r| NodeInfo {
                        entity_ref: r.clone(),
                        kind: "Component".into(),
                        name: r.rsplit('/').next().unwrap_or_default().into(),
                        title: None,
                    })
                    .collect())
            },
        )
        .unwrap();
        (g, batches)
    }

    fn catalog() -> Vec<Relation> {
        vec![
            // both directions stored, as a team backend serves them
            rel("component:default/a", "ownedBy", "group:default/t"),
            rel("group:default/t", "ownerOf", "component:default/a"),
            // one direction only, as local files store them
            rel("component:default/b", "ownedBy", "group:default/t"),
            rel("component:default/a", "partOf", "system:default/s"),
            rel("system:default/s", "hasPart", "component:default/c"),
            rel("component:default/c", "dependsOn", "x:default/gone"),
            rel("group:default/t", "childOf", "group:default/root"),
            rel("component:default/b", "dependsOn", "component:default/c"),
        ]
    }

    fn refs(g: &EntityGraph) -> Vec<(&str, u8)> {
        g.nodes
            .iter()
            .map(|n| (n.entity_ref.as_str(), n.depth))
            .collect()
    }

    #[test]
    fn forward_types_flip_the_inverse_names() {
        assert_eq!(forward_type("ownerOf"), ("ownedBy", true));
        assert_eq!(forward_type("ownedBy"), ("ownedBy", false));
        assert_eq!(forward_type("parentOf"), ("childOf", true));
        assert_eq!(forward_type("apiProvidedBy"), ("providesApi", true));
        assert_eq!(forward_type("likes"), ("likes", false));
        let e = forward_edge(&rel("group:default/t", "ownerOf", "component:default/a"));
        assert_eq!(
            (e.from.as_str(), e.to.as_str(), e.relation_type.as_str()),
            ("component:default/a", "group:default/t", "ownedBy")
        );
        for t in relations::RELATION_TYPES {
            assert!(FORWARD_TYPES.contains(&forward_type(t).0), "{t}");
        }
    }

    #[test]
    fn depth_one_is_the_direct_neighbours_with_one_edge_per_pair() {
        let (g, batches) = run(&catalog(), &GetEntityGraph::new("component:default/a", 1));
        assert_eq!(
            refs(&g),
            [
                ("component:default/a", 0),
                ("group:default/t", 1),
                ("system:default/s", 1)
            ]
        );
        let edges: Vec<(&str, &str, &str)> = g
            .edges
            .iter()
            .map(|e| (e.from.as_str(), e.relation_type.as_str(), e.to.as_str()))
            .collect();
        assert_eq!(
            edges,
            [
                ("component:default/a", "ownedBy", "group:default/t"),
                ("component:default/a", "partOf", "system:default/s")
            ]
        );
        assert!(!g.truncated);
        assert_eq!(
            batches, 2,
            "one batch per level, plus the last level's edges"
        );
    }

    #[test]
    fn depth_two_follows_both_directions_and_marks_dangling_refs() {
        let (g, _) = run(&catalog(), &GetEntityGraph::new("component:default/a", 2));
        assert_eq!(
            refs(&g),
            [
                ("component:default/a", 0),
                ("group:default/t", 1),
                ("system:default/s", 1),
                ("component:default/b", 2),
                ("component:default/c", 2),
                ("group:default/root", 2),
            ]
        );
        // b → c joins two nodes of the last level.
        assert!(
            g.edges
                .iter()
                .any(|e| e.from == "component:default/b" && e.to == "component:default/c")
        );
        assert!(
            g.edges
                .iter()
                .all(|e| e.relation_type != "ownerOf" && e.relation_type != "hasPart")
        );
        let (g3, _) = run(&catalog(), &GetEntityGraph::new("component:default/a", 3));
        let gone = g3
            .nodes
            .iter()
            .find(|n| n.entity_ref == "x:default/gone")
            .unwrap();
        assert!(gone.missing && gone.depth == 3 && gone.name == "gone" && gone.kind == "x");
        // depth is clamped
        let (g9, _) = run(&catalog(), &GetEntityGraph::new("component:default/a", 9));
        assert_eq!(g9, g3);
        let (g0, _) = run(&catalog(), &GetEntityGraph::new("component:default/a", 0));
        assert_eq!(g0.nodes.len(), 3);
    }

    #[test]
    fn type_filter_accepts_either_name() {
        for name in ["ownerOf", "ownedBy"] {
            let request = GetEntityGraph {
                relation_types: vec![name.into()],
                ..GetEntityGraph::new("component:default/a", 3)
            };
            let (g, _) = run(&catalog(), &request);
            assert_eq!(
                refs(&g),
                [
                    ("component:default/a", 0),
                    ("group:default/t", 1),
                    ("component:default/b", 2)
                ]
            );
            assert!(g.edges.iter().all(|e| e.relation_type == "ownedBy"));
        }
        let request = GetEntityGraph {
            relation_types: vec!["hasPart".into()],
            ..Default::default()
        };
        assert_eq!(request.stored_type_names().unwrap(), ["hasPart", "partOf"]);
        assert_eq!(GetEntityGraph::default().stored_type_names(), None);
    }

    #[test]
    fn truncation_keeps_the_first_nodes_in_ref_order() {
        let request = GetEntityGraph {
            max_nodes: 2,
            ..GetEntityGraph::new("component:default/a", 3)
        };
        let (g, _) = run(&catalog(), &request);
        assert!(g.truncated);
        assert_eq!(
            refs(&g),
            [("component:default/a", 0), ("group:default/t", 1)]
        );
        assert_eq!(g.edges.len(), 1);
        assert_eq!(GetEntityGraph::default().effective_max_nodes(), 500);
        assert_eq!(
            GetEntityGraph {
                max_nodes: 1_000_000,
                ..Default::default()
            }
            .effective_max_nodes(),
            5000
        );
    }

    #[test]
    fn request_defaults_and_camel_case() {
        let r: GetEntityGraph =
            serde_json::from_value(serde_json::json!({"entityRef": "component:a"})).unwrap();
        assert_eq!((r.depth, r.max_nodes, r.relation_types.len()), (0, 0, 0));
        let g = EntityGraph {
            root: "a".into(),
            nodes: vec![GraphNode {
                entity_ref: "a".into(),
                ..Default::default()
            }],
            edges: vec![GraphEdge {
                from: "a".into(),
                to: "b".into(),
                relation_type: "ownedBy".into(),
            }],
            truncated: false,
        };
        let json = serde_json::to_value(&g).unwrap();
        assert_eq!(json["nodes"][0]["entityRef"], "a");
        assert_eq!(json["edges"][0]["relationType"], "ownedBy");
        assert_eq!(g.relation_types(), ["ownedBy"]);
    }
}
