//! The fake's entity pages, stars and relation graph.

use backlot_model::ApiError;
use backlot_model::EntityRef;
use backlot_model::entity::{Entity, EntityMetadata, EntityRelation};
use backlot_model::graph::{EntityGraph, GetEntityGraph, NodeInfo, walk};
use backlot_model::ingest::EntityDetails;
use backlot_model::ipc::{EntityView, StarredEntities};
use backlot_model::relations::Relation;

use super::state::FakeState;

/// The page of `entity_ref`: the one the test set up, or one made from its summary (spec
/// fields, owner and system relations, the related summaries).
pub(super) fn entity_view(state: &FakeState, entity_ref: &str) -> Result<EntityView, ApiError> {
    let key = entity_ref.to_lowercase();
    if let Some(view) = state.views.get(&key) {
        return Ok(EntityView {
            starred: state.stars.contains(&key),
            ..view.clone()
        });
    }
    let summary = state
        .entities
        .iter()
        .find(|e| e.entity_ref == key)
        .ok_or_else(|| ApiError::not_found(format!("no entity {entity_ref} in the catalog")))?;
    let mut spec = serde_json::Map::new();
    for (field, value) in [
        ("type", &summary.spec_type),
        ("owner", &summary.owner),
        ("lifecycle", &summary.lifecycle),
        ("system", &summary.system),
    ] {
        if let Some(v) = value {
            spec.insert(field.into(), v.clone().into());
        }
    }
    let relations: Vec<EntityRelation> = [("ownedBy", &summary.owner), ("partOf", &summary.system)]
        .into_iter()
        .filter_map(|(t, target)| {
            target.as_ref().map(|r| EntityRelation {
                relation_type: t.into(),
                target_ref: r.clone(),
            })
        })
        .collect();
    let related = state
        .entities
        .iter()
        .filter(|e| relations.iter().any(|r| r.target_ref == e.entity_ref))
        .cloned()
        .collect();
    let entity = Entity {
        api_version: "backstage.io/v1alpha1".into(),
        kind: summary.kind.clone(),
        metadata: EntityMetadata {
            name: summary.name.clone(),
            namespace: Some(summary.namespace.clone()),
            title: summary.title.clone(),
            description: summary.description.clone(),
            tags: summary.tags.clone(),
            ..Default::default()
        },
        spec: Some(spec),
        relations,
        status: None,
    };
    Ok(EntityView {
        details: EntityDetails { entity, related },
        from_team: false,
        shadowed_team_copy: None,
        problems: state.problems.get(&key).cloned().unwrap_or_default(),
        starred: state.stars.contains(&key),
    })
}

/// The starred entities, newest first; stars whose entity is gone are `missing`.
pub(super) fn starred(state: &FakeState) -> StarredEntities {
    let (mut items, mut missing) = (Vec::new(), Vec::new());
    for r in state.stars.iter().rev() {
        match state.find(r) {
            Some(e) => items.push(e),
            None => missing.push(r.clone()),
        }
    }
    StarredEntities { items, missing }
}

/// The relation graph over the fake's relations, walked as the store walks its table.
pub(super) fn entity_graph(
    state: &FakeState,
    request: &GetEntityGraph,
) -> Result<EntityGraph, ApiError> {
    let root = EntityRef::parse(request.entity_ref.trim(), None, "default")
        .map_err(|e| ApiError::invalid_input(e.to_string()))?
        .key();
    let info = |key: &str| -> Option<NodeInfo> {
        if let Some(v) = state.views.get(key) {
            let m = &v.details.entity.metadata;
            return Some(NodeInfo {
                entity_ref: key.into(),
                kind: v.details.entity.kind.clone(),
                name: m.name.clone(),
                title: m.title.clone(),
            });
        }
        let s = state.entities.iter().find(|e| e.entity_ref == key)?;
        Some(NodeInfo {
            entity_ref: key.into(),
            kind: s.kind.clone(),
            name: s.name.clone(),
            title: s.title.clone(),
        })
    };
    if info(&root).is_none() {
        return Err(ApiError::not_found(format!(
            "no entity {root} in the catalog"
        )));
    }
    let all = all_relations(state);
    walk(
        &root,
        request,
        |refs| {
            Ok(all
                .iter()
                .filter(|r| refs.contains(&r.source_ref) || refs.contains(&r.target_ref))
                .cloned()
                .collect())
        },
        |refs| Ok(refs.iter().filter_map(|r| info(r)).collect()),
    )
}

/// The test's relations, the summaries' owner and system, and the entity views' relations.
fn all_relations(state: &FakeState) -> Vec<Relation> {
    let mut all: Vec<Relation> = state.relations.clone();
    for s in &state.entities {
        for (t, target) in [("ownedBy", &s.owner), ("partOf", &s.system)] {
            if let Some(target) = target {
                all.push(Relation {
                    source_ref: s.entity_ref.clone(),
                    relation_type: t.into(),
                    target_ref: target.clone(),
                });
            }
        }
    }
    for (key, v) in &state.views {
        all.extend(v.details.entity.relations.iter().map(|r| Relation {
            source_ref: key.clone(),
            relation_type: r.relation_type.clone(),
            target_ref: r.target_ref.clone(),
        }));
    }
    all
}
