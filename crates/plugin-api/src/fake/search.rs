//! The fake's search: entities whose name, title or description contain every word, then
//! the documents given with `with_search_docs` whose title or snippet do.

use backlot_model::search::{Search, SearchHit, SearchResults, TYPE_ENTITY, TypeCount};

use super::state::FakeState;

pub(super) fn search(state: &FakeState, q: &Search) -> SearchResults {
    let words: Vec<String> = q.query.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return SearchResults::default();
    }
    let matches = |text: &str| {
        let text = text.to_lowercase();
        words.iter().all(|w| text.contains(w.as_str()))
    };
    let mut all: Vec<SearchHit> = state
        .entities
        .iter()
        .filter(|e| {
            matches(&format!(
                "{} {} {}",
                e.name,
                e.title.as_deref().unwrap_or(""),
                e.description.as_deref().unwrap_or("")
            ))
        })
        .map(|e| SearchHit {
            doc_type: TYPE_ENTITY.into(),
            title: e.title.clone().unwrap_or_else(|| e.name.clone()),
            subtitle: Some(e.kind.to_lowercase()),
            snippet: e.description.clone(),
            location: String::new(),
            entity_ref: Some(e.entity_ref.clone()),
            team: false,
        })
        .collect();
    all.extend(
        state
            .search_docs
            .iter()
            .filter(|d| {
                matches(&format!(
                    "{} {}",
                    d.title,
                    d.snippet.as_deref().unwrap_or("")
                ))
            })
            .cloned(),
    );
    let mut by_type: Vec<TypeCount> = Vec::new();
    for hit in &all {
        match by_type.iter_mut().find(|t| t.doc_type == hit.doc_type) {
            Some(t) => t.count += 1,
            None => by_type.push(TypeCount {
                doc_type: hit.doc_type.clone(),
                count: 1,
            }),
        }
    }
    let wanted: Vec<SearchHit> = all
        .into_iter()
        .filter(|h| q.types.is_empty() || q.types.contains(&h.doc_type))
        .collect();
    let limit = if q.limit == 0 { 20 } else { q.limit as usize };
    SearchResults {
        total: wanted.len() as u64,
        hits: wanted
            .into_iter()
            .skip(q.offset as usize)
            .take(limit)
            .collect(),
        by_type,
        corrected: None,
        team_notice: None,
        indexing: false,
    }
}
