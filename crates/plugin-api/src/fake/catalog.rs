//! The fake's catalog queries: filtering and text search, sorting and paging, facet counts
//! and the per-kind summary — the store's semantics over an in-memory list.

use std::collections::BTreeMap;

use backlot_model::ipc::CatalogSummary;
use backlot_model::query::{
    EntityFilter, EntityPage, EntityQuery, EntitySummary, FacetCount, Facets, SortField,
};

use super::state::FakeState;

/// Entity counts, by kind lowercased as the store counts them (most first, then by name).
pub(super) fn summary(entities: &[EntitySummary]) -> CatalogSummary {
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    for e in entities {
        *by_kind.entry(e.kind.to_lowercase()).or_default() += 1;
    }
    let mut by_kind: Vec<(String, u64)> = by_kind.into_iter().collect();
    by_kind.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    CatalogSummary {
        total: entities.len() as u64,
        by_kind,
        error_count: 0,
    }
}

/// One page of the entities matching `q`, sorted as asked (then by ref); the cursor is the
/// next offset.
pub(super) fn query(state: &FakeState, q: &EntityQuery) -> EntityPage {
    let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let mut hits: Vec<&EntitySummary> = state
        .entities
        .iter()
        .filter(|e| matches(state, e, &q.filter, text))
        .collect();
    let order = q.order.unwrap_or_default();
    hits.sort_by(|a, b| {
        sort_key(a, order.field)
            .cmp(&sort_key(b, order.field))
            .then(a.entity_ref.cmp(&b.entity_ref))
    });
    if order.descending {
        hits.reverse();
    }
    let limit = if q.limit == 0 { 50 } else { q.limit.min(1000) } as usize;
    let offset: usize = q
        .cursor
        .as_deref()
        .and_then(|c| c.parse().ok())
        .unwrap_or(q.offset as usize);
    let items: Vec<EntitySummary> = hits
        .iter()
        .skip(offset)
        .take(limit)
        .map(|e| (*e).clone())
        .collect();
    let next = offset + items.len();
    EntityPage {
        total: hits.len() as u64,
        next_cursor: (next < hits.len()).then(|| next.to_string()),
        items,
    }
}

/// Value counts per facet over the entities matching `f`, most frequent first; kinds
/// lowercased, as the store reports them.
pub(super) fn facets(state: &FakeState, f: &EntityFilter) -> Facets {
    let mut counts: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for e in state.entities.iter().filter(|e| matches(state, e, f, None)) {
        let mut add = |facet: &str, value: &str| {
            *counts
                .entry(facet.to_string())
                .or_default()
                .entry(value.to_string())
                .or_default() += 1;
        };
        add("kind", &e.kind.to_lowercase());
        add("namespace", &e.namespace);
        e.spec_type
            .as_deref()
            .into_iter()
            .for_each(|v| add("type", v));
        e.owner.as_deref().into_iter().for_each(|v| add("owner", v));
        e.lifecycle
            .as_deref()
            .into_iter()
            .for_each(|v| add("lifecycle", v));
        e.tags.iter().for_each(|v| add("tag", v));
    }
    let facets = counts
        .into_iter()
        .map(|(facet, values)| {
            let mut list: Vec<FacetCount> = values
                .into_iter()
                .map(|(value, count)| FacetCount { value, count })
                .collect();
            list.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
            (facet, list)
        })
        .collect();
    Facets { facets }
}

fn any_eq(wanted: &[String], value: Option<&str>) -> bool {
    wanted.is_empty() || value.is_some_and(|v| wanted.iter().any(|w| w.eq_ignore_ascii_case(v)))
}

fn matches(state: &FakeState, e: &EntitySummary, f: &EntityFilter, text: Option<&str>) -> bool {
    let owned = |user: &str| {
        let user = user.to_lowercase();
        let groups = state.memberships.get(&user);
        e.owner
            .as_ref()
            .is_some_and(|o| *o == user || groups.is_some_and(|g| g.contains(o)))
    };
    (!f.starred || state.stars.contains(&e.entity_ref))
        && f.owned_by.as_deref().is_none_or(owned)
        && (!f.with_errors || state.problems.contains_key(&e.entity_ref))
        && any_eq(&f.kinds, Some(&e.kind))
        && any_eq(&f.types, e.spec_type.as_deref())
        && any_eq(&f.namespaces, Some(&e.namespace))
        && any_eq(&f.owners, e.owner.as_deref())
        && any_eq(&f.lifecycles, e.lifecycle.as_deref())
        && any_eq(&f.systems, e.system.as_deref())
        && (f.tags.is_empty() || e.tags.iter().any(|t| any_eq(&f.tags, Some(t))))
        && text.is_none_or(|t| {
            let t = t.to_lowercase();
            [Some(&e.name), e.title.as_ref(), e.description.as_ref()]
                .into_iter()
                .flatten()
                .any(|s| s.to_lowercase().contains(&t))
                || e.tags.iter().any(|tag| tag.contains(&t))
        })
}

fn sort_key(e: &EntitySummary, field: SortField) -> String {
    let value = match field {
        SortField::Name => Some(&e.name),
        SortField::Kind => Some(&e.kind),
        SortField::Type => e.spec_type.as_ref(),
        SortField::Owner => e.owner.as_ref(),
        SortField::Lifecycle => e.lifecycle.as_ref(),
        SortField::System => e.system.as_ref(),
        SortField::Namespace => Some(&e.namespace),
    };
    value.map(|v| v.to_lowercase()).unwrap_or_default()
}
