//! The fake's first run and local sources: the onboarding state and adding a folder's (or
//! the demo's) entities as an ingestion would.

use backlot_model::ingest::IngestReport;
use backlot_model::ipc::{CatalogLoaded, LocalSource, OnboardingState};
use backlot_model::query::EntitySummary;

use super::state::FakeState;

pub(super) fn onboarding(state: &FakeState) -> OnboardingState {
    let entity_count = state.entities.len() as u64;
    OnboardingState {
        needed: !state.onboarding_completed && entity_count == 0,
        completed: state.onboarding_completed,
        entity_count,
    }
}

/// Adds the entities not yet in the catalog, as an ingestion of `path` would.
pub(super) fn add_entities(
    state: &mut FakeState,
    path: &str,
    entities: Vec<EntitySummary>,
) -> CatalogLoaded {
    let count = entities.len() as u64;
    let mut added = 0;
    for e in entities {
        if !state
            .entities
            .iter()
            .any(|known| known.entity_ref == e.entity_ref)
        {
            state.entities.push(e);
            added += 1;
        }
    }
    CatalogLoaded {
        source: LocalSource {
            path: path.to_string(),
            entity_count: count,
            error_count: 0,
            ingested_at_ms: 0,
            globs: Vec::new(),
        },
        report: IngestReport {
            added,
            unchanged: count - added,
            ..Default::default()
        },
        total: state.entities.len() as u64,
    }
}
