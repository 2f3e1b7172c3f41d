//! The relation graph's data: [`use_graph_data`] asks the backend for the graph around an
//! entity (again when the entity, the depth or the catalog changes; an older request's
//! answer never replaces a newer one's) and lays out the part the relation type filter
//! leaves, once per answer and filter.
//!
//! Hiding a relation type filters the loaded graph locally (its edges go, and the nodes only
//! they reached), except when the graph was truncated: then the backend walks the shown types.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use backlot_model::ApiError;
use backlot_model::graph::{EntityGraph, GetEntityGraph};
use backlot_plugin_api::{Shared, use_command, use_shell};
use yew::prelude::*;

use super::layout::{self, Layout, visible_subgraph};
use crate::perf;

/// What the last unfiltered answer for `(entity_ref, depth)` said: the relation types present
/// (with edge counts) and whether it was truncated.
#[derive(Clone, PartialEq)]
pub struct Unfiltered {
    key: (String, u8),
    pub types: BTreeMap<String, usize>,
    truncated: bool,
}

/// The types to ask the backend for: none (all) unless the unfiltered graph was truncated and
/// some types are hidden — then hiding cannot be done locally (what the shown types reach may
/// lie beyond the cut), so the backend walks only the shown ones: Backstage's types and any
/// others seen, minus the hidden.
fn server_filter(unfiltered: Option<&Unfiltered>, hidden: &BTreeSet<String>) -> Vec<String> {
    let Some(u) = unfiltered.filter(|u| u.truncated && !hidden.is_empty()) else {
        return Vec::new();
    };
    let all: BTreeSet<String> = backlot_model::graph::FORWARD_TYPES
        .iter()
        .map(|t| t.to_string())
        .chain(u.types.keys().cloned())
        .collect();
    all.difference(hidden).cloned().collect()
}

/// An answer of the backend, with the depth it was asked for. Equal when it is the same
/// answer (compared by allocation, not graph by graph).
#[derive(Clone, PartialEq)]
pub struct Answer {
    pub depth: u8,
    pub result: Shared<Result<EntityGraph, ApiError>>,
}

/// The part of the graph shown (the hidden relation types filtered out) and where its nodes go.
#[derive(Clone, PartialEq)]
pub struct Picture {
    pub graph: Shared<EntityGraph>,
    pub layout: Shared<Layout>,
}

/// What [`use_graph_data`] gives the graph.
pub struct GraphData {
    /// The latest answer (kept while a newer request runs).
    pub answer: Option<Answer>,
    /// Whether a request is under way.
    pub loading: bool,
    /// The unfiltered graph's relation types for this entity and depth, once known.
    pub unfiltered: Option<Unfiltered>,
    /// The latest answer's graph without the `hidden` types, laid out.
    pub picture: Option<Picture>,
}

/// The graph `depth` relations around `entity_ref`, without the relation types in `hidden`.
#[hook]
pub fn use_graph_data(entity_ref: &str, depth: u8, hidden: &BTreeSet<String>) -> GraphData {
    let shell = use_shell();
    let unfiltered = use_state_eq(|| None::<Unfiltered>);
    let key = (entity_ref.to_string(), depth);
    let known = (*unfiltered).clone().filter(|u| u.key == key);
    let filter = server_filter(known.as_ref(), hidden);
    let graph = use_command(
        (key, filter, shell.catalog_version),
        |((entity_ref, depth), relation_types, _)| GetEntityGraph {
            relation_types: relation_types.clone(),
            ..GetEntityGraph::new(entity_ref.clone(), *depth)
        },
    );
    let answer = graph
        .shared()
        .zip(graph.answered_for())
        .map(|(result, ((_, depth), _, _))| Answer {
            depth: *depth,
            result,
        });
    // The answer is in (marked when it is first rendered).
    use_memo(answer.clone(), |answer| {
        if answer.is_some() {
            perf::mark("graph:data");
        }
    });
    // An unfiltered answer tells which relation types the graph has, and whether it was cut.
    {
        let unfiltered = unfiltered.clone();
        let asked = graph
            .answered_for()
            .map(|(key, filter, _)| (key.clone(), filter.is_empty()));
        use_effect_with(answer.clone(), move |answer| {
            let graph = answer.as_ref().and_then(|a| (*a.result).as_ref().ok());
            if let (Some(graph), Some((key, true))) = (graph, asked) {
                let mut types = BTreeMap::new();
                for e in &graph.edges {
                    *types.entry(e.relation_type.clone()).or_default() += 1;
                }
                unfiltered.set(Some(Unfiltered {
                    key,
                    types,
                    truncated: graph.truncated,
                }));
            }
        });
    }
    let picture = use_memo((answer.clone(), hidden.clone()), |(answer, hidden)| {
        let answer = answer.as_ref()?;
        let graph = (*answer.result).as_ref().ok()?;
        let shown = visible_subgraph(graph, hidden, answer.depth);
        let placed = layout::layout(&shown);
        Some(Picture {
            graph: Shared(Rc::new(shown)),
            layout: Shared(Rc::new(placed)),
        })
    });
    GraphData {
        answer,
        loading: graph.loading(),
        unfiltered: known,
        picture: (*picture).clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn hidden(types: &[&str]) -> BTreeSet<String> {
        types.iter().map(|t| t.to_string()).collect()
    }

    #[wasm_bindgen_test]
    fn only_a_truncated_graph_is_filtered_by_the_backend() {
        let mut known = Unfiltered {
            key: ("component:default/web".into(), 2),
            types: [("ownedBy".to_string(), 3), ("x-custom".to_string(), 1)].into(),
            truncated: false,
        };
        assert!(
            server_filter(Some(&known), &hidden(&["ownedBy"])).is_empty(),
            "filtered locally"
        );
        known.truncated = true;
        assert!(
            server_filter(Some(&known), &hidden(&[])).is_empty(),
            "nothing hidden: all types"
        );
        assert!(
            server_filter(None, &hidden(&["ownedBy"])).is_empty(),
            "not known yet"
        );
        let asked = server_filter(Some(&known), &hidden(&["ownedBy"]));
        assert!(!asked.contains(&"ownedBy".to_string()));
        assert!(
            asked.contains(&"x-custom".to_string()) && asked.contains(&"partOf".to_string()),
            "{asked:?}"
        );
    }
}
